//! Playgrounds, their agent sessions and messages: the SQL that keeps them.

use assay_core::{Id, MessageVerdict, NewPlaygroundMessage, Playground, PlaygroundMessage, PlaygroundSession, unix_now};

use crate::error::{from_json_column, to_json_column};
use crate::tenancy::stored_id;
use crate::{BeginWrite, Error, Result, Store, on_pool};

#[derive(sqlx::FromRow)]
struct PlaygroundRow {
    id: String,
    team_id: String,
    name: String,
    description: String,
    agent_configuration_id: String,
    created_by: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<PlaygroundRow> for Playground {
    type Error = Error;
    fn try_from(row: PlaygroundRow) -> Result<Self> {
        Ok(Playground {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            name: row.name,
            description: row.description,
            agent_configuration_id: stored_id(&row.agent_configuration_id)?,
            created_by: stored_id(&row.created_by)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: String,
    playground_id: String,
    agent_configuration_id: String,
    name: String,
    status: String,
    created_by: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<SessionRow> for PlaygroundSession {
    type Error = Error;
    fn try_from(row: SessionRow) -> Result<Self> {
        Ok(PlaygroundSession {
            id: stored_id(&row.id)?,
            playground_id: stored_id(&row.playground_id)?,
            agent_configuration_id: stored_id(&row.agent_configuration_id)?,
            name: row.name,
            status: row.status,
            created_by: stored_id(&row.created_by)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: String,
    playground_id: String,
    session_id: String,
    seq: i64,
    role: String,
    content: String,
    attacker_id: Option<String>,
    verdicts: String,
    error: Option<String>,
    feedback: Option<String>,
    rating: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<MessageRow> for PlaygroundMessage {
    type Error = Error;
    fn try_from(row: MessageRow) -> Result<Self> {
        Ok(PlaygroundMessage {
            id: stored_id(&row.id)?,
            playground_id: stored_id(&row.playground_id)?,
            agent_session_id: stored_id(&row.session_id)?,
            seq: row.seq,
            role: row.role,
            content: row.content,
            attacker_id: row.attacker_id,
            verdicts: from_json_column::<Vec<MessageVerdict>>("message verdicts", &row.verdicts)?,
            error: row.error,
            feedback: row.feedback,
            rating: row.rating,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

const PLAYGROUND_COLUMNS: &str = "id, team_id, name, description, agent_configuration_id, created_by, created_at, updated_at";
const SESSION_COLUMNS: &str = "id, playground_id, agent_configuration_id, name, status, created_by, created_at, updated_at";
const MESSAGE_COLUMNS: &str =
    "id, playground_id, session_id, seq, role, content, attacker_id, verdicts, error, feedback, rating, created_at, updated_at";

/// Which messages of a playground to list.
#[derive(Debug, Clone, Default)]
pub struct MessageFilter {
    pub session_id: Option<Id>,
    pub message_id: Option<Id>,
    /// Newest first instead of oldest first.
    pub newest_first: bool,
}

impl Store {
    pub async fn create_playground(&self, playground: &Playground) -> Result<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO playgrounds (id, team_id, name, description, agent_configuration_id, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(playground.id.as_str())
        .bind(playground.team_id.as_str())
        .bind(&playground.name)
        .bind(&playground.description)
        .bind(playground.agent_configuration_id.as_str())
        .bind(playground.created_by.as_str())
        .bind(playground.created_at)
        .execute(pool)
        .await
        .map_err(crate::error::conflict_as("playground id"))
        .map(|_| ())?);
        Ok(())
    }

    /// A team's playground; another team's answers `None`.
    pub async fn playground(&self, team_id: &Id, id: &Id) -> Result<Option<Playground>> {
        let sql = format!("SELECT {PLAYGROUND_COLUMNS} FROM playgrounds WHERE team_id = $1 AND id = $2");
        let row: Option<PlaygroundRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(Playground::try_from).transpose()
    }

    /// A team's playgrounds, newest first.
    pub async fn list_playgrounds(&self, team_id: &Id) -> Result<Vec<Playground>> {
        let sql = format!("SELECT {PLAYGROUND_COLUMNS} FROM playgrounds WHERE team_id = $1 ORDER BY created_at DESC, id DESC");
        let rows: Vec<PlaygroundRow> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(team_id.as_str()).fetch_all(pool).await?);
        rows.into_iter().map(Playground::try_from).collect()
    }

    /// Writes a playground's name, description and agent; answers it, or `None` if absent.
    pub async fn update_playground(&self, playground: &Playground) -> Result<Option<Playground>> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE playgrounds SET name = $1, description = $2, agent_configuration_id = $3, updated_at = $4 WHERE team_id = $5 AND id = $6",
        )
        .bind(&playground.name)
        .bind(&playground.description)
        .bind(playground.agent_configuration_id.as_str())
        .bind(unix_now())
        .bind(playground.team_id.as_str())
        .bind(playground.id.as_str())
        .execute(pool)
        .await
        .map(|_| ())?);
        self.playground(&playground.team_id, &playground.id).await
    }

    pub async fn create_session(&self, team_id: &Id, session: &PlaygroundSession) -> Result<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO playground_sessions (id, team_id, playground_id, agent_configuration_id, name, status, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(session.id.as_str())
        .bind(team_id.as_str())
        .bind(session.playground_id.as_str())
        .bind(session.agent_configuration_id.as_str())
        .bind(&session.name)
        .bind(&session.status)
        .bind(session.created_by.as_str())
        .bind(session.created_at)
        .execute(pool)
        .await
        .map_err(crate::error::conflict_as("agent session id"))
        .map(|_| ())?);
        Ok(())
    }

    /// A session of a team's playground; anything else answers `None`.
    pub async fn session(&self, team_id: &Id, playground_id: &Id, id: &Id) -> Result<Option<PlaygroundSession>> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM playground_sessions WHERE team_id = $1 AND playground_id = $2 AND id = $3");
        let row: Option<SessionRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(playground_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(PlaygroundSession::try_from).transpose()
    }

    /// The sessions of a team's playground, newest first.
    pub async fn list_sessions(&self, team_id: &Id, playground_id: &Id) -> Result<Vec<PlaygroundSession>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM playground_sessions WHERE team_id = $1 AND playground_id = $2 ORDER BY created_at DESC, id DESC"
        );
        let rows: Vec<SessionRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(playground_id.as_str())
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(PlaygroundSession::try_from).collect()
    }

    /// Writes a session's name and status; answers it, or `None` if absent.
    pub async fn update_session(&self, team_id: &Id, session: &PlaygroundSession) -> Result<Option<PlaygroundSession>> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE playground_sessions SET name = $1, status = $2, updated_at = $3 WHERE team_id = $4 AND playground_id = $5 AND id = $6",
        )
        .bind(&session.name)
        .bind(&session.status)
        .bind(unix_now())
        .bind(team_id.as_str())
        .bind(session.playground_id.as_str())
        .bind(session.id.as_str())
        .execute(pool)
        .await
        .map(|_| ())?);
        self.session(team_id, &session.playground_id, &session.id).await
    }

    /// Appends messages to a session, in order, in one transaction; answers them as stored.
    pub async fn append_messages(
        &self,
        team_id: &Id,
        session: &PlaygroundSession,
        messages: &[NewPlaygroundMessage],
    ) -> Result<Vec<PlaygroundMessage>> {
        let now = unix_now();
        let _turn = self.write_turn().await;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let last: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM playground_messages WHERE session_id = $1")
                .bind(session.id.as_str())
                .fetch_one(&mut *tx)
                .await?;
            let mut stored = Vec::new();
            for (offset, message) in messages.iter().enumerate() {
                let record = PlaygroundMessage {
                    id: Id::generate(),
                    playground_id: session.playground_id.clone(),
                    agent_session_id: session.id.clone(),
                    seq: last.unwrap_or(0) + 1 + i64::try_from(offset).unwrap_or(0),
                    role: message.role.clone(),
                    content: message.content.clone(),
                    attacker_id: message.attacker_id.clone(),
                    verdicts: message.verdicts.clone(),
                    error: message.error.clone(),
                    feedback: None,
                    rating: None,
                    created_at: now,
                    updated_at: now,
                };
                sqlx::query(
                    "INSERT INTO playground_messages (id, team_id, playground_id, session_id, seq, role, content, attacker_id, verdicts, error, \
                     feedback, rating, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL, $11, $11)",
                )
                .bind(record.id.as_str())
                .bind(team_id.as_str())
                .bind(record.playground_id.as_str())
                .bind(record.agent_session_id.as_str())
                .bind(record.seq)
                .bind(&record.role)
                .bind(&record.content)
                .bind(record.attacker_id.as_deref())
                .bind(to_json_column("message verdicts", &record.verdicts)?)
                .bind(record.error.as_deref())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                stored.push(record);
            }
            tx.commit().await?;
            Ok(stored)
        })
    }

