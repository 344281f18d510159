-- Tables behind the Orleans ADO.NET clustering and grain storage providers (PostgreSQL). OrleansSchema runs this on
-- every start, under an advisory lock, so each statement must be harmless when its object already exists.

-- The providers load their SQL from here at start-up; the name and the two columns are fixed by them.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- One row per cluster ("DeploymentId" to the provider). Its version is the membership table's ETag: every row insert
-- or update bumps it in the same statement, so a silo acting on a stale read of the table fails instead of winning.
CREATE TABLE IF NOT EXISTS orleans_membership_version
(
    deployment_id text        NOT NULL PRIMARY KEY,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address, port, generation). Deleting a cluster's version row takes its silos along.
CREATE TABLE IF NOT EXISTS orleans_membership
(
    deployment_id   text        NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
    address         varchar(45) NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer     NOT NULL,
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Grain state, one row per (service, state name, grain id). A cleared state keeps its row (payload NULL) so the
-- version keeps counting and a writer holding an ETag from before the clear still conflicts.
CREATE TABLE IF NOT EXISTS orleans_grain_state
(
    service_id         text        NOT NULL,
    grain_type_hash    integer     NOT NULL,
    grain_id_hash      integer     NOT NULL,
    grain_type         text        NOT NULL,
    grain_id_n0        bigint      NOT NULL,
    grain_id_n1        bigint      NOT NULL,
    grain_id_extension text        NULL,
    payload            bytea       NULL,
    version            integer     NOT NULL,
    modified_on        timestamptz NOT NULL DEFAULT now()
);

-- Unique, so that two activations writing a grain's first state cannot both insert it. The hashes lead because every
-- query has them; a NULL extension and an empty one are different grains, hence the IS NULL term.
CREATE UNIQUE INDEX IF NOT EXISTS orleans_grain_state_key ON orleans_grain_state
    (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1,
     coalesce(grain_id_extension, ''), (grain_id_extension IS NULL));
