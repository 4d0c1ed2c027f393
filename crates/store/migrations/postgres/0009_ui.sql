-- The web UI: sign-in sessions (the cookie holds a random token; only its hash is kept) with
-- the principal they act as and their CSRF token, and an index that serves the overview's
-- newest-first pages of a team's evaluations without a sort (with the columns the filters and
-- the search test, so rows that do not match are skipped without reading them), and one that finds the latest
-- evaluations with results of one target list (the trends) without walking the empty ones.
CREATE TABLE ui_sessions (
    token_hash  TEXT PRIMARY KEY,
    team_id     TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL,
    key_id      TEXT NOT NULL,
    csrf        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX ui_sessions_by_expiry ON ui_sessions (expires_at);
CREATE INDEX evaluations_by_team_recent ON evaluations (team_id, created_at, id, state, name, targets);
CREATE INDEX evaluations_with_results_by_targets ON evaluations (team_id, targets, created_at, id) WHERE done > 0;
