//! Workbench evaluations and their case runs: created with their engine evaluation and jobs in
//! one transaction, read with a case run's status derived from its job and result (nothing
//! to keep in step), aborted, re-run, deleted. Every change notifies the team's SSE queue;
//! privacy-mode evaluations (with a session token) stay off it and off the lists.

use assay_core::{
    CaseDefinition, CaseOutcome, CaseRun, Counts, EvaluationDefinition, EvaluationState, Id, Verdict, WorkbenchEvaluation, unix_now,
};
use sqlx::AssertSqlSafe;

use crate::error::{from_json_column, to_json_column};
use crate::notifications::{NOTIFY, refs_json};
use crate::queue::insert_blocks;
use crate::tenancy::stored_id;
use crate::{BeginWrite, Error, Result, Store, on_pool};

/// One case job to create: its engine item, which model (target index) runs it, and the
/// case run it becomes.
#[derive(Debug, Clone)]
pub struct NewCaseJob {
    pub case_run_id: Id,
    pub target_index: u32,
    pub model: String,
    pub definition: CaseDefinition,
    /// The engine's job item (JSON).
    pub item: String,
}

/// A workbench evaluation to create.
#[derive(Debug, Clone)]
pub struct NewWorkbenchEvaluation {
    pub id: Id,
    pub team_id: Id,
    pub name: String,
    pub prompt_id: Option<Id>,
    pub revision_id: Option<Id>,
    pub template_id: Option<Id>,
    pub prompt_content: String,
    pub definition: EvaluationDefinition,
    /// The engine suite (JSON) naming the simulator and judge.
    pub suite: serde_json::Value,
    /// Target references, one per model, in target-index order.
    pub targets: Vec<String>,
    pub jobs: Vec<NewCaseJob>,
    /// Privacy mode: the SHA-256 of the session token.
    pub session_token_hash: Option<String>,
}

/// What re-running an evaluation threw away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rerun {
    pub deleted_completed_jobs: i64,
    pub deleted_working_jobs: i64,
}

/// Why an evaluation could not be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    Deleted,
    NotFound,
    InProgress,
}

#[derive(sqlx::FromRow)]
struct EvaluationRow {
    id: String,
    team_id: String,
    prompt_id: Option<String>,
    revision_id: Option<String>,
    template_id: Option<String>,
    prompt_name: Option<String>,
    name: String,
    prompt_content: String,
    definition: String,
    state: String,
    #[sqlx(flatten)]
    counts: crate::evaluations::CountColumns,
    error: Option<String>,
    private: bool,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    case_run_count: i64,
}

const EVALUATION_SELECT: &str = "SELECT e.id, e.team_id, w.prompt_id, w.revision_id, w.template_id, p.name AS prompt_name, w.name, \
     w.prompt_content, w.definition, e.state, e.total, e.done, e.passed, e.failed, e.errored, e.unscorable, e.error, \
     (w.session_token_hash IS NOT NULL) AS private, e.created_at, e.started_at, e.finished_at, \
     (SELECT COUNT(*) FROM case_runs c WHERE c.evaluation_id = e.id) AS case_run_count \
     FROM workbench_evaluations w JOIN evaluations e ON e.id = w.evaluation_id LEFT JOIN prompts p ON p.id = w.prompt_id";

impl TryFrom<EvaluationRow> for (WorkbenchEvaluation, i64) {
    type Error = Error;
    fn try_from(row: EvaluationRow) -> Result<Self> {
        let evaluation = WorkbenchEvaluation {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            prompt_id: row.prompt_id,
            revision_id: row.revision_id,
            template_id: row.template_id,
            prompt_name: row.prompt_name,
            name: row.name,
            prompt_content: row.prompt_content,
            definition: from_json_column("evaluation definition", &row.definition)?,
            state: EvaluationState::parse(&row.state).ok_or_else(|| Error::Corrupt(format!("evaluation state {:?}", row.state)))?,
            counts: row.counts.into(),
            error: row.error,
            private: row.private,
            created_at: row.created_at,
            started_at: row.started_at,
            finished_at: row.finished_at,
        };
        Ok((evaluation, row.case_run_count))
    }
}

