//! Evaluation reports (`/v1/evaluations/{id}/reports`, `…/list-reports`): one self-contained
//! HTML file (scores per harness and scenario, every failing transcript) written in the
//! background by the engine's report writer; `GENERATING`, then `CREATED` or `FAILED`.

use assay_core::{Id, TrustReport};
use assay_store::Store;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{MultiQuery, OptionalJson, PathId, PathIdPair};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_report)).routes(routes!(get_report, delete_report)).routes(routes!(list_reports))
}

const STATUSES: &[&str] = &["GENERATING", "CREATED", "FAILED"];

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    report_id: String,
    evaluation_id: String,
    /// `GENERATING`, then `CREATED` (done) or `FAILED`.
    report_status: String,
    report_status_message: String,
    /// The HTML; `""` until it is made (and when it failed).
    report_content: String,
    created_at: i64,
    updated_at: i64,
}

impl From<TrustReport> for ReportView {
    fn from(report: TrustReport) -> Self {
        Self {
            report_id: report.id.to_string(),
            evaluation_id: report.evaluation_id.to_string(),
            report_status: report.status,
            report_status_message: report.status_message,
            report_content: report.content.unwrap_or_default(),
            created_at: report.created_at,
            updated_at: report.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportIds {
    /// Newest first.
    report_ids: Vec<String>,
}

async fn own_evaluation(state: &AppState, caller: &Caller, id: &Id) -> Result<assay_core::TrustEvaluation, ApiError> {
    state.store.trust_evaluation(&caller.0.team_id, id).await?.ok_or_else(ApiError::not_found)
}

/// Writes the report's HTML and stores it, or why it could not.
async fn generate(store: Store, evaluation: assay_core::Evaluation, report_id: Id) {
    let outcome = async {
        let summary = store.evaluation_summary(&evaluation.id).await?;
        let mut html = Vec::new();
        assay_engine::report::write_html(&store, &evaluation, &summary, &mut html)
            .await
            .map_err(|e| assay_store::Error::Corrupt(e.to_string()))?;
        Ok::<_, assay_store::Error>(String::from_utf8_lossy(&html).into_owned())
    }
    .await;
    let stored = match outcome {
        Ok(html) => store.finish_report(&report_id, "CREATED", "The report is ready", Some(&html)).await,
        Err(error) => {
            tracing::error!(error = %error, report = %report_id, "report failed");
            store.finish_report(&report_id, "FAILED", "The report could not be generated", Some("")).await
        }
    };
    if let Err(error) = stored {
        tracing::error!(error = %error, report = %report_id, "cannot store a report");
    }
}

/// Writes again every report still `GENERATING` (its server stopped before finishing it).
pub async fn resume_unfinished(state: &AppState) {
    let unfinished = match state.store.unfinished_reports().await {
        Ok(list) => list,
        Err(error) => return tracing::warn!(error = %error, "cannot list unfinished reports"),
    };
    for report in unfinished {
        match state.store.evaluation(&report.evaluation_id).await {
            Ok(Some(evaluation)) => {
                tokio::spawn(generate(state.store.clone(), evaluation, report.id));
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(error = %error, "cannot resume a report"),
        }
    }
}

/// Starts an HTML report of the evaluation; poll `GET …/reports/{report_id}` until `CREATED`.
#[utoipa::path(post, path = "/v1/evaluations/{id}/reports", tag = "reports", params(("id" = String, Path)),
    responses((status = 200, description = "The report, started", body = ReportView), (status = 404, description = "No such evaluation")))]
async fn create_report(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    OptionalJson(_body): OptionalJson<serde_json::Value>,
) -> Result<Json<ReportView>, ApiError> {
    let trust = own_evaluation(&state, &caller, &id).await?;
    let report_id = Id::generate();
    state.store.create_report(&caller.0.team_id, &id, &report_id, "GENERATING").await?;
    tokio::spawn(generate(state.store.clone(), trust.evaluation, report_id.clone()));
    let report = state.store.report(&caller.0.team_id, &id, &report_id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(ReportView { report_status_message: "Creating your evaluation report".into(), ..report.into() }))
}

/// One report with its status and, once `CREATED`, its HTML.
#[utoipa::path(get, path = "/v1/evaluations/{id}/reports/{report_id}", tag = "reports", params(("id" = String, Path), ("report_id" = String, Path)),
    responses((status = 200, description = "The report", body = ReportView), (status = 404, description = "No such report")))]
async fn get_report(
    State(state): State<AppState>,
    caller: Caller,
    PathIdPair(id, report_id): PathIdPair,
) -> Result<Json<ReportView>, ApiError> {
    let report = state.store.report(&caller.0.team_id, &id, &report_id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(report.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDeleted {
    report_id: String,
    deleted: bool,
}

/// Deletes a report.
#[utoipa::path(delete, path = "/v1/evaluations/{id}/reports/{report_id}", tag = "reports", params(("id" = String, Path), ("report_id" = String, Path)),
    responses((status = 200, description = "Deleted", body = ReportDeleted), (status = 404, description = "No such report")))]
async fn delete_report(
    State(state): State<AppState>,
    caller: Caller,
    PathIdPair(id, report_id): PathIdPair,
) -> Result<Json<ReportDeleted>, ApiError> {
    if !state.store.delete_report(&caller.0.team_id, &id, &report_id).await? {
        return Err(ApiError::not_found());
    }
    Ok(Json(ReportDeleted { report_id: report_id.to_string(), deleted: true }))
}

/// The evaluation's report ids, newest first; `status` (GENERATING, CREATED, FAILED) narrows.
#[utoipa::path(get, path = "/v1/evaluations/{id}/list-reports", tag = "reports", params(("id" = String, Path), ("status" = Option<String>, Query)),
    responses((status = 200, description = "Report ids", body = ReportIds), (status = 400, description = "Unknown status"),
        (status = 404, description = "No such evaluation")))]
async fn list_reports(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    query: MultiQuery,
) -> Result<Json<ReportIds>, ApiError> {
    let status = query.one("status").map(str::to_ascii_uppercase);
    if let Some(status) = &status
        && !STATUSES.contains(&status.as_str())
    {
        return Err(ApiError::invalid(format!("unknown status {status:?}; use {}", STATUSES.join(", "))));
    }
    own_evaluation(&state, &caller, &id).await?;
    let reports = state.store.list_reports(&caller.0.team_id, &id, status.as_deref()).await?;
    Ok(Json(ReportIds { report_ids: reports.into_iter().map(|r| r.id.to_string()).collect() }))
}
