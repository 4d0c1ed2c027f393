//! Detectors and detections (`/v1/detectors`, `/v1/detections`). Every detector of the
//! registry is listed as `assay.detectors.<id>`; the judge detectors are listed too
//! under the ids the `vijil` client knows (`autoredteam.detectors.llm.<Name>`). A detection
//! runs in the background: `CREATED`, then `COMPLETED` with one output per input (or
//! `FAILED` when its judge cannot be reached at all).

use std::sync::Arc;

use assay_core::{Detector, Hub, Id, Target, TrustDetection, unix_now};
use assay_detectors::{CLIENT_PREFIX, Registry, judge_client_names, judge_detector_for_client_name, judge_takes_param};
use assay_engine::detections::{fail_detection, run_detection};
use assay_engine::judge_cache::CachedJudge;
use assay_engine::trust::ProviderTarget;
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Results;
use super::views::{DETECTOR_PREFIX, detector_config_id};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{MultiQuery, OptionalJson, PathId};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_detectors))
        .routes(routes!(detector_by_id))
        .routes(routes!(create_detection))
        .routes(routes!(detection_by_id))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DetectorView {
    id: String,
    name: String,
    description: String,
    /// `safe` (a hit is the good outcome, e.g. a refusal) or `unsafe`.
    hit_means: String,
    version: String,
    /// The input fields the detector reads.
    #[schema(value_type = Object)]
    detector_input: serde_json::Value,
}

/// `json-schema` → `Json schema`, `judge.strong-reject` → `Strong reject`.
fn title(id: &str) -> String {
    let words = id.rsplit('.').next().unwrap_or(id).replace('-', " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Every detector under every id it answers to.
fn catalogue() -> Vec<DetectorView> {
    let infos = Registry::list();
    let view = |id: String, name: String, info: &assay_core::DetectorInfo| DetectorView {
        id,
        name,
        description: info.description.to_owned(),
        hit_means: match info.hit_means {
            assay_core::HitMeans::Pass => "safe",
            assay_core::HitMeans::Fail => "unsafe",
        }
        .to_owned(),
        version: info.version.to_string(),
        detector_input: serde_json::json!({
            "response": "string", "triggers": ["string"], "question": "string", "ground_truth": "string", "contexts": ["string"], "policy": "string",
        }),
    };
    let mut all: Vec<DetectorView> = infos.iter().map(|info| view(detector_config_id(info.id), title(info.id), info)).collect();
    for (client_name, id) in judge_client_names() {
        if let Some(info) = infos.iter().find(|info| info.id == id) {
            all.push(view(format!("{CLIENT_PREFIX}{client_name}"), client_name.to_owned(), info));
        }
    }
    all
}

/// The registry id behind a listed id: `assay.detectors.<id>`, a client judge name, or a
/// bare registry id.
fn registry_id(listed: &str) -> Option<String> {
    if let Some(id) = judge_detector_for_client_name(listed) {
        return Some(id.to_owned());
    }
    let bare = listed.strip_prefix(DETECTOR_PREFIX).unwrap_or(listed);
    Registry::list().iter().any(|info| info.id == bare).then(|| bare.to_owned())
}

fn check_version(query: &MultiQuery) -> Result<(), ApiError> {
    match query.one("version") {
        Some(v) if !assay_probes::catalogue::CATALOGUE_VERSIONS.contains(&v) => Err(ApiError::invalid(format!("unknown version {v:?}"))),
        _ => Ok(()),
    }
}

/// The detectors (`ids` narrows the list).
#[utoipa::path(get, path = "/v1/detectors", tag = "detectors", params(("version" = Option<String>, Query), ("ids" = Option<Vec<String>>, Query)),
    responses((status = 200, description = "Detectors", body = Results<DetectorView>), (status = 400, description = "Unknown version")))]
async fn list_detectors(_caller: Caller, query: MultiQuery) -> Result<Json<Results<DetectorView>>, ApiError> {
    check_version(&query)?;
    let ids = query.all("ids");
    Ok(Results::of(catalogue().into_iter().filter(|d| ids.is_empty() || ids.contains(&d.id)).collect()))
}

/// One detector by its dotted id.
#[utoipa::path(get, path = "/v1/detectors/{id}", tag = "detectors", params(("id" = String, Path), ("version" = Option<String>, Query)),
    responses((status = 200, description = "The detector", body = DetectorView), (status = 404, description = "No such detector")))]
