//! Workbench prompts (`/api/v1/prompts`): create, rename, read with every revision, list with
//! search and pages, delete with every revision. Another team's prompt answers 404
//! `prompt_not_found`, as if it did not exist.
//!
//! Creating a prompt asks the assistant for what the caller left out, best-effort: a name and
//! description when omitted (failing that, the name is the prompt's first words and the
//! description is empty), and, in mode `optimize-followup`, an optimized second revision.
//! The prompt and its first revision are stored whatever the assistant does; if the
//! optimization fails the answer is the prompt with only that first revision.

use assay_core::{ErrorCode, Prompt, PromptRevision, PromptSummary, RevisionText, fallback_prompt_name};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Envelope, WorkbenchOk, object_id, page, required};
use crate::auth::Caller;
use crate::envelope::WorkbenchError;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, PathId};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_prompt, list_prompts)).routes(routes!(get_prompt, update_prompt, delete_prompt))
}

/// A revision as shown inside its prompt.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevisionView {
    id: String,
    content: String,
    notes: String,
    remarks: String,
    /// Unix seconds.
    date_created: i64,
}

impl From<PromptRevision> for RevisionView {
    fn from(revision: PromptRevision) -> Self {
        Self {
            id: revision.id.to_string(),
            content: revision.content,
            notes: revision.notes,
            remarks: revision.remarks,
            date_created: revision.created_at,
        }
    }
}

/// A prompt with its newest revision (the answer to create and update).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PromptView {
    id: String,
    name: String,
    description: String,
    /// Unix seconds.
    date_created: i64,
    latest_revision: Option<RevisionView>,
}

impl PromptView {
    fn new(prompt: Prompt, latest: Option<PromptRevision>) -> Self {
        Self {
            id: prompt.id.to_string(),
            name: prompt.name,
            description: prompt.description,
            date_created: prompt.created_at,
            latest_revision: latest.map(RevisionView::from),
        }
    }
}

/// A prompt with every revision, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PromptDetail {
    id: String,
    name: String,
    description: String,
    date_created: i64,
    revisions: Vec<RevisionView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevisionStampView {
    id: String,
    date_created: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PromptListItem {
    id: String,
    name: String,
    description: String,
    date_created: i64,
    revision_count: i64,
    latest_revision: Option<RevisionStampView>,
}

impl From<PromptSummary> for PromptListItem {
    fn from(summary: PromptSummary) -> Self {
        let PromptSummary { prompt, revision_count, latest_revision } = summary;
        Self {
            id: prompt.id.to_string(),
            name: prompt.name,
            description: prompt.description,
            date_created: prompt.created_at,
            revision_count,
            latest_revision: latest_revision.map(|stamp| RevisionStampView { id: stamp.id.to_string(), date_created: stamp.created_at }),
        }
    }
}

/// The filters a list applied (only those given).
#[derive(Debug, Serialize, ToSchema)]
pub struct PromptFilters {
    #[serde(skip_serializing_if = "Option::is_none")]
    search: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PromptList {
    prompts: Vec<PromptListItem>,
    total: i64,
    limit: i64,
    offset: i64,
    filters: PromptFilters,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PromptDeleted {
    message: &'static str,
    id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatePrompt {
    /// The prompt's text: its first revision. Required.
    prompt: Option<String>,
    /// Generated from the prompt when omitted.
    name: Option<String>,
    /// Generated from the prompt when omitted.
    description: Option<String>,
    /// `optimize-followup` (default): also store an optimized second revision; `none`: store as is.
    mode: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdatePrompt {
    /// Required, not empty.
    name: Option<String>,
    /// Kept when omitted.
    description: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPrompts {
    /// Matches name or description, ignoring case.
    search: Option<String>,
    /// At most this many prompts (default 50, at most 500).
    limit: Option<i64>,
    /// Skip this many first (default 0).
    offset: Option<i64>,
}

/// Whether creating a prompt also stores an optimized follow-up revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    OptimizeFollowup,
    AsIs,
}

impl Mode {
    fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        match raw {
            None | Some("optimize-followup") => Ok(Self::OptimizeFollowup),
            Some("none") => Ok(Self::AsIs),
            Some(other) => {
                Err(ApiError::with_message(ErrorCode::InvalidField, format!("mode must be optimize-followup or none, not {other:?}")))
            }
        }
    }
}

/// Creates a prompt; its first revision is the text as given.
#[utoipa::path(post, path = "/api/v1/prompts", tag = "prompts", request_body = CreatePrompt,
    responses((status = 200, description = "`data`: the prompt and its newest revision", body = WorkbenchOk<PromptView>),
        (status = 400, description = "`missing_prompt` or `invalid_field` (mode)", body = WorkbenchError)))]
async fn create_prompt(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreatePrompt>,
) -> Result<Envelope<PromptView>, ApiError> {
    let content = required(body.prompt, ErrorCode::MissingPrompt)?;
    let mode = Mode::parse(body.mode.as_deref())?;
    let (name, description) = name_and_description(&state, &content, body.name, body.description).await;
    let team_id = &caller.0.team_id;
    let created = state.store.create_prompt(team_id, &name, &description, &RevisionText::plain(content.as_str())).await?;
    let follow_up = match mode {
        Mode::OptimizeFollowup => optimized_follow_up(&state, &created.prompt, &content).await,
        Mode::AsIs => None,
    };
    let latest = follow_up.or_else(|| created.latest().cloned());
    Ok(Envelope(PromptView::new(created.prompt, latest)))
}

/// Renames a prompt, and replaces its description when one is given.
#[utoipa::path(put, path = "/api/v1/prompts/{id}", tag = "prompts", params(("id" = String, Path)), request_body = UpdatePrompt,
    responses((status = 200, description = "`data`: the prompt and its newest revision", body = WorkbenchOk<PromptView>),
        (status = 400, description = "`missing_name`", body = WorkbenchError), (status = 404, description = "`prompt_not_found`", body = WorkbenchError)))]
