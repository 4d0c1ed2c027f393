//! Invites into a team and members' roles: the SQL that adds people to a team and changes
//! what they may do.

use assay_core::{ApiKey, Id, Invite, InviteStatus, KeySecret, TeamRole, User, unix_now};

use crate::tenancy::{USER_COLUMNS, stored_id, stored_role};
use crate::{BeginWrite, Error, Result, Store, on_pool};

#[derive(sqlx::FromRow)]
struct InviteRow {
    id: String,
    team_id: String,
    email: String,
    team_role: String,
    status: String,
    user_id: Option<String>,
    created_at: i64,
    created_by: String,
    updated_at: i64,
    updated_by: String,
}

impl TryFrom<InviteRow> for Invite {
    type Error = Error;
    fn try_from(row: InviteRow) -> Result<Self> {
        Ok(Invite {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            email: row.email,
            role: stored_role(&row.team_role)?,
            status: InviteStatus::parse(&row.status).ok_or_else(|| Error::Corrupt(format!("invite status {:?}", row.status)))?,
            user_id: row.user_id.as_deref().map(stored_id).transpose()?,
            created_at: row.created_at,
            created_by: stored_id(&row.created_by)?,
            updated_at: row.updated_at,
            updated_by: stored_id(&row.updated_by)?,
        })
    }
}

const INVITE_COLUMNS: &str = "id, team_id, email, team_role, status, user_id, created_at, created_by, updated_at, updated_by";

/// What accepting an invite made: the new member and their first key.
pub struct Membership {
    pub invite: Invite,
    pub user: User,
    pub key: ApiKey,
}

