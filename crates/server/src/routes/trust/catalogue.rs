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
use super::harnesses::{CustomProbeView, StageView, custom_config, custom_harness_uuid, custom_item};
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
    /// `assay.harnesses.<name>`, or `assay.harnesses.<uuid>` for a team's custom harness.
    pub(super) id: String,
    pub(super) name: String,
    pub(super) description: String,
    pub(super) version: String,
    /// `DIMENSION` (the library's) or `CUSTOM` (the team's).
    pub(super) harness_type: String,
    pub(super) scenario_config_ids: Vec<String>,
    /// The library harnesses the dimension runs (`custom` for a custom harness).
    pub(super) harnesses: Vec<String>,
    /// `active`, or `archived` for a custom version no longer run by name.
    pub(super) status: String,
    /// Custom harnesses: who made it.
    pub(super) created_by: Option<String>,
    /// Custom harnesses: Unix seconds.
    pub(super) created_at: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HarnessConfigItem {
    harness_config: HarnessConfig,
    /// A custom harness's probes (on the routes that answer one harness).
    #[serde(skip_serializing_if = "Option::is_none")]
    probes: Option<Vec<CustomProbeView>>,
    /// With `with_stages=true`: the stages that wrote a custom harness.
    #[serde(skip_serializing_if = "Option::is_none")]
    stages: Option<Vec<StageView>>,
}

impl HarnessConfigItem {
    fn created_at(&self) -> i64 {
        self.harness_config.created_at.unwrap_or(0)
    }

    fn name(&self) -> &str {
        &self.harness_config.name
    }

    fn id(&self) -> &str {
        &self.harness_config.id
    }

    pub(super) fn new(harness_config: HarnessConfig, probes: Option<Vec<CustomProbeView>>, stages: Option<Vec<StageView>>) -> Self {
        Self { harness_config, probes, stages }
    }
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
        status: "active".to_owned(),
        created_by: None,
        created_at: None,
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

/// Harness configs: the library's dimensions, then the team's active custom harnesses
/// (newest first), filtered by `harness_type` (repeatable), `version`, `name`, `user_id`
/// (custom harnesses that user made), sorted by `sort_by` (`created_at`, `name` or `id`) and
/// `sort_order` (`asc` or `desc`) when asked, paged. `with_stages=true` adds each custom
/// harness's stages.
#[utoipa::path(get, path = "/v1/harness-configs", tag = "harnesses",
    params(("harness_type" = Option<Vec<String>>, Query), ("version" = Option<String>, Query), ("name" = Option<String>, Query),
        ("user_id" = Option<String>, Query), ("with_stages" = Option<bool>, Query), ("sort_by" = Option<String>, Query),
        ("sort_order" = Option<String>, Query), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "Harness configs", body = Results<HarnessConfigItem>), (status = 400, description = "Bad filter")))]
