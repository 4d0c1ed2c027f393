-- Ingest (`POST /api/ingest`): projects per team, runs of assertion results sent by other
-- tools' CI reporters (one row per run with its totals), their evaluations, the digests of
-- the batches already stored (a re-sent batch changes nothing), and each team's monthly
-- usage against its quota. A disabled team may not ingest. (Evaluations are keyed by
-- the run's integer key; SQLite keeps them in that key's B-tree, WITHOUT ROWID: one small key
-- and one tree to write per row.)
ALTER TABLE teams ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    team_id     TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (team_id, slug)
);

CREATE TABLE ingest_runs (
    id                    INTEGER PRIMARY KEY,
    project_id            TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    run_id                TEXT NOT NULL,
    run                   TEXT NOT NULL,
    total                 INTEGER NOT NULL DEFAULT 0,
    passed                INTEGER NOT NULL DEFAULT 0,
    failed                INTEGER NOT NULL DEFAULT 0,
    inconclusive          INTEGER NOT NULL DEFAULT 0,
    judge_cost_usd        REAL NOT NULL DEFAULT 0,
    judge_latency_ms      REAL NOT NULL DEFAULT 0,
    input_rejected        INTEGER NOT NULL DEFAULT 0,
    rate_limited          INTEGER NOT NULL DEFAULT 0,
    backoff_ms            INTEGER NOT NULL DEFAULT 0,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    UNIQUE (project_id, run_id)
);
CREATE INDEX ingest_runs_by_project ON ingest_runs (project_id, created_at);

CREATE TABLE ingest_batches (
    run_key     INTEGER NOT NULL REFERENCES ingest_runs (id) ON DELETE CASCADE,
    digest      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (run_key, digest)
);

CREATE TABLE ingest_evaluations (
    run_key         INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    assertion_type  TEXT NOT NULL,
    result          TEXT NOT NULL,
    body            TEXT NOT NULL,
    -- No foreign key: it would look the run up once per row, 500 times a batch; rows are
    -- only written by the transaction that has just created or locked their run.
    PRIMARY KEY (run_key, seq)
) WITHOUT ROWID;

CREATE TABLE ingest_usage (
    team_id      TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    month        TEXT NOT NULL,
    evaluations  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (team_id, month)
);
