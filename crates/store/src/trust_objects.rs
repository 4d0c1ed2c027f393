//! The `/v1` objects beside evaluations: detection requests and their outputs, evaluation
//! reports, and people's feedback on verdicts.

use assay_core::{Id, ResultFeedback, TrustDetection, TrustReport, unix_now};

use crate::error::{from_json_column, to_json_column};
use crate::tenancy::stored_id;
use crate::{Result, Store, on_pool};

#[derive(sqlx::FromRow)]
struct DetectionRow {
    id: String,
    team_id: String,
    detector_id: String,
    status: String,
    inputs: String,
    params: String,
    outputs: String,
    error: Option<String>,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: String,
    evaluation_id: String,
    status: String,
    status_message: String,
    content: Option<String>,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct FeedbackRow {
    id: String,
    team_id: String,
    evaluation_id: String,
    response_id: String,
    detector_id: String,
    prompt_id: Option<String>,
    value: f64,
    message: Option<String>,
    created_by: Option<String>,
    created_at: i64,
    updated_at: i64,
}

fn detection(row: DetectionRow) -> Result<TrustDetection> {
    Ok(TrustDetection {
        id: stored_id(&row.id)?,
        team_id: stored_id(&row.team_id)?,
        detector_id: row.detector_id,
        status: row.status,
        inputs: from_json_column("detection inputs", &row.inputs)?,
        params: from_json_column("detection params", &row.params)?,
        outputs: from_json_column("detection outputs", &row.outputs)?,
        error: row.error,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn report(row: ReportRow) -> Result<TrustReport> {
    Ok(TrustReport {
        id: stored_id(&row.id)?,
        evaluation_id: stored_id(&row.evaluation_id)?,
        status: row.status,
        status_message: row.status_message,
        content: row.content,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn feedback(row: FeedbackRow) -> Result<ResultFeedback> {
    Ok(ResultFeedback {
        id: stored_id(&row.id)?,
        team_id: stored_id(&row.team_id)?,
        evaluation_id: row.evaluation_id,
        response_id: row.response_id,
        detector_id: row.detector_id,
        prompt_id: row.prompt_id,
        value: row.value,
        message: row.message,
        created_by: row.created_by.as_deref().map(stored_id).transpose()?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Which feedback a list keeps (each filter optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackFilter {
    pub response_id: Option<String>,
    pub evaluation_id: Option<String>,
    pub detector_id: Option<String>,
    pub prompt_id: Option<String>,
    pub created_by: Option<String>,
}

const DETECTION_COLUMNS: &str = "id, team_id, detector_id, status, inputs, params, outputs, error, created_at, updated_at";
const REPORT_COLUMNS: &str = "id, evaluation_id, status, status_message, content, created_at, updated_at";
const FEEDBACK_COLUMNS: &str =
    "id, team_id, evaluation_id, response_id, detector_id, prompt_id, value, message, created_by, created_at, updated_at";

impl Store {
    /// Records a detection request (status `CREATED`); an id already taken is a conflict.
    pub async fn create_detection(&self, detection: &TrustDetection) -> Result<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO trust_detections (id, team_id, detector_id, status, inputs, params, outputs, error, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(detection.id.as_str())
        .bind(detection.team_id.as_str())
        .bind(&detection.detector_id)
        .bind(&detection.status)
        .bind(to_json_column("detection inputs", &detection.inputs)?)
        .bind(to_json_column("detection params", &detection.params)?)
        .bind(to_json_column("detection outputs", &detection.outputs)?)
        .bind(detection.error.as_deref())
        .bind(detection.created_at)
        .execute(pool)
        .await
        .map(|_| ())
        .map_err(crate::error::conflict_as("detection id"))?);
        Ok(())
    }

    /// Stores a detection's outcome.
    pub async fn finish_detection(&self, id: &Id, status: &str, outputs: &[serde_json::Value], error: Option<&str>) -> Result<()> {
        on_pool!(self, pool => sqlx::query("UPDATE trust_detections SET status = $1, outputs = $2, error = $3, updated_at = $4 WHERE id = $5")
            .bind(status)
            .bind(to_json_column("detection outputs", outputs)?)
            .bind(error)
            .bind(unix_now())
            .bind(id.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    pub async fn detection(&self, team_id: &Id, id: &Id) -> Result<Option<TrustDetection>> {
        let sql = format!("SELECT {DETECTION_COLUMNS} FROM trust_detections WHERE team_id = $1 AND id = $2");
        let row: Option<DetectionRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(detection).transpose()
    }

    /// Detections left `CREATED` (their process stopped before running them), oldest first.
    pub async fn unfinished_detections(&self) -> Result<Vec<TrustDetection>> {
        let sql = format!("SELECT {DETECTION_COLUMNS} FROM trust_detections WHERE status = 'CREATED' ORDER BY created_at, id");
        let rows: Vec<DetectionRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?);
        rows.into_iter().map(detection).collect()
    }

    /// Records a report being generated for an evaluation.
    pub async fn create_report(&self, team_id: &Id, evaluation_id: &Id, id: &Id, status: &str) -> Result<()> {
        let now = unix_now();
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO trust_reports (id, evaluation_id, team_id, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(id.as_str())
        .bind(evaluation_id.as_str())
        .bind(team_id.as_str())
        .bind(status)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Stores a report's outcome: its content, or why there is none.
    pub async fn finish_report(&self, id: &Id, status: &str, message: &str, content: Option<&str>) -> Result<()> {
        on_pool!(self, pool => sqlx::query("UPDATE trust_reports SET status = $1, status_message = $2, content = $3, updated_at = $4 WHERE id = $5")
            .bind(status)
            .bind(message)
            .bind(content)
            .bind(unix_now())
            .bind(id.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Reports left `GENERATING` (their process stopped first), oldest first, without content.
    pub async fn unfinished_reports(&self) -> Result<Vec<TrustReport>> {
        let rows: Vec<ReportRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, evaluation_id, status, status_message, NULL AS content, created_at, updated_at FROM trust_reports \
             WHERE status = 'GENERATING' ORDER BY created_at, id",
        )
        .fetch_all(pool)
        .await?);
        rows.into_iter().map(report).collect()
    }

    pub async fn report(&self, team_id: &Id, evaluation_id: &Id, id: &Id) -> Result<Option<TrustReport>> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM trust_reports WHERE team_id = $1 AND evaluation_id = $2 AND id = $3");
        let row: Option<ReportRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(evaluation_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(report).transpose()
    }

    /// An evaluation's reports, newest first, optionally only those with `status` (no content).
    pub async fn list_reports(&self, team_id: &Id, evaluation_id: &Id, status: Option<&str>) -> Result<Vec<TrustReport>> {
        let rows: Vec<ReportRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, evaluation_id, status, status_message, NULL AS content, created_at, updated_at FROM trust_reports \
             WHERE team_id = $1 AND evaluation_id = $2 AND (CAST($3 AS TEXT) IS NULL OR status = $3) ORDER BY created_at DESC, id DESC",
        )
        .bind(team_id.as_str())
        .bind(evaluation_id.as_str())
        .bind(status)
        .fetch_all(pool)
        .await?);
        rows.into_iter().map(report).collect()
    }

    pub async fn delete_report(&self, team_id: &Id, evaluation_id: &Id, id: &Id) -> Result<bool> {
        let deleted = on_pool!(self, pool => sqlx::query("DELETE FROM trust_reports WHERE team_id = $1 AND evaluation_id = $2 AND id = $3")
            .bind(team_id.as_str())
            .bind(evaluation_id.as_str())
            .bind(id.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(deleted > 0)
    }

    pub async fn create_feedback(&self, feedback: &ResultFeedback) -> Result<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO results_feedback (id, team_id, evaluation_id, response_id, detector_id, prompt_id, value, message, created_by, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(feedback.id.as_str())
        .bind(feedback.team_id.as_str())
        .bind(&feedback.evaluation_id)
        .bind(&feedback.response_id)
        .bind(&feedback.detector_id)
        .bind(feedback.prompt_id.as_deref())
        .bind(feedback.value)
        .bind(feedback.message.as_deref())
        .bind(feedback.created_by.as_ref().map(Id::as_str))
        .bind(feedback.created_at)
        .execute(pool)
        .await
        .map(|_| ())
        .map_err(crate::error::conflict_as("feedback id"))?);
        Ok(())
    }

    pub async fn feedback(&self, team_id: &Id, id: &Id) -> Result<Option<ResultFeedback>> {
        let sql = format!("SELECT {FEEDBACK_COLUMNS} FROM results_feedback WHERE team_id = $1 AND id = $2");
        let row: Option<FeedbackRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(feedback).transpose()
    }

    /// A team's feedback, newest first, narrowed by `filter`.
    pub async fn list_feedback(&self, team_id: &Id, filter: &FeedbackFilter, limit: i64, offset: i64) -> Result<Vec<ResultFeedback>> {
        let sql = format!(
            "SELECT {FEEDBACK_COLUMNS} FROM results_feedback WHERE team_id = $1 AND (CAST($2 AS TEXT) IS NULL OR response_id = $2) \
             AND (CAST($3 AS TEXT) IS NULL OR evaluation_id = $3) AND (CAST($4 AS TEXT) IS NULL OR detector_id = $4) \
             AND (CAST($5 AS TEXT) IS NULL OR prompt_id = $5) AND (CAST($6 AS TEXT) IS NULL OR created_by = $6) \
             ORDER BY created_at DESC, id DESC LIMIT $7 OFFSET $8"
        );
        let rows: Vec<FeedbackRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(filter.response_id.as_deref())
            .bind(filter.evaluation_id.as_deref())
            .bind(filter.detector_id.as_deref())
            .bind(filter.prompt_id.as_deref())
            .bind(filter.created_by.as_deref())
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(feedback).collect()
    }

    /// Changes a feedback's value and message; `false` if the team has no such feedback.
    pub async fn update_feedback(&self, team_id: &Id, id: &Id, value: f64, message: Option<&str>) -> Result<bool> {
        let updated = on_pool!(self, pool => sqlx::query("UPDATE results_feedback SET value = $1, message = $2, updated_at = $3 WHERE team_id = $4 AND id = $5")
            .bind(value)
            .bind(message)
            .bind(unix_now())
            .bind(team_id.as_str())
            .bind(id.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(updated > 0)
    }

    pub async fn delete_feedback(&self, team_id: &Id, id: &Id) -> Result<bool> {
        let deleted = on_pool!(self, pool => sqlx::query("DELETE FROM results_feedback WHERE team_id = $1 AND id = $2")
            .bind(team_id.as_str())
            .bind(id.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(deleted > 0)
    }
}
