-- Claims in blocks. A job's state was a row of its own, rewritten twice per test (claimed,
-- done). Now a runner leases a block of consecutive jobs with one row; a job is done when
-- its result exists, running while its block is leased, pending otherwise. The writer
-- closes a block once every job in it has a result. Existing jobs become one-job blocks
-- with their state, lease and claim count; each job's target moves beside its item.
CREATE TABLE job_blocks (
    evaluation_id     TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    first_seq         BIGINT NOT NULL,
    last_seq          BIGINT NOT NULL,
    state             TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done')),
    lease_owner       TEXT,
    lease_expires_at  BIGINT,
    attempts          BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (evaluation_id, first_seq)
);
INSERT INTO job_blocks (evaluation_id, first_seq, last_seq, state, lease_owner, lease_expires_at, attempts)
    SELECT evaluation_id, seq, seq, state, lease_owner, lease_expires_at, attempts FROM jobs;
CREATE INDEX job_blocks_pending ON job_blocks (evaluation_id, first_seq) WHERE state = 'pending';
CREATE INDEX job_blocks_leased ON job_blocks (lease_expires_at) WHERE state = 'running';

ALTER TABLE job_items ADD COLUMN target_index INTEGER NOT NULL DEFAULT 0;
UPDATE job_items i SET target_index = j.target_index FROM jobs j WHERE j.evaluation_id = i.evaluation_id AND j.seq = i.seq;
DROP TABLE jobs;
