-- The prompt workbench (`/api/v1`): prompts with numbered revisions, evaluation templates, the
-- workbench's view of an engine evaluation and its case runs (one per case × model; a case
-- run's status derives from its job and result), and the per-team notifications that the
-- general SSE queue serves with incremental ids.
CREATE TABLE prompts (
    id           TEXT PRIMARY KEY,
    team_id      TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX prompts_by_team ON prompts (team_id, created_at);

CREATE TABLE prompt_revisions (
    id          TEXT PRIMARY KEY,
    prompt_id   TEXT NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    content     TEXT NOT NULL,
    notes       TEXT NOT NULL DEFAULT '',
    remarks     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (prompt_id, number)
);

CREATE TABLE evaluation_templates (
    id           TEXT PRIMARY KEY,
    team_id      TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    prompt_id    TEXT NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    cases        TEXT NOT NULL,
    tools        TEXT NOT NULL,
    contexts     TEXT NOT NULL,
    models       TEXT NOT NULL,
    access_mode  TEXT NOT NULL CHECK (access_mode IN ('managed', 'private', 'team')),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX evaluation_templates_by_team ON evaluation_templates (team_id, created_at);

CREATE TABLE workbench_evaluations (
    evaluation_id       TEXT PRIMARY KEY REFERENCES evaluations (id) ON DELETE CASCADE,
    team_id             TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    prompt_id           TEXT,
    revision_id         TEXT,
    template_id         TEXT,
    name                TEXT NOT NULL,
    prompt_content      TEXT NOT NULL,
    definition          TEXT NOT NULL,
    access_mode         TEXT NOT NULL,
    session_token_hash  TEXT,
    created_at          INTEGER NOT NULL
);
CREATE INDEX workbench_evaluations_by_team ON workbench_evaluations (team_id, created_at);

CREATE TABLE case_runs (
    id             TEXT PRIMARY KEY,
    evaluation_id  TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    model          TEXT NOT NULL,
    definition     TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    UNIQUE (evaluation_id, seq)
);

-- A case job's structured outcome: the judge's verdict and the thread with its roles.
ALTER TABLE results ADD COLUMN outcome TEXT;

CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id     TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    refs        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX notifications_by_team ON notifications (team_id, id);