async fn update_prompt(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<PathId, ApiError>,
    ApiJson(body): ApiJson<UpdatePrompt>,
) -> Result<Envelope<PromptView>, ApiError> {
    let id = object_id(path, ErrorCode::PromptNotFound)?;
    let name = required(body.name, ErrorCode::MissingName)?;
    let (prompt, latest) = state
        .store
        .update_prompt(&caller.0.team_id, &id, &name, body.description.as_deref())
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::PromptNotFound))?;
    Ok(Envelope(PromptView::new(prompt, latest)))
}

/// A prompt with every revision, oldest first.
#[utoipa::path(get, path = "/api/v1/prompts/{id}", tag = "prompts", params(("id" = String, Path)),
    responses((status = 200, description = "`data`: the prompt", body = WorkbenchOk<PromptDetail>), (status = 404, description = "`prompt_not_found`", body = WorkbenchError)))]
async fn get_prompt(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<PathId, ApiError>,
) -> Result<Envelope<PromptDetail>, ApiError> {
    let id = object_id(path, ErrorCode::PromptNotFound)?;
    let found = state.store.prompt(&caller.0.team_id, &id).await?.ok_or_else(|| ApiError::new(ErrorCode::PromptNotFound))?;
    Ok(Envelope(PromptDetail {
        id: found.prompt.id.to_string(),
        name: found.prompt.name,
        description: found.prompt.description,
        date_created: found.prompt.created_at,
        revisions: found.revisions.into_iter().map(RevisionView::from).collect(),
    }))
}

/// The team's prompts, newest first.
#[utoipa::path(get, path = "/api/v1/prompts", tag = "prompts", params(ListPrompts),
    responses((status = 200, description = "`data`: a page of prompts", body = WorkbenchOk<PromptList>), (status = 400, description = "`invalid_field` (limit, offset)", body = WorkbenchError)))]
async fn list_prompts(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListPrompts>,
) -> Result<Envelope<PromptList>, ApiError> {
    let (limit, offset) = page(query.limit, query.offset)?;
    let search = query.search.filter(|s| !s.is_empty());
    let listed = state.store.list_prompts(&caller.0.team_id, search.as_deref(), limit, offset).await?;
    Ok(Envelope(PromptList {
        prompts: listed.items.into_iter().map(PromptListItem::from).collect(),
        total: listed.total,
        limit,
        offset,
        filters: PromptFilters { search },
    }))
}

/// Deletes a prompt, its revisions and the evaluation templates built on it.
#[utoipa::path(delete, path = "/api/v1/prompts/{id}", tag = "prompts", params(("id" = String, Path)),
    responses((status = 200, description = "`data`: what was deleted", body = WorkbenchOk<PromptDeleted>), (status = 404, description = "`prompt_not_found`", body = WorkbenchError)))]
async fn delete_prompt(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<PathId, ApiError>,
) -> Result<Envelope<PromptDeleted>, ApiError> {
    let id = object_id(path, ErrorCode::PromptNotFound)?;
    if !state.store.delete_prompt(&caller.0.team_id, &id).await? {
        return Err(ApiError::new(ErrorCode::PromptNotFound));
    }
    Ok(Envelope(PromptDeleted { message: "Prompt and all revisions deleted successfully", id: id.to_string() }))
}

/// The caller's name and description; what is blank or missing comes from the assistant, or,
/// failing that, from the prompt's first words (and no description).
async fn name_and_description(state: &AppState, content: &str, name: Option<String>, description: Option<String>) -> (String, String) {
    let given = |text: Option<String>| text.filter(|t| !t.trim().is_empty());
    if let (Some(name), Some(description)) = (given(name.clone()), given(description.clone())) {
        return (name, description);
    }
    let described = describe(state, content).await;
    let name = given(name).or_else(|| described.as_ref().map(|d| d.0.clone())).unwrap_or_else(|| fallback_prompt_name(content));
    let description = given(description).or_else(|| described.map(|d| d.1)).unwrap_or_default();
    (name, description)
}

/// The assistant's name and description for a prompt, or `None` if it failed (logged).
async fn describe(state: &AppState, content: &str) -> Option<(String, String)> {
    match state.assistant.describe(content).await {
        Ok(described) => Some((described.name, described.description)),
        Err(error) => {
            tracing::warn!(error = %error, "the assistant could not name a prompt; naming it after its first words");
            None
        }
    }
}

/// Stores the assistant's optimization of `content` as the prompt's next revision; `None`
/// (logged) if the assistant failed.
async fn optimized_follow_up(state: &AppState, prompt: &Prompt, content: &str) -> Option<PromptRevision> {
    let revised = match state.assistant.optimize(content).await {
        Ok(revised) => revised,
        Err(error) => {
            tracing::warn!(prompt_id = %prompt.id, error = %error, "the assistant could not optimize a new prompt; keeping it as sent");
            return None;
        }
    };
    let text = RevisionText { content: revised.prompt, notes: revised.notes, remarks: String::new() };
    match state.store.create_revision(&prompt.team_id, &prompt.id, &text).await {
        Ok(revision) => revision,
        Err(error) => {
            tracing::error!(prompt_id = %prompt.id, error = ?error, "cannot store the optimized revision of a new prompt");
            None
        }
    }
}
