//! `/v1` evaluations: create on the engine, list with filters, read, rename, score, cancel,
//! delete (also through `POST /v1/events`), errors grouped by kind, and estimates.

use assay_core::{ErrorCode, Id, TrustEvaluation, TrustEvaluationFilter, TrustSort};
use assay_engine::trust::{TrustRequest, estimate};
use assay_probes::catalogue::{CATALOGUE_VERSION, CATALOGUE_VERSIONS, Dimension};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::engine_error;
use super::views::{EvaluationView, states_of, status_of};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{MultiQuery, OptionalJson, PathId};
use crate::pricing::Cost;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_evaluation, list_evaluations))
        .routes(routes!(get_evaluation, rename_evaluation))
        .routes(routes!(evaluation_metadata))
        .routes(routes!(score_evaluation))
        .routes(routes!(cancel_evaluation))
        .routes(routes!(delete_evaluation))
        .routes(routes!(post_event))
        .routes(routes!(response_errors))
        .routes(routes!(estimate_evaluation))
}

/// Generation settings of the model under test.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct AgentParams {
    temperature: Option<f32>,
    top_p: Option<f32>,
    max_tokens: Option<u32>,
    /// The OpenAPI document's name for `max_tokens`.
    max_completion_tokens: Option<u32>,
    /// Seconds per call attempt.
    timeout: Option<f64>,
}

/// The body `vijil`'s `evaluations.create` sends; unknown fields are ignored.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CreateEvaluation {
    /// A UUID chosen by the client, adopted as the evaluation's id.
    id: Option<String>,
    name: Option<String>,
    hub: Option<String>,
    /// The id of the provider key (`/v1/api-keys`) to call the hub with.
    api_key_proxy: Option<String>,
    model: Option<String>,
    url: Option<String>,
    agent_params: AgentParams,
    /// `assay.harnesses.<name>` (or the short name).
    harness_config_ids: Vec<String>,
    /// At most this many prompts per probe.
    sample_size: Option<u32>,
    /// Runs of every prompt.
    num_generations: Option<u32>,
    /// A quick run: 5 prompts per probe unless `sample_size` says otherwise.
    is_lite: Option<bool>,
    tags: Option<Vec<String>>,
    version: Option<String>,
    /// An agent configuration (`/v1/agent-configurations`) to evaluate: its hub, model, URL,
    /// key and system prompt stand in for those not given here.
    agent_configuration_id: Option<String>,
}

