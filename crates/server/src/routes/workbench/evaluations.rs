//! Workbench evaluations: created from a template (and a revision) and run at once by the
//! engine, one case run per case × model; read with their case runs, listed by status,
//! aborted, stopped, re-run and deleted. A template without models runs on the embedded
//! model. Privacy-mode evaluations are invisible here (see `private`).

use assay_core::{ErrorCode, EvaluationDefinition, Id, WorkbenchEvaluation};
use assay_engine::case::{case_jobs, workbench_suite};
use assay_store::{Deletion, NewWorkbenchEvaluation, states_for_status};
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{WorkbenchEvaluationDetail, WorkbenchEvaluationSummary};
use super::{Envelope, WorkbenchOk, page, required, views};
use crate::auth::Caller;
use crate::envelope::WorkbenchError;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::models::{EMBEDDED_MODEL_ID, team_models};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create, list)).routes(routes!(read, update, remove)).routes(routes!(stop)).routes(routes!(rerun))
}

/// What an evaluation is made from, wherever it comes from (a template or a private run).
pub(super) struct Plan {
    pub name: String,
    pub prompt_id: Option<Id>,
    pub revision_id: Option<Id>,
    pub template_id: Option<Id>,
    pub prompt_content: String,
    pub definition: EvaluationDefinition,
    pub session_token_hash: Option<String>,
}

/// Turns a plan into an engine evaluation with its case jobs and wakes the runner.
pub(super) async fn start(state: &AppState, team_id: &Id, mut plan: Plan) -> Result<WorkbenchEvaluation, ApiError> {
    if plan.definition.models.is_empty() {
        plan.definition.models.push(EMBEDDED_MODEL_ID.to_owned());
    }
    let available = team_models(&state.store, team_id).await?;
    let mut targets = Vec::with_capacity(plan.definition.models.len());
    for id in &plan.definition.models {
        let model = available.iter().find(|m| &m.id == id && m.available).ok_or_else(|| {
            ApiError::with_message(ErrorCode::ModelNotAvailable, format!("Model {id} is not available (see GET /api/v1/models)"))
        })?;
        targets.push(model.reference.clone());
    }
    let jobs = case_jobs(&plan.definition, &plan.prompt_content)?;
    let suite = workbench_suite(&state.assistant_spec);
    let new = NewWorkbenchEvaluation {
        id: Id::generate(),
        team_id: team_id.clone(),
        name: plan.name,
        prompt_id: plan.prompt_id,
        revision_id: plan.revision_id,
        template_id: plan.template_id,
        prompt_content: plan.prompt_content,
        definition: plan.definition,
        suite: serde_json::to_value(&suite).map_err(|_| ApiError::new(ErrorCode::Internal))?,
        targets,
        jobs,
        session_token_hash: plan.session_token_hash,
    };
    Ok(state.engine.create_workbench_evaluation(&new).await?)
}

/// A team's evaluation that the cloud endpoints may see (not a privacy-mode one).
async fn visible(state: &AppState, team_id: &Id, raw_id: &str) -> Result<Option<WorkbenchEvaluation>, ApiError> {
    let Ok(id) = Id::parse(raw_id) else { return Ok(None) };
    Ok(state.store.workbench_evaluation(team_id, &id).await?.filter(|e| !e.private))
}

