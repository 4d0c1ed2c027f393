-- A team's own prompts (/v1/prompts), searchable by relevance through an FTS5 index of
-- `search_text` (the prompt's messages, description and tags), kept in step by triggers.
CREATE TABLE team_prompts (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    config_id TEXT NOT NULL,
    text TEXT NOT NULL,
    tags TEXT NOT NULL,
    description TEXT NOT NULL,
    is_runtime INTEGER NOT NULL,
    search_text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX team_prompts_by_team ON team_prompts (team_id, created_at);

CREATE VIRTUAL TABLE team_prompts_fts USING fts5(search_text, content = 'team_prompts', content_rowid = 'rowid', tokenize = 'porter unicode61');
CREATE TRIGGER team_prompts_fts_insert AFTER INSERT ON team_prompts BEGIN
    INSERT INTO team_prompts_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER team_prompts_fts_delete AFTER DELETE ON team_prompts BEGIN
    INSERT INTO team_prompts_fts (team_prompts_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER team_prompts_fts_update AFTER UPDATE ON team_prompts BEGIN
    INSERT INTO team_prompts_fts (team_prompts_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO team_prompts_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
