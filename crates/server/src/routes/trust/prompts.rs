//! `/v1/prompts`: a team's own prompts (create, list, read, update, delete) and their search
//! by relevance, through the database's full-text index (SQLite FTS5 with BM25, PostgreSQL
//! `ts_rank` over a GIN index), never a substring scan.
//!
//! Search: the query's words (letters and digits; any of them may match) rank the team's
//! prompts by their messages, description, tags and config id. The best `nearest_neighbors`
//! matches (default 100, at most `total_limit`, default 1,000) are the result set, which
//! `offset` and `limit` (default 10) page through; `count` is the size of that set.

use std::collections::BTreeMap;

use assay_core::{FoundPrompt, Id, PromptContent, TeamPrompt};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, MultiQuery, PathId};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_team_prompt, list_team_prompts))
        .routes(routes!(team_prompt_by_id, update_team_prompt, delete_team_prompt))
        .routes(routes!(search_team_prompts))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamPromptView {
    id: String,
    team_id: String,
    config_id: String,
    /// The messages, each a map such as `{"role": "user", "content": "…"}`.
    text: Vec<BTreeMap<String, String>>,
    tags: Vec<String>,
    description: String,
    is_runtime: bool,
    /// Unix seconds.
    created_at: i64,
    /// Unix seconds.
    updated_at: i64,
}

impl From<TeamPrompt> for TeamPromptView {
    fn from(prompt: TeamPrompt) -> Self {
        let c = prompt.content;
        Self {
            id: prompt.id.to_string(),
            team_id: prompt.team_id.to_string(),
            config_id: c.config_id,
            text: c.text,
            tags: c.tags,
            description: c.description,
            is_runtime: c.is_runtime,
            created_at: prompt.created_at,
            updated_at: prompt.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamPromptList {
    results: Vec<TeamPromptView>,
    count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FoundTeamPromptView {
    #[serde(flatten)]
    prompt: TeamPromptView,
    /// Higher is more relevant; comparable within one search only.
    relevance: f64,
}

impl From<FoundPrompt> for FoundTeamPromptView {
    fn from(found: FoundPrompt) -> Self {
        Self { prompt: found.prompt.into(), relevance: found.relevance }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FoundTeamPrompts {
    results: Vec<FoundTeamPromptView>,
    /// How many prompts the search found (before `offset` and `limit`).
    count: usize,
}

/// A prompt as written: `text` is a list of messages or one string (a user message).
#[derive(Debug, Deserialize, ToSchema)]
pub struct TeamPromptBody {
    /// Create only: a client-chosen id (UUID or 24 hex digits).
    id: Option<String>,
    config_id: Option<String>,
    /// `[{"role": "user", "content": "…"}]` or a plain string.
    text: Option<PromptText>,
    tags: Option<Vec<String>>,
    description: Option<String>,
    is_runtime: Option<bool>,
}

/// A prompt's `text`: one string (a user message) or a list of messages.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum PromptText {
    One(String),
    Messages(Vec<BTreeMap<String, String>>),
}

/// The messages of a `text` field, refused when it says nothing.
fn messages_of(text: &PromptText) -> Result<Vec<BTreeMap<String, String>>, ApiError> {
    match text {
        PromptText::One(s) if !s.trim().is_empty() => {
            Ok(vec![BTreeMap::from([("role".to_owned(), "user".to_owned()), ("content".to_owned(), s.clone())])])
        }
        PromptText::Messages(items) if !items.is_empty() && items.iter().all(|m| !m.is_empty()) => Ok(items.clone()),
        _ => Err(ApiError::invalid("text must be a non-empty string or a non-empty list of non-empty objects of strings")),
    }
}

fn content_of(body: &TeamPromptBody, base: PromptContent) -> Result<PromptContent, ApiError> {
    Ok(PromptContent {
        config_id: body.config_id.clone().unwrap_or(base.config_id),
        text: match &body.text {
            Some(text) => messages_of(text)?,
            None => base.text,
        },
        tags: body.tags.clone().unwrap_or(base.tags),
        description: body.description.clone().unwrap_or(base.description),
        is_runtime: body.is_runtime.unwrap_or(base.is_runtime),
    })
}

fn window(query: &MultiQuery, default_limit: i64) -> Result<(i64, i64), ApiError> {
    let limit = query.int("limit")?.unwrap_or(default_limit);
    let offset = query.int("offset")?.unwrap_or(0);
    if limit < 0 || offset < 0 {
        return Err(ApiError::invalid("limit and offset must be 0 or more"));
    }
    Ok((limit.min(1000), offset))
}

/// Stores a prompt of the caller's team.
#[utoipa::path(post, path = "/v1/prompts", tag = "prompts", request_body = TeamPromptBody,
    responses((status = 200, description = "The prompt", body = TeamPromptView), (status = 400, description = "Bad text or id"),
        (status = 409, description = "The id is taken")))]
async fn create_team_prompt(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<TeamPromptBody>,
) -> Result<Json<TeamPromptView>, ApiError> {
    if body.text.is_none() {
        return Err(ApiError::invalid("text is required"));
    }
    let content = content_of(&body, PromptContent::default())?;
    let id = match body.id.as_deref().filter(|id| !id.is_empty()) {
        Some(raw) => Id::parse(raw).map_err(|_| ApiError::invalid(format!("id {raw:?} is not a UUID")))?,
        None => Id::generate(),
    };
    Ok(Json(state.store.create_team_prompt(&caller.0.team_id, &id, &content).await?.into()))
}

/// The team's prompts, oldest first; only those named when `ids` is given.
#[utoipa::path(get, path = "/v1/prompts", tag = "prompts",
    params(("ids" = Option<Vec<String>>, Query), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "The prompts", body = TeamPromptList), (status = 400, description = "Bad window")))]
