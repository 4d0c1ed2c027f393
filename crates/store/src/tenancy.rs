//! Teams, users and API keys: the SQL of tenancy and the rows it decodes.

use assay_core::{ApiKey, Id, KeySecret, Plan, Principal, Team, TeamName, TeamRole, User, unix_now};

use crate::error::conflict_as;
use crate::{BeginWrite, Error, Result, Store, on_pool};

#[derive(sqlx::FromRow)]
struct TeamRow {
    id: String,
    name: String,
    plan: String,
    description: Option<String>,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: String,
    team_id: String,
    name: String,
    email: Option<String>,
    role: String,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct ApiKeyRow {
    id: String,
    team_id: String,
    user_id: String,
    name: String,
    prefix: String,
    created_at: i64,
    revoked_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct PrincipalRow {
    key_id: String,
    team_id: String,
    user_id: String,
    plan: String,
    role: String,
}

/// An id read back from the database; a malformed one means corrupt data.
pub(crate) fn stored_id(raw: &str) -> Result<Id> {
    Id::parse(raw).map_err(|e| Error::Corrupt(e.to_string()))
}

pub(crate) fn stored_plan(raw: &str) -> Result<Plan> {
    raw.parse().map_err(|e: assay_core::Error| Error::Corrupt(e.to_string()))
}

pub(crate) fn stored_role(raw: &str) -> Result<TeamRole> {
    raw.parse().map_err(|e: assay_core::Error| Error::Corrupt(e.to_string()))
}

impl TryFrom<TeamRow> for Team {
    type Error = Error;
    fn try_from(row: TeamRow) -> Result<Self> {
        Ok(Team {
            id: stored_id(&row.id)?,
            name: row.name,
            plan: stored_plan(&row.plan)?,
            description: row.description,
            created_at: row.created_at,
        })
    }
}

impl TryFrom<UserRow> for User {
    type Error = Error;
    fn try_from(row: UserRow) -> Result<Self> {
        Ok(User {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            name: row.name,
            email: row.email,
            role: stored_role(&row.role)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = Error;
    fn try_from(row: ApiKeyRow) -> Result<Self> {
        Ok(ApiKey {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            user_id: stored_id(&row.user_id)?,
            name: row.name,
            prefix: row.prefix,
            created_at: row.created_at,
            revoked_at: row.revoked_at,
        })
    }
}

fn convert_all<R, T: TryFrom<R, Error = Error>>(rows: Vec<R>) -> Result<Vec<T>> {
    rows.into_iter().map(T::try_from).collect()
}

const TEAM_COLUMNS: &str = "id, name, plan, description, created_at";
pub(crate) const USER_COLUMNS: &str = "id, team_id, name, email, role, created_at, COALESCE(updated_at, created_at) AS updated_at";
const KEY_COLUMNS: &str = "id, team_id, user_id, name, prefix, created_at, revoked_at";

/// Name of the user that owns a team's keys when no person is named.
pub const OWNER_USER_NAME: &str = "owner";

impl Store {
    /// Creates a team and its owner user in one transaction; 409-style [`Error::Conflict`]
    /// if the name is taken.
    pub async fn create_team(&self, name: &TeamName, plan: Plan) -> Result<(Team, User)> {
        self.create_team_owned_by(name, plan, None, OWNER_USER_NAME, None).await
    }

    /// Creates a team like [`Self::create_team`], with a description and an owner who is a
    /// named person (the `/v1` API's team creation copies its caller onto the new team).
    pub async fn create_team_owned_by(
        &self,
        name: &TeamName,
        plan: Plan,
        description: Option<&str>,
        owner_name: &str,
        owner_email: Option<&str>,
    ) -> Result<(Team, User)> {
        let team = Team {
            id: Id::generate(),
            name: name.as_str().to_owned(),
            plan,
            description: description.map(str::to_owned),
            created_at: unix_now(),
        };
        let owner = User {
            id: Id::generate(),
            team_id: team.id.clone(),
            name: owner_name.to_owned(),
            email: owner_email.map(str::to_owned),
            role: TeamRole::Owner,
            created_at: team.created_at,
            updated_at: team.created_at,
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("INSERT INTO teams (id, name, plan, description, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(team.id.as_str())
                .bind(&team.name)
                .bind(plan.as_str())
                .bind(team.description.as_deref())
                .bind(team.created_at)
                .execute(&mut *tx)
                .await
                .map_err(conflict_as("team"))?;
            sqlx::query("INSERT INTO users (id, team_id, name, email, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(owner.id.as_str())
                .bind(owner.team_id.as_str())
                .bind(&owner.name)
                .bind(owner.email.as_deref())
                .bind(owner.role.as_str())
                .bind(owner.created_at)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok((team, owner))
    }

    /// Deletes a team and everything it owns (users, keys, sessions, targets, evaluations with
    /// their jobs and results…: every team-owned table cascades). Results still in flight for
    /// its evaluations are dropped by the writer. Returns the team as it was; `None` if absent.
    pub async fn delete_team(&self, id: &Id) -> Result<Option<Team>> {
        let Some(team) = self.team(id).await? else { return Ok(None) };
        let _turn = self.write_turn().await;
        let deleted =
            on_pool!(self, pool => sqlx::query("DELETE FROM teams WHERE id = $1").bind(id.as_str()).execute(pool).await?.rows_affected());
        Ok((deleted > 0).then_some(team))
    }

    /// The team of that name, created (with `plan`) if it does not exist yet; safe against a
    /// concurrent creator.
    pub async fn team_or_create(&self, name: &TeamName, plan: Plan) -> Result<Team> {
        if let Some(team) = self.team_by_name(name).await? {
            return Ok(team);
        }
        match self.create_team(name, plan).await {
            Ok((team, _owner)) => Ok(team),
            // Another process created it between our lookup and insert.
            Err(Error::Conflict(what)) => self.team_by_name(name).await?.ok_or(Error::Conflict(what)),
            Err(other) => Err(other),
        }
    }

    pub async fn team(&self, id: &Id) -> Result<Option<Team>> {
        let sql = format!("SELECT {TEAM_COLUMNS} FROM teams WHERE id = $1");
        let row: Option<TeamRow> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.as_str()).fetch_optional(pool).await?);
        row.map(Team::try_from).transpose()
    }

    pub async fn team_by_name(&self, name: &TeamName) -> Result<Option<Team>> {
        let sql = format!("SELECT {TEAM_COLUMNS} FROM teams WHERE name = $1");
        let row: Option<TeamRow> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(name.as_str()).fetch_optional(pool).await?);
        row.map(Team::try_from).transpose()
    }

    pub async fn list_teams(&self) -> Result<Vec<Team>> {
        let sql = format!("SELECT {TEAM_COLUMNS} FROM teams ORDER BY name");
        let rows: Vec<TeamRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?);
        convert_all(rows)
    }

    /// Sets a team's plan; false if there is no such team.
    pub async fn set_team_plan(&self, id: &Id, plan: Plan) -> Result<bool> {
        let done = on_pool!(self, pool => sqlx::query("UPDATE teams SET plan = $1 WHERE id = $2")
            .bind(plan.as_str())
            .bind(id.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    /// Renames a team; `None` if there is no such team, [`Error::Conflict`] if the name is taken.
    pub async fn rename_team(&self, id: &Id, name: &TeamName) -> Result<Option<Team>> {
        self.update_team(id, Some(name), None).await
    }

    /// Changes a team's name and/or description (a `None` leaves that field as it is); `None`
    /// if there is no such team, [`Error::Conflict`] if the name is taken.
    pub async fn update_team(&self, id: &Id, name: Option<&TeamName>, description: Option<&str>) -> Result<Option<Team>> {
        let sql = format!(
            "UPDATE teams SET name = COALESCE($1, name), description = COALESCE($2, description) WHERE id = $3 RETURNING {TEAM_COLUMNS}"
        );
        let row: Option<TeamRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(name.map(TeamName::as_str))
            .bind(description)
            .bind(id.as_str())
            .fetch_optional(pool)
            .await
            .map_err(conflict_as("team name"))?);
        row.map(Team::try_from).transpose()
    }

    /// The team's owner user (created with the team).
    pub async fn team_owner(&self, team_id: &Id) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE team_id = $1 AND name = $2 ORDER BY created_at, id LIMIT 1");
        let row: Option<UserRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(OWNER_USER_NAME)
            .fetch_optional(pool)
            .await?);
        row.map(User::try_from).transpose()
    }

    /// Sets a user's email (how an invite finds its invitee); `None` if `user_id` is not a user
    /// of `team_id`, [`Error::Conflict`] if another user of the team has that address.
    pub async fn set_user_email(&self, team_id: &Id, user_id: &Id, email: &str) -> Result<Option<User>> {
        let sql = format!("UPDATE users SET email = $1, updated_at = $2 WHERE team_id = $3 AND id = $4 RETURNING {USER_COLUMNS}");
        let row: Option<UserRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(email)
            .bind(unix_now())
            .bind(team_id.as_str())
            .bind(user_id.as_str())
            .fetch_optional(pool)
            .await
            .map_err(conflict_as("user email"))?);
        row.map(User::try_from).transpose()
    }

    /// A user of `team_id`; a user of another team is reported as absent.
    pub async fn user(&self, team_id: &Id, id: &Id) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE team_id = $1 AND id = $2");
        let row: Option<UserRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(User::try_from).transpose()
    }

    pub async fn list_users(&self, team_id: &Id) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE team_id = $1 ORDER BY created_at, id");
        let rows: Vec<UserRow> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(team_id.as_str()).fetch_all(pool).await?);
        convert_all(rows)
    }

