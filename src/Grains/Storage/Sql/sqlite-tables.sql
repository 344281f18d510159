-- Tables behind the Orleans ADO.NET grain storage provider on SQLite (the single-process embedded mode, so no
-- clustering tables). OrleansSchema runs this on every start: each statement must be harmless when re-run.

-- The provider loads its SQL from here at start-up; the name and the two columns are fixed by it.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- Same shape and meaning as the PostgreSQL table: a cleared state keeps its row (payload NULL) so the version keeps
-- counting and a writer holding an ETag from before the clear still conflicts.
CREATE TABLE IF NOT EXISTS orleans_grain_state
(
    service_id         TEXT    NOT NULL,
    grain_type_hash    INTEGER NOT NULL,
    grain_id_hash      INTEGER NOT NULL,
    grain_type         TEXT    NOT NULL,
    grain_id_n0        INTEGER NOT NULL,
    grain_id_n1        INTEGER NOT NULL,
    grain_id_extension TEXT    NULL,
    payload            BLOB    NULL,
    version            INTEGER NOT NULL,
    modified_on        TEXT    NOT NULL
);

-- Unique, so a grain's first state cannot be inserted twice; a NULL extension and an empty one are different grains.
CREATE UNIQUE INDEX IF NOT EXISTS orleans_grain_state_key ON orleans_grain_state
    (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1,
     ifnull(grain_id_extension, ''), grain_id_extension IS NULL);