#[derive(sqlx::FromRow)]
struct CaseRunRow {
    id: String,
    evaluation_id: String,
    model: String,
    definition: String,
    status: String,
    outcome: Option<String>,
    error: Option<String>,
    abort_reason: Option<String>,
    created_at: i64,
    finished_at: Option<i64>,
}

/// Case runs with their derived status, filterable by team, evaluation and status.
const CASE_RUNS: &str = "SELECT * FROM (SELECT c.id, c.evaluation_id, c.model, c.definition, c.created_at, c.seq, w.team_id, \
     CASE WHEN r.seq IS NOT NULL THEN (CASE WHEN r.error IS NULL THEN 'completed' ELSE 'error' END) \
          WHEN e.state IN ('aborted', 'failed') THEN 'aborted' \
          WHEN j.state = 'running' THEN 'running' ELSE 'pending' END AS status, \
     r.outcome, r.error, CASE WHEN r.seq IS NULL AND e.state IN ('aborted', 'failed') THEN e.error END AS abort_reason, \
     r.created_at AS finished_at \
     FROM case_runs c JOIN evaluations e ON e.id = c.evaluation_id JOIN workbench_evaluations w ON w.evaluation_id = c.evaluation_id \
     LEFT JOIN job_blocks j ON j.evaluation_id = c.evaluation_id AND j.first_seq <= c.seq AND j.last_seq >= c.seq \
     LEFT JOIN results r ON r.evaluation_id = c.evaluation_id AND r.seq = c.seq) AS runs";

impl TryFrom<CaseRunRow> for CaseRun {
    type Error = Error;
    fn try_from(row: CaseRunRow) -> Result<Self> {
        Ok(CaseRun {
            id: stored_id(&row.id)?,
            evaluation_id: stored_id(&row.evaluation_id)?,
            model: row.model,
            definition: from_json_column("case definition", &row.definition)?,
            status: row.status,
            outcome: row.outcome.as_deref().map(|o| from_json_column::<CaseOutcome>("case outcome", o)).transpose()?,
            error: row.error,
            abort_reason: row.abort_reason,
            created_at: row.created_at,
            finished_at: row.finished_at,
        })
    }
}

/// The engine states a workbench status filter means (`aborted` covers `failed`).
pub fn states_for_status(status: &str) -> Option<&'static [&'static str]> {
    match status {
        "pending" => Some(&["pending"]),
        "running" => Some(&["running"]),
        "completed" => Some(&["completed"]),
        "aborted" => Some(&["aborted", "failed"]),
        _ => None,
    }
}