impl Store {
    /// Invites `email` into `team_id` with `role`. [`Error::StateConflict`] if the address is
    /// already a member of the team or already has a pending invite to it.
    pub async fn create_invite(&self, team_id: &Id, email: &str, role: TeamRole, created_by: &Id) -> Result<Invite> {
        let now = unix_now();
        let invite = Invite {
            id: Id::generate(),
            team_id: team_id.clone(),
            email: email.to_owned(),
            role,
            status: InviteStatus::Pending,
            user_id: None,
            created_at: now,
            created_by: created_by.clone(),
            updated_at: now,
            updated_by: created_by.clone(),
        };
        let _turn = self.write_turn().await;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let member: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE team_id = $1 AND lower(email) = lower($2)")
                .bind(team_id.as_str())
                .bind(email)
                .fetch_optional(&mut *tx)
                .await?;
            if member.is_some() {
                return Err(Error::StateConflict(format!("{email} is already a member of this team.")));
            }
            let pending: Option<String> =
                sqlx::query_scalar("SELECT id FROM invites WHERE team_id = $1 AND lower(email) = lower($2) AND status = $3")
                    .bind(team_id.as_str())
                    .bind(email)
                    .bind(InviteStatus::Pending.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(pending) = pending {
                return Err(Error::StateConflict(format!("{email} already has a pending invite to this team ({pending}).")));
            }
            sqlx::query(
                "INSERT INTO invites (id, team_id, email, team_role, status, user_id, created_at, created_by, updated_at, updated_by) \
                 VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $6, $7)",
            )
            .bind(invite.id.as_str())
            .bind(team_id.as_str())
            .bind(email)
            .bind(role.as_str())
            .bind(invite.status.as_str())
            .bind(now)
            .bind(created_by.as_str())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(invite)
    }

    /// Any team's invite; the caller decides who may see it.
    pub async fn invite(&self, id: &Id) -> Result<Option<Invite>> {
        let sql = format!("SELECT {INVITE_COLUMNS} FROM invites WHERE id = $1");
        let row: Option<InviteRow> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.as_str()).fetch_optional(pool).await?);
        row.map(Invite::try_from).transpose()
    }

    /// Invites a caller may list: those of `team_id`, and those addressed to `email` (the
    /// caller's own, whichever team sent them); optionally only those in `status`. Newest first.
    pub async fn list_invites(&self, team_id: &Id, email: Option<&str>, status: Option<InviteStatus>) -> Result<Vec<Invite>> {
        let sql = format!(
            "SELECT {INVITE_COLUMNS} FROM invites WHERE (team_id = $1 OR (CAST($2 AS TEXT) IS NOT NULL AND lower(email) = lower($2))) \
             AND (CAST($3 AS TEXT) IS NULL OR status = $3) ORDER BY created_at DESC, id DESC"
        );
        let rows: Vec<InviteRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(email)
            .bind(status.map(InviteStatus::as_str))
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(Invite::try_from).collect()
    }

    /// Deletes an invite of `team_id`; false if that team has no such invite.
    pub async fn delete_invite(&self, team_id: &Id, id: &Id) -> Result<bool> {
        let deleted = on_pool!(self, pool => sqlx::query("DELETE FROM invites WHERE id = $1 AND team_id = $2")
            .bind(id.as_str())
            .bind(team_id.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(deleted > 0)
    }

    /// Declines a pending invite on behalf of `responder`. [`Error::StateConflict`] if it was
    /// already answered; `None` if there is no such invite.
    pub async fn decline_invite(&self, id: &Id, responder: &Id) -> Result<Option<Invite>> {
        let _turn = self.write_turn().await;
        let sql = format!(
            "UPDATE invites SET status = $1, updated_at = $2, updated_by = $3 WHERE id = $4 AND status = $5 RETURNING {INVITE_COLUMNS}"
        );
        let row: Option<InviteRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(InviteStatus::Declined.as_str())
            .bind(unix_now())
            .bind(responder.as_str())
            .bind(id.as_str())
            .bind(InviteStatus::Pending.as_str())
            .fetch_optional(pool)
            .await?);
        match row {
            Some(row) => Ok(Some(Invite::try_from(row)?)),
            None => self.invite(id).await?.map_or(Ok(None), |invite| Err(answered(&invite))),
        }
    }

    /// Accepts a pending invite on behalf of `responder`: in one transaction the invite's team
    /// gains a member named `member_name` with the invite's email and role, holding a new key
    /// whose secret is `secret`. [`Error::StateConflict`] if the invite was already answered or
    /// the address became a member meanwhile; `None` if there is no such invite.
    pub async fn accept_invite(&self, id: &Id, responder: &Id, member_name: &str, secret: &KeySecret) -> Result<Option<Membership>> {
        let Some(invite) = self.invite(id).await? else { return Ok(None) };
        if invite.status != InviteStatus::Pending {
            return Err(answered(&invite));
        }
        let now = unix_now();
        let user = User {
            id: Id::generate(),
            team_id: invite.team_id.clone(),
            name: member_name.to_owned(),
            email: Some(invite.email.clone()),
            role: invite.role,
            created_at: now,
            updated_at: now,
        };
        let key = ApiKey {
            id: Id::generate(),
            team_id: invite.team_id.clone(),
            user_id: user.id.clone(),
            name: format!("invite {}", invite.id),
            prefix: secret.display_prefix(),
            created_at: now,
            revoked_at: None,
        };
        let _turn = self.write_turn().await;
        let sql = format!(
            "UPDATE invites SET status = $1, user_id = $2, updated_at = $3, updated_by = $4 WHERE id = $5 AND status = $6 RETURNING {INVITE_COLUMNS}"
        );
        let row: Option<InviteRow> = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let row: Option<InviteRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(InviteStatus::Accepted.as_str())
                .bind(user.id.as_str())
                .bind(now)
                .bind(responder.as_str())
                .bind(id.as_str())
                .bind(InviteStatus::Pending.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            if row.is_some() {
                sqlx::query("INSERT INTO users (id, team_id, name, email, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)")
                    .bind(user.id.as_str())
                    .bind(user.team_id.as_str())
                    .bind(&user.name)
                    .bind(user.email.as_deref())
                    .bind(user.role.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(|error| match &error {
                        sqlx::Error::Database(db) if db.is_unique_violation() => {
                            Error::StateConflict(format!("{} is already a member of this team.", invite.email))
                        }
                        _ => Error::Database(error),
                    })?;
                sqlx::query("INSERT INTO api_keys (id, team_id, user_id, name, prefix, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(key.id.as_str())
                    .bind(key.team_id.as_str())
                    .bind(key.user_id.as_str())
                    .bind(&key.name)
                    .bind(&key.prefix)
                    .bind(secret.hash())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            row
        });
        match row {
            Some(row) => Ok(Some(Membership { invite: Invite::try_from(row)?, user, key })),
            // Answered between the read and the update.
            None => self.invite(id).await?.map_or(Ok(None), |invite| Err(answered(&invite))),
        }
    }

    /// Sets a member's role. `None` if `user_id` is not a user of `team_id`;
    /// [`Error::StateConflict`] if the change would leave the team without an owner.
    pub async fn set_user_role(&self, team_id: &Id, user_id: &Id, role: TeamRole) -> Result<Option<User>> {
        let _turn = self.write_turn().await;
        let sql = format!("UPDATE users SET role = $1, updated_at = $2 WHERE team_id = $3 AND id = $4 RETURNING {USER_COLUMNS}");
        let owner = TeamRole::Owner.as_str();
        let row: Option<crate::tenancy::UserRow> = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let row: Option<crate::tenancy::UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(role.as_str())
                .bind(unix_now())
                .bind(team_id.as_str())
                .bind(user_id.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let owners: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE team_id = $1 AND role = $2")
                .bind(team_id.as_str())
                .bind(owner)
                .fetch_one(&mut *tx)
                .await?;
            if owners == 0 {
                tx.rollback().await?;
                return Err(Error::StateConflict("The team's last owner cannot give up the owner role; make another member owner first.".into()));
            }
            tx.commit().await?;
            row
        });
        row.map(User::try_from).transpose()
    }
}

fn answered(invite: &Invite) -> Error {
    Error::StateConflict(format!("This invite was already answered: it is {}.", invite.status.as_str()))
}
