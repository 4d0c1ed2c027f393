-- A team's own prompts (/v1/prompts), searchable by relevance through a full-text index of
-- `search_text` (the prompt's messages, description and tags).
CREATE TABLE team_prompts (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    config_id TEXT NOT NULL,
    text TEXT NOT NULL,
    tags TEXT NOT NULL,
    description TEXT NOT NULL,
    is_runtime BOOLEAN NOT NULL,
    search_text TEXT NOT NULL,
    search_vector TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX team_prompts_by_team ON team_prompts (team_id, created_at);
CREATE INDEX team_prompts_search ON team_prompts USING GIN (search_vector);
