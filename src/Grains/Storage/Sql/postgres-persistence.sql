-- OrleansQuery rows for Microsoft.Orleans.Persistence.AdoNet on PostgreSQL, one per "-- query: <QueryKey>" section.
-- A grain state is identified by @ServiceId, @GrainTypeString (the state name), @GrainIdN0/@GrainIdN1 and
-- @GrainIdExtensionString (NULL when the key has none); @GrainIdHash/@GrainTypeHash only narrow the index scan.
-- @GrainStateVersion is the ETag the grain holds (NULL before its first write). The provider treats a returned
-- version that is NULL, or equal to the one it sent, as a conflict and throws InconsistentStateException, so the
-- write, clear and delete queries always return exactly one row and put NULL there when nothing was changed.

-- query: ReadFromStorageKey
-- No row, or a NULL payload (cleared), gives the grain a fresh state; the version still becomes its ETag.
SELECT payload AS "PayloadBinary", version AS "Version"
FROM orleans_grain_state
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
  AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString;

-- query: WriteToStorageKey
-- With an ETag: update only the row still at that version (a concurrent writer holds the row lock; once it commits the
-- re-check sees the new version and updates nothing). Without one: insert, and a row that already exists (another
-- activation wrote first) is a conflict, not an overwrite.
WITH updated AS (
    UPDATE orleans_grain_state
    SET payload = @PayloadBinary, version = version + 1, modified_on = now()
    WHERE @GrainStateVersion IS NOT NULL AND version = @GrainStateVersion
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING version
), inserted AS (
    INSERT INTO orleans_grain_state
        (service_id, grain_type_hash, grain_id_hash, grain_type, grain_id_n0, grain_id_n1, grain_id_extension, payload, version)
    SELECT @ServiceId, @GrainTypeHash, @GrainIdHash, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
           @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted) AS "NewGrainStateVersion";

-- query: ClearStorageKey
-- Keeps the row with a NULL payload and a higher version (see the table's comment).
WITH cleared AS (
    UPDATE orleans_grain_state
    SET payload = NULL, version = version + 1, modified_on = now()
    WHERE version = @GrainStateVersion
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING version
)
SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion";

-- query: DeleteStorageKey
-- Used instead of the clear when the storage is configured with DeleteStateOnClear. Returns a version past the deleted
-- one only as the success signal: the provider drops the grain's ETag afterwards, so its next write inserts.
WITH deleted AS (
    DELETE FROM orleans_grain_state
    WHERE version = @GrainStateVersion
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING version
)
SELECT (SELECT version + 1 FROM deleted) AS "NewGrainStateVersion";
