-- Agent configurations (/v1/agent-configurations): a hub, a model, a system prompt and a
-- provider key under one name, which an evaluation may name instead of a hub/model pair.
CREATE TABLE agent_configurations (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    agent_name TEXT NOT NULL,
    hub TEXT NOT NULL,
    model_name TEXT NOT NULL,
    agent_url TEXT,
    api_key_id TEXT,
    agent_system_prompt TEXT,
    status TEXT NOT NULL,
    hub_config TEXT,
    rag_params TEXT,
    function_route_params TEXT,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX agent_configurations_by_team ON agent_configurations (team_id, created_at);
-- Names are unique among a team's active agents; an archived one frees its name.
CREATE UNIQUE INDEX agent_configurations_active_name ON agent_configurations (team_id, agent_name) WHERE status = 'active';

ALTER TABLE trust_evaluations ADD COLUMN agent_configuration_id TEXT;
