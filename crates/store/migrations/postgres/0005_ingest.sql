-- Ingest (`POST /api/ingest`): projects per team, runs of assertion results sent by other
-- tools' CI reporters (one row per run with its totals), their evaluations, the digests of
-- the batches already stored (a re-sent batch changes nothing), and each team's monthly
-- usage against its quota. A disabled team may not ingest. (Evaluations are keyed by
-- the run's integer key; a small key to write per row.)
ALTER TABLE teams ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    team_id     TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (team_id, slug)
);

CREATE TABLE ingest_runs (
    id                    BIGSERIAL PRIMARY KEY,
    project_id            TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    run_id                TEXT NOT NULL,
    run                   TEXT NOT NULL,
    total                 BIGINT NOT NULL DEFAULT 0,
    passed                BIGINT NOT NULL DEFAULT 0,
    failed                BIGINT NOT NULL DEFAULT 0,
    inconclusive          BIGINT NOT NULL DEFAULT 0,
    judge_cost_usd        DOUBLE PRECISION NOT NULL DEFAULT 0,
    judge_latency_ms      DOUBLE PRECISION NOT NULL DEFAULT 0,
    input_rejected        BIGINT NOT NULL DEFAULT 0,
    rate_limited          BIGINT NOT NULL DEFAULT 0,
    backoff_ms            BIGINT NOT NULL DEFAULT 0,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    UNIQUE (project_id, run_id)
);
CREATE INDEX ingest_runs_by_project ON ingest_runs (project_id, created_at);

CREATE TABLE ingest_batches (
    run_key     BIGINT NOT NULL REFERENCES ingest_runs (id) ON DELETE CASCADE,
    digest      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (run_key, digest)
);

CREATE TABLE ingest_evaluations (
    run_key         BIGINT NOT NULL,
    seq             BIGINT NOT NULL,
    assertion_type  TEXT NOT NULL,
    result          TEXT NOT NULL,
    body            TEXT NOT NULL,
    -- No foreign key: it would look the run up once per row, 500 times a batch; rows are
    -- only written by the transaction that has just created or locked their run.
    PRIMARY KEY (run_key, seq)
);

CREATE TABLE ingest_usage (
    team_id      TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    month        TEXT NOT NULL,
    evaluations  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (team_id, month)
);
