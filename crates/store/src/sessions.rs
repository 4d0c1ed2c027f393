//! Sessions of assay's own contract endpoints: the conversation so far, per team and target.
//! An ended session is kept (for the record) but never found again.

use assay_core::{ContractSession, Id, Message, unix_now};

use crate::error::{from_json_column, to_json_column};
use crate::tenancy::stored_id;
use crate::{Error, Result, Store, on_pool};

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: String,
    team_id: String,
    target_id: Option<String>,
    system: Option<String>,
    messages: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<SessionRow> for ContractSession {
    type Error = Error;
    fn try_from(row: SessionRow) -> Result<Self> {
        Ok(ContractSession {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            target_id: row.target_id.as_deref().map(stored_id).transpose()?,
            system: row.system,
            messages: from_json_column("session messages", &row.messages)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl Store {
    pub async fn create_contract_session(&self, team_id: &Id, target_id: Option<&Id>, system: Option<&str>) -> Result<ContractSession> {
        let session = ContractSession {
            id: Id::generate(),
            team_id: team_id.clone(),
            target_id: target_id.cloned(),
            system: system.map(str::to_owned),
            messages: Vec::new(),
            created_at: unix_now(),
            updated_at: unix_now(),
        };
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO contract_sessions (id, team_id, target_id, system, messages, created_at, updated_at) VALUES ($1, $2, $3, $4, '[]', $5, $5)",
        )
        .bind(session.id.as_str())
        .bind(team_id.as_str())
        .bind(target_id.map(Id::as_str))
        .bind(system)
        .bind(session.created_at)
        .execute(pool)
        .await
        .map(|_| ())?);
        Ok(session)
    }

    /// A live (not ended) session of this team and target (`None` = the default target).
    pub async fn live_contract_session(&self, team_id: &Id, target_id: Option<&Id>, id: &Id) -> Result<Option<ContractSession>> {
        let row: Option<SessionRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, team_id, target_id, system, messages, created_at, updated_at FROM contract_sessions \
             WHERE team_id = $1 AND id = $2 AND ended_at IS NULL AND target_id IS NOT DISTINCT FROM $3",
        )
        .bind(team_id.as_str())
        .bind(id.as_str())
        .bind(target_id.map(Id::as_str))
        .fetch_optional(pool)
        .await?);
        row.map(ContractSession::try_from).transpose()
    }

    /// Replaces a live session's history (and, if given, its system prompt); false if it is
    /// gone or ended.
    pub async fn save_contract_session(&self, team_id: &Id, id: &Id, system: Option<&str>, messages: &[Message]) -> Result<bool> {
        let done = on_pool!(self, pool => sqlx::query(
            "UPDATE contract_sessions SET messages = $1, system = COALESCE($2, system), updated_at = $3 \
             WHERE team_id = $4 AND id = $5 AND ended_at IS NULL",
        )
        .bind(to_json_column("session messages", messages)?)
        .bind(system)
        .bind(unix_now())
        .bind(team_id.as_str())
        .bind(id.as_str())
        .execute(pool)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// Ends a live session; false if it was gone or already ended.
    pub async fn end_contract_session(&self, team_id: &Id, id: &Id) -> Result<bool> {
        let done = on_pool!(self, pool => sqlx::query("UPDATE contract_sessions SET ended_at = $1 WHERE team_id = $2 AND id = $3 AND ended_at IS NULL")
            .bind(unix_now())
            .bind(team_id.as_str())
            .bind(id.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(done == 1)
    }
}
