-- The third verdict: a detection that could not decide, counted apart from pass and fail
-- (a result is unscorable when it has neither a verdict nor an error), and judges' answers
-- kept so the same grading request gets the same verdict on a re-run.
ALTER TABLE detections ADD COLUMN unscorable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE evaluations ADD COLUMN unscorable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE probe_counts ADD COLUMN unscorable INTEGER NOT NULL DEFAULT 0;

CREATE TABLE judge_answers (
    key         TEXT PRIMARY KEY,
    judge       TEXT NOT NULL,
    answer      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