async fn all_case_runs(state: &AppState, team_id: &Id, id: &Id) -> Result<Vec<assay_core::CaseRun>, ApiError> {
    Ok(state.store.list_case_runs(team_id, Some(id), None, i64::MAX, 0).await?.0)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateWorkbenchEvaluation {
    /// The template to run.
    #[serde(rename = "evaluationTemplateID")]
    #[schema(value_type = String, required = true, min_length = 1)]
    evaluation_template_id: Option<String>,
    /// The revision of the template's prompt to run; its latest when omitted.
    #[serde(rename = "revisionID")]
    revision_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseRunCreated {
    id: String,
    model: String,
    status: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkbenchEvaluationCreated {
    id: String,
    #[serde(rename = "promptID")]
    prompt_id: Option<String>,
    #[serde(rename = "revisionID")]
    revision_id: Option<String>,
    #[serde(rename = "evaluationTemplateID")]
    evaluation_template_id: Option<String>,
    name: String,
    /// `pending`, `running`, `completed` or `aborted`.
    status: &'static str,
    /// `not_set`, `passed`, `partially_passed` or `failed`.
    result: &'static str,
    /// Unix seconds.
    date_created: i64,
    case_runs_created: Vec<CaseRunCreated>,
    total_case_runs: usize,
}

/// Creates an evaluation from a template (and a revision of its prompt) and starts it: one
/// case run per case and model.
#[utoipa::path(post, path = "/api/v1/evaluations", tag = "workbench-evaluations", operation_id = "create_workbench_evaluation",
    request_body = CreateWorkbenchEvaluation,
    responses((status = 200, description = "The evaluation, started", body = WorkbenchOk<WorkbenchEvaluationCreated>),
        (status = 400, description = "`missing_evaluation_template_id` or `model_not_available`", body = WorkbenchError),
        (status = 404, description = "`template_not_found` or `revision_not_found`", body = WorkbenchError)))]
async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<CreateWorkbenchEvaluation>,
) -> Result<Envelope<WorkbenchEvaluationCreated>, ApiError> {
    let template_id = required(body.evaluation_template_id, ErrorCode::MissingTemplateId)?;
    let not_found = || ApiError::new(ErrorCode::TemplateNotFound);
    let template_id = Id::parse(&template_id).map_err(|_| not_found())?;
    let template = state.store.template(&caller.team_id, &template_id).await?.ok_or_else(not_found)?;
    let revision = match body.revision_id.filter(|s| !s.trim().is_empty()) {
        Some(raw) => {
            let id = Id::parse(&raw).map_err(|_| ApiError::new(ErrorCode::RevisionNotFound))?;
            state.store.revision(&caller.team_id, &id).await?.filter(|r| r.prompt_id == template.prompt_id)
        }
        None => state.store.latest_revision(&caller.team_id, &template.prompt_id).await?,
    };
    let revision = revision.ok_or_else(|| ApiError::new(ErrorCode::RevisionNotFound))?;
    let plan = Plan {
        name: template.name.clone(),
        prompt_id: Some(template.prompt_id.clone()),
        revision_id: Some(revision.id.clone()),
        template_id: Some(template.id.clone()),
        prompt_content: revision.content,
        definition: template.definition,
        session_token_hash: None,
    };
    let evaluation = start(&state, &caller.team_id, plan).await?;
    let runs = all_case_runs(&state, &caller.team_id, &evaluation.id).await?;
    Ok(Envelope(WorkbenchEvaluationCreated {
        id: evaluation.id.to_string(),
        status: views::status(evaluation.state),
        result: views::evaluation_result(&evaluation),
        prompt_id: evaluation.prompt_id,
        revision_id: evaluation.revision_id,
        evaluation_template_id: evaluation.template_id,
        name: evaluation.name,
        date_created: evaluation.created_at,
        case_runs_created: runs
            .iter()
            .map(|r| CaseRunCreated { id: r.id.to_string(), model: r.model.clone(), status: r.status.clone() })
            .collect(),
        total_case_runs: runs.len(),
    }))
}

/// An evaluation with its case runs and their threads.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}", tag = "workbench-evaluations", operation_id = "get_workbench_evaluation",
    params(("id" = String, Path)),
    responses((status = 200, description = "The evaluation", body = WorkbenchOk<WorkbenchEvaluationDetail>),
        (status = 404, description = "`evaluation_not_found`", body = WorkbenchError)))]
