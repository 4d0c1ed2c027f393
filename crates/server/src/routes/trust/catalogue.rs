//! The catalogue as configs (`/v1/harness-configs`, `/v1/scenario-configs`,
//! `/v1/probe-configs`): assay's probe library, versioned, with every dimension a `DIMENSION`
//! harness (see `assay_probes::catalogue`).

use assay_core::{ErrorCode, ProbeVariant};
use assay_engine::suite::check_variant;
use assay_probes::catalogue::{CATALOGUE_VERSION, CATALOGUE_VERSIONS, Dimension, Scenario, probe_config_id, probe_id_of};
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Results;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, MultiQuery};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(versions))
        .routes(routes!(list_harness_configs))
        .routes(routes!(harness_config))
        .routes(routes!(list_scenario_configs))
        .routes(routes!(list_probe_configs))
        .routes(routes!(put_probe_config))
}

/// The harness types a filter may name; the library's harnesses are all `DIMENSION`.
const HARNESS_TYPES: &[&str] =
    &["DIMENSION", "BENCHMARK_SECURITY", "BENCHMARK_SAFETY", "BENCHMARK_RELIABILITY", "CUSTOM", "SCENARIO", "AUDIT"];

#[derive(Debug, Serialize, ToSchema)]
pub struct Versions {
    /// Newest first, PEP 440 normal form.
    results: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HarnessConfig {
    /// `assay.harnesses.<name>`.
    id: String,
    name: String,
    description: String,
    version: String,
    harness_type: String,
    scenario_config_ids: Vec<String>,
    /// The library harnesses the dimension runs.
    harnesses: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HarnessConfigItem {
    harness_config: HarnessConfig,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioConfig {
    /// `assay.scenarios.<harness>.<scenario>`.
    id: String,
    name: String,
    description: String,
    version: String,
    harness: String,
    probe_config_ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProbeConfig {
    /// `assay.probes.<probe id>`.
    id: String,
    name: String,
    description: String,
    version: String,
    harness: String,
    scenario_config_id: String,
    /// OWASP LLM Top 10 (2025) ids.
    owasp: Vec<String>,
    /// The prompts the caller's team runs (its variant's, else the library's).
    prompt_count: usize,
    detector_ids: Vec<String>,
    /// False when the team switched the probe off.
    enabled: bool,
    /// True when the team runs its own variant (`PUT /v1/probe-configs/{id}`).
    customized: bool,
}

fn probe_config_of(scenario: &Scenario, probe: &assay_probes::Probe, variant: Option<&ProbeVariant>) -> ProbeConfig {
    let detector_ids = match variant.and_then(|v| v.detectors.as_ref()) {
        Some(ids) => ids.iter().map(|id| super::views::detector_config_id(id)).collect(),
        None => probe.detectors.iter().map(|d| super::views::detector_config_id(&d.id)).collect(),
    };
    ProbeConfig {
        id: probe_config_id(&probe.id),
        name: probe.name.clone(),
        description: probe.description.clone(),
        version: CATALOGUE_VERSION.to_owned(),
        harness: probe.harness.as_str().to_owned(),
        scenario_config_id: scenario.config_id(),
        owasp: probe.owasp.clone(),
        prompt_count: variant.and_then(|v| v.prompts.as_ref()).map_or(probe.prompts.len(), Vec::len),
        detector_ids,
        enabled: variant.is_none_or(|v| v.enabled),
        customized: variant.is_some_and(|v| !v.enabled || v.prompts.is_some() || v.detectors.is_some()),
    }
}

fn harness_config_of(dimension: &Dimension) -> HarnessConfig {
    HarnessConfig {
        id: dimension.config_id(),
        name: dimension.title.to_owned(),
        description: dimension.description.to_owned(),
        version: CATALOGUE_VERSION.to_owned(),
        harness_type: "DIMENSION".to_owned(),
        scenario_config_ids: dimension.scenarios().iter().map(Scenario::config_id).collect(),
        harnesses: dimension.harnesses.iter().map(|h| h.as_str().to_owned()).collect(),
    }
}

/// A `version` filter must name a served version.
fn check_version(query: &MultiQuery) -> Result<(), ApiError> {
    match query.one("version") {
        Some(version) if !CATALOGUE_VERSIONS.contains(&version) => Err(ApiError::with_message(
            ErrorCode::InvalidRequest,
            format!("unknown version {version:?}; served: {}", CATALOGUE_VERSIONS.join(", ")),
        )),
        _ => Ok(()),
    }
}

/// `limit` (default 100, 1 to 10,000) and `offset` of the catalogue lists.
fn window<T>(query: &MultiQuery, items: Vec<T>) -> Result<Vec<T>, ApiError> {
    let limit = query.int("limit")?.unwrap_or(100);
    let offset = query.int("offset")?.unwrap_or(0);
    if !(1..=10_000).contains(&limit) || offset < 0 {
        return Err(ApiError::invalid("limit must be 1 to 10000 and offset 0 or more"));
    }
    Ok(items.into_iter().skip(offset as usize).take(limit as usize).collect())
}

/// The catalogue's versions, newest first.
#[utoipa::path(get, path = "/v1/harness-configs/versions", tag = "harnesses", responses((status = 200, description = "Versions", body = Versions)))]
async fn versions() -> Json<Versions> {
    Json(Versions { results: CATALOGUE_VERSIONS.iter().map(|v| (*v).to_owned()).collect() })
}

/// Harness configs, filtered by `harness_type` (repeatable), `version`, `name`, paged.
#[utoipa::path(get, path = "/v1/harness-configs", tag = "harnesses",
    params(("harness_type" = Option<Vec<String>>, Query), ("version" = Option<String>, Query), ("name" = Option<String>, Query),
        ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "Harness configs", body = Results<HarnessConfigItem>), (status = 400, description = "Bad filter")))]
async fn list_harness_configs(query: MultiQuery) -> Result<Json<Results<HarnessConfigItem>>, ApiError> {
    check_version(&query)?;
    let types: Vec<String> = query.all("harness_type").into_iter().map(|t| t.to_ascii_uppercase()).collect();
    if let Some(unknown) = types.iter().find(|t| !HARNESS_TYPES.contains(&t.as_str())) {
        return Err(ApiError::with_message(
            ErrorCode::InvalidRequest,
            format!("unknown harness_type {unknown:?}; known: {}", HARNESS_TYPES.join(", ")),
        ));
    }
    let name = query.one("name").map(str::to_lowercase);
    let items: Vec<HarnessConfigItem> = Dimension::all()
        .iter()
        .filter(|_| types.is_empty() || types.iter().any(|t| t == "DIMENSION"))
        .filter(|d| name.as_ref().is_none_or(|n| d.name.contains(n.as_str()) || d.title.to_lowercase().contains(n.as_str())))
        .map(|d| HarnessConfigItem { harness_config: harness_config_of(d) })
        .collect();
    Ok(Results::of(window(&query, items)?))
}

/// One harness config by id (`assay.harnesses.security`, or its short name).
#[utoipa::path(get, path = "/v1/harness-configs/{harness_config_id}", tag = "harnesses", params(("harness_config_id" = String, Path)),
    responses((status = 200, description = "The harness config", body = HarnessConfigItem), (status = 404, description = "No such harness")))]
