//! Ingested runs: projects per team, batches of assertion results stored all or nothing in one
//! transaction (with the team's monthly quota, the run's totals and a notification), a
//! re-sent batch recognised by its digest, and the read side (runs, one run's evaluations).

use assay_core::civil_time::CivilTime;
use assay_core::ingest::{
    AssertionResult, HardeningSummary, IngestOutcome, IngestPayload, IngestedEvaluation, IngestedRun, Project, RunInfo,
};
use assay_core::{Id, unix_now};
use sqlx::AssertSqlSafe;

use crate::batch::{fixed_chunks, values};
use crate::error::{from_json_column, to_json_column};
use crate::notifications::{NOTIFY, refs_json};
use crate::tenancy::stored_id;
use crate::{BeginWrite, Error, Result, Store, on_pool, on_write_pool};

/// Evaluation rows per multi-row INSERT (5 parameters a row).
const EVALUATION_CHUNK: usize = 250;

/// What storing a batch came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestWrite {
    Done(IngestOutcome),
    /// The team's monthly quota would be exceeded: nothing was stored.
    QuotaExceeded,
}

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: String,
    team_id: String,
    slug: String,
    name: String,
    created_at: i64,
}

impl TryFrom<ProjectRow> for Project {
    type Error = Error;
    fn try_from(row: ProjectRow) -> Result<Self> {
        Ok(Project {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            slug: row.slug,
            name: row.name,
            created_at: row.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RunRow {
    run_id: String,
    run: String,
    total: i64,
    passed: i64,
    failed: i64,
    inconclusive: i64,
    judge_cost_usd: f64,
    judge_latency_ms: f64,
    input_rejected: i64,
    rate_limited: i64,
    backoff_ms: i64,
    created_at: i64,
    updated_at: i64,
}

const RUN_COLUMNS: &str = "run_id, run, total, passed, failed, inconclusive, judge_cost_usd, judge_latency_ms, input_rejected, \
     rate_limited, backoff_ms, created_at, updated_at";

fn run_of(slug: &str, row: RunRow) -> Result<IngestedRun> {
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(IngestedRun {
        project_slug: slug.to_owned(),
        run_id: row.run_id,
        run: from_json_column::<RunInfo>("ingested run", &row.run)?,
        total: row.total,
        passed: row.passed,
        failed: row.failed,
        inconclusive: row.inconclusive,
        judge_cost_usd: row.judge_cost_usd,
        judge_latency_ms: row.judge_latency_ms,
        hardening_summary: HardeningSummary {
            total_input_rejected: count(row.input_rejected),
            total_rate_limited: count(row.rate_limited),
            total_backoff_ms: count(row.backoff_ms),
        },
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// `YYYY-MM` (UTC) of a Unix time: the quota's month.
pub fn month_of(unix_seconds: i64) -> String {
    let t = CivilTime::from_unix(unix_seconds);
    format!("{:04}-{:02}", t.year, t.month)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    /// Creates a project; a slug already used in the team is a conflict.
    pub async fn create_project(&self, team_id: &Id, slug: &str, name: &str) -> Result<Project> {
        let project =
            Project { id: Id::generate(), team_id: team_id.clone(), slug: slug.to_owned(), name: name.to_owned(), created_at: unix_now() };
        let inserted = on_pool!(self, pool => sqlx::query(
            "INSERT INTO projects (id, team_id, slug, name, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (team_id, slug) DO NOTHING",
        )
        .bind(project.id.as_str())
        .bind(team_id.as_str())
        .bind(slug)
        .bind(name)
        .bind(project.created_at)
        .execute(pool)
        .await?
        .rows_affected());
        if inserted == 0 {
            return Err(Error::Conflict("project slug".to_owned()));
        }
        Ok(project)
    }

    /// A team's projects, by slug.
    pub async fn projects(&self, team_id: &Id) -> Result<Vec<Project>> {
        let rows: Vec<ProjectRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, team_id, slug, name, created_at FROM projects WHERE team_id = $1 ORDER BY slug",
        )
        .bind(team_id.as_str())
        .fetch_all(pool)
        .await?);
        rows.into_iter().map(Project::try_from).collect()
    }

    pub async fn project_by_slug(&self, team_id: &Id, slug: &str) -> Result<Option<Project>> {
        let row: Option<ProjectRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, team_id, slug, name, created_at FROM projects WHERE team_id = $1 AND slug = $2",
        )
        .bind(team_id.as_str())
        .bind(slug)
        .fetch_optional(pool)
        .await?);
        row.map(Project::try_from).transpose()
    }

    /// Whether a team is disabled (it may not ingest).
    pub async fn team_disabled(&self, team_id: &Id) -> Result<bool> {
        let disabled: Option<bool> = on_pool!(self, pool => sqlx::query_scalar("SELECT disabled FROM teams WHERE id = $1").bind(team_id.as_str()).fetch_optional(pool).await?);
        Ok(disabled.unwrap_or(true))
    }

    /// Disables or enables a team; false if there is no such team.
    pub async fn set_team_disabled(&self, team_id: &Id, disabled: bool) -> Result<bool> {
        Ok(on_pool!(self, pool => sqlx::query("UPDATE teams SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(team_id.as_str())
            .execute(pool)
            .await?
            .rows_affected())
            > 0)
    }

    /// Stores one validated batch, all or nothing: the run (created or updated with the
    /// batch's run info), the evaluations after the run's existing ones, the totals, the
    /// team's usage for the month (refused past `monthly_quota`), a notification. A batch whose
    /// `digest` the run already holds changes nothing.
    /// `bodies` are the evaluations as JSON, in order (see [`IngestPayload::bodies`]).
    pub async fn ingest(
        &self,
        project: &Project,
        payload: &IngestPayload,
        bodies: &[String],
        digest: &str,
        monthly_quota: u64,
    ) -> Result<IngestWrite> {
        let now = unix_now();
        let month = month_of(now);
        let count = payload.evaluations.len();
        let n = i64::try_from(count).unwrap_or(i64::MAX);
        let run_json = to_json_column("ingested run", &payload.run)?;
        if bodies.len() != count {
            return Err(Error::Corrupt("one JSON body per ingested evaluation".into()));
        }
        let rows: Vec<(&String, &IngestedEvaluation)> = bodies.iter().zip(&payload.evaluations).collect();
        let tally = |wanted: AssertionResult| i64::try_from(payload.evaluations.iter().filter(|e| e.result == wanted).count()).unwrap_or(0);
        let (passed, failed, inconclusive) =
            (tally(AssertionResult::Pass), tally(AssertionResult::Fail), tally(AssertionResult::Inconclusive));
        let cost: f64 = payload.evaluations.iter().filter_map(|e| e.judge_cost_usd).sum();
        let latency: f64 = payload.evaluations.iter().map(|e| e.judge_latency_ms).sum();
        let hardening = payload.run.hardening_summary;
        let refs = refs_json(&[format!("Project:{}", project.id), format!("IngestedRun:{}", payload.run_id)])?;
        let style = self.style();
        let _turn = self.write_turn().await;
        on_write_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // The upsert locks the run's row (PostgreSQL), so batches of one run take turns.
            let (run_key, existing): (i64, i64) = sqlx::query_as(
                "INSERT INTO ingest_runs (project_id, run_id, run, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) \
                 ON CONFLICT (project_id, run_id) DO UPDATE SET updated_at = ingest_runs.updated_at RETURNING id, total",
            )
            .bind(project.id.as_str())
            .bind(&payload.run_id)
            .bind(&run_json)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let fresh = sqlx::query("INSERT INTO ingest_batches (run_key, digest, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(run_key)
                .bind(digest)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
            if !fresh {
                tx.rollback().await?;
                return Ok(IngestWrite::Done(IngestOutcome::Duplicate));
            }
            sqlx::query("INSERT INTO ingest_usage (team_id, month, evaluations) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING")
                .bind(project.team_id.as_str())
                .bind(&month)
                .execute(&mut *tx)
                .await?;
            let within = sqlx::query(
                "UPDATE ingest_usage SET evaluations = evaluations + $1 WHERE team_id = $2 AND month = $3 AND evaluations + $1 <= $4",
            )
            .bind(n)
            .bind(project.team_id.as_str())
            .bind(&month)
            .bind(to_i64(monthly_quota))
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if !within {
                tx.rollback().await?;
                return Ok(IngestWrite::QuotaExceeded);
            }
            let mut seq = existing;
            for chunk in fixed_chunks(&rows, EVALUATION_CHUNK) {
                let sql = format!(
                    "INSERT INTO ingest_evaluations (run_key, seq, assertion_type, result, body) VALUES {}",
                    values(style, chunk.len(), 5, 1)
                );
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for (body, evaluation) in chunk {
                    query = query.bind(run_key).bind(seq).bind(evaluation.assertion_type.as_str()).bind(evaluation.result.as_str()).bind(*body);
                    seq += 1;
                }
                query.execute(&mut *tx).await?;
            }
            sqlx::query(
                "UPDATE ingest_runs SET run = $1, total = total + $2, passed = passed + $3, failed = failed + $4, \
                 inconclusive = inconclusive + $5, judge_cost_usd = judge_cost_usd + $6, judge_latency_ms = judge_latency_ms + $7, \
                 input_rejected = COALESCE($8, input_rejected), rate_limited = COALESCE($9, rate_limited), backoff_ms = COALESCE($10, backoff_ms), \
                 updated_at = $11 WHERE id = $12",
            )
            .bind(&run_json)
            .bind(n)
            .bind(passed)
            .bind(failed)
            .bind(inconclusive)
            .bind(cost)
            .bind(latency)
            .bind(hardening.map(|h| to_i64(h.total_input_rejected)))
            .bind(hardening.map(|h| to_i64(h.total_rate_limited)))
            .bind(hardening.map(|h| to_i64(h.total_backoff_ms)))
            .bind(now)
            .bind(run_key)
            .execute(&mut *tx)
            .await?;
            sqlx::query(NOTIFY).bind(project.team_id.as_str()).bind(&refs).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(IngestWrite::Done(IngestOutcome::Stored { accepted: count }))
    }

    /// A project's runs, newest first, and how many it has.
    pub async fn ingested_runs(&self, project: &Project, limit: i64, offset: i64) -> Result<(Vec<IngestedRun>, i64)> {
        let sql =
            format!("SELECT {RUN_COLUMNS} FROM ingest_runs WHERE project_id = $1 ORDER BY created_at DESC, run_id LIMIT $2 OFFSET $3");
        let (rows, total): (Vec<RunRow>, i64) = on_pool!(self, pool => (
            sqlx::query_as(AssertSqlSafe(sql)).bind(project.id.as_str()).bind(limit).bind(offset).fetch_all(pool).await?,
            sqlx::query_scalar("SELECT COUNT(*) FROM ingest_runs WHERE project_id = $1").bind(project.id.as_str()).fetch_one(pool).await?,
        ));
        Ok((rows.into_iter().map(|row| run_of(&project.slug, row)).collect::<Result<_>>()?, total))
    }

    pub async fn ingested_run(&self, project: &Project, run_id: &str) -> Result<Option<IngestedRun>> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM ingest_runs WHERE project_id = $1 AND run_id = $2");
        let row: Option<RunRow> =
            on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql)).bind(project.id.as_str()).bind(run_id).fetch_optional(pool).await?);
        row.map(|row| run_of(&project.slug, row)).transpose()
    }

    /// A run's evaluations in the order received, optionally of one result and assertion
    /// type, and how many match.
    pub async fn ingested_evaluations(
        &self,
        project: &Project,
        run_id: &str,
        result: Option<&str>,
        assertion_type: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<IngestedEvaluation>, i64)> {
        let filter = "run_key = (SELECT id FROM ingest_runs WHERE project_id = $1 AND run_id = $2) \
             AND ($3 IS NULL OR result = $3) AND ($4 IS NULL OR assertion_type = $4)";
        let sql = format!("SELECT body FROM ingest_evaluations WHERE {filter} ORDER BY seq LIMIT $5 OFFSET $6");
        let count = format!("SELECT COUNT(*) FROM ingest_evaluations WHERE {filter}");
        let (bodies, total): (Vec<String>, i64) = on_pool!(self, pool => (
            sqlx::query_scalar(AssertSqlSafe(sql)).bind(project.id.as_str()).bind(run_id).bind(result).bind(assertion_type).bind(limit).bind(offset).fetch_all(pool).await?,
            sqlx::query_scalar(AssertSqlSafe(count)).bind(project.id.as_str()).bind(run_id).bind(result).bind(assertion_type).fetch_one(pool).await?,
        ));
        Ok((bodies.iter().map(|body| from_json_column("ingested evaluation", body)).collect::<Result<_>>()?, total))
    }
}

#[cfg(test)]
mod tests {
    use super::month_of;

    #[test]
    fn months_are_utc_calendar_months() {
        assert_eq!(month_of(0), "1970-01");
        assert_eq!(month_of(951_782_400), "2000-02");
        assert_eq!(month_of(1_795_420_800), "2026-11");
        assert_eq!(month_of(1_798_761_599), "2026-12");
        assert_eq!(month_of(1_798_761_600), "2027-01");
    }
}