/// Turns the body into an engine request: the hub, key, harnesses and version checked.
async fn parse_request(
    state: &AppState,
    caller: &Caller,
    body: CreateEvaluation,
    raw: serde_json::Value,
) -> Result<TrustRequest, ApiError> {
    let team_id = &caller.0.team_id;
    let mut body = body;
    let agent = match body.agent_configuration_id.as_deref().filter(|id| !id.is_empty()) {
        Some(raw) => Some(super::agents::usable_agent(state, team_id, raw).await?),
        None => None,
    };
    if let Some(agent) = &agent {
        let d = &agent.definition;
        body.hub = body.hub.or_else(|| Some(d.hub.clone()));
        body.model = body.model.or_else(|| Some(d.model_name.clone()).filter(|m| !m.is_empty()));
        body.url = body.url.or_else(|| d.agent_url.clone());
        body.api_key_proxy = body.api_key_proxy.or_else(|| d.api_key_id.as_ref().map(Id::to_string));
    }
    let hub_name = body.hub.as_deref().ok_or_else(|| ApiError::invalid("hub is required (or an agent_configuration_id)"))?;
    let hub = super::keys::parse_hub(hub_name)?;
    let key = match body.api_key_proxy.as_deref().filter(|k| !k.is_empty()) {
        Some(raw_id) => {
            let id = Id::parse(raw_id).map_err(|_| ApiError::invalid(format!("api_key_proxy {raw_id:?} is not a key id")))?;
            let key = state
                .store
                .open_provider_key(team_id, &id)
                .await?
                .ok_or_else(|| ApiError::invalid(format!("no API key {raw_id} in this team")))?;
            Some(key)
        }
        None => None,
    };
    if let Some(key) = &key
        && key.key.hub != hub.as_str()
    {
        return Err(ApiError::invalid(format!("API key {} is for hub {:?}, not {:?}", key.key.id, key.key.hub, hub.as_str())));
    }
    if body.harness_config_ids.is_empty() {
        return Err(ApiError::invalid("harness_config_ids must name at least one harness"));
    }
    let mut dimensions = Vec::new();
    let mut custom: Vec<assay_engine::suite::CustomRun> = Vec::new();
    for id in &body.harness_config_ids {
        let unknown = || ApiError::invalid(format!("unknown harness {id:?}; see GET /v1/harness-configs"));
        if let Some(dimension) = Dimension::find(id) {
            if !dimensions.contains(&dimension) {
                dimensions.push(dimension);
            }
            continue;
        }
        // A team's custom harness, by its uuid under any two-part prefix: its newest active version.
        let uuid = super::harnesses::custom_harness_uuid(id).ok_or_else(unknown)?;
        let harness = state.store.custom_harness(team_id, &uuid, None).await?.ok_or_else(unknown)?;
        let run = super::harnesses::custom_run(&harness);
        if !custom.iter().any(|known| known.config_id == run.config_id) {
            custom.push(run);
        }
    }
    let version = body.version.clone().unwrap_or_else(|| CATALOGUE_VERSION.to_owned());
    if !CATALOGUE_VERSIONS.contains(&version.as_str()) {
        return Err(ApiError::invalid(format!("unknown version {version:?}; served: {}", CATALOGUE_VERSIONS.join(", "))));
    }
    let id = match body.id.as_deref() {
        Some(raw) => Id::parse(raw).map_err(|_| ApiError::invalid(format!("id {raw:?} is not a UUID")))?,
        None => Id::generate(),
    };
    if body.num_generations == Some(0) {
        return Err(ApiError::invalid("num_generations must be at least 1"));
    }
    if body.sample_size == Some(0) {
        return Err(ApiError::invalid("sample_size must be at least 1"));
    }
    let name = body
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("{}-{}", hub.info().display_name, body.model.as_deref().unwrap_or("model")));
    // The team's variants of library probes; one the library no longer allows (a probe
    // since removed) is skipped rather than failing every evaluation of the team.
    let variants =
        state.store.probe_variants(team_id).await?.into_iter().filter(|v| assay_engine::suite::check_variant(v).is_ok()).collect();
    Ok(TrustRequest {
        id,
        name,
        hub,
        key,
        model: body.model,
        url: body.url.filter(|u| !u.is_empty()),
        temperature: body.agent_params.temperature,
        top_p: body.agent_params.top_p,
        max_tokens: body.agent_params.max_tokens.or(body.agent_params.max_completion_tokens),
        timeout_secs: body.agent_params.timeout,
        dimensions,
        harness_config_ids: body.harness_config_ids.clone(),
        sample_size: body.sample_size,
        num_generations: body.num_generations,
        is_lite: body.is_lite.unwrap_or(false),
        tags: body.tags.unwrap_or_default(),
        version,
        body: raw,
        created_by: Some(caller.0.user_id.clone()),
        system_prompt: agent.as_ref().and_then(|agent| agent.definition.agent_system_prompt.clone()),
        variants,
        custom,
        judge: Some(state.assistant_spec.clone()),
        agent_configuration_id: agent.map(|agent| agent.id),
    })
}

/// A body as its typed form and as sent (kept for the metadata route).
fn body_of(body: Option<serde_json::Value>) -> Result<(CreateEvaluation, serde_json::Value), ApiError> {
    let raw = body.unwrap_or_else(|| serde_json::json!({}));
    let typed: CreateEvaluation = serde_json::from_value(raw.clone()).map_err(|e| ApiError::invalid(format!("invalid evaluation: {e}")))?;
    Ok((typed, raw))
}

async fn team_evaluation(state: &AppState, caller: &Caller, id: &Id) -> Result<TrustEvaluation, ApiError> {
    state.store.trust_evaluation(&caller.0.team_id, id).await?.ok_or_else(ApiError::not_found)
}

