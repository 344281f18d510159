namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// Which database backs grain state, the message log and accounts ("Storage" section). Without a PostgreSQL
/// connection string everything lives in SQLite files under the data directory (the embedded default).
/// </summary>
public sealed class StorageSettings
{
    public const string SectionName = "Storage";

    /// <summary>"Storage:Postgres:ConnectionString"; when set, grain storage, the message store and accounts use PostgreSQL.</summary>
    public string? PostgresConnectionString { get; init; }

    public bool UsePostgres => !string.IsNullOrWhiteSpace(PostgresConnectionString);

    /// <summary>Reads the settings before the container exists, because they decide which services to register.</summary>
    public static StorageSettings From(IConfiguration configuration) => new()
    {
        PostgresConnectionString = configuration[$"{SectionName}:Postgres:ConnectionString"],
    };
}