    /// Stores a new key for `user_id` of `team_id`; only the secret's hash is kept.
    pub async fn create_api_key(&self, team_id: &Id, user_id: &Id, name: &str, secret: &KeySecret) -> Result<ApiKey> {
        self.insert_api_key(team_id, user_id, name, secret, None).await
    }

    /// Stores a key like [`Self::create_api_key`] that stops authenticating at `expires_at`
    /// (Unix seconds).
    pub async fn create_expiring_api_key(
        &self,
        team_id: &Id,
        user_id: &Id,
        name: &str,
        secret: &KeySecret,
        expires_at: i64,
    ) -> Result<ApiKey> {
        self.insert_api_key(team_id, user_id, name, secret, Some(expires_at)).await
    }

    /// Revokes every live expiring key of the team named `name`; returns how many. Keys
    /// without an expiry are never touched, whatever their name.
    pub async fn revoke_expiring_api_keys(&self, team_id: &Id, name: &str) -> Result<u64> {
        Ok(on_pool!(self, pool => sqlx::query(
            "UPDATE api_keys SET revoked_at = $1 WHERE team_id = $2 AND name = $3 AND expires_at IS NOT NULL AND revoked_at IS NULL",
        )
        .bind(unix_now())
        .bind(team_id.as_str())
        .bind(name)
        .execute(pool)
        .await?
        .rows_affected()))
    }

