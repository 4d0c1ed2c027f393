//! Provider keys and hubs (`/v1/api-keys`, `/v1/hubs`, `/v1/hubs/cost`) and one chat turn
//! through a key (`/v1/chat_complete`). A key's secret and `hub_config` are sealed at rest and
//! never returned; only the names of its config fields are.

use std::time::{Duration, Instant};

use assay_core::{
    ChatRequest, ErrorCode, GenerationParams, Hub, Id, Message, OpenedProviderKey, ProviderKey, ProviderKeyInput, Role, Target,
};
use assay_engine::trust::{ProviderTarget, credential, hub_url};
use assay_store::SealedChange;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Results;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{MultiQuery, OptionalJson, PathId};
use crate::pricing::Cost;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_key, list_keys))
        .routes(routes!(get_key, update_key, delete_key))
        .routes(routes!(test_key))
        .routes(routes!(key_models))
        .routes(routes!(list_hubs))
        .routes(routes!(hub_cost))
        .routes(routes!(chat_complete))
}

/// How long a key test or a models listing waits for the hub.
const HUB_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    id: String,
    name: String,
    hub: String,
    display_name: String,
    url: Option<String>,
    rate_limit_per_interval: i64,
    /// Seconds.
    rate_limit_interval: i64,
    /// Whether a secret value is stored (it is never shown).
    has_value: bool,
    /// The names of the stored `hub_config` fields (their values are sealed).
    hub_config_fields: Vec<String>,
    team_id: String,
    created_at: i64,
    updated_at: i64,
}

impl From<ProviderKey> for KeyView {
    fn from(key: ProviderKey) -> Self {
        Self {
            display_name: Hub::parse(&key.hub).map_or_else(|| key.hub.clone(), |h| h.info().display_name.to_owned()),
            id: key.id.to_string(),
            name: key.name,
            hub: key.hub,
            url: key.url,
            rate_limit_per_interval: key.rate_limit_per_interval,
            rate_limit_interval: key.rate_limit_interval,
            has_value: key.has_secret,
            hub_config_fields: key.hub_config_fields,
            team_id: key.team_id.to_string(),
            created_at: key.created_at,
            updated_at: key.updated_at,
        }
    }
}

/// What `api_keys.create` sends; unknown fields are ignored.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct KeyRequest {
    /// A UUID chosen by the client, adopted as the key's id.
    id: Option<String>,
    name: Option<String>,
    /// `openai together mistral fireworks nvidia azure custom digitalocean openrouter vertex bedrock bedrockAgents`.
    hub: Option<String>,
    /// The secret (may be null: some hubs authenticate through `hub_config`).
    value: Option<String>,
    url: Option<String>,
    rate_limit_per_interval: Option<i64>,
    /// Seconds.
    rate_limit_interval: Option<i64>,
    #[schema(value_type = Option<Object>)]
    hub_config: Option<serde_json::Map<String, serde_json::Value>>,
}

pub(crate) fn parse_hub(raw: &str) -> Result<Hub, ApiError> {
    Hub::parse(raw).ok_or_else(|| {
        let known: Vec<&str> = Hub::all().iter().map(|h| h.id).collect();
        ApiError::invalid(format!("unknown hub {raw:?}; known hubs: {}", known.join(", ")))
    })
}

pub(crate) fn check_url(url: Option<&str>) -> Result<(), ApiError> {
    match url {
        Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => {
            Err(ApiError::invalid(format!("url {url:?} must be http(s)")))
        }
        _ => Ok(()),
    }
}

pub(crate) fn check_hub_config(hub: Hub, config: Option<&serde_json::Map<String, serde_json::Value>>) -> Result<(), ApiError> {
    let missing: Vec<&str> =
        hub.info().required_config.iter().copied().filter(|field| config.is_none_or(|c| !c.contains_key(*field))).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(format!("hub_config for {} needs {}", hub.as_str(), missing.join(", "))))
    }
}