impl Store {
    /// Writes the engine evaluation, its jobs, its case runs and the workbench row in one
    /// transaction, and notifies the team (unless it is a privacy-mode run).
    pub async fn create_workbench_evaluation(&self, new: &NewWorkbenchEvaluation) -> Result<WorkbenchEvaluation> {
        let style = self.style();
        let now = unix_now();
        let suite = to_json_column("evaluation suite", &new.suite)?;
        let targets = to_json_column("evaluation targets", &new.targets)?;
        let definition = to_json_column("evaluation definition", &new.definition)?;
        let total = i64::try_from(new.jobs.len()).unwrap_or(i64::MAX);
        let state = if total == 0 { "completed" } else { "pending" };
        let refs = refs_json(&[format!("Evaluation:{}", new.id)])?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO evaluations (id, team_id, name, suite, targets, state, total, created_at, finished_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(new.id.as_str())
            .bind(new.team_id.as_str())
            .bind(&new.name)
            .bind(&suite)
            .bind(&targets)
            .bind(state)
            .bind(total)
            .bind(now)
            .bind((total == 0).then_some(now))
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO workbench_evaluations (evaluation_id, team_id, prompt_id, revision_id, template_id, name, prompt_content, \
                 definition, access_mode, session_token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(new.id.as_str())
            .bind(new.team_id.as_str())
            .bind(new.prompt_id.as_ref().map(Id::as_str))
            .bind(new.revision_id.as_ref().map(Id::as_str))
            .bind(new.template_id.as_ref().map(Id::as_str))
            .bind(&new.name)
            .bind(&new.prompt_content)
            .bind(&definition)
            .bind(new.definition.access_mode.as_str())
            .bind(new.session_token_hash.as_deref())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            for (seq, job) in new.jobs.iter().enumerate() {
                let seq = i64::try_from(seq).unwrap_or(i64::MAX);
                sqlx::query("INSERT INTO job_items (evaluation_id, seq, target_index, item) VALUES ($1, $2, $3, $4)")
                    .bind(new.id.as_str())
                    .bind(seq)
                    .bind(i32::try_from(job.target_index).unwrap_or(i32::MAX))
                    .bind(&job.item)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO case_runs (id, evaluation_id, seq, model, definition, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(job.case_run_id.as_str())
                    .bind(new.id.as_str())
                    .bind(seq)
                    .bind(&job.model)
                    .bind(to_json_column("case definition", &job.definition)?)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            let seqs: Vec<i64> = (0..i64::try_from(new.jobs.len()).unwrap_or(i64::MAX)).collect();
            insert_blocks!(tx, style, new.id.as_str(), &seqs);
            sqlx::query("INSERT INTO events (evaluation_id, kind, data, created_at) VALUES ($1, 'evaluation.created', $2, $3)")
                .bind(new.id.as_str())
                .bind(serde_json::json!({ "total": total, "state": state }).to_string())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            if new.session_token_hash.is_none() {
                sqlx::query(NOTIFY).bind(new.team_id.as_str()).bind(&refs).bind(now).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        self.workbench_evaluation(&new.team_id, &new.id).await?.ok_or_else(|| Error::Corrupt("a workbench evaluation vanished".into()))
    }

    /// A team's workbench evaluation (privacy-mode ones included: the SSE stream reads them).
    pub async fn workbench_evaluation(&self, team_id: &Id, id: &Id) -> Result<Option<WorkbenchEvaluation>> {
        let sql = format!("{EVALUATION_SELECT} WHERE e.id = $1 AND w.team_id = $2");
        let row: Option<EvaluationRow> =
            on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql)).bind(id.as_str()).bind(team_id.as_str()).fetch_optional(pool).await?);
        row.map(|row| <(WorkbenchEvaluation, i64)>::try_from(row).map(|(evaluation, _)| evaluation)).transpose()
    }

    /// A team's workbench evaluations (not privacy-mode ones), newest first, with their case
    /// run counts, and how many match in all.
    pub async fn list_workbench_evaluations(
        &self,
        team_id: &Id,
        states: Option<&[&str]>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<(WorkbenchEvaluation, i64)>, i64)> {
        let states = states.unwrap_or(&["pending", "running", "completed", "aborted", "failed"]);
        let filter = format!(
            "w.team_id = $1 AND w.session_token_hash IS NULL AND e.state IN ({})",
            states.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ")
        );
        // `states` holds only the literals of `states_for_status`, never caller text.
        let sql = format!("{EVALUATION_SELECT} WHERE {filter} ORDER BY e.created_at DESC, e.id DESC LIMIT $2 OFFSET $3");
        let count = format!("SELECT COUNT(*) FROM workbench_evaluations w JOIN evaluations e ON e.id = w.evaluation_id WHERE {filter}");
        let (rows, total): (Vec<EvaluationRow>, i64) = on_pool!(self, pool => (
            sqlx::query_as(AssertSqlSafe(sql)).bind(team_id.as_str()).bind(limit).bind(offset).fetch_all(pool).await?,
            sqlx::query_scalar(AssertSqlSafe(count)).bind(team_id.as_str()).fetch_one(pool).await?,
        ));
        Ok((rows.into_iter().map(TryFrom::try_from).collect::<Result<_>>()?, total))
    }

    /// Case runs of a team, optionally of one evaluation and with one status, in job order,
    /// and how many match in all.
    pub async fn list_case_runs(
        &self,
        team_id: &Id,
        evaluation_id: Option<&Id>,
        status: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<CaseRun>, i64)> {
        let filter = "team_id = $1 AND ($2 IS NULL OR evaluation_id = $2) AND ($3 IS NULL OR status = $3)";
        let sql = format!("{CASE_RUNS} WHERE {filter} ORDER BY created_at, evaluation_id, seq LIMIT $4 OFFSET $5");
        let count = format!("SELECT COUNT(*) FROM ({CASE_RUNS} WHERE {filter}) AS counted");
        let evaluation = evaluation_id.map(Id::as_str);
        let (rows, total): (Vec<CaseRunRow>, i64) = on_pool!(self, pool => (
            sqlx::query_as(AssertSqlSafe(sql)).bind(team_id.as_str()).bind(evaluation).bind(status).bind(limit).bind(offset).fetch_all(pool).await?,
            sqlx::query_scalar(AssertSqlSafe(count)).bind(team_id.as_str()).bind(evaluation).bind(status).fetch_one(pool).await?,
        ));
        Ok((rows.into_iter().map(CaseRun::try_from).collect::<Result<_>>()?, total))
    }

    /// One case run of a team.
    pub async fn case_run(&self, team_id: &Id, id: &Id) -> Result<Option<CaseRun>> {
        let sql = format!("{CASE_RUNS} WHERE team_id = $1 AND id = $2");
        let row: Option<CaseRunRow> =
            on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql)).bind(team_id.as_str()).bind(id.as_str()).fetch_optional(pool).await?);
        row.map(CaseRun::try_from).transpose()
    }

    /// Aborts an unfinished evaluation; `reason` is kept as its `error` (why it stopped).
    /// `None`: no such evaluation; `Some(false)`: it had already finished.
    pub async fn abort_workbench_evaluation(&self, team_id: &Id, id: &Id, reason: &str) -> Result<Option<bool>> {
        let Some(evaluation) = self.workbench_evaluation(team_id, id).await? else { return Ok(None) };
        let notify = (!evaluation.private).then_some(team_id);
        Ok(Some(self.finish_evaluation(id, EvaluationState::Aborted, Some(reason), notify).await?))
    }

    /// Throws away every result and puts every job back in the queue, the evaluation back to
    /// pending. `None` when there is no such evaluation.
    pub async fn rerun_workbench_evaluation(&self, team_id: &Id, id: &Id) -> Result<Option<Rerun>> {
        let style = self.style();
        let Some(evaluation) = self.workbench_evaluation(team_id, id).await? else { return Ok(None) };
        let now = unix_now();
        let refs = refs_json(&[format!("Evaluation:{id}")])?;
        let rerun = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let completed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM results WHERE evaluation_id = $1").bind(id.as_str()).fetch_one(&mut *tx).await?;
            let working: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM job_items i JOIN job_blocks b ON b.evaluation_id = i.evaluation_id AND i.seq BETWEEN b.first_seq AND b.last_seq \
                 WHERE i.evaluation_id = $1 AND b.state = 'running' \
                 AND NOT EXISTS (SELECT 1 FROM results r WHERE r.evaluation_id = i.evaluation_id AND r.seq = i.seq)",
            )
            .bind(id.as_str())
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM results WHERE evaluation_id = $1").bind(id.as_str()).execute(&mut *tx).await?;
            // Fresh blocks over the jobs there are now (cases may have been deleted).
            sqlx::query("DELETE FROM job_blocks WHERE evaluation_id = $1").bind(id.as_str()).execute(&mut *tx).await?;
            let seqs: Vec<i64> = sqlx::query_scalar("SELECT seq FROM job_items WHERE evaluation_id = $1 ORDER BY seq")
                .bind(id.as_str())
                .fetch_all(&mut *tx)
                .await?;
            insert_blocks!(tx, style, id.as_str(), &seqs);
            sqlx::query(
                "UPDATE evaluations SET state = CASE WHEN total = 0 THEN 'completed' ELSE 'pending' END, done = 0, passed = 0, failed = 0, \
                 errored = 0, unscorable = 0, error = NULL, started_at = NULL, finished_at = CASE WHEN total = 0 THEN $1 END WHERE id = $2",
            )
            .bind(now)
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO events (evaluation_id, kind, data, created_at) VALUES ($1, 'evaluation.rerun', '{}', $2)")
                .bind(id.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            if !evaluation.private {
                sqlx::query(NOTIFY).bind(team_id.as_str()).bind(&refs).bind(now).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Rerun { deleted_completed_jobs: completed, deleted_working_jobs: working }
        });
        Ok(Some(rerun))
    }

    /// Deletes a finished (completed, aborted or failed) evaluation and everything under it.
    pub async fn delete_workbench_evaluation(&self, team_id: &Id, id: &Id) -> Result<Deletion> {
        let Some(evaluation) = self.workbench_evaluation(team_id, id).await? else { return Ok(Deletion::NotFound) };
        if !evaluation.state.is_finished() {
            return Ok(Deletion::InProgress);
        }
        let now = unix_now();
        let refs = refs_json(&[format!("Evaluation:{id}")])?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let deleted = sqlx::query("DELETE FROM evaluations WHERE id = $1 AND state IN ('completed', 'aborted', 'failed')")
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
            if !deleted {
                return Ok(Deletion::InProgress);
            }
            if !evaluation.private {
                sqlx::query(NOTIFY).bind(team_id.as_str()).bind(&refs).bind(now).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(Deletion::Deleted)
    }

    /// Deletes a privacy-mode evaluation's data once its stream has ended (any state).
    pub async fn purge_private_evaluation(&self, team_id: &Id, id: &Id) -> Result<bool> {
        Ok(on_pool!(self, pool => sqlx::query(
            "DELETE FROM evaluations WHERE id = $1 AND team_id = $2 AND id IN \
             (SELECT evaluation_id FROM workbench_evaluations WHERE session_token_hash IS NOT NULL)",
        )
        .bind(id.as_str())
        .bind(team_id.as_str())
        .execute(pool)
        .await?
        .rows_affected()
            > 0))
    }

    /// The session token hash of a team's privacy-mode evaluation.
    pub async fn private_session_hash(&self, team_id: &Id, id: &Id) -> Result<Option<String>> {
        let hash: Option<Option<String>> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT session_token_hash FROM workbench_evaluations WHERE evaluation_id = $1 AND team_id = $2",
        )
        .bind(id.as_str())
        .bind(team_id.as_str())
        .fetch_optional(pool)
        .await?);
        Ok(hash.flatten())
    }

    /// Deletes one case run with its job and result, keeping the evaluation's counters true
    /// (and completing it if that was the last unfinished one). False when there is none.
    pub async fn delete_case_run(&self, team_id: &Id, id: &Id) -> Result<bool> {
        let Some(run) = self.case_run(team_id, id).await? else { return Ok(false) };
        let now = unix_now();
        let refs = refs_json(&[format!("Evaluation:{}", run.evaluation_id), format!("CaseRun:{id}")])?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM case_runs WHERE id = $1").bind(id.as_str()).fetch_optional(&mut *tx).await?;
            let Some(seq) = seq else { return Ok(false) };
            let result: Option<(Option<bool>, bool)> =
                sqlx::query_as("SELECT passed, error IS NOT NULL FROM results WHERE evaluation_id = $1 AND seq = $2")
                    .bind(run.evaluation_id.as_str())
                    .bind(seq)
                    .fetch_optional(&mut *tx)
                    .await?;
            let mut removed = Counts::default();
            if let Some((passed, errored)) = result {
                removed.add(Verdict::of(passed, errored));
            }
            for sql in [
                "DELETE FROM results WHERE evaluation_id = $1 AND seq = $2",
                "DELETE FROM job_items WHERE evaluation_id = $1 AND seq = $2",
                "DELETE FROM case_runs WHERE evaluation_id = $1 AND seq = $2",
            ] {
                sqlx::query(sql).bind(run.evaluation_id.as_str()).bind(seq).execute(&mut *tx).await?;
            }
            sqlx::query(
                "UPDATE evaluations SET total = total - 1, done = done - $1, passed = passed - $2, failed = failed - $3, errored = errored - $4, \
                 unscorable = unscorable - $6 WHERE id = $5",
            )
            .bind(removed.done)
            .bind(removed.passed)
            .bind(removed.failed)
            .bind(removed.errored)
            .bind(run.evaluation_id.as_str())
            .bind(removed.unscorable)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE evaluations SET state = 'completed', finished_at = $1 WHERE id = $2 AND state IN ('pending', 'running') AND done >= total")
                .bind(now)
                .bind(run.evaluation_id.as_str())
                .execute(&mut *tx)
                .await?;
            sqlx::query(NOTIFY).bind(team_id.as_str()).bind(&refs).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(true)
    }
}