async fn list_harness_configs(
    State(state): State<AppState>,
    caller: Caller,
    query: MultiQuery,
) -> Result<Json<Results<HarnessConfigItem>>, ApiError> {
    let types: Vec<String> = query.all("harness_type").into_iter().map(|t| t.to_ascii_uppercase()).collect();
    if let Some(unknown) = types.iter().find(|t| !HARNESS_TYPES.contains(&t.as_str())) {
        return Err(ApiError::with_message(
            ErrorCode::InvalidRequest,
            format!("unknown harness_type {unknown:?}; known: {}", HARNESS_TYPES.join(", ")),
        ));
    }
    let wants = |kind: &str| types.is_empty() || types.iter().any(|t| t == kind);
    let custom = state.store.list_custom_harnesses(&caller.0.team_id).await?;
    let version = query.one("version");
    if let Some(version) = version
        && !CATALOGUE_VERSIONS.contains(&version)
        && !custom.iter().any(|h| h.version == version)
    {
        return Err(ApiError::with_message(
            ErrorCode::InvalidRequest,
            format!("unknown version {version:?}; served: {}", CATALOGUE_VERSIONS.join(", ")),
        ));
    }
    let user = query.one("user_id");
    let with_stages = query.bool("with_stages")?.unwrap_or(false);
    let name = query.one("name").map(str::to_lowercase);
    let mut items: Vec<HarnessConfigItem> = Dimension::all()
        .iter()
        .filter(|_| wants("DIMENSION") && user.is_none() && version.is_none_or(|v| CATALOGUE_VERSIONS.contains(&v)))
        .filter(|d| name.as_ref().is_none_or(|n| d.name.contains(n.as_str()) || d.title.to_lowercase().contains(n.as_str())))
        .map(|d| HarnessConfigItem::new(harness_config_of(d), None, None))
        .collect();
    for harness in custom.iter().filter(|h| h.active && wants("CUSTOM")) {
        let matches = version.is_none_or(|v| v == harness.version)
            && user.is_none_or(|u| u == harness.created_by.as_str())
            && name.as_ref().is_none_or(|n| harness.definition.name.to_lowercase().contains(n.as_str()));
        if !matches {
            continue;
        }
        let stages = if with_stages { Some(stages_of(&state, &caller, &harness.id).await?) } else { None };
        items.push(HarnessConfigItem::new(custom_config(harness), None, stages));
    }
    sort_items(&query, &mut items)?;
    Ok(Results::of(window(&query, items)?))
}

/// Orders harness configs by `sort_by` and `sort_order`, when asked.
fn sort_items(query: &MultiQuery, items: &mut [HarnessConfigItem]) -> Result<(), ApiError> {
    let descending = match query.one("sort_order").map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => return Err(ApiError::invalid(format!("sort_order must be asc or desc, not {other:?}"))),
    };
    match query.one("sort_by") {
        None => return Ok(()),
        Some("created_at") => items.sort_by_key(|i| i.created_at()),
        Some("name") => items.sort_by(|a, b| a.name().cmp(b.name())),
        Some("id") => items.sort_by(|a, b| a.id().cmp(b.id())),
        Some(other) => return Err(ApiError::invalid(format!("sort_by must be created_at, name or id, not {other:?}"))),
    }
    if descending {
        items.reverse();
    }
    Ok(())
}

async fn stages_of(state: &AppState, caller: &Caller, harness: &assay_core::Id) -> Result<Vec<StageView>, ApiError> {
    let filter = assay_store::StageFilter { harness_config_id: Some(harness.clone()), ..assay_store::StageFilter::default() };
    let (stages, _) = state.store.list_stages(&caller.0.team_id, &filter, i64::MAX, 0).await?;
    Ok(stages.iter().map(StageView::from).collect())
}

/// One harness config by id: a library dimension (`assay.harnesses.security`, or its short
/// name), or a custom harness of the team (`version`, else its newest active version) with
/// its probes, and its stages with `with_stages=true`.
#[utoipa::path(get, path = "/v1/harness-configs/{harness_config_id}", tag = "harnesses",
    params(("harness_config_id" = String, Path), ("version" = Option<String>, Query), ("with_stages" = Option<bool>, Query)),
    responses((status = 200, description = "The harness config", body = HarnessConfigItem), (status = 400, description = "Bad query"),
        (status = 404, description = "No such harness")))]
async fn harness_config(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    query: MultiQuery,
) -> Result<Json<HarnessConfigItem>, ApiError> {
    let with_stages = query.bool("with_stages")?.unwrap_or(false);
    if let Some(dimension) = Dimension::find(&id) {
        return Ok(Json(HarnessConfigItem::new(harness_config_of(dimension), None, None)));
    }
    let uuid = custom_harness_uuid(&id).ok_or_else(ApiError::not_found)?;
    let harness = state.store.custom_harness(&caller.0.team_id, &uuid, query.one("version")).await?.ok_or_else(ApiError::not_found)?;
    let stages = if with_stages { Some(stages_of(&state, &caller, &uuid).await?) } else { None };
    Ok(Json(custom_item(&harness, stages)))
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