fn check_limits(per_interval: i64, interval: i64) -> Result<(), ApiError> {
    if per_interval < 1 || interval < 1 {
        return Err(ApiError::invalid("rate_limit_per_interval and rate_limit_interval must be at least 1"));
    }
    Ok(())
}

async fn team_key(state: &AppState, caller: &Caller, id: &Id) -> Result<ProviderKey, ApiError> {
    state.store.provider_key(&caller.0.team_id, id).await?.ok_or_else(ApiError::not_found)
}

/// Stores a named key for a hub; the secret and `hub_config` are sealed.
#[utoipa::path(post, path = "/v1/api-keys", tag = "api-keys", request_body = KeyRequest,
    responses((status = 200, description = "The key (no secret)", body = KeyView), (status = 400, description = "Bad hub, url, limits or hub_config"),
        (status = 409, description = "The name is taken")))]
async fn create_key(
    State(state): State<AppState>,
    caller: Caller,
    OptionalJson(body): OptionalJson<KeyRequest>,
) -> Result<Json<KeyView>, ApiError> {
    let body = body.unwrap_or_default();
    let name = body.name.filter(|n| !n.trim().is_empty()).ok_or_else(|| ApiError::invalid("name is required"))?;
    let hub = parse_hub(body.hub.as_deref().ok_or_else(|| ApiError::invalid("hub is required"))?)?;
    check_url(body.url.as_deref())?;
    check_hub_config(hub, body.hub_config.as_ref())?;
    let input = ProviderKeyInput {
        name,
        hub: hub.as_str().to_owned(),
        url: body.url.filter(|u| !u.is_empty()),
        rate_limit_per_interval: body.rate_limit_per_interval.unwrap_or(60),
        rate_limit_interval: body.rate_limit_interval.unwrap_or(10),
    };
    check_limits(input.rate_limit_per_interval, input.rate_limit_interval)?;
    let id = match body.id.as_deref() {
        Some(raw) => Id::parse(raw).map_err(|_| ApiError::invalid(format!("id {raw:?} is not a UUID")))?,
        None => Id::generate(),
    };
    let key = state
        .store
        .create_provider_key(&id, &caller.0.team_id, &input, body.value.as_deref().filter(|v| !v.is_empty()), body.hub_config.as_ref())
        .await?;
    Ok(Json(key.into()))
}

/// The team's keys as a bare array (the `vijil` client needs it so); `?hubs=a,b` filters.
#[utoipa::path(get, path = "/v1/api-keys", tag = "api-keys", params(("hubs" = Option<String>, Query)),
    responses((status = 200, description = "The keys", body = Vec<KeyView>)))]
async fn list_keys(State(state): State<AppState>, caller: Caller, query: MultiQuery) -> Result<Json<Vec<KeyView>>, ApiError> {
    let hubs = query.all("hubs");
    let keys = state.store.list_provider_keys(&caller.0.team_id).await?;
    Ok(Json(keys.into_iter().filter(|k| hubs.is_empty() || hubs.contains(&k.hub)).map(KeyView::from).collect()))
}

/// One key.
#[utoipa::path(get, path = "/v1/api-keys/{id}", tag = "api-keys", params(("id" = String, Path)),
    responses((status = 200, description = "The key", body = KeyView), (status = 404, description = "No such key")))]
async fn get_key(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<KeyView>, ApiError> {
    Ok(Json(team_key(&state, &caller, &id).await?.into()))
}

/// Changes what is sent of `name`, `hub`, `url`, the rate limits, `value` and `hub_config`.
#[utoipa::path(put, path = "/v1/api-keys/{id}", tag = "api-keys", params(("id" = String, Path)), request_body = KeyRequest,
    responses((status = 200, description = "The key", body = KeyView), (status = 400, description = "Bad field"), (status = 404, description = "No such key"),
        (status = 409, description = "The name is taken")))]