/// Starts an evaluation: its jobs are written in one transaction and run by the engine; it is
/// `IN_PROGRESS` until it ends `COMPLETED`, `CANCELED` or `ERRORED` (a hub assay cannot call
/// ends `ERRORED` with the reason).
#[utoipa::path(post, path = "/v1/evaluations", tag = "evaluations", request_body = CreateEvaluation,
    responses((status = 200, description = "The evaluation, started", body = EvaluationView), (status = 400, description = "Bad hub, key, harness or field"),
        (status = 409, description = "The id is taken")))]
async fn create_evaluation(
    State(state): State<AppState>,
    caller: Caller,
    OptionalJson(body): OptionalJson<serde_json::Value>,
) -> Result<Json<EvaluationView>, ApiError> {
    let (typed, raw) = body_of(body)?;
    let request = parse_request(&state, &caller, typed, raw).await?;
    state.engine.create_trust_evaluation(&caller.0.team_id, &request).await.map_err(engine_error)?;
    Ok(Json(EvaluationView::from(&team_evaluation(&state, &caller, &request.id).await?)))
}

fn filter_of(query: &MultiQuery) -> Result<TrustEvaluationFilter, ApiError> {
    let mut states = Vec::new();
    for status in query.all("status") {
        states.extend(states_of(&status)?);
    }
    let sort = match query.one("sort_by").unwrap_or("created_at") {
        "created_at" => TrustSort::CreatedAt,
        "completed_at" => TrustSort::CompletedAt,
        "name" => TrustSort::Name,
        "status" => TrustSort::Status,
        other => return Err(ApiError::invalid(format!("sort_by {other:?} is not one of created_at, completed_at, name, status"))),
    };
    let descending = match query.one("sort_order").map(str::to_ascii_uppercase).as_deref() {
        None | Some("DESC") => true,
        Some("ASC") => false,
        Some(other) => return Err(ApiError::invalid(format!("sort_order {other:?} is not ASC or DESC"))),
    };
    let limit = query.int("limit")?.unwrap_or(50);
    let offset = query.int("offset")?.unwrap_or(0);
    if !(1..=1000).contains(&limit) || offset < 0 {
        return Err(ApiError::invalid("limit must be 1 to 1000 and offset 0 or more"));
    }
    Ok(TrustEvaluationFilter {
        states,
        name: query.one("name").map(str::to_owned),
        hub: query.one("hub").map(str::to_owned),
        model: query.one("model").map(str::to_owned),
        agent_configuration_id: match query.one("agent_configuration_id").filter(|id| !id.is_empty()) {
            Some(raw) => Some(Id::parse(raw).map_err(|_| ApiError::invalid(format!("agent_configuration_id {raw:?} is not an id")))?),
            None => None,
        },
        tags: query.all("tags"),
        created_after: query.int("created_at")?,
        completed_after: query.int("completed_at")?,
        sort,
        descending,
        limit,
        offset,
    })
}

/// The team's evaluations: `status` (repeatable), `name` (contains), `hub`, `model`,
/// `agent_configuration_id`, `tags`
/// (all of them), `created_at`/`completed_at` (at or after, Unix seconds), `sort_by`
/// (created_at, completed_at, name, status), `sort_order` (ASC, DESC), `limit`, `offset`.
#[utoipa::path(get, path = "/v1/evaluations", tag = "evaluations",
    params(("status" = Option<Vec<String>>, Query), ("name" = Option<String>, Query), ("hub" = Option<String>, Query), ("model" = Option<String>, Query), ("agent_configuration_id" = Option<String>, Query),
        ("tags" = Option<Vec<String>>, Query), ("created_at" = Option<i64>, Query), ("completed_at" = Option<i64>, Query),
        ("sort_by" = Option<String>, Query), ("sort_order" = Option<String>, Query), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query),
        ("user_email" = Option<String>, Query)),
    responses((status = 200, description = "Evaluations", body = EvaluationList), (status = 400, description = "Bad filter")))]
