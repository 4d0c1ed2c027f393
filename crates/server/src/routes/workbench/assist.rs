//! The AI helpers on stored prompts: generate a test case, a context or a tool for a prompt
//! (its latest revision, or the one named). The assistant's answer is checked field by field;
//! when it never comes back usable the caller gets 502 `assistant_failed`, never half data.

use assay_core::{ErrorCode, Id};
use axum::extract::State;
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;

use super::Envelope;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/api/v1/gen-testcase", post(gen_testcase))
        .route("/api/v1/gen-context", post(gen_context))
        .route("/api/v1/gen-tool", post(gen_tool))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GenerateBody {
    #[serde(rename = "promptID")]
    prompt_id: Option<String>,
    #[serde(rename = "revisionID")]
    revision_id: Option<String>,
    #[serde(default)]
    caselist: Vec<Value>,
    source_thread: Option<String>,
    #[serde(default)]
    cases: Vec<Value>,
    #[serde(default)]
    tools: Vec<Value>,
    #[serde(default)]
    contexts: Vec<Value>,
}

/// The content of the named revision, or of the prompt's latest one.
async fn prompt_content(state: &AppState, team_id: &Id, body: &GenerateBody) -> Result<String, ApiError> {
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

async fn gen_testcase(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<GenerateBody>,
) -> Result<Envelope<Value>, ApiError> {
    let prompt = prompt_content(&state, &caller.team_id, &body).await?;
    let case = state.assistant.gen_testcase(&prompt, &case_names(&body.caselist), body.source_thread.as_deref()).await?;
    Ok(Envelope(json!(case)))
}

async fn gen_context(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<GenerateBody>,
) -> Result<Envelope<Value>, ApiError> {
    let prompt = prompt_content(&state, &caller.team_id, &body).await?;
    let context = state.assistant.gen_context(&prompt, &body.cases, &body.tools, &body.contexts).await?;
    Ok(Envelope(json!(context)))
}

async fn gen_tool(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiJson(body): ApiJson<GenerateBody>,
) -> Result<Envelope<Value>, ApiError> {
    let prompt = prompt_content(&state, &caller.team_id, &body).await?;
    let tool = state.assistant.gen_tool(&prompt, &body.cases, &body.tools).await?;
    Ok(Envelope(json!(tool)))
}