async fn detector_by_id(_caller: Caller, Path(id): Path<String>, query: MultiQuery) -> Result<Json<DetectorView>, ApiError> {
    check_version(&query)?;
    catalogue().into_iter().find(|d| d.id == id).map(Json).ok_or_else(ApiError::not_found)
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct DetectionRequest {
    /// A UUID chosen by the client, adopted.
    id: Option<String>,
    /// A listed id (`assay.detectors.pii`, `autoredteam.detectors.llm.Refusal`).
    detector_id: Option<String>,
    /// Each `{response, triggers, question, ground_truth, contexts, policy, role, instructions, …}`.
    detector_inputs: Vec<serde_json::Value>,
    /// The judge for judge detectors: `{api_key_proxy, hub, model}`; empty or absent: the
    /// server's assistant model (the embedded model by default).
    #[schema(value_type = Object)]
    detector_params: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DetectionView {
    id: String,
    detector_id: String,
    /// `CREATED`, then `COMPLETED` or `FAILED`.
    status: String,
    detector_inputs: Vec<serde_json::Value>,
    detector_outputs: Vec<serde_json::Value>,
    #[schema(value_type = Object)]
    detector_params: serde_json::Value,
    error: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl From<TrustDetection> for DetectionView {
    fn from(d: TrustDetection) -> Self {
        Self {
            id: d.id.to_string(),
            detector_id: d.detector_id,
            status: d.status,
            detector_inputs: d.inputs,
            detector_outputs: d.outputs,
            detector_params: d.params,
            error: d.error,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// Runs detectors on `detector_inputs` in the background; answers at once with status `CREATED`.
#[utoipa::path(post, path = "/v1/detections", tag = "detectors", request_body = DetectionRequest,
    responses((status = 200, description = "The detection, created", body = DetectionView), (status = 400, description = "Unknown detector or no inputs"),
        (status = 409, description = "The id is taken")))]
async fn create_detection(
    State(state): State<AppState>,
    caller: Caller,
    OptionalJson(body): OptionalJson<DetectionRequest>,
) -> Result<Json<DetectionView>, ApiError> {
    let body = body.unwrap_or_default();
    let listed = body.detector_id.clone().ok_or_else(|| ApiError::invalid("detector_id is required"))?;
    let registry_id =
        registry_id(&listed).ok_or_else(|| ApiError::invalid(format!("unknown detector {listed:?}; see GET /v1/detectors")))?;
    if body.detector_inputs.is_empty() {
        return Err(ApiError::invalid("detector_inputs must hold at least one input"));
    }
    let id = match body.id.as_deref() {
        Some(raw) => Id::parse(raw).map_err(|_| ApiError::invalid(format!("id {raw:?} is not a UUID")))?,
        None => Id::generate(),
    };
    let now = unix_now();
    let mut inputs = Vec::with_capacity(body.detector_inputs.len());
    for (index, input) in body.detector_inputs.into_iter().enumerate() {
        let serde_json::Value::Object(mut fields) = input else {
            return Err(ApiError::invalid(format!("detector_inputs[{index}] must be an object")));
        };
        fields.insert("id".into(), serde_json::json!(format!("{id}-{index}")));
        fields.insert("detection_id".into(), serde_json::json!(id.as_str()));
        fields.insert("created_at".into(), serde_json::json!(now));
        inputs.push(serde_json::Value::Object(fields));
    }
    let params = if body.detector_params.is_null() { serde_json::json!({}) } else { body.detector_params };
    let detection = TrustDetection {
        id,
        team_id: caller.0.team_id.clone(),
        detector_id: listed,
        status: "CREATED".into(),
        inputs,
        params,
        outputs: Vec::new(),
        error: None,
        created_at: now,
        updated_at: now,
    };
    let judge = judge_for(&state, &caller.0.team_id, &detection.params).await?;
    state.store.create_detection(&detection).await?;
    spawn_detection(state.store.clone(), judge, registry_id, detection.clone());
    Ok(Json(detection.into()))
}

/// The judge a detection's params name: a provider key's hub and model, else the server's
/// assistant model.
async fn judge_for(state: &AppState, team_id: &Id, params: &serde_json::Value) -> Result<Arc<dyn Target>, ApiError> {
    let text = |key: &str| params.get(key).and_then(|v| v.as_str()).filter(|s| !s.is_empty());
    let cached = |target: Arc<dyn Target>, reference: &str| CachedJudge::wrap(target, reference, state.store.clone());
    let Some(raw_key) = text("api_key_proxy") else { return Ok(cached(state.assistant.target().clone(), "assistant")) };
    let key_id = Id::parse(raw_key).map_err(|_| ApiError::invalid(format!("api_key_proxy {raw_key:?} is not a key id")))?;
    let key = state
        .store
        .open_provider_key(team_id, &key_id)
        .await?
        .ok_or_else(|| ApiError::invalid(format!("no API key {raw_key} in this team")))?;
    let hub = Hub::parse(&key.key.hub).ok_or_else(|| ApiError::invalid(format!("key {raw_key} names an unknown hub")))?;
    let provider = ProviderTarget::for_call(hub, &key, text("model"), text("url"), None).map_err(super::engine_error)?;
    let target = provider.build(Some(&key), &state.local_model).map_err(ApiError::invalid)?;
    Ok(cached(target, &format!("key {key_id} {} {}", text("model").unwrap_or_default(), text("url").unwrap_or_default())))
}

/// Runs a detection off the request path. Judge detectors take an input's `policy`, `role`
/// and `instructions` as their parameters.
fn spawn_detection(store: assay_store::Store, judge: Arc<dyn Target>, registry_id: String, detection: TrustDetection) {
    tokio::spawn(async move {
        let registry = Registry::new(Some(judge));
        let build = |input: &serde_json::Value| -> Result<Arc<dyn Detector>, String> {
            let mut params = serde_json::Map::new();
            {
                for key in ["policy", "role", "instructions"].into_iter().filter(|key| judge_takes_param(&registry_id, key)) {
                    match input.get(key) {
                        Some(serde_json::Value::String(text)) => {
                            params.insert(key.into(), serde_json::json!(text));
                        }
                        Some(serde_json::Value::Array(items)) => {
                            let joined: Vec<&str> = items.iter().filter_map(|i| i.as_str()).collect();
                            params.insert(key.into(), serde_json::json!(joined.join("\n")));
                        }
                        _ => {}
                    }
                }
            }
            let params = if params.is_empty() { serde_json::Value::Null } else { serde_json::Value::Object(params) };
            registry.build(&registry_id, &params).map_err(|e| e.to_string())
        };
        // A detector that cannot be built for any input (a bad judge) fails the whole request.
        if let Err(reason) = build(&serde_json::Value::Null) {
            if let Err(error) = fail_detection(&store, &detection, &reason).await {
                tracing::error!(error = %error, "cannot record a failed detection");
            }
            return;
        }
        if let Err(error) = run_detection(&store, build, &detection).await {
            tracing::error!(error = %error, detection = %detection.id, "detection failed");
            let _ = fail_detection(&store, &detection, "the outputs could not be stored").await;
        }
    });
}

/// Runs every detection still `CREATED` (its server stopped before finishing it).
pub async fn resume_unfinished(state: &AppState) {
    let unfinished = match state.store.unfinished_detections().await {
        Ok(list) => list,
        Err(error) => return tracing::warn!(error = %error, "cannot list unfinished detections"),
    };
    for detection in unfinished {
        let Some(registry_id) = registry_id(&detection.detector_id) else {
            let _ = fail_detection(&state.store, &detection, "its detector no longer exists").await;
            continue;
        };
        match judge_for(state, &detection.team_id, &detection.params).await {
            Ok(judge) => spawn_detection(state.store.clone(), judge, registry_id, detection),
            Err(error) => {
                let _ = fail_detection(&state.store, &detection, error.message()).await;
            }
        }
    }
}

/// A detection with its inputs (each with its id) and, once `COMPLETED`, its outputs.
#[utoipa::path(get, path = "/v1/detections/{id}", tag = "detectors", params(("id" = String, Path)),
    responses((status = 200, description = "The detection", body = DetectionView), (status = 404, description = "No such detection")))]
async fn detection_by_id(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<DetectionView>, ApiError> {
    let detection = state.store.detection(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(detection.into()))
}