async fn list_evaluations(State(state): State<AppState>, caller: Caller, query: MultiQuery) -> Result<Json<EvaluationList>, ApiError> {
    let filter = filter_of(&query)?;
    let evaluations = state.store.list_trust_evaluations(&caller.0.team_id, &filter).await?;
    let count = state.store.count_trust_evaluations(&caller.0.team_id, &filter).await?;
    Ok(Json(EvaluationList {
        results: evaluations.iter().map(EvaluationView::from).collect(),
        count,
        current_page: filter.offset / filter.limit + 1,
        page_size: filter.limit,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationList {
    results: Vec<EvaluationView>,
    /// Evaluations the filters keep, over all pages.
    count: i64,
    /// 1-based.
    current_page: i64,
    page_size: i64,
}

/// One evaluation with its status, score and test counts.
#[utoipa::path(get, path = "/v1/evaluations/{id}", tag = "evaluations", params(("id" = String, Path)),
    responses((status = 200, description = "The evaluation", body = EvaluationView), (status = 404, description = "No such evaluation")))]
async fn get_evaluation(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<EvaluationView>, ApiError> {
    Ok(Json(EvaluationView::from(&team_evaluation(&state, &caller, &id).await?)))
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct UpdateEvaluation {
    name: Option<String>,
    tags: Option<Vec<String>>,
}

/// Renames an evaluation (and replaces its tags when given).
#[utoipa::path(put, path = "/v1/evaluations/{id}", tag = "evaluations", params(("id" = String, Path)), request_body = UpdateEvaluation,
    responses((status = 200, description = "The evaluation", body = EvaluationView), (status = 400, description = "Empty name"),
        (status = 404, description = "No such evaluation")))]
async fn rename_evaluation(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    OptionalJson(body): OptionalJson<UpdateEvaluation>,
) -> Result<Json<EvaluationView>, ApiError> {
    let body = body.unwrap_or_default();
    if body.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::invalid("name must not be empty"));
    }
    if !state.store.update_trust_evaluation(&caller.0.team_id, &id, body.name.as_deref(), body.tags.as_deref()).await? {
        return Err(ApiError::not_found());
    }
    Ok(Json(EvaluationView::from(&team_evaluation(&state, &caller, &id).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationMetadata {
    #[serde(flatten)]
    evaluation: EvaluationView,
    /// The creation request as sent (agent_params, sample_size, num_generations, is_lite, …).
    #[schema(value_type = Object)]
    metadata: serde_json::Value,
    #[schema(value_type = Object)]
    agent_params: serde_json::Value,
}

/// An evaluation with what it was created with; `tags` is always a list.
#[utoipa::path(get, path = "/v1/evaluations/metadata/{id}", tag = "evaluations", params(("id" = String, Path)),
    responses((status = 200, description = "The evaluation and its request", body = EvaluationMetadata), (status = 404, description = "No such evaluation")))]
async fn evaluation_metadata(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Json<EvaluationMetadata>, ApiError> {
    let trust = team_evaluation(&state, &caller, &id).await?;
    let agent_params = trust.settings.request.get("agent_params").cloned().unwrap_or_else(|| serde_json::json!({}));
    Ok(Json(EvaluationMetadata { evaluation: EvaluationView::from(&trust), metadata: trust.settings.request.clone(), agent_params }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreAnswer {
    evaluation_id: String,
    score: Option<f64>,
    status: String,
    total_test_count: i64,
    completed_test_count: i64,
    error_test_count: i64,
    unscorable_test_count: i64,
}

/// The evaluation's score from its counters (pass rate over judged tests).
#[utoipa::path(post, path = "/v1/evaluations/{id}/score", tag = "evaluations", params(("id" = String, Path)),
    responses((status = 200, description = "The score", body = ScoreAnswer), (status = 404, description = "No such evaluation")))]
async fn score_evaluation(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<ScoreAnswer>, ApiError> {
    let trust = team_evaluation(&state, &caller, &id).await?;
    let e = &trust.evaluation;
    Ok(Json(ScoreAnswer {
        evaluation_id: e.id.to_string(),
        score: e.counts.score(),
        status: status_of(e.state).to_owned(),
        total_test_count: e.counts.total,
        completed_test_count: e.counts.done,
        error_test_count: e.counts.errored,
        unscorable_test_count: e.counts.unscorable,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusAnswer {
    evaluation_id: String,
    status: String,
    message: String,
}

/// Cancels an evaluation in progress: no more of its tests start; calls in flight finish.
#[utoipa::path(post, path = "/v1/evaluations/{id}/cancel", tag = "evaluations", params(("id" = String, Path)),
    responses((status = 200, description = "Cancelled", body = StatusAnswer), (status = 404, description = "No such evaluation"),
        (status = 409, description = "It had already ended")))]
async fn cancel_evaluation(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<StatusAnswer>, ApiError> {
    team_evaluation(&state, &caller, &id).await?;
    match state.store.cancel_evaluation(&id).await? {
        Some(true) => {
            Ok(Json(StatusAnswer { evaluation_id: id.to_string(), status: "CANCELED".into(), message: "Evaluation cancelled.".into() }))
        }
        Some(false) => Err(ApiError::with_message(ErrorCode::Conflict, "The evaluation has already ended.")),
        None => Err(ApiError::not_found()),
    }
}

/// Deletes an evaluation with its responses and reports (cancelling it first if running).
async fn delete(state: &AppState, caller: &Caller, id: &Id) -> Result<(), ApiError> {
    team_evaluation(state, caller, id).await?;
    state.store.cancel_evaluation(id).await?;
    state.store.delete_evaluation(id).await?;
    Ok(())
}

/// Deletes an evaluation and everything it holds.
#[utoipa::path(post, path = "/v1/evaluations/{id}/delete", tag = "evaluations", params(("id" = String, Path)),
    responses((status = 200, description = "Deleted", body = StatusAnswer), (status = 404, description = "No such evaluation")))]
async fn delete_evaluation(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<StatusAnswer>, ApiError> {
    delete(&state, &caller, &id).await?;
    Ok(Json(StatusAnswer { evaluation_id: id.to_string(), status: "DELETED".into(), message: "Evaluation deleted.".into() }))
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct EventRequest {
    /// `DELETE_EVALUATION` or `CANCEL_EVALUATION`.
    #[serde(rename = "type")]
    kind: Option<String>,
    /// `{"evaluation_id": …}`.
    #[schema(value_type = Object)]
    data: serde_json::Value,
    #[schema(value_type = Object)]
    metadata: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    #[serde(rename = "type")]
    kind: String,
    id: String,
    created_at: i64,
    created_by: String,
    #[schema(value_type = Object)]
    data: serde_json::Value,
    #[schema(value_type = Object)]
    metadata: serde_json::Value,
}

/// Acts on an event: `DELETE_EVALUATION` deletes the evaluation in `data.evaluation_id` (the
/// way the `vijil` client deletes), `CANCEL_EVALUATION` cancels it.
#[utoipa::path(post, path = "/v1/events", tag = "evaluations", request_body = EventRequest,
    responses((status = 200, description = "The event, carried out", body = EventView), (status = 400, description = "Unknown type or no evaluation_id"),
        (status = 404, description = "No such evaluation")))]
async fn post_event(
    State(state): State<AppState>,
    caller: Caller,
    OptionalJson(body): OptionalJson<EventRequest>,
) -> Result<Json<EventView>, ApiError> {
    let body = body.unwrap_or_default();
    let kind = body.kind.clone().ok_or_else(|| ApiError::invalid("type is required"))?;
    let raw_id =
        body.data.get("evaluation_id").and_then(|v| v.as_str()).ok_or_else(|| ApiError::invalid("data.evaluation_id is required"))?;
    let id = Id::parse(raw_id).map_err(|_| ApiError::not_found())?;
    match kind.as_str() {
        "DELETE_EVALUATION" => delete(&state, &caller, &id).await?,
        "CANCEL_EVALUATION" => {
            team_evaluation(&state, &caller, &id).await?;
            state.store.cancel_evaluation(&id).await?;
        }
        other => return Err(ApiError::invalid(format!("unknown event type {other:?}; use DELETE_EVALUATION or CANCEL_EVALUATION"))),
    }
    Ok(Json(EventView {
        kind,
        id: Id::generate().to_string(),
        created_at: assay_core::unix_now(),
        created_by: caller.0.user_id.to_string(),
        data: body.data,
        metadata: if body.metadata.is_null() { serde_json::json!({}) } else { body.metadata },
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorGroup {
    /// The kind of error: `timeout`, `rate_limited`, `http_4xx`, `http_5xx`, `connection`,
    /// `detector` or `other`.
    cause: String,
    count: i64,
    /// Up to three distinct messages of this type.
    examples: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseErrors {
    evaluation_id: String,
    total_errors: i64,
    results: Vec<ErrorGroup>,
    /// Error kinds listed.
    count: usize,
}

/// The kind of a result's error, from the reliability layer's and the detectors' messages.
fn error_type(message: &str) -> &'static str {
    let lower = message.to_ascii_lowercase();
    if lower.contains("timed out") || lower.contains("timeout") {
        "timeout"
    } else if lower.contains("429") || lower.contains("rate limit") {
        "rate_limited"
    } else if lower.contains("detector") || lower.contains("judge") {
        "detector"
    } else if lower.contains("connect") || lower.contains("connection") || lower.contains("dns") {
        "connection"
    } else if ["status 5", "http 5", " 500", " 502", " 503", " 504"].iter().any(|p| lower.contains(p)) {
        "http_5xx"
    } else if ["status 4", "http 4", " 400", " 401", " 403", " 404"].iter().any(|p| lower.contains(p)) {
        "http_4xx"
    } else {
        "other"
    }
}

/// The evaluation's failed calls and judgings, grouped by kind, most frequent first.
#[utoipa::path(get, path = "/v1/evaluations/{evaluation_id}/response-errors", tag = "evaluations",
    params(("evaluation_id" = String, Path), ("limit" = Option<i64>, Query, description = "Error types to return at most")),
    responses((status = 200, description = "Errors by type", body = ResponseErrors), (status = 404, description = "No such evaluation")))]
async fn response_errors(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    query: MultiQuery,
) -> Result<Json<ResponseErrors>, ApiError> {
    let limit = query.int("limit")?.unwrap_or(10);
    if limit < 1 {
        return Err(ApiError::invalid("limit must be at least 1"));
    }
    let trust = team_evaluation(&state, &caller, &id).await?;
    let mut groups: Vec<ErrorGroup> = Vec::new();
    for (message, count) in state.store.result_errors(&id, 1000).await? {
        let kind = error_type(&message);
        match groups.iter_mut().find(|g| g.cause == kind) {
            Some(group) => {
                group.count += count;
                if group.examples.len() < 3 {
                    group.examples.push(message);
                }
            }
            None => groups.push(ErrorGroup { cause: kind.to_owned(), count, examples: vec![message] }),
        }
    }
    groups.sort_by(|a, b| b.count.cmp(&a.count).then(a.cause.cmp(&b.cause)));
    groups.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(Json(ResponseErrors {
        evaluation_id: id.to_string(),
        total_errors: trust.evaluation.counts.errored,
        count: groups.len(),
        results: groups,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EstimateAnswer {
    tests: u64,
    calls: u64,
    prompt_tokens: u64,
    /// At most: every reply at its length cap.
    completion_tokens: u64,
    total_tokens: u64,
    cost: Cost,
}

/// What an evaluation would run and cost, from the same body as `POST /v1/evaluations`.
#[utoipa::path(post, path = "/v1/evaluation-estimate", tag = "evaluations", request_body = CreateEvaluation,
    responses((status = 200, description = "The estimate", body = EstimateAnswer), (status = 400, description = "Bad hub, key or harness")))]
async fn estimate_evaluation(
    State(state): State<AppState>,
    caller: Caller,
    OptionalJson(body): OptionalJson<serde_json::Value>,
) -> Result<Json<EstimateAnswer>, ApiError> {
    let (typed, raw) = body_of(body)?;
    let request = parse_request(&state, &caller, typed, raw).await?;
    let plan = request.plan().map_err(engine_error)?;
    let figures = estimate(&plan.suite).map_err(engine_error)?;
    let model = request.model.clone().unwrap_or_default();
    let cost = state.prices.cost(request.hub.as_str(), &model, figures.prompt_tokens, figures.completion_tokens);
    Ok(Json(EstimateAnswer {
        tests: figures.tests,
        calls: figures.calls,
        prompt_tokens: figures.prompt_tokens,
        completion_tokens: figures.completion_tokens,
        total_tokens: figures.prompt_tokens + figures.completion_tokens,
        cost,
    }))
}