async fn update_key(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    OptionalJson(body): OptionalJson<KeyRequest>,
) -> Result<Json<KeyView>, ApiError> {
    let body = body.unwrap_or_default();
    let current = team_key(&state, &caller, &id).await?;
    let hub = parse_hub(body.hub.as_deref().unwrap_or(&current.hub))?;
    if body.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::invalid("name must not be empty"));
    }
    check_url(body.url.as_deref())?;
    if body.hub_config.is_some() || hub.as_str() != current.hub {
        let stored = state.store.open_provider_key(&caller.0.team_id, &id).await?.map(|k| k.hub_config);
        check_hub_config(hub, body.hub_config.as_ref().or(stored.as_ref()))?;
    }
    let input = ProviderKeyInput {
        name: body.name.unwrap_or(current.name),
        hub: hub.as_str().to_owned(),
        url: match body.url {
            Some(url) if url.is_empty() => None,
            Some(url) => Some(url),
            None => current.url,
        },
        rate_limit_per_interval: body.rate_limit_per_interval.unwrap_or(current.rate_limit_per_interval),
        rate_limit_interval: body.rate_limit_interval.unwrap_or(current.rate_limit_interval),
    };
    check_limits(input.rate_limit_per_interval, input.rate_limit_interval)?;
    let secret = body.value.filter(|v| !v.is_empty()).map_or(SealedChange::Keep, SealedChange::Set);
    let config = body.hub_config.map_or(SealedChange::Keep, SealedChange::Set);
    let key = state.store.update_provider_key(&caller.0.team_id, &id, &input, secret, config).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(key.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    id: String,
    deleted: bool,
}

/// Deletes a key; evaluations that still need it end `ERRORED` saying so.
#[utoipa::path(delete, path = "/v1/api-keys/{id}", tag = "api-keys", params(("id" = String, Path)),
    responses((status = 200, description = "Deleted", body = Deleted), (status = 404, description = "No such key")))]
async fn delete_key(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<Deleted>, ApiError> {
    if !state.store.delete_provider_key(&caller.0.team_id, &id).await? {
        return Err(ApiError::not_found());
    }
    Ok(Json(Deleted { id: id.to_string(), deleted: true }))
}

/// A key to call with: a stored one by `id`, or one given whole in the request.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct KeyTest {
    /// A stored key's id (or `api_key_proxy`); else `hub`, `value`, `url`, `hub_config`.
    id: Option<String>,
    api_key_proxy: Option<String>,
    hub: Option<String>,
    value: Option<String>,
    url: Option<String>,
    #[schema(value_type = Option<Object>)]
    hub_config: Option<serde_json::Map<String, serde_json::Value>>,
    /// With a model, the test is a one-token chat turn; without, a models listing.
    model: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyTestAnswer {
    /// The hub answered the call.
    success: bool,
    message: String,
    hub: String,
    latency_ms: u64,
    /// The models listed, when the test listed them.
    models: Vec<String>,
}

/// The key a request names or carries, opened.
async fn key_of(state: &AppState, caller: &Caller, test: &KeyTest) -> Result<(Hub, OpenedProviderKey), ApiError> {
    if let Some(raw) = test.id.as_deref().or(test.api_key_proxy.as_deref()).filter(|s| !s.is_empty()) {
        let id = Id::parse(raw).map_err(|_| ApiError::not_found())?;
        let key = state.store.open_provider_key(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?;
        return Ok((parse_hub(&key.key.hub)?, key));
    }
    let hub = parse_hub(test.hub.as_deref().ok_or_else(|| ApiError::invalid("give id, or hub with value"))?)?;
    check_url(test.url.as_deref())?;
    let now = assay_core::unix_now();
    let key = ProviderKey {
        id: Id::generate(),
        team_id: caller.0.team_id.clone(),
        name: "test".into(),
        hub: hub.as_str().into(),
        url: test.url.clone(),
        rate_limit_per_interval: 0,
        rate_limit_interval: 0,
        has_secret: test.value.is_some(),
        hub_config_fields: Vec::new(),
        created_at: now,
        updated_at: now,
    };
    Ok((hub, OpenedProviderKey { key, secret: test.value.clone(), hub_config: test.hub_config.clone().unwrap_or_default() }))
}

/// Where a models listing goes: a hub assay can call, at [`hub_url`].
fn base_url(hub: Hub, key: &OpenedProviderKey, url: Option<&str>) -> Result<String, ApiError> {
    if !hub.info().callable {
        return Err(ApiError::invalid(format!("assay cannot call the {} hub yet", hub.as_str())));
    }
    hub_url(hub, Some(key), url).ok_or_else(|| ApiError::invalid(format!("the {} hub needs a url", hub.as_str())))
}

/// Makes one real call to the hub with the key: a one-token chat turn when `model` is given,
/// else a models listing. Answers 200 either way, `success` saying how it went.
#[utoipa::path(post, path = "/v1/api-keys/test", tag = "api-keys", request_body = KeyTest,
    responses((status = 200, description = "What the hub answered", body = KeyTestAnswer), (status = 400, description = "Bad hub or url"),
        (status = 404, description = "No such key")))]