    async fn insert_api_key(&self, team_id: &Id, user_id: &Id, name: &str, secret: &KeySecret, expires_at: Option<i64>) -> Result<ApiKey> {
        let key = ApiKey {
            id: Id::generate(),
            team_id: team_id.clone(),
            user_id: user_id.clone(),
            name: name.to_owned(),
            prefix: secret.display_prefix(),
            created_at: unix_now(),
            revoked_at: None,
        };
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO api_keys (id, team_id, user_id, name, prefix, secret_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(key.id.as_str())
        .bind(key.team_id.as_str())
        .bind(key.user_id.as_str())
        .bind(&key.name)
        .bind(&key.prefix)
        .bind(secret.hash())
        .bind(key.created_at)
        .bind(expires_at)
        .execute(pool)
        .await
        .map_err(conflict_as("api key"))
        .map(|_| ())?);
        Ok(key)
    }

    /// Every key (revoked ones too), optionally of one team, oldest first.
    pub async fn list_api_keys(&self, team_id: Option<&Id>) -> Result<Vec<ApiKey>> {
        let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE ($1 IS NULL OR team_id = $1) ORDER BY created_at, id");
        let rows: Vec<ApiKeyRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.map(Id::as_str))
            .fetch_all(pool)
            .await?);
        convert_all(rows)
    }

    /// Revokes a key; false if there is no such key or it was already revoked.
    pub async fn revoke_api_key(&self, id: &Id) -> Result<bool> {
        let done = on_pool!(self, pool => sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(unix_now())
            .bind(id.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    /// Who a presented key belongs to, if it is a live key (not revoked, not expired).
    pub async fn authenticate(&self, presented_key: &str) -> Result<Option<Principal>> {
        let sql = "SELECT k.id AS key_id, k.team_id, k.user_id, t.plan, u.role \
                   FROM api_keys k JOIN teams t ON t.id = k.team_id JOIN users u ON u.id = k.user_id \
                   WHERE k.secret_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2)";
        let row: Option<PrincipalRow> = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(KeySecret::hash_of(presented_key))
            .bind(unix_now())
            .fetch_optional(pool)
            .await?);
        row.map(|row| {
            Ok(Principal {
                key_id: stored_id(&row.key_id)?,
                team_id: stored_id(&row.team_id)?,
                user_id: stored_id(&row.user_id)?,
                plan: stored_plan(&row.plan)?,
                role: stored_role(&row.role)?,
            })
        })
        .transpose()
    }
}
