//! Case runs (one case on one model within an evaluation) and their thread messages: read,
//! listed by evaluation and status, deleted.

use assay_core::{ErrorCode, Id};
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{CaseRunDetail, CaseRunSummary, ThreadMessageView};
use super::{Envelope, WorkbenchOk, page, required, views};
use crate::auth::Caller;
use crate::envelope::WorkbenchError;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::state::AppState;

const STATUSES: [&str; 5] = ["pending", "running", "completed", "aborted", "error"];

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(read, remove)).routes(routes!(messages))
}

/// A team's case run, unless it belongs to a privacy-mode evaluation.
async fn visible(state: &AppState, team_id: &Id, raw_id: &str) -> Result<assay_core::CaseRun, ApiError> {
    let not_found = || ApiError::new(ErrorCode::CaseRunNotFound);
    let id = Id::parse(raw_id).map_err(|_| not_found())?;
    let run = state.store.case_run(team_id, &id).await?.ok_or_else(not_found)?;
    let evaluation = state.store.workbench_evaluation(team_id, &run.evaluation_id).await?;
    if evaluation.is_none_or(|e| e.private) {
        return Err(not_found());
    }
    Ok(run)
}

/// A case run with its thread.
#[utoipa::path(get, path = "/api/v1/case-runs/{id}", tag = "case-runs", operation_id = "get_case_run", params(("id" = String, Path)),
    responses((status = 200, description = "The case run", body = WorkbenchOk<CaseRunDetail>),
        (status = 404, description = "`case_run_not_found`", body = WorkbenchError)))]
async fn read(State(state): State<AppState>, Caller(caller): Caller, Path(id): Path<String>) -> Result<Envelope<CaseRunDetail>, ApiError> {
    let run = visible(&state, &caller.team_id, &id).await?;
    Ok(Envelope(views::case_run(&run)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListCaseRuns {
    /// Only the case runs of this evaluation.
    #[serde(rename = "evaluationID")]
    #[param(rename = "evaluationID")]
    evaluation_id: Option<String>,
    /// `pending`, `running`, `completed`, `aborted` or `error`.
    status: Option<String>,
    /// At most this many case runs (default 50, at most 500).
    limit: Option<i64>,
    /// Skip this many first (default 0).
    offset: Option<i64>,
}

/// The filters a list applied (only those given).
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseRunFilters {
    #[serde(rename = "evaluationID", skip_serializing_if = "Option::is_none")]
    evaluation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseRunList {
    case_runs: Vec<CaseRunSummary>,
    total: i64,
    limit: i64,
    offset: i64,
    filters: CaseRunFilters,
}

/// The team's case runs (never those of privacy-mode evaluations).
#[utoipa::path(get, path = "/api/v1/case-runs", tag = "case-runs", operation_id = "list_case_runs", params(ListCaseRuns),
    responses((status = 200, description = "A page of case runs", body = WorkbenchOk<CaseRunList>),
        (status = 400, description = "`invalid_field` (status, limit, offset)", body = WorkbenchError)))]
async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<ListCaseRuns>,
) -> Result<Envelope<CaseRunList>, ApiError> {
    let (limit, offset) = page(query.limit, query.offset)?;
    let status = query.status.as_deref().filter(|s| !s.is_empty());
    if status.is_some_and(|s| !STATUSES.contains(&s)) {
        return Err(ApiError::with_message(ErrorCode::InvalidField, "status must be pending, running, completed, aborted or error"));
    }
    let evaluation = query.evaluation_id.as_deref().filter(|s| !s.is_empty());
    let (runs, total) = match evaluation.map(Id::parse) {
        // An id that cannot exist, or a privacy-mode evaluation, matches nothing.
        Some(Err(_)) => (Vec::new(), 0),
        Some(Ok(id)) if state.store.workbench_evaluation(&caller.team_id, &id).await?.is_none_or(|e| e.private) => (Vec::new(), 0),
        Some(Ok(id)) => state.store.list_case_runs(&caller.team_id, Some(&id), status, limit, offset).await?,
        None => state.store.list_case_runs(&caller.team_id, None, status, limit, offset).await?,
    };
    let filters = CaseRunFilters { evaluation_id: evaluation.map(str::to_owned), status: status.map(str::to_owned) };
    Ok(Envelope(CaseRunList { case_runs: runs.iter().map(views::case_run_summary).collect(), total, limit, offset, filters }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseRunDeleted {
    message: &'static str,
    id: String,
}

/// Deletes a case run and its thread.
#[utoipa::path(delete, path = "/api/v1/case-runs/{id}", tag = "case-runs", operation_id = "delete_case_run", params(("id" = String, Path)),
    responses((status = 200, description = "What was deleted", body = WorkbenchOk<CaseRunDeleted>),
        (status = 404, description = "`case_run_not_found`", body = WorkbenchError)))]
async fn remove(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<Envelope<CaseRunDeleted>, ApiError> {
    let run = visible(&state, &caller.team_id, &id).await?;
    if !state.store.delete_case_run(&caller.team_id, &run.id).await? {
        return Err(ApiError::new(ErrorCode::CaseRunNotFound));
    }
    Ok(Envelope(CaseRunDeleted { message: "Case run deleted successfully", id: run.id.to_string() }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListMessages {
    /// The case run whose thread to list.
    #[serde(rename = "caseRunID")]
    #[param(rename = "caseRunID", value_type = String, required = true, min_length = 1)]
    case_run_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadMessageList {
    messages: Vec<ThreadMessageView>,
    total: usize,
    #[serde(rename = "caseRunID")]
    case_run_id: String,
}

/// A case run's thread, in order.
#[utoipa::path(get, path = "/api/v1/case-thread-messages", tag = "case-runs", operation_id = "list_case_thread_messages",
    params(ListMessages),
    responses((status = 200, description = "The thread's messages", body = WorkbenchOk<ThreadMessageList>),
        (status = 400, description = "`missing_case_run_id`", body = WorkbenchError),
        (status = 404, description = "`case_run_not_found`", body = WorkbenchError)))]
async fn messages(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<ListMessages>,
) -> Result<Envelope<ThreadMessageList>, ApiError> {
    let id = required(query.case_run_id, ErrorCode::MissingCaseRunId)?;
    let run = visible(&state, &caller.team_id, &id).await?;
    let messages = views::messages(&run);
    Ok(Envelope(ThreadMessageList { total: messages.len(), messages, case_run_id: run.id.to_string() }))
}
