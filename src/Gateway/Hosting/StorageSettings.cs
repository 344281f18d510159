using Im.Orleans.Grains.Hosting;

namespace Im.Orleans.Gateway.Hosting;

/// <summary>
/// Which database backs grain state, the message log, accounts and uploaded files ("Storage" section). Without a
/// PostgreSQL connection string everything lives under the data directory: SQLite files and the uploads themselves
/// (the embedded default).
/// </summary>
public sealed class StorageSettings
{
    public const string SectionName = "Storage";

    /// <summary>"Storage:Postgres:ConnectionString"; when set, grain storage, the message store, accounts and uploaded files use PostgreSQL.</summary>
    public string? PostgresConnectionString { get; init; }

    public bool UsePostgres => !string.IsNullOrWhiteSpace(PostgresConnectionString);

    /// <summary>True with "Cluster:ConnectionString": the gateway is a cluster client and hosts no grains.</summary>
    public bool IsClusterClient { get; init; }

    /// <summary>
    /// Reads the settings before the container exists, because they decide which services to register. In a cluster
    /// the accounts and uploaded files live in the cluster's database unless Storage:Postgres:ConnectionString names another.
    /// </summary>
    public static StorageSettings From(IConfiguration configuration)
    {
        var cluster = configuration[$"{ClusterSettings.SectionName}:ConnectionString"];
        var isCluster = !string.IsNullOrWhiteSpace(cluster);
        var postgres = configuration[$"{SectionName}:Postgres:ConnectionString"];
        return new StorageSettings
        {
            PostgresConnectionString = string.IsNullOrWhiteSpace(postgres) && isCluster ? cluster : postgres,
            IsClusterClient = isCluster,
        };
    }
}
