//! `/v1/agent-configurations`: a team's named agents (hub, model, URL, provider key, system
//! prompt). An evaluation may name one (`agent_configuration_id`) instead of a hub/model
//! pair; its system prompt then comes first in every conversation. Archiving keeps the agent
//! (and what names it) but frees its name; lists answer `{"results"}`, which the `vijil`
//! client reads, with every status unless `statuses` picks some.

use assay_core::{AgentConfiguration, AgentDefinition, AgentStatus, Id, UploadOwner};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Results;
use super::uploads::{AnnounceFile, UploadView, announce};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, MultiQuery, PathId};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_agent, list_agents))
        .routes(routes!(agent_by_id))
        .routes(routes!(update_agent))
        .routes(routes!(archive_agent))
        .routes(routes!(announce_agent_file, list_agent_files))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgentView {
    id: String,
    team_id: String,
    agent_name: String,
    hub: String,
    model_name: String,
    agent_url: Option<String>,
    /// The provider key (`/v1/api-keys`) the agent is called with.
    api_key_id: Option<String>,
    agent_system_prompt: Option<String>,
    /// `active` or `archived`.
    status: String,
    #[schema(value_type = Option<Object>)]
    hub_config: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    rag_params: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    function_route_params: Option<serde_json::Value>,
    created_by: Option<String>,
    /// Unix seconds.
    created_at: i64,
    /// Unix seconds.
    updated_at: i64,
}

impl From<AgentConfiguration> for AgentView {
    fn from(agent: AgentConfiguration) -> Self {
        let d = agent.definition;
        Self {
            id: agent.id.to_string(),
            team_id: agent.team_id.to_string(),
            agent_name: d.agent_name,
            hub: d.hub,
            model_name: d.model_name,
            agent_url: d.agent_url,
            api_key_id: d.api_key_id.map(|id| id.to_string()),
            agent_system_prompt: d.agent_system_prompt,
            status: agent.status.as_str().to_owned(),
            hub_config: d.hub_config,
            rag_params: d.rag_params,
            function_route_params: d.function_route_params,
            created_by: agent.created_by.map(|id| id.to_string()),
            created_at: agent.created_at,
            updated_at: agent.updated_at,
        }
    }
}

/// An agent as the client writes it (create, and the full record on update); unknown fields
/// are ignored.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AgentBody {
    /// A UUID chosen by the client (create only; adopted as the agent's id).
    id: Option<String>,
    agent_name: String,
    /// A `/v1` hub id (see `GET /v1/hubs`).
    hub: String,
    #[serde(default)]
    model_name: Option<String>,
    /// The agent's base URL, for hubs without a fixed one (`custom`); empty is none.
    #[serde(default)]
    agent_url: Option<String>,
    /// A provider key of the team, for the same hub.
    #[serde(default)]
    api_key_id: Option<String>,
    #[serde(default)]
    agent_system_prompt: Option<String>,
    /// Update only: `active` or `archived` (default: unchanged).
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    hub_config: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    rag_params: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    function_route_params: Option<serde_json::Value>,
}

/// The body checked against the team's keys: a known hub, a named key of the team for that
/// hub, a name.
async fn definition_of(state: &AppState, team_id: &Id, body: &AgentBody) -> Result<AgentDefinition, ApiError> {
    let agent_name = body.agent_name.trim();
    if agent_name.is_empty() || agent_name.chars().count() > 200 {
        return Err(ApiError::invalid("agent_name must be 1 to 200 characters"));
    }
    let hub = super::keys::parse_hub(&body.hub)?;
    let api_key_id = match body.api_key_id.as_deref().filter(|id| !id.is_empty()) {
        Some(raw) => {
            let id = Id::parse(raw).map_err(|_| ApiError::invalid(format!("api_key_id {raw:?} is not a key id")))?;
            let key =
                state.store.provider_key(team_id, &id).await?.ok_or_else(|| ApiError::invalid(format!("no API key {raw} in this team")))?;
            if key.hub != hub.as_str() {
                return Err(ApiError::invalid(format!("API key {raw} is for hub {:?}, not {:?}", key.hub, hub.as_str())));
            }
            Some(id)
        }
        None => None,
    };
    let non_empty = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let agent_url = non_empty(&body.agent_url);
    if let Some(url) = agent_url.as_ref().filter(|url| !(url.starts_with("http://") || url.starts_with("https://"))) {
        return Err(ApiError::invalid(format!("agent_url {url:?} is not an http(s) URL")));
    }
    Ok(AgentDefinition {
        agent_name: agent_name.to_owned(),
        hub: hub.as_str().to_owned(),
        model_name: body.model_name.clone().unwrap_or_default(),
        agent_url,
        api_key_id,
        agent_system_prompt: non_empty(&body.agent_system_prompt),
        hub_config: body.hub_config.clone().filter(|v| !v.is_null()),
        rag_params: body.rag_params.clone().filter(|v| !v.is_null()),
        function_route_params: body.function_route_params.clone().filter(|v| !v.is_null()),
    })
}

/// An active agent of the team named by an evaluation's `agent_configuration_id`; a 400
/// naming the problem otherwise (it is a field of the body, not the path).
pub(super) async fn usable_agent(state: &AppState, team_id: &Id, raw: &str) -> Result<AgentConfiguration, ApiError> {
    let missing = || ApiError::invalid(format!("no agent configuration {raw} in this team"));
    let id = Id::parse(raw).map_err(|_| missing())?;
    let agent = state.store.agent(team_id, &id).await?.ok_or_else(missing)?;
    if agent.status == AgentStatus::Archived {
        return Err(ApiError::invalid(format!("agent configuration {raw} is archived")));
    }
    Ok(agent)
}

