namespace Im.Orleans.Membership;

/// <summary>Every SQL statement <see cref="PostgresMembershipTable"/> runs. Parameter $1 is always the cluster id.</summary>
internal static class PostgresMembershipSql
{
    // Run in one transaction under an advisory lock: concurrent CREATE TABLE IF NOT EXISTS from several nodes can
    // otherwise fail with a unique violation on pg_type. The key is an arbitrary constant owned by this table
    // (grain storage uses 4747001). role and status hold the NodeRole and SiloStatus values.
    public const string CreateSchema = """
        SELECT pg_advisory_xact_lock(4747002);
        CREATE TABLE IF NOT EXISTS im_membership (
            cluster_id  text        NOT NULL,
            node_id     text        NOT NULL,
            role        smallint    NOT NULL,
            host        text        NOT NULL,
            port        integer     NOT NULL,
            status      smallint    NOT NULL,
            started_at  timestamptz NOT NULL,
            i_am_alive  timestamptz NOT NULL,
            version     integer     NOT NULL,
            PRIMARY KEY (cluster_id, node_id)
        );
        """;

    public const string ReadAll = """
        SELECT node_id, role, host, port, status, started_at, i_am_alive, version
        FROM im_membership
        WHERE cluster_id = $1
        ORDER BY node_id
        """;

    // $2 node_id, $3 role, $4 host, $5 port, $6 started_at.
    public const string Insert = """
        INSERT INTO im_membership (cluster_id, node_id, role, host, port, status, started_at, i_am_alive, version)
        VALUES ($1, $2, $3, $4, $5, 2, $6, now(), 1)
        """;

    // $2 node_id, $3 new status, $4 expected version. A Dead row stays dead: a restarted node joins under a new id.
    public const string UpdateStatus = """
        UPDATE im_membership
        SET status = $3, version = version + 1
        WHERE cluster_id = $1 AND node_id = $2 AND version = $4 AND status <> 6
        """;

    // $2 node_id. Touching a Dead row would hide from the node that it was declared dead.
    public const string Heartbeat = """
        UPDATE im_membership
        SET i_am_alive = now()
        WHERE cluster_id = $1 AND node_id = $2 AND status <> 6
        """;

    // $2 timeout. One statement, so two nodes declaring at once bump each row once; the database clock decides.
    public const string DeclareSilentDead = """
        UPDATE im_membership
        SET status = 6, version = version + 1
        WHERE cluster_id = $1 AND status <> 6 AND i_am_alive < now() - $2
        """;

    // $2 age.
    public const string DeleteDeadOlderThan = """
        DELETE FROM im_membership
        WHERE cluster_id = $1 AND status = 6 AND i_am_alive < now() - $2
        """;
}
