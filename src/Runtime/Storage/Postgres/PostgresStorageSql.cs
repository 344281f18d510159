namespace Im.Orleans.Storage;

/// <summary>Every SQL statement <see cref="PostgresGrainStorage"/> runs.</summary>
internal static class PostgresStorageSql
{
    /// <summary>Schema version this code writes; a later version adds its migration after <see cref="CreateSchema"/>.</summary>
    public const int SchemaVersion = 1;

    // Run in one transaction under an advisory lock: concurrent CREATE TABLE IF NOT EXISTS from several silos can
    // otherwise fail with a unique violation on pg_type. The lock key is an arbitrary constant owned by this schema.
    // payload is text, not jsonb: jsonb reorders keys, and System.Text.Json needs "$type" first for polymorphic state.
    // Cleared state keeps its row (payload NULL) so versions never restart. grain_state_schema records migrations.
    public const string CreateSchema = """
        SELECT pg_advisory_xact_lock(4747001);
        CREATE TABLE IF NOT EXISTS grain_state (
            grain_type  text        NOT NULL,
            grain_key   text        NOT NULL,
            state_name  text        NOT NULL,
            version     bigint      NOT NULL,
            payload     text        NULL,
            modified_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (grain_type, grain_key, state_name)
        );
        CREATE TABLE IF NOT EXISTS grain_state_schema (
            version    integer     PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        INSERT INTO grain_state_schema (version) VALUES (1) ON CONFLICT DO NOTHING;
        """;

    public const string Read = """
        SELECT version, payload FROM grain_state
        WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3
        """;

    public const string Insert = """
        INSERT INTO grain_state (grain_type, grain_key, state_name, version, payload, modified_at)
        VALUES ($1, $2, $3, 1, $4, now())
        ON CONFLICT DO NOTHING
        """;

    public const string Update = """
        UPDATE grain_state
        SET version = $6, payload = $4, modified_at = now()
        WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $5
        """;
}
