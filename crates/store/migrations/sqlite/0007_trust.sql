-- The trust-platform API (/v1): provider keys, the /v1 settings of an evaluation beside the
-- engine's row, per-probe counters (so every level of the results tree is scored from
-- counters, never by reading results), detections, reports and people's feedback.
CREATE TABLE provider_keys (
    id                       TEXT PRIMARY KEY,
    team_id                  TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name                     TEXT NOT NULL,
    hub                      TEXT NOT NULL,
    url                      TEXT,
    rate_limit_per_interval  INTEGER NOT NULL,
    rate_limit_interval      INTEGER NOT NULL,
    secret                   TEXT,
    hub_config               TEXT,
    hub_config_fields        TEXT NOT NULL DEFAULT '[]',
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL,
    UNIQUE (team_id, name)
);

CREATE TABLE trust_evaluations (
    evaluation_id       TEXT PRIMARY KEY REFERENCES evaluations (id) ON DELETE CASCADE,
    team_id             TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    hub                 TEXT NOT NULL,
    model               TEXT,
    url                 TEXT,
    api_key_id          TEXT,
    harness_config_ids  TEXT NOT NULL,
    version             TEXT NOT NULL,
    tags                TEXT NOT NULL DEFAULT '[]',
    settings            TEXT NOT NULL,
    created_by          TEXT,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX trust_evaluations_by_team ON trust_evaluations (team_id);

CREATE TABLE probe_counts (
    evaluation_id  TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    probe_id       TEXT NOT NULL,
    harness        TEXT NOT NULL,
    scenario       TEXT NOT NULL,
    total          INTEGER NOT NULL DEFAULT 0,
    done           INTEGER NOT NULL DEFAULT 0,
    passed         INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    errored        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (evaluation_id, probe_id)
) WITHOUT ROWID;

CREATE TABLE trust_detections (
    id           TEXT PRIMARY KEY,
    team_id      TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    detector_id  TEXT NOT NULL,
    status       TEXT NOT NULL,
    inputs       TEXT NOT NULL,
    params       TEXT NOT NULL,
    outputs      TEXT NOT NULL DEFAULT '[]',
    error        TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX trust_detections_by_status ON trust_detections (status);

CREATE TABLE trust_reports (
    id              TEXT PRIMARY KEY,
    evaluation_id   TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    team_id         TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    status          TEXT NOT NULL,
    status_message  TEXT NOT NULL DEFAULT '',
    content         TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX trust_reports_by_evaluation ON trust_reports (evaluation_id, created_at);

CREATE TABLE results_feedback (
    id             TEXT PRIMARY KEY,
    team_id        TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    evaluation_id  TEXT NOT NULL,
    response_id    TEXT NOT NULL,
    detector_id    TEXT NOT NULL,
    prompt_id      TEXT,
    value          REAL NOT NULL,
    message        TEXT,
    created_by     TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX results_feedback_by_team ON results_feedback (team_id, evaluation_id);
