-- The engine: evaluations, their jobs (the durable queue), one result per job with its
-- detections, and the events every change emits. A result's key is its job's key, so a
-- replayed job cannot write a second result.
CREATE TABLE evaluations (
    id           TEXT PRIMARY KEY,
    team_id      TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    suite        TEXT NOT NULL,
    targets      TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'aborted', 'failed')),
    total        INTEGER NOT NULL DEFAULT 0,
    done         INTEGER NOT NULL DEFAULT 0,
    passed       INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    errored      INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    created_at   INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER
);
CREATE INDEX evaluations_by_team ON evaluations (team_id, created_at);
CREATE INDEX evaluations_by_state ON evaluations (state);

CREATE TABLE jobs (
    evaluation_id     TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    seq               INTEGER NOT NULL,
    target_index      INTEGER NOT NULL,
    item              TEXT NOT NULL,
    state             TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done')),
    lease_owner       TEXT,
    lease_expires_at  INTEGER,
    attempts          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (evaluation_id, seq)
);
CREATE INDEX jobs_by_state ON jobs (evaluation_id, state, seq);
CREATE INDEX jobs_by_lease ON jobs (state, lease_expires_at);

CREATE TABLE results (
    evaluation_id      TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    seq                INTEGER NOT NULL,
    target_index       INTEGER NOT NULL,
    probe_id           TEXT NOT NULL,
    harness            TEXT NOT NULL,
    scenario           TEXT NOT NULL,
    converter          TEXT,
    prompt             TEXT NOT NULL,
    messages           TEXT NOT NULL,
    passed             INTEGER,
    score              REAL,
    latency_ms         INTEGER NOT NULL,
    prompt_tokens      INTEGER NOT NULL,
    completion_tokens  INTEGER NOT NULL,
    error              TEXT,
    created_at         INTEGER NOT NULL,
    PRIMARY KEY (evaluation_id, seq)
);
CREATE INDEX results_by_slice ON results (evaluation_id, harness, scenario);

CREATE TABLE detections (
    evaluation_id  TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    detector       TEXT NOT NULL,
    version        INTEGER NOT NULL,
    hit            INTEGER NOT NULL,
    passed         INTEGER NOT NULL,
    score          REAL NOT NULL,
    reasoning      TEXT NOT NULL,
    findings       TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, seq, position),
    FOREIGN KEY (evaluation_id, seq) REFERENCES results (evaluation_id, seq) ON DELETE CASCADE
);

CREATE TABLE events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    evaluation_id  TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    data           TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX events_by_evaluation ON events (evaluation_id, id);
