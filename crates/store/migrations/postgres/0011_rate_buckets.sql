-- Token buckets shared by every runner on this database: one per rate-limited provider key or
-- stored target, so N workers together start at most the limit's requests per interval.
CREATE TABLE rate_buckets (
    key         TEXT PRIMARY KEY,
    tokens      DOUBLE PRECISION NOT NULL,
    refilled_ms BIGINT NOT NULL
);
