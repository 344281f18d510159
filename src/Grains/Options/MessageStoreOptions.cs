namespace Im.Orleans.Grains.Options;

/// <summary>Where messages are stored, bound from "Chat:MessageStore": PostgreSQL when a connection string is set, else SQLite.</summary>
public sealed class MessageStoreOptions
{
    public const string Section = "Chat:MessageStore";

    /// <summary>An Npgsql connection string; when set the PostgreSQL store is used.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>The folder of the SQLite database file (created if missing).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The SQLite database file name inside <see cref="DataDirectory"/>.</summary>
    public string SqliteFileName { get; set; } = "messages.db";

    /// <summary>How long a SQLite write waits for another writer's lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How appends of many conversations share one commit (Chat:MessageStore:GroupCommit).</summary>
    public GroupCommitOptions GroupCommit { get; set; } = new();

    /// <summary>True when the PostgreSQL store is configured.</summary>
    public bool UsesPostgres => !string.IsNullOrWhiteSpace(PostgresConnectionString);

    /// <summary>The full path of the SQLite database file.</summary>
    public string SqlitePath => Path.GetFullPath(Path.Combine(DataDirectory, SqliteFileName));
}
