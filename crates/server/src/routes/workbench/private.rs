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
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::assist::case_names;
use super::evaluations::{Plan, abort, start};
use super::{Envelope, WorkbenchOk, definitions, required};
use crate::auth::Caller;
use crate::envelope::WorkbenchError;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(thread_review))
        .routes(routes!(optimize))
        .routes(routes!(remark))
        .routes(routes!(gen_testcase))
        .routes(routes!(gen_context))
        .routes(routes!(gen_tool))
        .routes(routes!(evaluation_run))
        .routes(routes!(evaluation_stop))
}

fn required_prompt(prompt: Option<String>) -> Result<String, ApiError> {
    required(prompt, ErrorCode::MissingPrompt)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ThreadReviewRequest {
    /// The whole thread: instructions, context, messages, tool calls and results.
    #[schema(value_type = String, required = true, min_length = 1)]
    thread: Option<String>,
    /// What the agent was meant to achieve.
    expected_result: Option<String>,
    /// Assistant replies allowed to reach the expected result (default 20, 1 to 100, as for a
    /// test case).
    #[schema(minimum = 1, maximum = 100)]
    response_threshold: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadReviewAnswer {
    /// `succeed`, `failed` or `not_set` (the thread is too incomplete to tell).
    result: String,
    /// The overall assessment, under the documented spelling.
    assesment: String,
    /// The same assessment, correctly spelled.
    assessment: String,
    recommendation: String,
    /// Problems found, e.g. `missing_tools`, `unclear_instructions`.
    attributes: Vec<String>,
    /// `none`, `low` or `high`.
    hallucinations: String,
}

/// Reviews a whole thread against its expected result; nothing is stored.
#[utoipa::path(post, path = "/api/v1/private/thread-review", tag = "private", operation_id = "private_thread_review",
    request_body = ThreadReviewRequest,
    responses((status = 200, description = "The review", body = WorkbenchOk<ThreadReviewAnswer>),
        (status = 400, description = "`thread_required` or `invalid_field` (responseThreshold)", body = WorkbenchError),
        (status = 502, description = "`assistant_failed`", body = WorkbenchError)))]
