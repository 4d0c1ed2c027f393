//! Privacy mode (`/api/v1/private/…`): the AI helpers on a prompt sent in the request (nothing
//! stored), thread reviews, and evaluations that run like any other but stay off the lists
//! and the general SSE queue, stream over `GET /api/v1/sse?queue=evaluation&sessionToken=…`,
//! and are deleted when that stream ends.
//!
//! A session token is `<evaluation id>-<32 hex>`; only the SHA-256 of the random part is
//! stored, so the token itself exists only in the caller's hands.

use assay_core::{
    AccessMode, CaseDefinition, ContextDefinition, ErrorCode, EvaluationDefinition, Id, KeySecret, ToolDefinition, random_hex,
};
use axum::extract::State;
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;

use super::assist::case_names;
use super::evaluations::{Plan, abort, start};
use super::{Envelope, required};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/api/v1/private/thread-review", post(thread_review))
        .route("/api/v1/private/optimize", post(optimize))
        .route("/api/v1/private/remark", post(remark))
        .route("/api/v1/private/gen-testcase", post(gen_testcase))
        .route("/api/v1/private/gen-context", post(gen_context))
        .route("/api/v1/private/gen-tool", post(gen_tool))
        .route("/api/v1/private/evaluation-run", post(evaluation_run))
        .route("/api/v1/private/evaluation-stop", post(evaluation_stop))
}

