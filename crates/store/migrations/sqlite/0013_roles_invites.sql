-- Team roles and invites (issue 16). Roles are owner > admin > member > viewer; the user made
-- with each team was stored as 'admin' before owners existed, so it becomes the owner.
UPDATE users SET role = 'owner' WHERE role = 'admin' AND name = 'owner';
ALTER TABLE teams ADD COLUMN description TEXT;
ALTER TABLE users ADD COLUMN updated_at INTEGER;

-- An invitation of an email address into a team. It is answered once: PENDING becomes
-- ACCEPTED (user_id is then the member it made) or DECLINED.
CREATE TABLE invites (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    team_role TEXT NOT NULL,
    status TEXT NOT NULL,
    user_id TEXT,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX invites_by_team ON invites (team_id, created_at);
CREATE INDEX invites_by_email ON invites (lower(email));