async fn thread_review(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<ThreadReviewRequest>,
) -> Result<Envelope<ThreadReviewAnswer>, ApiError> {
    let thread = required(body.thread, ErrorCode::ThreadRequired)?;
    let threshold = body.response_threshold.unwrap_or(assay_core::workbench::DEFAULT_RESPONSE_THRESHOLD);
    let max = assay_core::workbench::MAX_RESPONSE_THRESHOLD;
    if threshold == 0 || threshold > max {
        return Err(ApiError::with_message(ErrorCode::InvalidField, format!("responseThreshold must be 1 to {max}")));
    }
    let review = state.assistant.review_thread(&thread, body.expected_result.as_deref(), threshold).await?;
    // `assesment` is the documented spelling; `assessment` is served beside it for new clients.
    Ok(Envelope(ThreadReviewAnswer {
        result: review.result,
        assesment: review.assessment.clone(),
        assessment: review.assessment,
        recommendation: review.recommendation,
        attributes: review.attributes,
        hallucinations: review.hallucinations,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PrivateOptimize {
    /// The prompt to optimize.
    #[schema(value_type = String, required = true, min_length = 1)]
    prompt: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OptimizedPrompt {
    prompt: String,
}

/// Optimizes a prompt sent in the request; nothing is stored.
#[utoipa::path(post, path = "/api/v1/private/optimize", tag = "private", operation_id = "private_optimize",
    request_body = PrivateOptimize,
    responses((status = 200, description = "The optimized prompt", body = WorkbenchOk<OptimizedPrompt>),
        (status = 400, description = "`missing_prompt`", body = WorkbenchError),
        (status = 502, description = "`assistant_failed`", body = WorkbenchError)))]
async fn optimize(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<PrivateOptimize>,
) -> Result<Envelope<OptimizedPrompt>, ApiError> {
    let prompt = required_prompt(body.prompt)?;
    let revised = state.assistant.optimize(&prompt).await?;
    Ok(Envelope(OptimizedPrompt { prompt: revised.prompt }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PrivateRemark {
    /// The prompt to improve.
    #[schema(value_type = String, required = true, min_length = 1)]
    prompt: Option<String>,
    /// How to improve it; absent or empty: a general optimization. Present but `null`:
    /// refused, as the documented `remarks_required` says.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String)]
    remarks: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RemarkedPrompt {
    prompt: String,
    /// What changed, and why.
    notes: String,
}

fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// Applies remarks to a prompt sent in the request; nothing is stored.
#[utoipa::path(post, path = "/api/v1/private/remark", tag = "private", operation_id = "private_remark",
    request_body = PrivateRemark,
    responses((status = 200, description = "The improved prompt and notes", body = WorkbenchOk<RemarkedPrompt>),
        (status = 400, description = "`missing_prompt` or `remarks_required`", body = WorkbenchError),
        (status = 502, description = "`assistant_failed`", body = WorkbenchError)))]
async fn remark(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<PrivateRemark>,
) -> Result<Envelope<RemarkedPrompt>, ApiError> {
    let prompt = required_prompt(body.prompt)?;
    let remarks = match body.remarks {
        Some(None) => return Err(ApiError::new(ErrorCode::RemarksRequired)),
        Some(Some(remarks)) => remarks,
        None => String::new(),
    };
    let revised = state.assistant.remark(&prompt, &remarks).await?;
    Ok(Envelope(RemarkedPrompt { prompt: revised.prompt, notes: revised.notes }))
}

/// What the helpers on a sent prompt read; each uses the fields its description names.
#[derive(Debug, Deserialize, ToSchema)]
pub struct GenerateForSentPrompt {
    /// The prompt's text.
    #[schema(value_type = String, required = true, min_length = 1)]
    prompt: Option<String>,
    /// gen-testcase: existing cases, as titles or case objects, to write a different one.
    #[serde(default)]
    caselist: Vec<Value>,
    /// gen-testcase: a conversation to base the case on.
    transcript: Option<String>,
    /// gen-context, gen-tool: the cases to consider.
    #[serde(default)]
    cases: Vec<Value>,
    /// gen-context, gen-tool: the existing tools.
    #[serde(default)]
    tools: Vec<Value>,
    /// gen-context: the existing contexts.
    #[serde(default)]
    contexts: Vec<Value>,
}

/// A new test case for a prompt sent in the request; nothing is stored.
#[utoipa::path(post, path = "/api/v1/private/gen-testcase", tag = "private", operation_id = "private_generate_testcase",
    request_body = GenerateForSentPrompt,
    responses((status = 200, description = "The test case", body = WorkbenchOk<definitions::CaseDefinition>),
        (status = 400, description = "`missing_prompt`", body = WorkbenchError),
        (status = 502, description = "`assistant_failed`", body = WorkbenchError)))]
async fn gen_testcase(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<GenerateForSentPrompt>,
) -> Result<Envelope<CaseDefinition>, ApiError> {
    let prompt = required_prompt(body.prompt)?;
    let case = state.assistant.gen_testcase(&prompt, &case_names(&body.caselist), body.transcript.as_deref()).await?;
    Ok(Envelope(case))
}

/// A new context for a prompt sent in the request; nothing is stored.
#[utoipa::path(post, path = "/api/v1/private/gen-context", tag = "private", operation_id = "private_generate_context",
    request_body = GenerateForSentPrompt,
    responses((status = 200, description = "The context", body = WorkbenchOk<definitions::ContextDefinition>),
        (status = 400, description = "`missing_prompt`", body = WorkbenchError),
        (status = 502, description = "`assistant_failed`", body = WorkbenchError)))]
async fn gen_context(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<GenerateForSentPrompt>,
) -> Result<Envelope<ContextDefinition>, ApiError> {
    let prompt = required_prompt(body.prompt)?;
    let context = state.assistant.gen_context(&prompt, &body.cases, &body.tools, &body.contexts).await?;
    Ok(Envelope(context))
}

/// A new tool definition for a prompt sent in the request; nothing is stored.
#[utoipa::path(post, path = "/api/v1/private/gen-tool", tag = "private", operation_id = "private_generate_tool",
    request_body = GenerateForSentPrompt,
    responses((status = 200, description = "The tool", body = WorkbenchOk<definitions::ToolDefinition>),
        (status = 400, description = "`missing_prompt`", body = WorkbenchError),
        (status = 502, description = "`assistant_failed`", body = WorkbenchError)))]
