//! Workbench prompt revisions (`/api/v1/prompt-revisions`, and `/api/v1/remark`): add, edit,
//! read, list per prompt and delete the revisions of the team's prompts. A prompt keeps at
//! least one revision (409 `last_revision_cannot_be_deleted`). `/remark` asks the assistant to
//! rewrite a revision along the caller's remarks and stores the result as a new revision.

use assay_core::{ErrorCode, Id, Prompt, PromptRevision, RevisionText};
use assay_store::RevisionDeletion;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Envelope, WorkbenchOk, object_id, page, required, required_prompt_id};
use crate::auth::Caller;
use crate::envelope::WorkbenchError;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, PathId};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_revision, list_revisions))
        .routes(routes!(get_revision, update_revision, delete_revision))
        .routes(routes!(remark))
}

/// The parent prompt, as shown with an edited revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct PromptRef {
    id: String,
    name: String,
    description: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevisionDetail {
    id: String,
    #[serde(rename = "promptID")]
    prompt_id: String,
    content: String,
    notes: String,
    remarks: String,
    /// Unix seconds.
    date_created: i64,
    date_updated: i64,
    /// Only in the answer to an update.
    #[serde(skip_serializing_if = "Option::is_none")]
    prompt: Option<PromptRef>,
}

impl From<PromptRevision> for RevisionDetail {
    fn from(revision: PromptRevision) -> Self {
        Self {
            id: revision.id.to_string(),
            prompt_id: revision.prompt_id.to_string(),
            content: revision.content,
            notes: revision.notes,
            remarks: revision.remarks,
            date_created: revision.created_at,
            date_updated: revision.updated_at,
            prompt: None,
        }
    }
}

impl RevisionDetail {
    fn with_prompt(revision: PromptRevision, prompt: Prompt) -> Self {
        let prompt = PromptRef { id: prompt.id.to_string(), name: prompt.name, description: prompt.description };
        Self { prompt: Some(prompt), ..Self::from(revision) }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionList {
    revisions: Vec<RevisionDetail>,
    total: i64,
    limit: i64,
    offset: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionDeleted {
    message: &'static str,
    id: String,
    #[serde(rename = "promptID")]
    prompt_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateRevision {
    /// The prompt to add a revision to. Required.
    #[serde(rename = "promptID")]
    prompt_id: Option<String>,
    /// The revision's text. Required.
    content: Option<String>,
    notes: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateRevision {
    /// The new text. Required.
    content: Option<String>,
    /// Kept when omitted.
    notes: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListRevisions {
    /// The prompt whose revisions to list. Required.
    #[serde(rename = "promptID")]
    #[param(rename = "promptID")]
    prompt_id: Option<String>,
    /// At most this many revisions (default 50, at most 500).
    limit: Option<i64>,
    /// Skip this many first (default 0).
    offset: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Remark {
    /// The prompt to revise. Required.
    #[serde(rename = "promptID")]
    prompt_id: Option<String>,
    /// The revision to start from (default: the prompt's latest).
    #[serde(rename = "revisionID")]
    revision_id: Option<String>,
    /// What to change; empty asks for a general optimization.
    remarks: Option<String>,
}

fn revision_not_found() -> ApiError {
    ApiError::new(ErrorCode::RevisionNotFound)
}

/// Adds a revision after the prompt's latest.
#[utoipa::path(post, path = "/api/v1/prompt-revisions", tag = "prompt-revisions", request_body = CreateRevision,
    responses((status = 200, description = "`data`: the new revision", body = WorkbenchOk<RevisionDetail>),
        (status = 400, description = "`missing_prompt_id` or `missing_content`", body = WorkbenchError), (status = 404, description = "`prompt_not_found`", body = WorkbenchError)))]
async fn create_revision(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateRevision>,
) -> Result<Envelope<RevisionDetail>, ApiError> {
    let prompt_id = required_prompt_id(body.prompt_id)?;
    let content = required(body.content, ErrorCode::MissingContent)?;
    let text = RevisionText { content, notes: body.notes.unwrap_or_default(), remarks: String::new() };
    let revision = state.store.create_revision(&caller.0.team_id, &prompt_id, &text).await?;
    Ok(Envelope(revision.ok_or_else(|| ApiError::new(ErrorCode::PromptNotFound))?.into()))
}

/// Replaces a revision's text (and its notes, when given).
#[utoipa::path(put, path = "/api/v1/prompt-revisions/{id}", tag = "prompt-revisions", params(("id" = String, Path)),
    request_body = UpdateRevision,
    responses((status = 200, description = "`data`: the revision with its prompt", body = WorkbenchOk<RevisionDetail>),
        (status = 400, description = "`missing_content`", body = WorkbenchError), (status = 404, description = "`revision_not_found`", body = WorkbenchError)))]
async fn update_revision(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<PathId, ApiError>,
    ApiJson(body): ApiJson<UpdateRevision>,
) -> Result<Envelope<RevisionDetail>, ApiError> {
    let id = object_id(path, ErrorCode::RevisionNotFound)?;
    let content = required(body.content, ErrorCode::MissingContent)?;
    let (revision, prompt) =
        state.store.update_revision(&caller.0.team_id, &id, &content, body.notes.as_deref()).await?.ok_or_else(revision_not_found)?;
    Ok(Envelope(RevisionDetail::with_prompt(revision, prompt)))
}

/// One revision.
#[utoipa::path(get, path = "/api/v1/prompt-revisions/{id}", tag = "prompt-revisions", params(("id" = String, Path)),
    responses((status = 200, description = "`data`: the revision", body = WorkbenchOk<RevisionDetail>), (status = 404, description = "`revision_not_found`", body = WorkbenchError)))]
async fn get_revision(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<PathId, ApiError>,
) -> Result<Envelope<RevisionDetail>, ApiError> {
    let id = object_id(path, ErrorCode::RevisionNotFound)?;
    let revision = state.store.revision(&caller.0.team_id, &id).await?.ok_or_else(revision_not_found)?;
    Ok(Envelope(revision.into()))
}

/// A prompt's revisions, oldest first.
#[utoipa::path(get, path = "/api/v1/prompt-revisions", tag = "prompt-revisions", params(ListRevisions),
    responses((status = 200, description = "`data`: a page of revisions", body = WorkbenchOk<RevisionList>),
        (status = 400, description = "`missing_prompt_id`", body = WorkbenchError), (status = 404, description = "`prompt_not_found`", body = WorkbenchError)))]
