//! Workbench evaluations: created from a template (and a revision) and run at once by the
//! engine, one case run per case × model; read with their case runs, listed by status,
//! aborted, stopped, re-run and deleted. A template without models runs on the embedded
//! model. Privacy-mode evaluations are invisible here (see `private`).

use assay_core::{ErrorCode, EvaluationDefinition, Id, WorkbenchEvaluation};
use assay_engine::Suite;
use assay_engine::case::{CaseItem, CaseJob, system_prompt};
use assay_store::{Deletion, NewCaseJob, NewWorkbenchEvaluation, states_for_status};
use axum::extract::State;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;

use super::{Envelope, page, required, views};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::models::{EMBEDDED_MODEL_ID, team_models};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/api/v1/evaluations", post(create).get(list))
        .route("/api/v1/evaluations/{id}", get(read).put(update).delete(remove))
        .route("/api/v1/evaluation-stop", post(stop))
        .route("/api/v1/evaluation-run", post(rerun))
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
    let system = system_prompt(&plan.prompt_content, &plan.definition.contexts);
    let mut jobs = Vec::new();
    for (index, model) in plan.definition.models.iter().enumerate() {
        for case in &plan.definition.cases {
            let case_run_id = Id::generate();
            let item = CaseJob {
                case: CaseItem {
                    case_run_id: case_run_id.to_string(),
                    model: model.clone(),
                    system_prompt: system.clone(),
                    definition: case.clone(),
                    tools: plan.definition.tools.clone(),
                    max_tokens: None,
                },
            };
            let item = serde_json::to_string(&item).map_err(|_| ApiError::new(ErrorCode::Internal))?;
            let target_index = u32::try_from(index).unwrap_or(u32::MAX);
            jobs.push(NewCaseJob { case_run_id, target_index, model: model.clone(), definition: case.clone(), item });
        }
    }
    let suite = Suite { judge: Some(state.assistant_spec.clone()), attacker: Some(state.assistant_spec.clone()), ..Suite::new(Vec::new()) };
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
    let evaluation = state.store.create_workbench_evaluation(&new).await?;
    state.engine.wake();
    Ok(evaluation)
}

/// A team's evaluation that the cloud endpoints may see (not a privacy-mode one).
async fn visible(state: &AppState, team_id: &Id, raw_id: &str) -> Result<Option<WorkbenchEvaluation>, ApiError> {
    let Ok(id) = Id::parse(raw_id) else { return Ok(None) };
    Ok(state.store.workbench_evaluation(team_id, &id).await?.filter(|e| !e.private))
}

async fn all_case_runs(state: &AppState, team_id: &Id, id: &Id) -> Result<Vec<assay_core::CaseRun>, ApiError> {
    Ok(state.store.list_case_runs(team_id, Some(id), None, i64::MAX, 0).await?.0)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    #[serde(rename = "evaluationTemplateID")]
    evaluation_template_id: Option<String>,
    #[serde(rename = "revisionID")]
    revision_id: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<CreateBody>,
) -> Result<Envelope<serde_json::Value>, ApiError> {
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
    Ok(Envelope(json!({
        "id": evaluation.id,
        "promptID": evaluation.prompt_id,
        "revisionID": evaluation.revision_id,
        "evaluationTemplateID": evaluation.template_id,
        "name": evaluation.name,
        "status": views::status(evaluation.state),
        "result": views::evaluation_result(&evaluation),
        "dateCreated": evaluation.created_at,
        "caseRunsCreated": runs.iter().map(|r| json!({"id": r.id, "model": r.model, "status": r.status})).collect::<Vec<_>>(),
        "totalCaseRuns": runs.len(),
    })))
}