async fn harness_config(Path(id): Path<String>) -> Result<Json<HarnessConfigItem>, ApiError> {
    let dimension = Dimension::find(&id).ok_or_else(ApiError::not_found)?;
    Ok(Json(HarnessConfigItem { harness_config: harness_config_of(dimension) }))
}

/// Every scenario config of the catalogue.
#[utoipa::path(get, path = "/v1/scenario-configs", tag = "harnesses",
    params(("version" = Option<String>, Query), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "Scenario configs", body = Results<ScenarioConfig>), (status = 400, description = "Bad filter")))]
async fn list_scenario_configs(query: MultiQuery) -> Result<Json<Results<ScenarioConfig>>, ApiError> {
    check_version(&query)?;
    let items = Scenario::all()
        .iter()
        .map(|s| ScenarioConfig {
            id: s.config_id(),
            name: s.title(),
            description: s.description(),
            version: CATALOGUE_VERSION.to_owned(),
            harness: s.harness.as_str().to_owned(),
            probe_config_ids: s.probes.iter().map(|p| probe_config_id(&p.id)).collect(),
        })
        .collect();
    Ok(Results::of(window(&query, items)?))
}

/// Every probe config of the catalogue (no paging unless asked: the client reads them all).
#[utoipa::path(get, path = "/v1/probe-configs", tag = "harnesses",
    params(("version" = Option<String>, Query), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "Probe configs", body = Results<ProbeConfig>), (status = 400, description = "Bad filter")))]
