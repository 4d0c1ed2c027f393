//! The catalogue as configs (`/v1/harness-configs`, `/v1/scenario-configs`,
//! `/v1/probe-configs`): assay's probe library, versioned, with every dimension a `DIMENSION`
//! harness (see `assay_probes::catalogue`).

use assay_core::ErrorCode;
use assay_probes::catalogue::{CATALOGUE_VERSION, CATALOGUE_VERSIONS, Dimension, Scenario, probe_config_id};
use axum::Json;
use axum::extract::Path;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Results;
use crate::error::ApiError;
use crate::extract::MultiQuery;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(versions))
        .routes(routes!(list_harness_configs))
        .routes(routes!(harness_config))
        .routes(routes!(list_scenario_configs))
        .routes(routes!(list_probe_configs))
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
    prompt_count: usize,
    detector_ids: Vec<String>,
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
async fn list_probe_configs(query: MultiQuery) -> Result<Json<Results<ProbeConfig>>, ApiError> {
    check_version(&query)?;
    let items: Vec<ProbeConfig> = Scenario::all()
        .iter()
        .flat_map(|s| {
            s.probes.iter().map(|p| ProbeConfig {
                id: probe_config_id(&p.id),
                name: p.name.clone(),
                description: p.description.clone(),
                version: CATALOGUE_VERSION.to_owned(),
                harness: p.harness.as_str().to_owned(),
                scenario_config_id: s.config_id(),
                owasp: p.owasp.clone(),
                prompt_count: p.prompts.len(),
                detector_ids: p.detectors.iter().map(|d| super::views::detector_config_id(&d.id)).collect(),
            })
        })
        .collect();
    let limit = query.int("limit")?;
    if limit.is_none() && query.one("offset").is_none() {
        return Ok(Results::of(items));
    }
    Ok(Results::of(window(&query, items)?))
}
