namespace Im.Orleans.Silo.Hosting;

/// <summary>
/// The PostgreSQL databases of a silo, read before the container exists because they decide what is registered:
/// Cluster:ConnectionString (membership) and Storage:Postgres:ConnectionString (grain state, message log), each
/// defaulting to the other so one setting is enough.
/// </summary>
internal sealed class SiloStorageSettings
{
    public const string ClusterKey = "Cluster:ConnectionString";
    public const string StorageKey = "Storage:Postgres:ConnectionString";

    public required string ClusterConnectionString { get; init; }

    public required string StorageConnectionString { get; init; }

    /// <summary>The settings, or null when neither connection string is configured.</summary>
    public static SiloStorageSettings? From(IConfiguration configuration)
    {
        var cluster = NullIfBlank(configuration[ClusterKey]);
        var storage = NullIfBlank(configuration[StorageKey]);
        if (cluster is null && storage is null) return null;
        return new SiloStorageSettings { ClusterConnectionString = cluster ?? storage!, StorageConnectionString = storage ?? cluster! };
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