async fn test_key(
    State(state): State<AppState>,
    caller: Caller,
    OptionalJson(body): OptionalJson<KeyTest>,
) -> Result<Json<KeyTestAnswer>, ApiError> {
    let body = body.unwrap_or_default();
    let (hub, key) = key_of(&state, &caller, &body).await?;
    let started = Instant::now();
    let outcome: Result<Vec<String>, String> = match body.model.as_deref().filter(|m| !m.is_empty()) {
        Some(model) => chat_once(&state, hub, &key, model, body.url.as_deref(), "Say OK.", Some(1)).await.map(|_| Vec::new()),
        None => {
            let base = base_url(hub, &key, body.url.as_deref())?;
            assay_targets::openai::list_models(&base, credential(hub, &key).as_deref(), HUB_TIMEOUT).await.map_err(|e| e.to_string())
        }
    };
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(Json(match outcome {
        Ok(models) => {
            KeyTestAnswer { success: true, message: "The hub accepted the key.".into(), hub: hub.as_str().into(), latency_ms, models }
        }
        Err(message) => KeyTestAnswer { success: false, message, hub: hub.as_str().into(), latency_ms, models: Vec::new() },
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModelView {
    id: String,
    hub: String,
}

/// The models the key's hub lists (`GET {url}/models` on OpenAI-compatible hubs).
#[utoipa::path(get, path = "/v1/api-keys/{id}/models", tag = "api-keys", params(("id" = String, Path)),
    responses((status = 200, description = "Models", body = Results<ModelView>), (status = 400, description = "The hub cannot list models"),
        (status = 404, description = "No such key"), (status = 502, description = "The hub failed")))]
async fn key_models(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<Results<ModelView>>, ApiError> {
    let key = state.store.open_provider_key(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?;
    let hub = parse_hub(&key.key.hub)?;
    let base = base_url(hub, &key, None)?;
    let models = assay_targets::openai::list_models(&base, credential(hub, &key).as_deref(), HUB_TIMEOUT)
        .await
        .map_err(|e| ApiError::with_message(ErrorCode::TargetFailed, e.to_string()))?;
    Ok(Results::of(models.into_iter().map(|id| ModelView { id, hub: hub.as_str().into() }).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HubView {
    id: String,
    name: String,
    display_name: String,
    default_url: Option<String>,
    /// `hub_config` fields a key for this hub must carry.
    required_config: Vec<String>,
    /// assay can run evaluations on it.
    supported: bool,
}

/// The hubs a key may name, with display names, default URLs and required `hub_config` fields.
#[utoipa::path(get, path = "/v1/hubs", tag = "hubs", responses((status = 200, description = "Hubs", body = Results<HubView>)))]
async fn list_hubs(_caller: Caller) -> Json<Results<HubView>> {
    Results::of(
        Hub::all()
            .iter()
            .map(|h| HubView {
                id: h.id.into(),
                name: h.id.into(),
                display_name: h.display_name.into(),
                default_url: h.default_url.map(str::to_owned),
                required_config: h.required_config.iter().map(|f| (*f).to_owned()).collect(),
                supported: h.callable,
            })
            .collect(),
    )
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CostRequest {
    hub: Option<String>,
    model: Option<String>,
    input_tokens: Option<i64>,
    output_tokens: Option<i64>,
    /// Aliases some clients use.
    prompt_tokens: Option<i64>,
    completion_tokens: Option<i64>,
}

/// Prices token counts on a hub's model from the price table (built in, or `--price-table`).
#[utoipa::path(post, path = "/v1/hubs/cost", tag = "hubs", request_body = CostRequest,
    responses((status = 200, description = "The cost", body = Cost), (status = 400, description = "Bad hub or counts")))]
async fn hub_cost(
    State(state): State<AppState>,
    _caller: Caller,
    OptionalJson(body): OptionalJson<CostRequest>,
) -> Result<Json<Cost>, ApiError> {
    let body = body.unwrap_or_default();
    let hub = parse_hub(body.hub.as_deref().ok_or_else(|| ApiError::invalid("hub is required"))?)?;
    let input = body.input_tokens.or(body.prompt_tokens).unwrap_or(0);
    let output = body.output_tokens.or(body.completion_tokens).unwrap_or(0);
    if input < 0 || output < 0 {
        return Err(ApiError::invalid("token counts must be 0 or more"));
    }
    Ok(Json(state.prices.cost(hub.as_str(), body.model.as_deref().unwrap_or(""), input as u64, output as u64)))
}

/// One chat turn: the OpenAPI document's `CompletionRequest` (`prompt`, `system_prompt`,
/// `prompt_role`, `messages`, `completion_params`), or the short form with the key, model and
/// sampling settings at the top level.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ChatCompleteRequest {
    /// The stored key to call with (`api_key_id` is accepted too).
    api_key_proxy: Option<String>,
    api_key_id: Option<String>,
    model: Option<String>,
    url: Option<String>,
    /// Earlier turns `[{role: system|user|assistant, content}]`; with no `prompt` they must
    /// end with the user's turn.
    messages: Vec<ChatMessage>,
    /// The turn to send, after `messages`.
    prompt: Option<String>,
    /// `user` (default) or `assistant`.
    prompt_role: Option<String>,
    system_prompt: Option<String>,
    temperature: Option<f32>,
    top_p: Option<f32>,
    max_tokens: Option<u32>,
    completion_params: CompletionParams,
}

/// `completion_params` of the OpenAPI document's `CompletionRequest`.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CompletionParams {
    /// A stored key's id, or the secret itself (then `hub` names its hub).
    api_key: Option<String>,
    hub: Option<String>,
    model: Option<String>,
    url: Option<String>,
    /// Seconds per attempt.
    timeout: Option<f64>,
    temperature: Option<f32>,
    top_p: Option<f32>,
    max_completion_tokens: Option<u32>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ChatMessage {
    role: String,
    content: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChatCompleteAnswer {
    content: String,
    model: String,
    hub: String,
    prompt_tokens: u32,
    completion_tokens: u32,
    latency_ms: u64,
}

/// Sends one chat turn to `model` on the key's hub through the reliability layer.
async fn chat_once(
    state: &AppState,
    hub: Hub,
    key: &OpenedProviderKey,
    model: &str,
    url: Option<&str>,
    prompt: &str,
    max_tokens: Option<u32>,
) -> Result<assay_core::ChatReply, String> {
    let provider = ProviderTarget::for_call(hub, key, Some(model), url, Some(HUB_TIMEOUT.as_secs_f64()))
        .map_err(|e| super::engine_error(e).message().to_owned())?;
    let target = provider.build(Some(key), &state.local_model)?;
    let request = ChatRequest {
        messages: vec![Message { role: Role::User, content: prompt.to_owned() }],
        params: GenerationParams { max_tokens, ..GenerationParams::default() },
        ..ChatRequest::default()
    };
    target.chat(&request).await.map_err(|e| e.to_string())
}

/// The key a chat turn names: a stored key by id (`api_key_proxy`, `api_key_id`, or
/// `completion_params.api_key` when it is one of the team's key ids), else the secret in
/// `completion_params.api_key` for `completion_params.hub`.
async fn chat_key(state: &AppState, caller: &Caller, body: &ChatCompleteRequest) -> Result<(Hub, OpenedProviderKey), ApiError> {
    let params = &body.completion_params;
    let named = body.api_key_proxy.as_deref().or(body.api_key_id.as_deref()).filter(|k| !k.is_empty());
    if let Some(raw) = named {
        let id = Id::parse(raw).map_err(|_| ApiError::not_found())?;
        let key = state.store.open_provider_key(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?;
        return Ok((parse_hub(&key.key.hub)?, key));
    }
    let raw = params
        .api_key
        .as_deref()
        .filter(|k| !k.is_empty())
        .ok_or_else(|| ApiError::invalid("api_key_proxy (or completion_params.api_key) is required"))?;
    if let Ok(id) = Id::parse(raw)
        && let Some(key) = state.store.open_provider_key(&caller.0.team_id, &id).await?
    {
        return Ok((parse_hub(&key.key.hub)?, key));
    }
    let test = KeyTest { hub: params.hub.clone(), value: Some(raw.to_owned()), url: params.url.clone(), ..KeyTest::default() };
    key_of(state, caller, &test).await
}

/// One chat turn through a stored key (or a secret given with its hub).
#[utoipa::path(post, path = "/v1/chat_complete", tag = "hubs", request_body = ChatCompleteRequest,
    responses((status = 200, description = "The reply", body = ChatCompleteAnswer), (status = 400, description = "Bad key, model or messages"),
        (status = 404, description = "No such key"), (status = 502, description = "The hub failed")))]
async fn chat_complete(
    State(state): State<AppState>,
    caller: Caller,
    OptionalJson(body): OptionalJson<ChatCompleteRequest>,
) -> Result<Json<ChatCompleteAnswer>, ApiError> {
    let body = body.unwrap_or_default();
    let params = &body.completion_params;
    let (hub, key) = chat_key(&state, &caller, &body).await?;
    let model =
        body.model.clone().or(params.model.clone()).filter(|m| !m.is_empty()).ok_or_else(|| ApiError::invalid("model is required"))?;
    let mut system = body.system_prompt.clone();
    let mut messages = Vec::new();
    for message in &body.messages {
        let role = match message.role.as_str() {
            "system" => {
                system = Some(message.content.clone());
                continue;
            }
            "user" => Role::User,
            "assistant" => Role::Assistant,
            other => return Err(ApiError::invalid(format!("unknown role {other:?}"))),
        };
        messages.push(Message { role, content: message.content.clone() });
    }
    if let Some(prompt) = &body.prompt {
        let role = match body.prompt_role.as_deref().unwrap_or("user") {
            "user" => Role::User,
            "assistant" => Role::Assistant,
            other => return Err(ApiError::invalid(format!("prompt_role {other:?} is not user or assistant"))),
        };
        messages.push(Message { role, content: prompt.clone() });
    }
    if messages.last().is_none_or(|m| m.role != Role::User) {
        return Err(ApiError::invalid("messages must end with a user message"));
    }
    let url = body.url.as_deref().or(params.url.as_deref());
    let provider = ProviderTarget::for_call(hub, &key, Some(&model), url, params.timeout).map_err(super::engine_error)?;
    let target = provider.build(Some(&key), &state.local_model).map_err(ApiError::invalid)?;
    let request = ChatRequest {
        system,
        messages,
        params: GenerationParams {
            max_tokens: body.max_tokens,
            temperature: body.temperature,
            top_p: body.top_p,
            ..GenerationParams::default()
        },
        ..ChatRequest::default()
    };
    let started = Instant::now();
    let reply = target.chat(&request).await.map_err(|e| ApiError::with_message(ErrorCode::TargetFailed, e.to_string()))?;
    Ok(Json(ChatCompleteAnswer {
        content: reply.text,
        model,
        hub: hub.as_str().into(),
        prompt_tokens: reply.usage.map_or(0, |u| u.prompt_tokens),
        completion_tokens: reply.usage.map_or(0, |u| u.completion_tokens),
        latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }))
}