async fn read(
    State(state): State<AppState>,
    Caller(caller): Caller,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Envelope<serde_json::Value>, ApiError> {
    let evaluation = visible(&state, &caller.team_id, &id).await?.ok_or_else(|| ApiError::new(ErrorCode::EvaluationNotFound))?;
    let runs = all_case_runs(&state, &caller.team_id, &evaluation.id).await?;
    Ok(Envelope(views::evaluation(&evaluation, &runs)))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
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
    let filters = query.status.map_or_else(|| json!({}), |status| json!({ "status": status }));
    Ok(Envelope(json!({ "evaluations": items, "total": total, "limit": limit, "offset": offset, "filters": filters })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateBody {
    action: Option<String>,
    abort_reason: Option<String>,
}

async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    axum::extract::Path(id): axum::extract::Path<String>,
    ApiJson(body): ApiJson<UpdateBody>,
) -> Result<Envelope<serde_json::Value>, ApiError> {
    if body.action.as_deref() != Some("abort") {
        return Err(ApiError::new(ErrorCode::InvalidAction));
    }
    let evaluation = visible(&state, &caller.team_id, &id).await?.ok_or_else(|| ApiError::new(ErrorCode::EvaluationNotFound))?;
    let reason = body.abort_reason.filter(|r| !r.trim().is_empty()).unwrap_or_else(|| "Aborted by user.".to_owned());
    abort(&state, &caller.team_id, &evaluation.id, &reason).await?;
    Ok(Envelope(json!({ "message": "Evaluation updated successfully", "id": evaluation.id, "status": "aborted", "abortReason": reason })))
}

/// Aborts an unfinished evaluation; a finished one answers `evaluation_not_found_or_completed`.
pub(super) async fn abort(state: &AppState, team_id: &Id, id: &Id, reason: &str) -> Result<(), ApiError> {
    match state.store.abort_workbench_evaluation(team_id, id, reason).await? {
        Some(true) => Ok(()),
        _ => Err(ApiError::new(ErrorCode::EvaluationNotFoundOrCompleted)),
    }
}

#[derive(Debug, Deserialize)]
struct EvaluationIdBody {
    #[serde(rename = "evaluationID")]
    evaluation_id: Option<String>,
}

fn required_id(body: EvaluationIdBody) -> Result<String, ApiError> {
    required(body.evaluation_id, ErrorCode::MissingEvaluationId)
}

async fn stop(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<EvaluationIdBody>,
) -> Result<Envelope<serde_json::Value>, ApiError> {
    let id = required_id(body)?;
    let evaluation = visible(&state, &caller.team_id, &id).await?.ok_or_else(|| ApiError::new(ErrorCode::EvaluationNotFoundOrCompleted))?;
    let reason = "User requested stop";
    abort(&state, &caller.team_id, &evaluation.id, reason).await?;
    Ok(Envelope(json!({
        "success": true,
        "message": "Stop signal created successfully",
        "evaluationID": evaluation.id,
        "status": "aborted",
        "abortReason": reason,
    })))
}

async fn rerun(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<EvaluationIdBody>,
) -> Result<Envelope<serde_json::Value>, ApiError> {
    let id = required_id(body)?;
    let evaluation = visible(&state, &caller.team_id, &id).await?.ok_or_else(|| ApiError::new(ErrorCode::EvaluationNotFound))?;
    let rerun = state
        .store
        .rerun_workbench_evaluation(&caller.team_id, &evaluation.id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::EvaluationNotFound))?;
    state.engine.wake();
    Ok(Envelope(json!({
        "success": true,
        "message": "Evaluation re-run started successfully",
        "details": {
            "evaluationID": evaluation.id,
            "deletedCompletedJobs": rerun.deleted_completed_jobs,
            "deletedWorkingJobs": rerun.deleted_working_jobs,
            "jobAction": "Reset and restarted all evaluation jobs",
        },
    })))
}

async fn remove(
    State(state): State<AppState>,
    Caller(caller): Caller,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Envelope<serde_json::Value>, ApiError> {
    let evaluation = visible(&state, &caller.team_id, &id).await?.ok_or_else(|| ApiError::new(ErrorCode::EvaluationNotFound))?;
    match state.store.delete_workbench_evaluation(&caller.team_id, &evaluation.id).await? {
        Deletion::Deleted => {
            Ok(Envelope(json!({ "message": "Evaluation and all related data deleted successfully", "id": evaluation.id })))
        }
        Deletion::NotFound => Err(ApiError::new(ErrorCode::EvaluationNotFound)),
        Deletion::InProgress => Err(ApiError::new(ErrorCode::EvaluationInProgress)),
    }
}
