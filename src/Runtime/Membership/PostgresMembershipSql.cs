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
        ALTER TABLE im_membership ADD COLUMN IF NOT EXISTS suspected_since timestamptz;
        CREATE TABLE IF NOT EXISTS im_membership_votes (
            cluster_id  text        NOT NULL,
            target      text        NOT NULL,
            voter       text        NOT NULL,
            voted_at    timestamptz NOT NULL,
            PRIMARY KEY (cluster_id, target, voter)
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

    // $2 node_id. Touching a Dead row would hide from the node that it was declared dead. A heartbeat clears suspicion.
    public const string Heartbeat = """
        UPDATE im_membership
        SET i_am_alive = now(), suspected_since = NULL
        WHERE cluster_id = $1 AND node_id = $2 AND status <> 6
        """;

    // $2 suspect after (silence), $3 confirm after (suspicion). A row silent longer than $2 is first only suspected;
    // it is declared Dead by a later call once it has been suspected for $3 and is still silent. A freshly written
    // suspicion never kills, so after a pause of the database or of the nodes, when every heartbeat is old, the nodes
    // get $3 to heartbeat (and clear it) before anyone is declared dead. One statement, so two nodes declaring at once
    // bump each row once; the database clock decides. Answers how many rows became Dead.
    public const string DeclareSilentDead = """
        WITH changed AS (
            UPDATE im_membership
            SET status = CASE WHEN suspected_since <= now() - $3 THEN 6 ELSE status END,
                version = CASE WHEN suspected_since <= now() - $3 THEN version + 1 ELSE version END,
                suspected_since = COALESCE(suspected_since, now())
            WHERE cluster_id = $1 AND status <> 6 AND i_am_alive < now() - $2
            RETURNING status
        )
        SELECT count(*) FROM changed WHERE status = 6
        """;

    // $2 target, $3 voter. Run with DeclareVotedDead in one batch (one transaction, one now()).
    public const string Vote = """
        INSERT INTO im_membership_votes (cluster_id, target, voter, voted_at)
        VALUES ($1, $2, $3, now())
        ON CONFLICT (cluster_id, target, voter) DO UPDATE SET voted_at = excluded.voted_at
        """;

    // $2 target, $3 votes needed, $4 voter freshness, $5 minimum silence. Counts the votes cast since the target's
    // last heartbeat by nodes that are alive themselves (Active or ShuttingDown, recent heartbeat); needs $3 of them,
    // or all of them when fewer are alive, and at least one. The status condition is re-checked under the row lock,
    // so of two voters declaring at once only one bumps the version.
    public const string DeclareVotedDead = """
        WITH voters AS (
            SELECT node_id FROM im_membership
            WHERE cluster_id = $1 AND node_id <> $2 AND status IN (3, 4) AND i_am_alive >= now() - $4
        ),
        tally AS (
            SELECT count(*) AS votes, (SELECT count(*) FROM voters) AS live
            FROM im_membership_votes v
            JOIN voters ON voters.node_id = v.voter
            JOIN im_membership t ON t.cluster_id = v.cluster_id AND t.node_id = v.target
            WHERE v.cluster_id = $1 AND v.target = $2 AND v.voted_at >= t.i_am_alive
        )
        UPDATE im_membership m
        SET status = 6, version = m.version + 1
        FROM tally
        WHERE m.cluster_id = $1 AND m.node_id = $2 AND m.status <> 6 AND m.i_am_alive < now() - $5
          AND $3 > 0 AND tally.votes >= GREATEST(1, LEAST($3, tally.live))
        """;

    // $2 age.
    public const string DeleteOldVotes = """
        DELETE FROM im_membership_votes
        WHERE cluster_id = $1 AND voted_at < now() - $2
        """;

    // $2 age.
    public const string DeleteDeadOlderThan = """
        DELETE FROM im_membership
        WHERE cluster_id = $1 AND status = 6 AND i_am_alive < now() - $2
        """;
}