fn required_prompt(prompt: Option<String>) -> Result<String, ApiError> {
    required(prompt, ErrorCode::MissingPrompt)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReviewBody {
    thread: Option<String>,
    expected_result: Option<String>,
    response_threshold: Option<u32>,
}

async fn thread_review(
    State(state): State<AppState>,
    Caller(_): Caller,
    ApiJson(body): ApiJson<ReviewBody>,
) -> Result<Envelope<Value>, ApiError> {
    let thread = required(body.thread, ErrorCode::ThreadRequired)?;
    let threshold = body.response_threshold.unwrap_or(assay_core::workbench::DEFAULT_RESPONSE_THRESHOLD);
    if threshold == 0 {
        return Err(ApiError::with_message(ErrorCode::InvalidField, "responseThreshold must be at least 1"));
    }
    let review = state.assistant.review_thread(&thread, body.expected_result.as_deref(), threshold).await?;
    // `assesment` is the documented spelling; `assessment` is served beside it for new clients.
    Ok(Envelope(json!({
        "result": review.result,
        "assesment": review.assessment,
        "assessment": review.assessment,
        "recommendation": review.recommendation,
        "attributes": review.attributes,
        "hallucinations": review.hallucinations,
    })))
}

#[derive(Debug, Deserialize)]
struct PromptBody {
    prompt: Option<String>,
}

async fn optimize(
    State(state): State<AppState>,
    Caller(_): Caller,
    ApiJson(body): ApiJson<PromptBody>,
) -> Result<Envelope<Value>, ApiError> {
    let prompt = required_prompt(body.prompt)?;
    let revised = state.assistant.optimize(&prompt).await?;
    Ok(Envelope(json!({ "prompt": revised.prompt })))
}

#[derive(Debug, Deserialize)]
struct RemarkBody {
    prompt: Option<String>,
    /// Absent or empty: a general optimization. Present but `null`: refused, as the
    /// documented `remarks_required` says.
    #[serde(default, deserialize_with = "present")]
    remarks: Option<Option<String>>,
}

fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

async fn remark(State(state): State<AppState>, Caller(_): Caller, ApiJson(body): ApiJson<RemarkBody>) -> Result<Envelope<Value>, ApiError> {
    let prompt = required_prompt(body.prompt)?;
    let remarks = match body.remarks {
        Some(None) => return Err(ApiError::new(ErrorCode::RemarksRequired)),
        Some(Some(remarks)) => remarks,
        None => String::new(),
    };
    let revised = state.assistant.remark(&prompt, &remarks).await?;
    Ok(Envelope(json!({ "prompt": revised.prompt, "notes": revised.notes })))
}

#[derive(Debug, Deserialize)]
struct GenerateBody {
    prompt: Option<String>,
    #[serde(default)]
    caselist: Vec<Value>,
    transcript: Option<String>,
    #[serde(default)]
    cases: Vec<Value>,
    #[serde(default)]
    tools: Vec<Value>,
    #[serde(default)]
    contexts: Vec<Value>,
}

async fn gen_testcase(
    State(state): State<AppState>,
    Caller(_): Caller,
    ApiJson(body): ApiJson<GenerateBody>,
) -> Result<Envelope<Value>, ApiError> {
    let prompt = required_prompt(body.prompt)?;
    let case = state.assistant.gen_testcase(&prompt, &case_names(&body.caselist), body.transcript.as_deref()).await?;
    Ok(Envelope(json!(case)))
}

async fn gen_context(
    State(state): State<AppState>,
    Caller(_): Caller,
    ApiJson(body): ApiJson<GenerateBody>,
) -> Result<Envelope<Value>, ApiError> {
    let prompt = required_prompt(body.prompt)?;
    let context = state.assistant.gen_context(&prompt, &body.cases, &body.tools, &body.contexts).await?;
    Ok(Envelope(json!(context)))
}

async fn gen_tool(
    State(state): State<AppState>,
    Caller(_): Caller,
    ApiJson(body): ApiJson<GenerateBody>,
) -> Result<Envelope<Value>, ApiError> {
    let prompt = required_prompt(body.prompt)?;
    let tool = state.assistant.gen_tool(&prompt, &body.cases, &body.tools).await?;
    Ok(Envelope(json!(tool)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RunBody {
    prompt: Option<String>,
    #[serde(default)]
    cases: Vec<CaseDefinition>,
    #[serde(default)]
    tools: Vec<ToolDefinition>,
    #[serde(default)]
    contexts: Vec<ContextDefinition>,
    #[serde(default)]
    models: Vec<String>,
    #[serde(default)]
    access_mode: AccessMode,
}

async fn evaluation_run(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<RunBody>,
) -> Result<Envelope<Value>, ApiError> {
    let prompt = required_prompt(body.prompt)?;
    let definition = EvaluationDefinition {
        cases: body.cases,
        tools: body.tools,
        contexts: body.contexts,
        models: body.models,
        access_mode: body.access_mode,
    };
    definition.validate().map_err(|e| ApiError::with_message(ErrorCode::InvalidField, e.to_string()))?;
    let secret = random_hex(16);
    let plan = Plan {
        name: "Private evaluation".to_owned(),
        prompt_id: None,
        revision_id: None,
        template_id: None,
        prompt_content: prompt,
        definition,
        session_token_hash: Some(KeySecret::hash_of(&secret)),
    };
    let evaluation = start(&state, &caller.team_id, plan).await?;
    Ok(Envelope(json!({ "message": "Evaluation run initiated successfully.", "sessionToken": format!("{}-{secret}", evaluation.id) })))
}

/// The privacy-mode evaluation a session token opens, if the token is the caller team's.
pub(super) async fn session(state: &AppState, team_id: &Id, token: &str) -> Result<Id, ApiError> {
    let not_found = || ApiError::new(ErrorCode::SessionNotFound);
    let (raw_id, secret) = token.trim().split_once('-').ok_or_else(not_found)?;
    let id = Id::parse(raw_id).map_err(|_| not_found())?;
    let stored = state.store.private_session_hash(team_id, &id).await?.ok_or_else(not_found)?;
    if stored != KeySecret::hash_of(secret) {
        return Err(not_found());
    }
    Ok(id)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StopBody {
    session_token: Option<String>,
}

async fn evaluation_stop(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<StopBody>,
) -> Result<Envelope<Value>, ApiError> {
    let token = required(body.session_token, ErrorCode::MissingSessionToken)?;
    let id = session(&state, &caller.team_id, &token).await?;
    let reason = "Aborted by user.";
    abort(&state, &caller.team_id, &id, reason).await?;
    Ok(Envelope(json!({ "success": true, "message": "Evaluation stopped successfully", "status": "aborted", "abortReason": reason })))
}