async fn gen_tool(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<GenerateForSentPrompt>,
) -> Result<Envelope<ToolDefinition>, ApiError> {
    let prompt = required_prompt(body.prompt)?;
    let tool = state.assistant.gen_tool(&prompt, &body.cases, &body.tools).await?;
    Ok(Envelope(tool))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrivateEvaluationRun {
    /// The prompt under test.
    #[schema(value_type = String, required = true, min_length = 1)]
    prompt: Option<String>,
    #[serde(default)]
    #[schema(value_type = Vec<definitions::CaseDefinition>)]
    cases: Vec<CaseDefinition>,
    #[serde(default)]
    #[schema(value_type = Vec<definitions::ToolDefinition>)]
    tools: Vec<ToolDefinition>,
    #[serde(default)]
    #[schema(value_type = Vec<definitions::ContextDefinition>)]
    contexts: Vec<ContextDefinition>,
    /// Ids from `GET /api/v1/models`; the embedded model when empty.
    #[serde(default)]
    models: Vec<String>,
    #[serde(default)]
    #[schema(value_type = definitions::AccessMode)]
    access_mode: AccessMode,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrivateEvaluationStarted {
    message: &'static str,
    /// `<evaluation id>-<32 hex>`: opens `GET /api/v1/sse?queue=evaluation&sessionToken=…`.
    session_token: String,
}

/// Runs an evaluation of a prompt sent in the request; it streams over the evaluation queue of
/// `GET /api/v1/sse` and is deleted when that stream ends.
#[utoipa::path(post, path = "/api/v1/private/evaluation-run", tag = "private", operation_id = "private_evaluation_run",
    request_body = PrivateEvaluationRun,
    responses((status = 200, description = "The session token of the run", body = WorkbenchOk<PrivateEvaluationStarted>),
        (status = 400, description = "`missing_prompt`, `invalid_field` or `model_not_available`", body = WorkbenchError)))]
async fn evaluation_run(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<PrivateEvaluationRun>,
) -> Result<Envelope<PrivateEvaluationStarted>, ApiError> {
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
    Ok(Envelope(PrivateEvaluationStarted {
        message: "Evaluation run initiated successfully.",
        session_token: format!("{}-{secret}", evaluation.id),
    }))
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrivateEvaluationStop {
    /// The token `POST /api/v1/private/evaluation-run` answered.
    #[schema(value_type = String, required = true, min_length = 1)]
    session_token: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrivateEvaluationStopped {
    success: bool,
    message: &'static str,
    /// Always `aborted`.
    status: &'static str,
    abort_reason: &'static str,
}

/// Stops a running privacy-mode evaluation.
#[utoipa::path(post, path = "/api/v1/private/evaluation-stop", tag = "private", operation_id = "private_evaluation_stop",
    request_body = PrivateEvaluationStop,
    responses((status = 200, description = "The evaluation, aborted", body = WorkbenchOk<PrivateEvaluationStopped>),
        (status = 400, description = "`missing_session_token`", body = WorkbenchError),
        (status = 404, description = "`session_not_found` or `evaluation_not_found_or_completed`", body = WorkbenchError)))]
async fn evaluation_stop(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<PrivateEvaluationStop>,
) -> Result<Envelope<PrivateEvaluationStopped>, ApiError> {
    let token = required(body.session_token, ErrorCode::MissingSessionToken)?;
    let id = session(&state, &caller.team_id, &token).await?;
    let reason = "Aborted by user.";
    abort(&state, &caller.team_id, &id, reason).await?;
    Ok(Envelope(PrivateEvaluationStopped {
        success: true,
        message: "Evaluation stopped successfully",
        status: "aborted",
        abort_reason: reason,
    }))
}
