namespace Im.Orleans.Storage;

/// <summary>Every SQL statement <see cref="SqliteGrainStorage"/> runs.</summary>
internal static class SqliteStorageSql
{
    /// <summary>Schema version this code writes; a later version adds its migration after <see cref="CreateSchema"/>.</summary>
    public const int SchemaVersion = 1;

    // Persistent in the file: WAL lets readers proceed while one writer commits.
    public const string EnableWal = "PRAGMA journal_mode = WAL;";

    // A row per (grain type, key, state name). Cleared state keeps its row (payload NULL) so versions never restart.
    // grain_state_schema records which migrations ran; version 1 is this table as created here.
    public const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS grain_state (
            grain_type  TEXT    NOT NULL,
            grain_key   TEXT    NOT NULL,
            state_name  TEXT    NOT NULL,
            version     INTEGER NOT NULL,
            payload     TEXT    NULL,
            modified_at TEXT    NOT NULL,
            PRIMARY KEY (grain_type, grain_key, state_name)
        );
        CREATE TABLE IF NOT EXISTS grain_state_schema (
            version    INTEGER PRIMARY KEY,
            applied_at TEXT    NOT NULL
        );
        INSERT INTO grain_state_schema (version, applied_at)
        VALUES (1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT DO NOTHING;
        """;

    public const string Read = """
        SELECT version, payload FROM grain_state
        WHERE grain_type = $type AND grain_key = $key AND state_name = $state;
        """;

    public const string Insert = """
        INSERT INTO grain_state (grain_type, grain_key, state_name, version, payload, modified_at)
        VALUES ($type, $key, $state, 1, $payload, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT DO NOTHING;
        """;

    public const string Update = """
        UPDATE grain_state
        SET version = $newVersion, payload = $payload, modified_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        WHERE grain_type = $type AND grain_key = $key AND state_name = $state AND version = $expectedVersion;
        """;
}
