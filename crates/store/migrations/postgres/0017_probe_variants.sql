-- A team's own variant of a library probe (PUT /v1/probe-configs/{id}): prompts and
-- detectors in place of the library's (JSON lists, NULL: the library's), or the probe off.
CREATE TABLE probe_variants (
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    probe_id TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    prompts TEXT,
    detectors TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, probe_id)
);
