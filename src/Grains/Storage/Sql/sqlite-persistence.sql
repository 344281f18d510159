-- OrleansQuery rows for Microsoft.Orleans.Persistence.AdoNet on SQLite, one per "-- query: <QueryKey>" section.
-- Parameters and result contract as in postgres-persistence.sql: a returned version that is NULL, or equal to the
-- @GrainStateVersion sent, makes the provider throw InconsistentStateException. SQLite has no data-modifying CTEs,
-- so the write runs as several statements; the provider reads the rows of every result set, and the statements
-- are arranged so that exactly one row comes back in total when @GrainStateVersion is NULL and at most one otherwise
-- (no row at all, with an ETag sent, is also a conflict). changes() is per connection, so other writers cannot skew it.

-- query: ReadFromStorageKey
SELECT payload AS PayloadBinary, version AS Version
FROM orleans_grain_state
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
  AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension IS @GrainIdExtensionString;

-- query: WriteToStorageKey
-- With an ETag: update the row only if it is still at that version. Without one: insert; the trailing SELECT reports
-- NULL when the insert found a row already there (another activation wrote first), so that is a conflict too.
UPDATE orleans_grain_state
SET payload = @PayloadBinary, version = version + 1, modified_on = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE @GrainStateVersion IS NOT NULL AND version = @GrainStateVersion
  AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
  AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension IS @GrainIdExtensionString
RETURNING version AS NewGrainStateVersion;
INSERT INTO orleans_grain_state
    (service_id, grain_type_hash, grain_id_hash, grain_type, grain_id_n0, grain_id_n1, grain_id_extension, payload, version, modified_on)
SELECT @ServiceId, @GrainTypeHash, @GrainIdHash, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
       @PayloadBinary, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE @GrainStateVersion IS NULL
ON CONFLICT DO NOTHING
RETURNING version AS NewGrainStateVersion;
SELECT NULL AS NewGrainStateVersion WHERE @GrainStateVersion IS NULL AND changes() = 0;

-- query: ClearStorageKey
-- Keeps the row with a NULL payload and a higher version; NULL back when the row was not at the expected version.
UPDATE orleans_grain_state
SET payload = NULL, version = version + 1, modified_on = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE version = @GrainStateVersion
  AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
  AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension IS @GrainIdExtensionString
RETURNING version AS NewGrainStateVersion;
SELECT NULL AS NewGrainStateVersion WHERE changes() = 0;

-- query: DeleteStorageKey
-- Used instead of the clear with DeleteStateOnClear; the version past the deleted one only signals success.
DELETE FROM orleans_grain_state
WHERE version = @GrainStateVersion
  AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
  AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension IS @GrainIdExtensionString
RETURNING version + 1 AS NewGrainStateVersion;
SELECT NULL AS NewGrainStateVersion WHERE changes() = 0;