async fn list_revisions(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListRevisions>,
) -> Result<Envelope<RevisionList>, ApiError> {
    let prompt_id = required_prompt_id(query.prompt_id)?;
    let (limit, offset) = page(query.limit, query.offset)?;
    let listed = state
        .store
        .list_revisions(&caller.0.team_id, &prompt_id, limit, offset)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::PromptNotFound))?;
    Ok(Envelope(RevisionList {
        revisions: listed.items.into_iter().map(RevisionDetail::from).collect(),
        total: listed.total,
        limit,
        offset,
    }))
}

/// Deletes a revision; never a prompt's last one.
#[utoipa::path(delete, path = "/api/v1/prompt-revisions/{id}", tag = "prompt-revisions", params(("id" = String, Path)),
    responses((status = 200, description = "`data`: what was deleted", body = WorkbenchOk<RevisionDeleted>),
        (status = 404, description = "`revision_not_found`", body = WorkbenchError), (status = 409, description = "`last_revision_cannot_be_deleted`", body = WorkbenchError)))]
async fn delete_revision(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<PathId, ApiError>,
) -> Result<Envelope<RevisionDeleted>, ApiError> {
    let id = object_id(path, ErrorCode::RevisionNotFound)?;
    match state.store.delete_revision(&caller.0.team_id, &id).await? {
        RevisionDeletion::Deleted { prompt_id } => Ok(Envelope(RevisionDeleted {
            message: "Prompt revision deleted successfully",
            id: id.to_string(),
            prompt_id: prompt_id.to_string(),
        })),
        RevisionDeletion::NotFound => Err(revision_not_found()),
        RevisionDeletion::LastRevision => Err(ApiError::new(ErrorCode::LastRevisionCannotBeDeleted)),
    }
}

/// Rewrites a revision (default: the latest) along `remarks` with the assistant, and stores the
/// result, with its notes and the remarks, as the prompt's next revision.
#[utoipa::path(post, path = "/api/v1/remark", tag = "prompt-revisions", request_body = Remark,
    responses((status = 200, description = "`data`: the new revision", body = WorkbenchOk<RevisionDetail>),
        (status = 400, description = "`missing_prompt_id`", body = WorkbenchError), (status = 404, description = "`prompt_not_found` or `revision_not_found`", body = WorkbenchError),
        (status = 502, description = "`assistant_failed`", body = WorkbenchError)))]
async fn remark(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Remark>,
) -> Result<Envelope<RevisionDetail>, ApiError> {
    let team_id = &caller.0.team_id;
    let prompt_id = required_prompt_id(body.prompt_id)?;
    let base = remark_base(&state, team_id, &prompt_id, body.revision_id.as_deref()).await?;
    let remarks = body.remarks.unwrap_or_default();
    let text = remarked(&state, &base.content, &remarks).await?;
    let revision = state.store.create_revision(team_id, &prompt_id, &text).await?;
    Ok(Envelope(revision.ok_or_else(|| ApiError::new(ErrorCode::PromptNotFound))?.into()))
}

/// The revision a remark starts from: the named one (which must belong to the prompt), or the
/// prompt's latest.
async fn remark_base(state: &AppState, team_id: &Id, prompt_id: &Id, revision_id: Option<&str>) -> Result<PromptRevision, ApiError> {
    match revision_id.map(str::trim).filter(|raw| !raw.is_empty()) {
        Some(raw) => {
            let revision_id = Id::parse(raw).map_err(|_| revision_not_found())?;
            let revision = state.store.revision(team_id, &revision_id).await?;
            revision.filter(|revision| &revision.prompt_id == prompt_id).ok_or_else(revision_not_found)
        }
        None => state.store.latest_revision(team_id, prompt_id).await?.ok_or_else(|| ApiError::new(ErrorCode::PromptNotFound)),
    }
}

/// The assistant's rewrite of `content` along `remarks`, as the text of a new revision.
async fn remarked(state: &AppState, content: &str, remarks: &str) -> Result<RevisionText, ApiError> {
    let revised = state.assistant.remark(content, remarks).await?;
    Ok(RevisionText { content: revised.prompt, notes: revised.notes, remarks: remarks.to_owned() })
}
