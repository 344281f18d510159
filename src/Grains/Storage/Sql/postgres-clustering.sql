-- OrleansQuery rows for Microsoft.Orleans.Clustering.AdoNet on PostgreSQL, one per "-- query: <QueryKey>" section.
-- The provider binds @DeploymentId (the cluster id), @Address/@Port/@Generation (a silo), @Version (the table ETag
-- it read), reads the columns by the names aliased below, and takes a single boolean from inserts and updates.

-- query: InsertMembershipVersionKey
-- True only for the call that created the cluster's version row.
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT count(*) > 0 FROM created;

-- query: InsertMembershipKey
-- The version bump locks the cluster's row, so of two silos inserting against the same version only one gets
-- through; the other sees the new version on re-check and reports false, which makes Orleans re-read and retry.
WITH bumped AS (
    UPDATE orleans_membership_version
    SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
      AND NOT EXISTS (
          SELECT 1 FROM orleans_membership
          WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
    RETURNING deployment_id
), inserted AS (
    INSERT INTO orleans_membership
        (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM bumped
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT count(*) > 0 FROM inserted;

-- query: UpdateMembershipKey
-- Same version check as the insert: status changes and suspicion votes must not overwrite a newer view.
WITH bumped AS (
    UPDATE orleans_membership_version
    SET version = version + 1, changed_at = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
      AND EXISTS (
          SELECT 1 FROM orleans_membership
          WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
    RETURNING deployment_id
), updated AS (
    UPDATE orleans_membership AS m
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    FROM bumped AS b
    WHERE m.deployment_id = b.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    RETURNING 1
)
SELECT count(*) > 0 FROM updated;

-- query: UpdateIAmAlivetimeKey
-- A heartbeat is not a membership change, so it leaves the version alone.
UPDATE orleans_membership
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;

-- query: MembershipReadRowKey
-- Starts from the version row so the ETag comes back even when the silo has no row (StartTime NULL means none).
SELECT v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version AS v
LEFT JOIN orleans_membership AS m
    ON m.deployment_id = v.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId;

-- query: MembershipReadAllKey
-- One statement, so the rows and the version come from the same snapshot.
SELECT v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version AS v
LEFT JOIN orleans_membership AS m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId;

-- query: GatewaysQueryKey
-- Clients call this: @Status is Active (3); a silo without a gateway has proxy port 0.
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM orleans_membership
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;

-- query: DeleteMembershipTableEntriesKey
-- The silo rows go with it (ON DELETE CASCADE).
DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId;

-- query: CleanupDefunctSiloEntryKey
-- Deletes one dead silo only if its row is still exactly what the provider judged expired (no newer heartbeat or
-- suspicion vote since), so a cleanup racing with a late update keeps the row.
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
  AND status = 6
  AND start_time = @StartTime AND i_am_alive_time = @IAmAliveTime
  AND coalesce(suspect_times, '') = coalesce(@SuspectTimes, '');

-- query: CleanupDefunctSiloEntriesKey
-- The provider uses the per-row query above when it exists; this bulk form is still required to be present.
-- Only dead silos (6) whose start and last heartbeat are both before the cut-off.
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId AND status = 6 AND start_time < @IAmAliveTime AND i_am_alive_time < @IAmAliveTime;
