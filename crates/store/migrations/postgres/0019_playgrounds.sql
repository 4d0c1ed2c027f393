-- Playgrounds (/v1/playgrounds): a person or an attacker chats with an agent configuration in
-- sessions; every message is kept in order, with detector verdicts on replies to attacks.
CREATE TABLE playgrounds (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    agent_configuration_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX playgrounds_by_team ON playgrounds (team_id, created_at);

CREATE TABLE playground_sessions (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    playground_id TEXT NOT NULL REFERENCES playgrounds (id) ON DELETE CASCADE,
    agent_configuration_id TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX playground_sessions_by_playground ON playground_sessions (playground_id, created_at);

CREATE TABLE playground_messages (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    playground_id TEXT NOT NULL REFERENCES playgrounds (id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES playground_sessions (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    attacker_id TEXT,
    verdicts TEXT NOT NULL,
    error TEXT,
    feedback TEXT,
    rating BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (session_id, seq)
);
CREATE INDEX playground_messages_by_playground ON playground_messages (playground_id, created_at);