    /// A page of a team's playground's messages matching `filter`, in session order.
    pub async fn list_messages(
        &self,
        team_id: &Id,
        playground_id: &Id,
        filter: &MessageFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<PlaygroundMessage>> {
        let order = if filter.newest_first { "DESC" } else { "ASC" };
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM playground_messages WHERE team_id = $1 AND playground_id = $2 \
             AND (CAST($3 AS TEXT) IS NULL OR session_id = $3) AND (CAST($4 AS TEXT) IS NULL OR id = $4) \
             ORDER BY created_at {order}, session_id {order}, seq {order} LIMIT $5 OFFSET $6"
        );
        let rows: Vec<MessageRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(playground_id.as_str())
            .bind(filter.session_id.as_ref().map(Id::as_str))
            .bind(filter.message_id.as_ref().map(Id::as_str))
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(PlaygroundMessage::try_from).collect()
    }

    /// Writes a person's feedback and rating on a message; answers it, or `None` if absent.
    pub async fn rate_message(
        &self,
        team_id: &Id,
        playground_id: &Id,
        id: &Id,
        feedback: Option<&str>,
        rating: Option<i64>,
    ) -> Result<Option<PlaygroundMessage>> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE playground_messages SET feedback = $1, rating = $2, updated_at = $3 WHERE team_id = $4 AND playground_id = $5 AND id = $6",
        )
        .bind(feedback)
        .bind(rating)
        .bind(unix_now())
        .bind(team_id.as_str())
        .bind(playground_id.as_str())
        .bind(id.as_str())
        .execute(pool)
        .await
        .map(|_| ())?);
        let filter = MessageFilter { message_id: Some(id.clone()), ..MessageFilter::default() };
        Ok(self.list_messages(team_id, playground_id, &filter, 1, 0).await?.into_iter().next())
    }
}
