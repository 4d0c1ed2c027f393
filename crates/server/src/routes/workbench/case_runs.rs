//! Case runs (one case on one model within an evaluation) and their thread messages: read,
//! listed by evaluation and status, deleted.

use assay_core::{ErrorCode, Id};
use axum::extract::{Path, State};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;

use super::{Envelope, page, required, views};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::state::AppState;

const STATUSES: [&str; 5] = ["pending", "running", "completed", "aborted", "error"];

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/api/v1/case-runs", get(list))
        .route("/api/v1/case-runs/{id}", get(read).delete(remove))
        .route("/api/v1/case-thread-messages", get(messages))
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

async fn read(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<Envelope<serde_json::Value>, ApiError> {
    let run = visible(&state, &caller.team_id, &id).await?;
    Ok(Envelope(views::case_run(&run)))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(rename = "evaluationID")]
    evaluation_id: Option<String>,
    status: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Envelope<serde_json::Value>, ApiError> {
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
    let mut filters = serde_json::Map::new();
    if let Some(evaluation) = evaluation {
        filters.insert("evaluationID".into(), evaluation.into());
    }
    if let Some(status) = status {
        filters.insert("status".into(), status.into());
    }
    Ok(Envelope(json!({
        "caseRuns": runs.iter().map(views::case_run_summary).collect::<Vec<_>>(),
        "total": total,
        "limit": limit,
        "offset": offset,
        "filters": filters,
    })))
}

async fn remove(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<Envelope<serde_json::Value>, ApiError> {
    let run = visible(&state, &caller.team_id, &id).await?;
    if !state.store.delete_case_run(&caller.team_id, &run.id).await? {
        return Err(ApiError::new(ErrorCode::CaseRunNotFound));
    }
    Ok(Envelope(json!({ "message": "Case run deleted successfully", "id": run.id })))
}

#[derive(Debug, Deserialize)]
struct MessagesQuery {
    #[serde(rename = "caseRunID")]
    case_run_id: Option<String>,
}

async fn messages(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> Result<Envelope<serde_json::Value>, ApiError> {
    let id = required(query.case_run_id, ErrorCode::MissingCaseRunId)?;
    let run = visible(&state, &caller.team_id, &id).await?;
    let messages = views::messages(&run);
    Ok(Envelope(json!({ "messages": messages, "total": messages.len(), "caseRunID": run.id })))
}