async fn list_team_prompts(State(state): State<AppState>, caller: Caller, query: MultiQuery) -> Result<Json<TeamPromptList>, ApiError> {
    let (limit, offset) = window(&query, 100)?;
    let ids = query.all("ids");
    if ids.is_empty() {
        let (prompts, count) = state.store.list_team_prompts(&caller.0.team_id, limit, offset).await?;
        return Ok(Json(TeamPromptList { results: prompts.into_iter().map(TeamPromptView::from).collect(), count }));
    }
    let mut named = Vec::new();
    for raw in &ids {
        // An id that names nothing of this team is left out, as in every `ids` list.
        if let Ok(id) = Id::parse(raw)
            && let Some(prompt) = state.store.team_prompt(&caller.0.team_id, &id).await?
        {
            named.push(TeamPromptView::from(prompt));
        }
    }
    let count = i64::try_from(named.len()).unwrap_or(i64::MAX);
    let results = named.into_iter().skip(usize::try_from(offset).unwrap_or(usize::MAX)).take(usize::try_from(limit).unwrap_or(0)).collect();
    Ok(Json(TeamPromptList { results, count }))
}

/// One prompt of the team.
#[utoipa::path(get, path = "/v1/prompts/{id}", tag = "prompts", params(("id" = String, Path)),
    responses((status = 200, description = "The prompt", body = TeamPromptView), (status = 404, description = "No such prompt in this team")))]
async fn team_prompt_by_id(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<TeamPromptView>, ApiError> {
    Ok(Json(state.store.team_prompt(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?.into()))
}

/// Changes the fields given; the others stay.
#[utoipa::path(put, path = "/v1/prompts/{id}", tag = "prompts", params(("id" = String, Path)), request_body = TeamPromptBody,
    responses((status = 200, description = "The prompt", body = TeamPromptView), (status = 400, description = "Bad text"),
        (status = 404, description = "No such prompt in this team")))]
async fn update_team_prompt(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiJson(body): ApiJson<TeamPromptBody>,
) -> Result<Json<TeamPromptView>, ApiError> {
    let current = state.store.team_prompt(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?;
    let content = content_of(&body, current.content)?;
    let updated = state.store.update_team_prompt(&caller.0.team_id, &id, &content).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(updated.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedTeamPrompt {
    id: String,
    deleted: bool,
}

/// Deletes a prompt of the team.
#[utoipa::path(delete, path = "/v1/prompts/{id}", tag = "prompts", params(("id" = String, Path)),
    responses((status = 200, description = "Deleted", body = DeletedTeamPrompt), (status = 404, description = "No such prompt in this team")))]
async fn delete_team_prompt(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Json<DeletedTeamPrompt>, ApiError> {
    if !state.store.delete_team_prompt(&caller.0.team_id, &id).await? {
        return Err(ApiError::not_found());
    }
    Ok(Json(DeletedTeamPrompt { id: id.to_string(), deleted: true }))
}

/// The team's prompts most relevant to `query` (see the module's notes on the parameters).
#[utoipa::path(get, path = "/v1/prompts/search/find", tag = "prompts",
    params(("query" = String, Query), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query),
        ("nearest_neighbors" = Option<i64>, Query), ("total_limit" = Option<i64>, Query)),
    responses((status = 200, description = "The best matches, most relevant first", body = FoundTeamPrompts),
        (status = 400, description = "No query words, or a bad number")))]
async fn search_team_prompts(State(state): State<AppState>, caller: Caller, query: MultiQuery) -> Result<Json<FoundTeamPrompts>, ApiError> {
    let text = query.one("query").unwrap_or_default();
    if assay_core::team_prompts::search_terms(text).is_empty() {
        return Err(ApiError::invalid("query must contain at least one word"));
    }
    let (limit, offset) = window(&query, 10)?;
    let nearest = query.int("nearest_neighbors")?.unwrap_or(100);
    let total_limit = query.int("total_limit")?.unwrap_or(1000);
    if nearest < 1 || total_limit < 1 {
        return Err(ApiError::invalid("nearest_neighbors and total_limit must be at least 1"));
    }
    let found = state.store.search_team_prompts(&caller.0.team_id, text, nearest.min(total_limit).min(10_000)).await?;
    let count = found.len();
    let results = found
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .map(FoundTeamPromptView::from)
        .collect();
    Ok(Json(FoundTeamPrompts { results, count }))
}
