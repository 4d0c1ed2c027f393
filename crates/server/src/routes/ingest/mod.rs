//! The ingest API (`POST /api/ingest`, errors as `{"code":"UPPERCASE","message":…}`) and the
//! read side of ingested runs (`/api/projects/…`, plain JSON).
//!
//! A batch is validated whole (every constraint of the ingest document; the message names the
//! field and index), then stored all or nothing. The answer to a stored batch is
//! `{"run_id","project_slug","accepted","duplicate":false}`; a batch identical to one the run
//! already holds is acknowledged with `"accepted":0,"duplicate":true` and changes nothing.

mod schema;

use assay_core::ErrorCode;
use assay_core::ingest::{IngestOutcome, IngestPayload, IngestedEvaluation, IngestedRun, Project, valid_slug};
use assay_store::IngestWrite;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::envelope::{IngestError, PlainError};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, page};
use crate::state::AppState;

/// The ingest document's body limit, whatever the server's general one.
pub const INGEST_BODY_LIMIT: usize = 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ingest).layer(DefaultBodyLimit::max(INGEST_BODY_LIMIT)))
        .routes(routes!(create_project, list_projects))
        .routes(routes!(list_runs))
        .routes(routes!(read_run))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IngestAccepted {
    run_id: String,
    project_slug: String,
    /// Evaluations added to the run: 0 for a duplicate batch.
    accepted: usize,
    /// Whether the run already held this very batch (nothing changed).
    duplicate: bool,
}

/// Stores one batch of a run's evaluations, all or nothing; a batch sent twice is
/// acknowledged as a duplicate.
#[utoipa::path(post, path = "/api/ingest", tag = "ingest", operation_id = "ingest_batch",
    request_body(content = schema::IngestPayload, description = "At most 1 MiB"),
    responses((status = 200, description = "The batch, stored or already held", body = IngestAccepted),
        (status = 400, description = "`INVALID_PAYLOAD`, naming the field", body = IngestError),
        (status = 403, description = "`NO_SUBSCRIPTION`: the team is disabled", body = IngestError),
        (status = 404, description = "`PROJECT_NOT_FOUND`", body = IngestError),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`", body = IngestError),
        (status = 429, description = "`QUOTA_EXCEEDED`: the plan's monthly evaluations", body = IngestError)))]
async fn ingest(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(payload): ApiJson<IngestPayload>,
) -> Result<Json<IngestAccepted>, ApiError> {
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
    Ok(Json(IngestAccepted { run_id: payload.run_id, project_slug: project.slug, accepted, duplicate }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewProject {
    #[schema(value_type = String, required = true, pattern = "^[a-z0-9-]+$", max_length = 100)]
    slug: Option<String>,
    /// The slug when omitted.
    name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectView {
    id: String,
    slug: String,
    name: String,
    /// Unix seconds.
    created_at: i64,
}

impl From<&Project> for ProjectView {
    fn from(project: &Project) -> Self {
        Self { id: project.id.to_string(), slug: project.slug.clone(), name: project.name.clone(), created_at: project.created_at }
    }
}

/// Creates an ingest project of the team.
#[utoipa::path(post, path = "/api/projects", tag = "ingest", operation_id = "create_ingest_project", request_body = NewProject,
    responses((status = 201, description = "The project, created", body = ProjectView),
        (status = 400, description = "`invalid_request` (slug)", body = PlainError),
        (status = 409, description = "`conflict`: the team has a project of this slug", body = PlainError)))]
async fn create_project(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<NewProject>,
) -> Result<(StatusCode, Json<ProjectView>), ApiError> {
    let slug = body.slug.unwrap_or_default();
    if !valid_slug(&slug) {
        return Err(ApiError::invalid("slug must match ^[a-z0-9-]+$ with at most 100 characters"));
    }
    let name = body.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| slug.clone());
    let project = state.store.create_project(&caller.team_id, &slug, &name).await?;
    Ok((StatusCode::CREATED, Json(ProjectView::from(&project))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectList {
    projects: Vec<ProjectView>,
}

/// The team's ingest projects.
#[utoipa::path(get, path = "/api/projects", tag = "ingest", operation_id = "list_ingest_projects",
    responses((status = 200, description = "The projects", body = ProjectList)))]
async fn list_projects(State(state): State<AppState>, Caller(caller): Caller) -> Result<Json<ProjectList>, ApiError> {
    let projects = state.store.projects(&caller.team_id).await?;
    Ok(Json(ProjectList { projects: projects.iter().map(ProjectView::from).collect() }))
}

async fn project(state: &AppState, caller: &assay_core::Principal, slug: &str) -> Result<Project, ApiError> {
    state.store.project_by_slug(&caller.team_id, slug).await?.ok_or_else(|| ApiError::new(ErrorCode::ProjectNotFound))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// At most this many (default 50, at most 500).
    limit: Option<i64>,
    /// Skip this many first (default 0).
    offset: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IngestedRunList {
    #[schema(value_type = Vec<schema::IngestedRun>)]
    runs: Vec<IngestedRun>,
    total: i64,
    limit: i64,
    offset: i64,
}

/// A project's ingested runs, newest first.
#[utoipa::path(get, path = "/api/projects/{slug}/runs", tag = "ingest", operation_id = "list_ingested_runs",
    params(("slug" = String, Path), PageQuery),
    responses((status = 200, description = "A page of runs", body = IngestedRunList),
        (status = 400, description = "`invalid_request` (limit, offset)", body = PlainError),
        (status = 404, description = "`project_not_found`", body = PlainError)))]
async fn list_runs(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(slug): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<IngestedRunList>, ApiError> {
    let project = project(&state, &caller, &slug).await?;
    let (limit, offset) = page(query.limit, query.offset, ErrorCode::InvalidRequest)?;
    let (runs, total) = state.store.ingested_runs(&project, limit, offset).await?;
    Ok(Json(IngestedRunList { runs, total, limit, offset }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunQuery {
    /// At most this many evaluations (default 50, at most 500).
    limit: Option<i64>,
    /// Skip this many first (default 0).
    offset: Option<i64>,
    /// Only evaluations of this result.
    #[param(value_type = Option<schema::AssertionResult>, inline)]
    result: Option<String>,
    /// Only evaluations of this assertion type.
    #[param(value_type = Option<schema::AssertionType>, inline)]
    assertion_type: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IngestedRunDetail {
    #[schema(value_type = schema::IngestedRun)]
    run: IngestedRun,
    /// In the order received.
    #[schema(value_type = Vec<schema::IngestedEvaluation>)]
    evaluations: Vec<IngestedEvaluation>,
    total: i64,
    limit: i64,
    offset: i64,
}

/// An ingested run with a page of its evaluations, optionally of one result and assertion type.
#[utoipa::path(get, path = "/api/projects/{slug}/runs/{run_id}", tag = "ingest", operation_id = "get_ingested_run",
    params(("slug" = String, Path), ("run_id" = String, Path), RunQuery),
    responses((status = 200, description = "The run and a page of its evaluations", body = IngestedRunDetail),
        (status = 400, description = "`invalid_request` (limit, offset, result, assertion_type)", body = PlainError),
        (status = 404, description = "`project_not_found`, or `not_found` (run)", body = PlainError)))]
async fn read_run(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((slug, run_id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<RunQuery>,
) -> Result<Json<IngestedRunDetail>, ApiError> {
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
    Ok(Json(IngestedRunDetail { run, evaluations, total, limit, offset }))
}