async fn list_probe_configs(
    State(state): State<AppState>,
    caller: Caller,
    query: MultiQuery,
) -> Result<Json<Results<ProbeConfig>>, ApiError> {
    check_version(&query)?;
    let variants = state.store.probe_variants(&caller.0.team_id).await?;
    let items: Vec<ProbeConfig> = Scenario::all()
        .iter()
        .flat_map(|s| s.probes.iter().map(|p| probe_config_of(s, p, variants.iter().find(|v| v.probe_id == p.id))).collect::<Vec<_>>())
        .collect();
    let limit = query.int("limit")?;
    if limit.is_none() && query.one("offset").is_none() {
        return Ok(Results::of(items));
    }
    Ok(Results::of(window(&query, items)?))
}

/// A team's change to a library probe; fields left out keep their current value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProbeConfigChange {
    /// False: the team's evaluations leave the probe out.
    enabled: Option<bool>,
    /// The prompts the team's evaluations send in place of the library's.
    prompts: Option<Vec<String>>,
    /// Detectors (`assay.detectors.ID` or `ID`) in place of the library's.
    detector_ids: Option<Vec<String>>,
    /// True: back to the library's probe (other fields then apply on top).
    reset: Option<bool>,
}

/// Makes the caller's team's own variant of a library probe: its prompts, its detectors, or
/// the probe switched off. The team's `/v1` evaluations started afterwards run the variant.
#[utoipa::path(put, path = "/v1/probe-configs/{id}", tag = "harnesses", params(("id" = String, Path, description = "assay.probes.PROBE_ID or PROBE_ID")),
    request_body = ProbeConfigChange,
    responses((status = 200, description = "The probe as the team now runs it", body = ProbeConfig),
        (status = 400, description = "Bad prompts or detectors"), (status = 404, description = "No such probe")))]
async fn put_probe_config(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<ProbeConfigChange>,
) -> Result<Json<ProbeConfig>, ApiError> {
    let probe_id = probe_id_of(&id);
    let scenarios = Scenario::all();
    let (scenario, probe) =
        scenarios.iter().find_map(|s| s.probes.iter().find(|p| p.id == probe_id).map(|p| (s, p))).ok_or_else(ApiError::not_found)?;
    let variants = state.store.probe_variants(&caller.0.team_id).await?;
    let current = variants.into_iter().find(|v| v.probe_id == probe.id).filter(|_| change.reset != Some(true));
    let mut variant =
        current.unwrap_or(ProbeVariant { probe_id: probe.id.clone(), enabled: true, prompts: None, detectors: None, updated_at: 0 });
    if let Some(enabled) = change.enabled {
        variant.enabled = enabled;
    }
    if let Some(prompts) = change.prompts {
        variant.prompts = Some(prompts);
    }
    if let Some(ids) = change.detector_ids {
        variant.detectors = Some(ids.iter().map(|id| id.strip_prefix(super::views::DETECTOR_PREFIX).unwrap_or(id).to_owned()).collect());
    }
    check_variant(&variant).map_err(ApiError::invalid)?;
    let stored = state.store.put_probe_variant(&caller.0.team_id, &variant).await?;
    Ok(Json(probe_config_of(scenario, probe, Some(&stored))))
}