async fn read(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<Envelope<WorkbenchEvaluationDetail>, ApiError> {
    let evaluation = visible(&state, &caller.team_id, &id).await?.ok_or_else(|| ApiError::new(ErrorCode::EvaluationNotFound))?;
    let runs = all_case_runs(&state, &caller.team_id, &evaluation.id).await?;
    Ok(Envelope(views::evaluation(&evaluation, &runs)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListWorkbenchEvaluations {
    /// `pending`, `running`, `completed` or `aborted`.
    status: Option<String>,
    /// At most this many evaluations (default 50, at most 500).
    limit: Option<i64>,
    /// Skip this many first (default 0).
    offset: Option<i64>,
}

/// The filters a list applied (only those given).
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkbenchEvaluationFilters {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkbenchEvaluationList {
    evaluations: Vec<WorkbenchEvaluationSummary>,
    total: i64,
    limit: i64,
    offset: i64,
    filters: WorkbenchEvaluationFilters,
}

/// The team's evaluations, newest first (never privacy-mode ones).
#[utoipa::path(get, path = "/api/v1/evaluations", tag = "workbench-evaluations", operation_id = "list_workbench_evaluations",
    params(ListWorkbenchEvaluations),
    responses((status = 200, description = "A page of evaluations", body = WorkbenchOk<WorkbenchEvaluationList>),
        (status = 400, description = "`invalid_field` (status, limit, offset)", body = WorkbenchError)))]
async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiQuery(query): ApiQuery<ListWorkbenchEvaluations>,
) -> Result<Envelope<WorkbenchEvaluationList>, ApiError> {
    let (limit, offset) = page(query.limit, query.offset)?;
    let states = match query.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(status) => Some(
            states_for_status(status)
                .ok_or_else(|| ApiError::with_message(ErrorCode::InvalidField, "status must be pending, running, completed or aborted"))?,
        ),
    };
    let (evaluations, total) = state.store.list_workbench_evaluations(&caller.team_id, states, limit, offset).await?;
    let mut items = Vec::with_capacity(evaluations.len());
    for (evaluation, count) in &evaluations {
        let runs = all_case_runs(&state, &caller.team_id, &evaluation.id).await?;
        items.push(views::evaluation_summary(evaluation, &runs, *count));
    }
    let filters = WorkbenchEvaluationFilters { status: query.status };
    Ok(Envelope(WorkbenchEvaluationList { evaluations: items, total, limit, offset, filters }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateWorkbenchEvaluation {
    /// `abort` is the only action.
    #[schema(value_type = EvaluationAction, required = true)]
    action: Option<String>,
    /// Default "Aborted by user.".
    abort_reason: Option<String>,
}

/// The actions an update performs.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code, reason = "documentation only: the handler reads the action as text to answer `invalid_action`")]
pub enum EvaluationAction {
    Abort,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkbenchEvaluationAborted {
    message: &'static str,
    id: String,
    /// Always `aborted`.
    status: &'static str,
    abort_reason: String,
}

/// Aborts an unfinished evaluation (`{"action":"abort"}`).
#[utoipa::path(put, path = "/api/v1/evaluations/{id}", tag = "workbench-evaluations", operation_id = "update_workbench_evaluation",
    params(("id" = String, Path)), request_body = UpdateWorkbenchEvaluation,
    responses((status = 200, description = "The evaluation, aborted", body = WorkbenchOk<WorkbenchEvaluationAborted>),
        (status = 400, description = "`invalid_action`", body = WorkbenchError),
        (status = 404, description = "`evaluation_not_found` or `evaluation_not_found_or_completed`", body = WorkbenchError)))]
async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateWorkbenchEvaluation>,
) -> Result<Envelope<WorkbenchEvaluationAborted>, ApiError> {
    if body.action.as_deref() != Some("abort") {
        return Err(ApiError::new(ErrorCode::InvalidAction));
    }
    let evaluation = visible(&state, &caller.team_id, &id).await?.ok_or_else(|| ApiError::new(ErrorCode::EvaluationNotFound))?;
    let reason = body.abort_reason.filter(|r| !r.trim().is_empty()).unwrap_or_else(|| "Aborted by user.".to_owned());
    abort(&state, &caller.team_id, &evaluation.id, &reason).await?;
    Ok(Envelope(WorkbenchEvaluationAborted {
        message: "Evaluation updated successfully",
        id: evaluation.id.to_string(),
        status: "aborted",
        abort_reason: reason,
    }))
}

/// Aborts an unfinished evaluation; a finished one answers `evaluation_not_found_or_completed`.
pub(super) async fn abort(state: &AppState, team_id: &Id, id: &Id, reason: &str) -> Result<(), ApiError> {
    match state.store.abort_workbench_evaluation(team_id, id, reason).await? {
        Some(true) => Ok(()),
        _ => Err(ApiError::new(ErrorCode::EvaluationNotFoundOrCompleted)),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EvaluationIdBody {
    #[serde(rename = "evaluationID")]
    #[schema(value_type = String, required = true, min_length = 1)]
    evaluation_id: Option<String>,
}

fn required_id(body: EvaluationIdBody) -> Result<String, ApiError> {
    required(body.evaluation_id, ErrorCode::MissingEvaluationId)
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkbenchEvaluationStopped {
    success: bool,
    message: &'static str,
    #[serde(rename = "evaluationID")]
    evaluation_id: String,
    /// Always `aborted`.
    status: &'static str,
    abort_reason: &'static str,
}

/// Stops a running evaluation.
#[utoipa::path(post, path = "/api/v1/evaluation-stop", tag = "workbench-evaluations", operation_id = "stop_workbench_evaluation",
    request_body = EvaluationIdBody,
    responses((status = 200, description = "The evaluation, aborted", body = WorkbenchOk<WorkbenchEvaluationStopped>),
        (status = 400, description = "`missing_evaluation_id`", body = WorkbenchError),
        (status = 404, description = "`evaluation_not_found_or_completed`", body = WorkbenchError)))]
async fn stop(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<EvaluationIdBody>,
) -> Result<Envelope<WorkbenchEvaluationStopped>, ApiError> {
    let id = required_id(body)?;
    let evaluation = visible(&state, &caller.team_id, &id).await?.ok_or_else(|| ApiError::new(ErrorCode::EvaluationNotFoundOrCompleted))?;
    let reason = "User requested stop";
    abort(&state, &caller.team_id, &evaluation.id, reason).await?;
    Ok(Envelope(WorkbenchEvaluationStopped {
        success: true,
        message: "Stop signal created successfully",
        evaluation_id: evaluation.id.to_string(),
        status: "aborted",
        abort_reason: reason,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RerunDetails {
    #[serde(rename = "evaluationID")]
    evaluation_id: String,
    deleted_completed_jobs: i64,
    deleted_working_jobs: i64,
    job_action: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkbenchEvaluationRerun {
    success: bool,
    message: &'static str,
    details: RerunDetails,
}

/// Runs an evaluation again: its case runs are reset and run anew.
#[utoipa::path(post, path = "/api/v1/evaluation-run", tag = "workbench-evaluations", operation_id = "rerun_workbench_evaluation",
    request_body = EvaluationIdBody,
    responses((status = 200, description = "The re-run, started", body = WorkbenchOk<WorkbenchEvaluationRerun>),
        (status = 400, description = "`missing_evaluation_id`", body = WorkbenchError),
        (status = 404, description = "`evaluation_not_found`", body = WorkbenchError)))]
async fn rerun(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<EvaluationIdBody>,
) -> Result<Envelope<WorkbenchEvaluationRerun>, ApiError> {
    let id = required_id(body)?;
    let evaluation = visible(&state, &caller.team_id, &id).await?.ok_or_else(|| ApiError::new(ErrorCode::EvaluationNotFound))?;
    let rerun = state
        .store
        .rerun_workbench_evaluation(&caller.team_id, &evaluation.id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::EvaluationNotFound))?;
    state.engine.wake();
    Ok(Envelope(WorkbenchEvaluationRerun {
        success: true,
        message: "Evaluation re-run started successfully",
        details: RerunDetails {
            evaluation_id: evaluation.id.to_string(),
            deleted_completed_jobs: rerun.deleted_completed_jobs,
            deleted_working_jobs: rerun.deleted_working_jobs,
            job_action: "Reset and restarted all evaluation jobs",
        },
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkbenchEvaluationDeleted {
    message: &'static str,
    id: String,
}

/// Deletes a finished evaluation with its case runs.
#[utoipa::path(delete, path = "/api/v1/evaluations/{id}", tag = "workbench-evaluations", operation_id = "delete_workbench_evaluation",
    params(("id" = String, Path)),
    responses((status = 200, description = "What was deleted", body = WorkbenchOk<WorkbenchEvaluationDeleted>),
        (status = 404, description = "`evaluation_not_found`", body = WorkbenchError),
        (status = 409, description = "`evaluation_in_progress`", body = WorkbenchError)))]
async fn remove(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<Envelope<WorkbenchEvaluationDeleted>, ApiError> {
    let evaluation = visible(&state, &caller.team_id, &id).await?.ok_or_else(|| ApiError::new(ErrorCode::EvaluationNotFound))?;
    match state.store.delete_workbench_evaluation(&caller.team_id, &evaluation.id).await? {
        Deletion::Deleted => Ok(Envelope(WorkbenchEvaluationDeleted {
            message: "Evaluation and all related data deleted successfully",
            id: evaluation.id.to_string(),
        })),
        Deletion::NotFound => Err(ApiError::new(ErrorCode::EvaluationNotFound)),
        Deletion::InProgress => Err(ApiError::new(ErrorCode::EvaluationInProgress)),
    }
}
