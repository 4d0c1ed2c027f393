//! The AI helpers on stored prompts: generate a test case, a context or a tool for a prompt
//! (its latest revision, or the one named). The assistant's answer is checked field by field;
//! when it never comes back usable the caller gets 502 `assistant_failed`, never half data.

use assay_core::{CaseDefinition, ContextDefinition, ErrorCode, Id, ToolDefinition};
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Envelope, WorkbenchOk, definitions};
use crate::auth::Caller;
use crate::envelope::WorkbenchError;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(gen_testcase)).routes(routes!(gen_context)).routes(routes!(gen_tool))
}

/// What the helpers on a stored prompt read; each uses the fields its description names.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GenerateForPrompt {
    /// The prompt.
    #[serde(rename = "promptID")]
    #[schema(value_type = String, required = true, min_length = 1)]
    prompt_id: Option<String>,
    /// The revision to read; the prompt's latest when omitted.
    #[serde(rename = "revisionID")]
    revision_id: Option<String>,
    /// gen-testcase: existing cases, as titles or case objects, to write a different one.
    #[serde(default)]
    caselist: Vec<Value>,
    /// gen-testcase: a conversation to base the case on.
    source_thread: Option<String>,
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

/// The content of the named revision, or of the prompt's latest one.
async fn prompt_content(state: &AppState, team_id: &Id, body: &GenerateForPrompt) -> Result<String, ApiError> {
    let prompt_id = super::required_prompt_id(body.prompt_id.clone())?;
    let prompt = state.store.prompt(team_id, &prompt_id).await?.ok_or_else(|| ApiError::new(ErrorCode::PromptNotFound))?;
    let revision = match body.revision_id.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(raw) => {
            let id = Id::parse(raw).map_err(|_| ApiError::new(ErrorCode::RevisionNotFound))?;
            prompt.revisions.into_iter().find(|r| r.id == id).ok_or_else(|| ApiError::new(ErrorCode::RevisionNotFound))?
        }
        None => prompt.revisions.into_iter().max_by_key(|r| r.number).ok_or_else(|| ApiError::new(ErrorCode::RevisionNotFound))?,
    };
    Ok(revision.content)
}

/// Names of existing cases, whether sent as strings or as case objects.
pub(super) fn case_names(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| match item {
            Value::String(text) => Some(text.clone()),
            Value::Object(case) => case.get("title").or_else(|| case.get("scenario")).and_then(Value::as_str).map(str::to_owned),
            _ => None,
        })
        .collect()
}

/// A new test case for a stored prompt, unlike those in `caselist`.
#[utoipa::path(post, path = "/api/v1/gen-testcase", tag = "generative", operation_id = "generate_testcase",
    request_body = GenerateForPrompt,
    responses((status = 200, description = "The test case", body = WorkbenchOk<definitions::CaseDefinition>),
        (status = 400, description = "`missing_prompt_id`", body = WorkbenchError),
        (status = 404, description = "`prompt_not_found` or `revision_not_found`", body = WorkbenchError),
        (status = 502, description = "`assistant_failed`", body = WorkbenchError)))]
async fn gen_testcase(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<GenerateForPrompt>,
) -> Result<Envelope<CaseDefinition>, ApiError> {
    let prompt = prompt_content(&state, &caller.team_id, &body).await?;
    let case = state.assistant.gen_testcase(&prompt, &case_names(&body.caselist), body.source_thread.as_deref()).await?;
    Ok(Envelope(case))
}

/// A new context (background knowledge) for a stored prompt.
#[utoipa::path(post, path = "/api/v1/gen-context", tag = "generative", operation_id = "generate_context",
    request_body = GenerateForPrompt,
    responses((status = 200, description = "The context", body = WorkbenchOk<definitions::ContextDefinition>),
        (status = 400, description = "`missing_prompt_id`", body = WorkbenchError),
        (status = 404, description = "`prompt_not_found` or `revision_not_found`", body = WorkbenchError),
        (status = 502, description = "`assistant_failed`", body = WorkbenchError)))]
async fn gen_context(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<GenerateForPrompt>,
) -> Result<Envelope<ContextDefinition>, ApiError> {
    let prompt = prompt_content(&state, &caller.team_id, &body).await?;
    let context = state.assistant.gen_context(&prompt, &body.cases, &body.tools, &body.contexts).await?;
    Ok(Envelope(context))
}

/// A new tool definition for a stored prompt; its `parameters` is a JSON Schema object.
#[utoipa::path(post, path = "/api/v1/gen-tool", tag = "generative", operation_id = "generate_tool",
    request_body = GenerateForPrompt,
    responses((status = 200, description = "The tool", body = WorkbenchOk<definitions::ToolDefinition>),
        (status = 400, description = "`missing_prompt_id`", body = WorkbenchError),
        (status = 404, description = "`prompt_not_found` or `revision_not_found`", body = WorkbenchError),
        (status = 502, description = "`assistant_failed`", body = WorkbenchError)))]
async fn gen_tool(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<GenerateForPrompt>,
) -> Result<Envelope<ToolDefinition>, ApiError> {
    let prompt = prompt_content(&state, &caller.team_id, &body).await?;
    let tool = state.assistant.gen_tool(&prompt, &body.cases, &body.tools).await?;
    Ok(Envelope(tool))
}
