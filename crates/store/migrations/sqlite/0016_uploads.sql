-- Files uploaded to assay itself (an agent's documents, a custom harness's policy file):
-- announced first with their name, type, size and MD5, then PUT to a one-time URL whose
-- token only its hash is kept of. The bytes live here, in the team's rows.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_type TEXT NOT NULL,
    file_size INTEGER NOT NULL,
    checksum TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at INTEGER NOT NULL,
    content BLOB,
    uploaded_at INTEGER,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX uploads_by_owner ON uploads (team_id, owner_kind, owner_id);
