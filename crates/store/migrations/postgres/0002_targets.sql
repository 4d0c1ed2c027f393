-- Targets as stored objects (settings as JSON; the credential sealed with AES-256-GCM) and
-- the sessions of assay's own contract endpoints.
CREATE TABLE targets (
    id          TEXT PRIMARY KEY,
    team_id     TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    settings    TEXT NOT NULL,
    credential  TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (team_id, name)
);

CREATE TABLE contract_sessions (
    id          TEXT PRIMARY KEY,
    team_id     TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    target_id   TEXT REFERENCES targets (id) ON DELETE CASCADE,
    system      TEXT,
    messages    TEXT NOT NULL DEFAULT '[]',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    ended_at    BIGINT
);
CREATE INDEX contract_sessions_by_team ON contract_sessions (team_id);
