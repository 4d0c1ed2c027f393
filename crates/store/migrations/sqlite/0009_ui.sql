-- The web UI: sign-in sessions (the cookie holds a random token; only its hash is kept) with
-- the principal they act as and their CSRF token, and an index that serves the overview's
-- newest-first pages of a team's evaluations without a sort.
CREATE TABLE ui_sessions (
    token_hash  TEXT PRIMARY KEY,
    team_id     TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL,
    key_id      TEXT NOT NULL,
    csrf        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX ui_sessions_by_expiry ON ui_sessions (expires_at);
CREATE INDEX evaluations_by_team_recent ON evaluations (team_id, created_at, id);
