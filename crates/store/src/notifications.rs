//! Per-team change notifications (`"Type:id"` strings under an incremental id): written in
//! the same transaction as the change they announce, read by the workbench's general SSE queue.

use assay_core::{Id, Notification};
use sqlx::AssertSqlSafe;

use crate::error::{from_json_column, to_json_column};
use crate::{Result, Store, on_pool};

/// The insert every change runs inside its own transaction: bind team id, [`refs_json`], now.
pub(crate) const NOTIFY: &str = "INSERT INTO notifications (team_id, refs, created_at) VALUES ($1, $2, $3)";

/// The `refs` column of a notification.
pub(crate) fn refs_json(refs: &[String]) -> Result<String> {
    to_json_column("notification refs", refs)
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    refs: String,
    created_at: i64,
}

impl Store {
    /// Records a change outside any other transaction (e.g. the engine's progress).
    pub async fn notify(&self, team_id: &Id, refs: &[String]) -> Result<i64> {
        let refs = refs_json(refs)?;
        let sql = format!("{NOTIFY} RETURNING id");
        let id: i64 = on_pool!(self, pool => sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(&refs)
            .bind(assay_core::unix_now())
            .fetch_one(pool)
            .await?);
        Ok(id)
    }

    /// A team's notifications with ids above `after_id`, oldest first.
    pub async fn notifications_after(&self, team_id: &Id, after_id: i64, limit: i64) -> Result<Vec<Notification>> {
        let rows: Vec<NotificationRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, refs, created_at FROM notifications WHERE team_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(team_id.as_str())
        .bind(after_id)
        .bind(limit)
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|row| Ok(Notification { id: row.id, refs: from_json_column("notification refs", &row.refs)?, created_at: row.created_at }))
            .collect()
    }

    /// The newest notification id of a team (0 when none): where a fresh stream starts.
    pub async fn latest_notification_id(&self, team_id: &Id) -> Result<i64> {
        let id: Option<i64> = on_pool!(self, pool => sqlx::query_scalar("SELECT MAX(id) FROM notifications WHERE team_id = $1")
            .bind(team_id.as_str())
            .fetch_one(pool)
            .await?);
        Ok(id.unwrap_or(0))
    }
}
