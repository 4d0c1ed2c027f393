//! Evaluations: created with all their jobs in one transaction, read, cancelled, failed; and
//! the event log every change appends to.

use assay_core::{Counts, Evaluation, EvaluationState, Event, Id, NewJob, unix_now};
use sqlx::AssertSqlSafe;

use crate::batch::values;
use crate::error::{from_json_column, to_json_column};
use crate::notifications::{NOTIFY, refs_json};
use crate::tenancy::stored_id;
use crate::{Error, Result, Store, on_pool};

/// Jobs per multi-row INSERT: 4 parameters a row stays far below SQLite's and PostgreSQL's
/// parameter limits, and a few hundred rows a statement is where batching stops paying.
const JOB_CHUNK: usize = 250;

#[derive(sqlx::FromRow)]
struct EvaluationRow {
    id: String,
    team_id: String,
    name: String,
    suite: String,
    targets: String,
    state: String,
    total: i64,
    done: i64,
    passed: i64,
    failed: i64,
    errored: i64,
    error: Option<String>,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
}

const COLUMNS: &str =
    "id, team_id, name, suite, targets, state, total, done, passed, failed, errored, error, created_at, started_at, finished_at";

impl TryFrom<EvaluationRow> for Evaluation {
    type Error = Error;
    fn try_from(row: EvaluationRow) -> Result<Self> {
        Ok(Evaluation {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            name: row.name,
            suite: from_json_column("evaluation suite", &row.suite)?,
            targets: from_json_column("evaluation targets", &row.targets)?,
            state: EvaluationState::parse(&row.state).ok_or_else(|| Error::Corrupt(format!("evaluation state {:?}", row.state)))?,
            counts: Counts { total: row.total, done: row.done, passed: row.passed, failed: row.failed, errored: row.errored },
            error: row.error,
            created_at: row.created_at,
            started_at: row.started_at,
            finished_at: row.finished_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    evaluation_id: String,
    kind: String,
    data: String,
    created_at: i64,
}

impl Store {
    /// Writes the evaluation and every job `jobs` yields in one transaction, so a crash
    /// leaves either the whole evaluation or none of it. `jobs` is consumed in chunks: an
    /// evaluation of any size is never held in memory.
    pub async fn create_evaluation(
        &self,
        team_id: &Id,
        name: &str,
        suite: &serde_json::Value,
        targets: &[String],
        jobs: impl Iterator<Item = NewJob>,
    ) -> Result<Evaluation> {
        let id = Id::generate();
        let now = unix_now();
        let suite_json = to_json_column("evaluation suite", suite)?;
        let targets_json = to_json_column("evaluation targets", targets)?;
        let mut jobs = jobs.peekable();
        let style = self.style();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO evaluations (id, team_id, name, suite, targets, state, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
            )
            .bind(id.as_str())
            .bind(team_id.as_str())
            .bind(name)
            .bind(&suite_json)
            .bind(&targets_json)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let mut total: i64 = 0;
            while jobs.peek().is_some() {
                let chunk: Vec<NewJob> = jobs.by_ref().take(JOB_CHUNK).collect();
                let sql = format!("INSERT INTO jobs (evaluation_id, seq, target_index) VALUES {}", values(style, chunk.len(), 3, 1));
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for job in &chunk {
                    query = query.bind(id.as_str()).bind(job.seq).bind(i32::try_from(job.target_index).unwrap_or(i32::MAX));
                }
                query.execute(&mut *tx).await?;
                let sql = format!("INSERT INTO job_items (evaluation_id, seq, item) VALUES {}", values(style, chunk.len(), 3, 1));
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for job in &chunk {
                    query = query.bind(id.as_str()).bind(job.seq).bind(&job.item);
                }
                query.execute(&mut *tx).await?;
                total += i64::try_from(chunk.len()).unwrap_or(i64::MAX);
            }
            sqlx::query("UPDATE evaluations SET total = $1 WHERE id = $2").bind(total).bind(id.as_str()).execute(&mut *tx).await?;
            // An evaluation with nothing to run is complete as soon as it exists.
            if total == 0 {
                sqlx::query("UPDATE evaluations SET state = 'completed', finished_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            let state = if total == 0 { "completed" } else { "pending" };
            let data = serde_json::json!({ "total": total, "state": state }).to_string();
            sqlx::query("INSERT INTO events (evaluation_id, kind, data, created_at) VALUES ($1, 'evaluation.created', $2, $3)")
                .bind(id.as_str())
                .bind(&data)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        self.evaluation(&id).await?.ok_or_else(|| Error::Corrupt("an evaluation vanished after its creation".into()))
    }

    /// Any team's evaluation (the engine and the CLI's own store).
    pub async fn evaluation(&self, id: &Id) -> Result<Option<Evaluation>> {
        let sql = format!("SELECT {COLUMNS} FROM evaluations WHERE id = $1");
        let row: Option<EvaluationRow> =
            on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql)).bind(id.as_str()).fetch_optional(pool).await?);
        row.map(Evaluation::try_from).transpose()
    }

    /// A team's evaluation; another team's answers `None`.
    pub async fn team_evaluation(&self, team_id: &Id, id: &Id) -> Result<Option<Evaluation>> {
        Ok(self.evaluation(id).await?.filter(|evaluation| &evaluation.team_id == team_id))
    }

    /// A team's evaluations, newest first.
    pub async fn list_evaluations(&self, team_id: &Id, limit: i64) -> Result<Vec<Evaluation>> {
        let sql = format!("SELECT {COLUMNS} FROM evaluations WHERE team_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2");
        let rows: Vec<EvaluationRow> =
            on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql)).bind(team_id.as_str()).bind(limit).fetch_all(pool).await?);
        rows.into_iter().map(Evaluation::try_from).collect()
    }

    /// Evaluations whose jobs may still be claimed, oldest first.
    pub async fn active_evaluations(&self) -> Result<Vec<Id>> {
        let ids: Vec<String> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT id FROM evaluations WHERE state IN ('pending', 'running') ORDER BY created_at, id",
        )
        .fetch_all(pool)
        .await?);
        ids.iter().map(|id| stored_id(id)).collect()
    }

    /// Stops claiming the evaluation's jobs; calls in flight still write their results.
    /// `None` when there is no such evaluation; `Some(false)` when it had already finished.
    pub async fn cancel_evaluation(&self, id: &Id) -> Result<Option<bool>> {
        let cancelled = self.finish_evaluation(id, EvaluationState::Aborted, None, None).await?;
        if cancelled {
            return Ok(Some(true));
        }
        Ok(self.evaluation(id).await?.map(|_| false))
    }

    /// Marks an unfinished evaluation failed with the reason; false if it had finished.
    pub async fn fail_evaluation(&self, id: &Id, reason: &str) -> Result<bool> {
        self.finish_evaluation(id, EvaluationState::Failed, Some(reason), None).await
    }

    /// Moves an unfinished evaluation to `state` with `error` (why it stopped), and when
    /// `notify` names a team, announces it on that team's SSE queue in the same transaction.
    pub(crate) async fn finish_evaluation(
        &self,
        id: &Id,
        state: EvaluationState,
        error: Option<&str>,
        notify: Option<&Id>,
    ) -> Result<bool> {
        let now = unix_now();
        let refs = notify.map(|_| refs_json(&[format!("Evaluation:{id}")])).transpose()?;
        let kind = format!("evaluation.{}", state.as_str());
        let data = serde_json::json!({ "state": state.as_str(), "error": error }).to_string();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let changed = sqlx::query(
                "UPDATE evaluations SET state = $1, error = $2, finished_at = $3 WHERE id = $4 AND state IN ('pending', 'running')",
            )
            .bind(state.as_str())
            .bind(error)
            .bind(now)
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if changed {
                sqlx::query("INSERT INTO events (evaluation_id, kind, data, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(id.as_str())
                    .bind(&kind)
                    .bind(&data)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if let (Some(team_id), Some(refs)) = (notify, &refs) {
                    sqlx::query(NOTIFY).bind(team_id.as_str()).bind(refs).bind(now).execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok(changed)
        })
    }

    /// Events of one evaluation after `after_id`, in order.
    pub async fn events_after(&self, evaluation_id: &Id, after_id: i64, limit: i64) -> Result<Vec<Event>> {
        let rows: Vec<EventRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, evaluation_id, kind, data, created_at FROM events WHERE evaluation_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(evaluation_id.as_str())
        .bind(after_id)
        .bind(limit)
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|row| {
                Ok(Event {
                    id: row.id,
                    evaluation_id: stored_id(&row.evaluation_id)?,
                    kind: row.kind,
                    data: from_json_column("event data", &row.data)?,
                    created_at: row.created_at,
                })
            })
            .collect()
    }
}
