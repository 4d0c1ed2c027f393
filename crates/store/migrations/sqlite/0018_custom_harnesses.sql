-- Custom harnesses (/v1/harness-configs with stages): a stage holds what the harness-creation
-- agent reads (the agent's system prompt, the kinds of test, policy files among the uploads);
-- the agent writes a harness version of probes from it. Both are JSON documents in the
-- team's rows, with the columns they are found by.
CREATE TABLE harness_stages (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    harness_config_id TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    definition TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX harness_stages_by_team ON harness_stages (team_id, created_at);

CREATE TABLE custom_harnesses (
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    version TEXT NOT NULL,
    name TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    definition TEXT NOT NULL,
    stage_id TEXT,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, id, version)
);
