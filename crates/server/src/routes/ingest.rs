//! The ingest API (`POST /api/ingest`, errors as `{"code":"UPPERCASE","message":…}`) and the
//! read side of ingested runs (`/api/projects/…`, plain JSON).
//!
//! A batch is validated whole (every constraint of the ingest document; the message names the
//! field and index), then stored all or nothing. The answer to a stored batch is
//! `{"run_id","project_slug","accepted","duplicate":false}`; a batch identical to one the run
//! already holds is acknowledged with `"accepted":0,"duplicate":true` and changes nothing.

use assay_core::ErrorCode;
use assay_core::ingest::{IngestOutcome, IngestPayload, Project, valid_slug};
use assay_store::IngestWrite;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, page};
use crate::state::AppState;

/// The ingest document's body limit, whatever the server's general one.
pub const INGEST_BODY_LIMIT: usize = 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/api/ingest", post(ingest).layer(DefaultBodyLimit::max(INGEST_BODY_LIMIT)))
        .route("/api/projects", post(create_project).get(list_projects))
        .route("/api/projects/{slug}/runs", get(list_runs))
        .route("/api/projects/{slug}/runs/{run_id}", get(read_run))
}

async fn ingest(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(payload): ApiJson<IngestPayload>,
) -> Result<Json<Value>, ApiError> {
    payload.validate().map_err(ApiError::invalid)?;
    if state.store.team_disabled(&caller.team_id).await? {
        return Err(ApiError::new(ErrorCode::NoSubscription));
    }
    let project = state
        .store
        .project_by_slug(&caller.team_id, &payload.project_slug)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::ProjectNotFound))?;
    let quota = state.ingest_quota.for_plan(caller.plan);
    let bodies = payload.bodies();
    let digest = IngestPayload::batch_digest(&bodies);
    let (accepted, duplicate) = match state.store.ingest(&project, &payload, &bodies, &digest, quota).await? {
        IngestWrite::Done(IngestOutcome::Stored { accepted }) => (accepted, false),
        IngestWrite::Done(IngestOutcome::Duplicate) => (0, true),
        IngestWrite::QuotaExceeded => return Err(ApiError::new(ErrorCode::QuotaExceeded)),
    };
    Ok(Json(json!({ "run_id": payload.run_id, "project_slug": project.slug, "accepted": accepted, "duplicate": duplicate })))
}

#[derive(Debug, Deserialize)]
struct NewProject {
    slug: Option<String>,
    name: Option<String>,
}

fn project_view(project: &Project) -> Value {
    json!({ "id": project.id, "slug": project.slug, "name": project.name, "created_at": project.created_at })
}

async fn create_project(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<NewProject>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let slug = body.slug.unwrap_or_default();
    if !valid_slug(&slug) {
        return Err(ApiError::invalid("slug must match ^[a-z0-9-]+$ with at most 100 characters"));
    }
    let name = body.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| slug.clone());
    let project = state.store.create_project(&caller.team_id, &slug, &name).await?;
    Ok((StatusCode::CREATED, Json(project_view(&project))))
}

async fn list_projects(State(state): State<AppState>, Caller(caller): Caller) -> Result<Json<Value>, ApiError> {
    let projects = state.store.projects(&caller.team_id).await?;
    Ok(Json(json!({ "projects": projects.iter().map(project_view).collect::<Vec<_>>() })))
}

async fn project(state: &AppState, caller: &assay_core::Principal, slug: &str) -> Result<Project, ApiError> {
    state.store.project_by_slug(&caller.team_id, slug).await?.ok_or_else(|| ApiError::new(ErrorCode::ProjectNotFound))
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    limit: Option<i64>,
    offset: Option<i64>,
    result: Option<String>,
    assertion_type: Option<String>,
}

async fn list_runs(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(slug): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let project = project(&state, &caller, &slug).await?;
    let (limit, offset) = page(query.limit, query.offset, ErrorCode::InvalidRequest)?;
    let (runs, total) = state.store.ingested_runs(&project, limit, offset).await?;
    Ok(Json(json!({ "runs": runs, "total": total, "limit": limit, "offset": offset })))
}

async fn read_run(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((slug, run_id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let project = project(&state, &caller, &slug).await?;
    let (limit, offset) = page(query.limit, query.offset, ErrorCode::InvalidRequest)?;
    if query.result.as_deref().is_some_and(|r| assay_core::ingest::AssertionResult::parse(r).is_none()) {
        return Err(ApiError::invalid("result must be pass, fail or inconclusive"));
    }
    if query.assertion_type.as_deref().is_some_and(|t| assay_core::ingest::AssertionType::parse(t).is_none()) {
        return Err(ApiError::with_message(
            ErrorCode::InvalidRequest,
            "assertion_type must be groundedness, pii, sentiment, schema or fuzzy",
        ));
    }
    let run = state.store.ingested_run(&project, &run_id).await?.ok_or_else(ApiError::not_found)?;
    let (evaluations, total) = state
        .store
        .ingested_evaluations(&project, &run_id, query.result.as_deref(), query.assertion_type.as_deref(), limit, offset)
        .await?;
    Ok(Json(json!({ "run": run, "evaluations": evaluations, "total": total, "limit": limit, "offset": offset })))
}
