-- A job's item (the test it runs, about a kilobyte of JSON) is written once and read once, at
-- claim, while its state changes twice (claimed, done). With the item in the job's row, each
-- change rewrote the item's pages; kept apart, a change rewrites a small row.
CREATE TABLE job_items (
    evaluation_id  TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    item           TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, seq)
);
INSERT INTO job_items (evaluation_id, seq, item) SELECT evaluation_id, seq, item FROM jobs;

-- The small rows live in their primary key's B-tree (no separate rowid table), and the
-- indexes hold only the jobs they serve: pending ones for claims, leased ones for expiry.
CREATE TABLE job_states (
    evaluation_id     TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    seq               INTEGER NOT NULL,
    target_index      INTEGER NOT NULL,
    state             TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done')),
    lease_owner       TEXT,
    lease_expires_at  INTEGER,
    attempts          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (evaluation_id, seq)
) WITHOUT ROWID;
INSERT INTO job_states (evaluation_id, seq, target_index, state, lease_owner, lease_expires_at, attempts)
    SELECT evaluation_id, seq, target_index, state, lease_owner, lease_expires_at, attempts FROM jobs;
DROP TABLE jobs;
ALTER TABLE job_states RENAME TO jobs;
CREATE INDEX jobs_pending ON jobs (evaluation_id, seq) WHERE state = 'pending';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE state = 'running';