async fn team_agent(state: &AppState, caller: &Caller, id: &Id) -> Result<AgentConfiguration, ApiError> {
    state.store.agent(&caller.0.team_id, id).await?.ok_or_else(ApiError::not_found)
}

/// Stores an agent configuration.
#[utoipa::path(post, path = "/v1/agent-configurations", tag = "agent-configurations", request_body = AgentBody,
    responses((status = 200, description = "The agent", body = AgentView), (status = 400, description = "Bad name, hub, key or URL"),
        (status = 409, description = "The id, or the name among active agents, is taken")))]
async fn create_agent(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<AgentBody>,
) -> Result<Json<AgentView>, ApiError> {
    let definition = definition_of(&state, &caller.0.team_id, &body).await?;
    let id = match body.id.as_deref().filter(|id| !id.is_empty()) {
        Some(raw) => Id::parse(raw).map_err(|_| ApiError::invalid(format!("id {raw:?} is not a UUID")))?,
        None => Id::generate(),
    };
    let agent = state.store.create_agent(&caller.0.team_id, &id, &definition, &caller.0.user_id).await?;
    Ok(Json(agent.into()))
}

/// The team's agents, newest first: every status, or those `statuses` names (repeated or
/// comma-separated `active`, `archived`).
#[utoipa::path(get, path = "/v1/agent-configurations", tag = "agent-configurations",
    params(("statuses" = Option<Vec<String>>, Query)),
    responses((status = 200, description = "The agents", body = Results<AgentView>), (status = 400, description = "Unknown status")))]
async fn list_agents(State(state): State<AppState>, caller: Caller, query: MultiQuery) -> Result<Json<Results<AgentView>>, ApiError> {
    let mut statuses = Vec::new();
    for raw in query.all("statuses") {
        let status =
            AgentStatus::parse(&raw).ok_or_else(|| ApiError::invalid(format!("unknown status {raw:?}: expected active or archived")))?;
        statuses.push(status);
    }
    let agents = state.store.list_agents(&caller.0.team_id, &statuses).await?;
    Ok(Results::of(agents.into_iter().map(AgentView::from).collect()))
}

/// One agent of the team.
#[utoipa::path(get, path = "/v1/agent-configurations/{id}", tag = "agent-configurations", params(("id" = String, Path)),
    responses((status = 200, description = "The agent", body = AgentView), (status = 404, description = "No such agent in this team")))]
async fn agent_by_id(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<AgentView>, ApiError> {
    Ok(Json(team_agent(&state, &caller, &id).await?.into()))
}

/// Replaces an agent with the full record sent (as `vijil`'s `agents.update` sends it).
#[utoipa::path(put, path = "/v1/agent-configurations/{id}/update", tag = "agent-configurations", params(("id" = String, Path)),
    request_body = AgentBody,
    responses((status = 200, description = "The agent", body = AgentView), (status = 400, description = "Bad field"),
        (status = 404, description = "No such agent in this team"), (status = 409, description = "Another active agent has the name")))]
async fn update_agent(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiJson(body): ApiJson<AgentBody>,
) -> Result<Json<AgentView>, ApiError> {
    let current = team_agent(&state, &caller, &id).await?;
    let definition = definition_of(&state, &caller.0.team_id, &body).await?;
    let status = match body.status.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => {
            AgentStatus::parse(raw).ok_or_else(|| ApiError::invalid(format!("unknown status {raw:?}: expected active or archived")))?
        }
        None => current.status,
    };
    let agent = state.store.update_agent(&caller.0.team_id, &id, &definition, status).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(agent.into()))
}

/// Archives an agent: kept, with what names it, but its name is free and evaluations can no
/// longer start on it.
#[utoipa::path(put, path = "/v1/agent-configurations/{id}/archive", tag = "agent-configurations", params(("id" = String, Path)),
    responses((status = 200, description = "The archived agent", body = AgentView), (status = 404, description = "No such agent in this team")))]
async fn archive_agent(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<AgentView>, ApiError> {
    let agent = state.store.archive_agent(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(agent.into()))
}

/// Announces a file of the agent (its documents, a policy) and answers the one-time URL to
/// `PUT` its bytes to (see `uploads`).
#[utoipa::path(post, path = "/v1/agent-configurations/{id}/files", tag = "agent-configurations", params(("id" = String, Path)),
    request_body = AnnounceFile,
    responses((status = 200, description = "The announced file with its upload_url", body = UploadView),
        (status = 400, description = "Bad name, size or checksum"), (status = 404, description = "No such agent in this team")))]
async fn announce_agent_file(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AnnounceFile>,
) -> Result<Json<UploadView>, ApiError> {
    team_agent(&state, &caller, &id).await?;
    Ok(Json(announce(&state, &caller, &headers, UploadOwner::Agent, &id, body).await?))
}

/// The agent's files, oldest first, each saying whether its bytes arrived.
#[utoipa::path(get, path = "/v1/agent-configurations/{id}/files", tag = "agent-configurations", params(("id" = String, Path)),
    responses((status = 200, description = "The files", body = Results<UploadView>), (status = 404, description = "No such agent in this team")))]
async fn list_agent_files(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Json<Results<UploadView>>, ApiError> {
    team_agent(&state, &caller, &id).await?;
    let files = state.store.list_uploads(&caller.0.team_id, UploadOwner::Agent, &id).await?;
    Ok(Results::of(files.into_iter().map(UploadView::listed).collect()))
}
