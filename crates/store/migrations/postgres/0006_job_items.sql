-- A job's item (the test it runs, about a kilobyte of JSON) is written once and read once, at
-- claim, while its state changes twice (claimed, done). With the item in the job's row, each
-- change copied the item into a new row version; kept apart, a change copies a small row.
CREATE TABLE job_items (
    evaluation_id  TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    seq            BIGINT NOT NULL,
    item           TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, seq)
);
INSERT INTO job_items (evaluation_id, seq, item) SELECT evaluation_id, seq, item FROM jobs;
ALTER TABLE jobs DROP COLUMN item;

-- The indexes hold only the jobs they serve: pending ones for claims, leased ones for expiry.
DROP INDEX jobs_by_state;
DROP INDEX jobs_by_lease;
CREATE INDEX jobs_pending ON jobs (evaluation_id, seq) WHERE state = 'pending';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE state = 'running';
