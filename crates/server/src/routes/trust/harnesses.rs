//! Custom harnesses (`/v1/harness-configs` writes, stages, stage files,
//! `/v1/harness-config-stages`, `/v1/harness-creation-agent`). The `vijil` client's
//! `harnesses.create` flow: a stage is announced for a new harness uuid with the agent's
//! system prompt (`PENDING`), policy files are announced and PUT to assay's upload URLs, the
//! stage's settings are completed (`CREATED`), then the creation agent is asked to write the
//! harness (`IN_PROGRESS`, then `COMPLETED` or `FAILED` with the reason). The harness is then
//! listed with `harness_type` `CUSTOM` and id `assay.harnesses.<uuid>`, and evaluations may
//! name it (any two-part prefix, such as the client's `vijil.harnesses.<uuid>`, is accepted).
//! A harness can also be written directly with `POST /v1/harness-configs`.

use assay_core::custom_harness::HARNESS_TYPES;
use assay_core::{
    CustomDetector, CustomHarness, CustomHarnessDefinition, CustomProbe, HarnessStage, Id, StageDefinition, StageStatus, UploadOwner,
    unix_now,
};
use assay_engine::harness_writer::{CATEGORIES, HarnessBrief, policy_text, write_harness};
use assay_engine::suite::{CustomRun, PARAMETERISED, check_custom_probe};
use assay_probes::catalogue::{CATALOGUE_VERSION, scenario_config_id};
use assay_store::StageFilter;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Results;
use super::catalogue::{HarnessConfig, HarnessConfigItem};
use super::uploads::{AnnounceFile, UploadView, announce};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, MultiQuery, PathIdPair};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_harness_config))
        .routes(routes!(delete_harness_config))
        .routes(routes!(archive_harness_config))
        .routes(routes!(eval_config_inputs))
        .routes(routes!(create_stage, list_config_stages))
        .routes(routes!(stage_by_id, update_stage, delete_stage))
        .routes(routes!(announce_stage_file, list_stage_files))
        .routes(routes!(delete_stage_file))
        .routes(routes!(list_stages))
        .routes(routes!(create_harness))
        .routes(routes!(harness_chat))
}

/// The prefix of a custom harness's config id.
const CONFIG_PREFIX: &str = "assay.harnesses.";
/// The harness name custom probes' tests are stored under (see the engine's suite).
const CUSTOM: &str = assay_engine::suite::CUSTOM_HARNESS;

/// The uuid in a custom harness id: `<a>.harnesses.<uuid>` or the bare uuid.
pub(super) fn custom_harness_uuid(raw: &str) -> Option<Id> {
    let mut parts = raw.splitn(3, '.');
    let tail = match (parts.next(), parts.next(), parts.next()) {
        (Some(_), Some("harnesses"), Some(tail)) => tail,
        _ => raw,
    };
    Id::parse(tail).ok()
}

pub(super) fn config_id(uuid: &Id) -> String {
    format!("{CONFIG_PREFIX}{uuid}")
}

/// The suite's form of a stored custom harness.
pub(super) fn custom_run(harness: &CustomHarness) -> CustomRun {
    CustomRun {
        config_id: config_id(&harness.id),
        scenario: harness.id.to_string(),
        version: harness.version.clone(),
        name: harness.definition.name.clone(),
        description: harness.definition.description.clone(),
        probes: harness.definition.probes.clone(),
    }
}

/// The config id of the one scenario a custom harness's probes are reported under.
pub(super) fn custom_scenario_id(uuid: &str) -> String {
    scenario_config_id(CUSTOM, uuid)
}

/// A custom harness's probe, as served.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomProbeView {
    /// `assay.probes.custom.<uuid>.<n>`.
    id: String,
    name: String,
    description: String,
    category: String,
    prompts: Vec<String>,
    detector_ids: Vec<String>,
    safe_behaviour: String,
    /// The grading rubric given to `llm-judge`, if the probe has one.
    rubric: Option<String>,
}

impl From<&CustomProbe> for CustomProbeView {
    fn from(probe: &CustomProbe) -> Self {
        Self {
            id: assay_probes::catalogue::probe_config_id(&probe.id),
            name: probe.name.clone(),
            description: probe.description.clone(),
            category: probe.category.clone(),
            prompts: probe.prompts.clone(),
            detector_ids: probe.detectors.iter().map(|d| super::views::detector_config_id(&d.id)).collect(),
            safe_behaviour: probe.safe_behaviour.clone(),
            rubric: probe.detectors.iter().find_map(|d| d.params.get("rubric").and_then(Value::as_str)).map(str::to_owned),
        }
    }
}

/// A custom harness version as the harness-config routes serve it, with its probes.
pub(super) fn custom_item(harness: &CustomHarness, stages: Option<Vec<StageView>>) -> HarnessConfigItem {
    HarnessConfigItem::new(custom_config(harness), Some(harness.definition.probes.iter().map(CustomProbeView::from).collect()), stages)
}

/// A custom harness version in the catalogue's shape.
pub(super) fn custom_config(harness: &CustomHarness) -> HarnessConfig {
    HarnessConfig {
        id: config_id(&harness.id),
        name: harness.definition.name.clone(),
        description: harness.definition.description.clone(),
        version: harness.version.clone(),
        harness_type: "CUSTOM".to_owned(),
        scenario_config_ids: vec![custom_scenario_id(&harness.id.to_string())],
        harnesses: vec![CUSTOM.to_owned()],
        status: if harness.active { "active" } else { "archived" }.to_owned(),
        created_by: Some(harness.created_by.to_string()),
        created_at: Some(harness.created_at),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageView {
    id: String,
    /// The uuid of the harness the stage makes.
    harness_config_id: String,
    harness_config_version: String,
    harness_name: String,
    agent_system_prompt: Option<String>,
    harness_types: Vec<String>,
    #[schema(value_type = Option<Object>)]
    function_route_params: Option<Value>,
    #[schema(value_type = Option<Object>)]
    rag_params: Option<Value>,
    #[schema(value_type = Option<Object>)]
    persona_params: Option<Value>,
    #[schema(value_type = Option<Object>)]
    eval_config_input: Option<Value>,
    /// `PENDING`, `CREATED`, `IN_PROGRESS`, `COMPLETED` or `FAILED`.
    status: String,
    /// Why the stage failed.
    error: Option<String>,
    created_by: String,
    /// Unix seconds.
    created_at: i64,
    /// Unix seconds.
    updated_at: i64,
}

impl From<&HarnessStage> for StageView {
    fn from(stage: &HarnessStage) -> Self {
        let d = &stage.definition;
        Self {
            id: stage.id.to_string(),
            harness_config_id: stage.harness_config_id.to_string(),
            harness_config_version: d.harness_config_version.clone(),
            harness_name: d.harness_name.clone(),
            agent_system_prompt: d.agent_system_prompt.clone(),
            harness_types: d.harness_types.clone(),
            function_route_params: d.function_route_params.clone(),
            rag_params: d.rag_params.clone(),
            persona_params: d.persona_params.clone(),
            eval_config_input: d.eval_config_input.clone(),
            status: stage.status.as_str().to_owned(),
            error: stage.error.clone(),
            created_by: stage.created_by.to_string(),
            created_at: stage.created_at,
            updated_at: stage.updated_at,
        }
    }
}

/// Stages list with the number matching.
#[derive(Debug, Serialize, ToSchema)]
pub struct StagePage {
    results: Vec<StageView>,
    /// How many stages match the filter (all pages).
    count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HarnessDeleted {
    id: String,
    deleted: bool,
}

fn version_ok(version: &str) -> Result<(), ApiError> {
    let valid = !version.is_empty() && version.len() <= 40 && version.chars().all(|c| c.is_ascii_alphanumeric() || ".-_+".contains(c));
    if valid { Ok(()) } else { Err(ApiError::invalid("version must be 1 to 40 letters, digits, '.', '-', '_' or '+'")) }
}

fn uuid_of(raw: &str) -> Result<Id, ApiError> {
    custom_harness_uuid(raw).ok_or_else(ApiError::not_found)
}

// ---------------------------------------------------------------- harness configs

/// A probe of a harness written directly.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomProbe {
    name: String,
    #[serde(default)]
    description: Option<String>,
    /// `adherence`, `exfiltration`, `correctness`, `tool`, `persona` or `knowledge`
    /// (default `adherence`).
    #[serde(default)]
    category: Option<String>,
    prompts: Vec<String>,
    /// Detectors (`assay.detectors.ID` or `ID`) without parameters; `llm-judge` is added when
    /// a `rubric` is given.
    #[serde(default)]
    detector_ids: Vec<String>,
    #[serde(default)]
    safe_behaviour: Option<String>,
    /// Graded by `llm-judge` (the server's assistant model) when given.
    #[serde(default)]
    rubric: Option<String>,
    /// Strings a reply must not hold (for `substring`).
    #[serde(default)]
    triggers: Vec<String>,
}

/// A custom harness written directly (rather than by the creation agent).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomHarness {
    /// A UUID chosen by the client (adopted); generated when absent.
    #[serde(default)]
    id: Option<String>,
    name: String,
    #[serde(default)]
    description: Option<String>,
    /// Default `1.0.0`.
    #[serde(default)]
    version: Option<String>,
    probes: Vec<NewCustomProbe>,
}

fn probe_of(uuid: &Id, index: usize, probe: NewCustomProbe) -> Result<CustomProbe, ApiError> {
    let category = probe.category.unwrap_or_else(|| "adherence".to_owned()).to_ascii_lowercase();
    if !CATEGORIES.iter().any(|(key, _)| *key == category) {
        let known: Vec<&str> = CATEGORIES.iter().map(|(key, _)| *key).collect();
        return Err(ApiError::invalid(format!("unknown category {category:?}; known: {}", known.join(", "))));
    }
    let mut detectors = Vec::new();
    for raw in &probe.detector_ids {
        let id = raw.strip_prefix(super::views::DETECTOR_PREFIX).unwrap_or(raw).to_owned();
        // `llm-judge` comes with `rubric`, `substring` with `triggers`; the rest need parameters.
        if PARAMETERISED.contains(&id.as_str()) && id != "substring" {
            return Err(ApiError::invalid(format!("detector {id:?} needs parameters; give a rubric for llm-judge")));
        }
        detectors.push(CustomDetector { id, params: Value::Null, hit_means: None });
    }
    if let Some(rubric) = probe.rubric.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        detectors.push(CustomDetector { id: "llm-judge".into(), params: serde_json::json!({ "rubric": rubric }), hit_means: None });
    }
    let custom = CustomProbe {
        id: format!("custom.{uuid}.{}", index + 1),
        name: probe.name.trim().to_owned(),
        description: probe.description.unwrap_or_default(),
        category,
        prompts: probe.prompts,
        detectors,
        safe_behaviour: probe.safe_behaviour.unwrap_or_default(),
        triggers: probe.triggers.into_iter().filter(|t| !t.trim().is_empty()).collect(),
    };
    if custom.name.is_empty() || custom.name.chars().count() > 200 {
        return Err(ApiError::invalid("every probe needs a name of 1 to 200 characters"));
    }
    check_custom_probe(&custom).map_err(ApiError::invalid)?;
    Ok(custom)
}

/// Writes a custom harness directly: named probes with prompts, detectors and, optionally, a
/// rubric for the judge model. Evaluations may then name it like any harness.
#[utoipa::path(post, path = "/v1/harness-configs", tag = "harnesses", request_body = NewCustomHarness,
    responses((status = 200, description = "The harness", body = HarnessConfigItem), (status = 400, description = "Bad probe, detector or version"),
        (status = 409, description = "The team has this id and version")))]
async fn create_harness_config(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewCustomHarness>,
) -> Result<Json<HarnessConfigItem>, ApiError> {
    let uuid = match body.id.as_deref() {
        Some(raw) => Id::parse(raw).map_err(|_| ApiError::invalid(format!("id {raw:?} is not a UUID")))?,
        None => Id::generate(),
    };
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid("name must be 1 to 200 characters"));
    }
    let version = body.version.unwrap_or_else(|| CATALOGUE_VERSION.to_owned());
    version_ok(&version)?;
    if body.probes.is_empty() || body.probes.len() > 100 {
        return Err(ApiError::invalid("probes must hold 1 to 100 probes"));
    }
    let probes = body.probes.into_iter().enumerate().map(|(index, probe)| probe_of(&uuid, index, probe)).collect::<Result<Vec<_>, _>>()?;
    let now = unix_now();
    let harness = CustomHarness {
        id: uuid,
        version,
        team_id: caller.0.team_id.clone(),
        definition: CustomHarnessDefinition { name: name.to_owned(), description: body.description.unwrap_or_default(), probes },
        active: true,
        stage_id: None,
        created_by: caller.0.user_id.clone(),
        created_at: now,
        updated_at: now,
    };
    state.store.create_custom_harness(&harness).await?;
    Ok(Json(custom_item(&harness, None)))
}

/// The `version` a route requires.
fn required_version(query: &MultiQuery) -> Result<String, ApiError> {
    let version = query.one("version").ok_or_else(|| ApiError::invalid("version is required"))?.to_owned();
    version_ok(&version)?;
    Ok(version)
}

/// Deletes one version of a custom harness (the library's harnesses cannot be deleted).
/// Evaluations that ran it keep their results.
#[utoipa::path(delete, path = "/v1/harness-configs/{harness_config_id}", tag = "harnesses",
    params(("harness_config_id" = String, Path), ("version" = String, Query)),
    responses((status = 200, description = "Deleted", body = HarnessDeleted), (status = 400, description = "No version, or a library harness"),
        (status = 404, description = "No such harness version in this team")))]
async fn delete_harness_config(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    query: MultiQuery,
) -> Result<Json<HarnessDeleted>, ApiError> {
    let version = required_version(&query)?;
    if assay_probes::catalogue::Dimension::find(&raw).is_some() {
        return Err(ApiError::invalid("the library's harnesses cannot be deleted"));
    }
    let uuid = uuid_of(&raw)?;
    if !state.store.delete_custom_harness(&caller.0.team_id, &uuid, &version).await? {
        return Err(ApiError::not_found());
    }
    Ok(Json(HarnessDeleted { id: config_id(&uuid), deleted: true }))
}

/// Archives one version of a custom harness: it stays readable, for the evaluations that ran
/// it, but is no longer listed or run by name.
#[utoipa::path(put, path = "/v1/harness-configs/{harness_config_id}/versions/{version}/archive", tag = "harnesses",
    params(("harness_config_id" = String, Path), ("version" = String, Path)),
    responses((status = 200, description = "The archived version", body = HarnessConfigItem),
        (status = 404, description = "No such harness version in this team")))]
async fn archive_harness_config(
    State(state): State<AppState>,
    caller: Caller,
    Path((raw, version)): Path<(String, String)>,
) -> Result<Json<HarnessConfigItem>, ApiError> {
    let uuid = uuid_of(&raw)?;
    let harness = state.store.archive_custom_harness(&caller.0.team_id, &uuid, &version).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(custom_item(&harness, None)))
}

/// What `eval_config_input` of the creation agent takes, with its defaults.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EvalConfigInput {
    /// What the harness should cover, in words.
    #[serde(default)]
    harness_description: String,
    /// Ordinary questions in the agent's domain, some with false premises.
    #[serde(default)]
    include_correctness: bool,
    /// Attempts to extract the system prompt, hidden rules or other users' data.
    #[serde(default)]
    include_exfil: bool,
    /// Requests that try to break the agent's policy (needs a policy file or system prompt).
    #[serde(default)]
    include_adherence: bool,
    /// Calls through the stage's function route.
    #[serde(default)]
    include_tool: bool,
    /// Conversations from the stage's personas.
    #[serde(default)]
    include_persona: bool,
    /// Questions answerable from the stage's knowledge base.
    #[serde(default)]
    include_knowledge: bool,
}

impl EvalConfigInput {
    fn categories(&self) -> Vec<String> {
        let flags = [
            (self.include_adherence, "adherence"),
            (self.include_exfil, "exfiltration"),
            (self.include_correctness, "correctness"),
            (self.include_tool, "tool"),
            (self.include_persona, "persona"),
            (self.include_knowledge, "knowledge"),
        ];
        flags.into_iter().filter(|(on, _)| *on).map(|(_, key)| key.to_owned()).collect()
    }
}

/// The creation agent's inputs and their defaults.
#[utoipa::path(get, path = "/v1/harness-configs/custom/eval-config-inputs", tag = "harnesses",
    responses((status = 200, description = "The inputs with their defaults", body = EvalConfigInput)))]
async fn eval_config_inputs() -> Json<EvalConfigInput> {
    Json(EvalConfigInput {
        harness_description: String::new(),
        include_correctness: true,
        include_exfil: true,
        include_adherence: false,
        include_tool: false,
        include_persona: false,
        include_knowledge: false,
    })
}

// ---------------------------------------------------------------- stages

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewStage {
    /// A UUID chosen by the client (adopted); generated when absent.
    #[serde(default)]
    id: Option<String>,
    /// The version the harness is stored under (the client sends `1.0.X`).
    #[serde(default)]
    harness_config_version: Option<String>,
    harness_name: String,
    #[serde(default)]
    agent_system_prompt: Option<String>,
}

async fn team_stage(state: &AppState, caller: &Caller, harness_uuid: &Id, stage_id: &Id) -> Result<HarnessStage, ApiError> {
    state
        .store
        .stage(&caller.0.team_id, stage_id)
        .await?
        .filter(|stage| &stage.harness_config_id == harness_uuid)
        .ok_or_else(ApiError::not_found)
}

/// Starts a stage for a new harness (or a new version of one): its name and the agent's
/// system prompt. Files and settings follow; the stage is `PENDING`.
#[utoipa::path(post, path = "/v1/harness-configs/{harness_config_id}/stages", tag = "harness-stages",
    params(("harness_config_id" = String, Path, description = "The harness's UUID (chosen by the client)")), request_body = NewStage,
    responses((status = 200, description = "The stage", body = StageView), (status = 400, description = "Bad name or version"),
        (status = 404, description = "The harness id is not a UUID"), (status = 409, description = "The stage id is taken")))]
async fn create_stage(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewStage>,
) -> Result<Json<StageView>, ApiError> {
    let harness_uuid = uuid_of(&raw)?;
    let id = match body.id.as_deref() {
        Some(raw) => Id::parse(raw).map_err(|_| ApiError::invalid(format!("id {raw:?} is not a UUID")))?,
        None => Id::generate(),
    };
    let harness_name = body.harness_name.trim().to_owned();
    if harness_name.is_empty() || harness_name.chars().count() > 200 {
        return Err(ApiError::invalid("harness_name must be 1 to 200 characters"));
    }
    let version = body.harness_config_version.filter(|v| !v.trim().is_empty()).unwrap_or_else(|| CATALOGUE_VERSION.to_owned());
    version_ok(&version)?;
    if body.agent_system_prompt.as_ref().is_some_and(|p| p.len() > 100_000) {
        return Err(ApiError::invalid("agent_system_prompt must be at most 100000 bytes"));
    }
    let definition = StageDefinition {
        harness_config_version: version,
        harness_name,
        agent_system_prompt: body.agent_system_prompt,
        ..StageDefinition::default()
    };
    let stage = state.store.create_stage(&caller.0.team_id, &id, &harness_uuid, &definition, &caller.0.user_id).await?;
    Ok(Json(StageView::from(&stage)))
}

/// The stages of one harness, newest first.
#[utoipa::path(get, path = "/v1/harness-configs/{harness_config_id}/stages", tag = "harness-stages",
    params(("harness_config_id" = String, Path)),
    responses((status = 200, description = "The stages", body = Results<StageView>), (status = 404, description = "No stage or harness of this id in this team")))]
async fn list_config_stages(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Results<StageView>>, ApiError> {
    let uuid = uuid_of(&raw)?;
    let filter = StageFilter { harness_config_id: Some(uuid.clone()), ..StageFilter::default() };
    let (stages, _) = state.store.list_stages(&caller.0.team_id, &filter, i64::MAX, 0).await?;
    // A harness the team has neither staged nor stored is not found, like any other id.
    if stages.is_empty() && state.store.custom_harness(&caller.0.team_id, &uuid, None).await?.is_none() {
        return Err(ApiError::not_found());
    }
    Ok(Results::of(stages.iter().map(StageView::from).collect()))
}

/// One stage.
#[utoipa::path(get, path = "/v1/harness-configs/{harness_config_id}/stages/{staging_id}", tag = "harness-stages",
    params(("harness_config_id" = String, Path), ("staging_id" = String, Path)),
    responses((status = 200, description = "The stage", body = StageView), (status = 404, description = "No such stage in this team")))]
async fn stage_by_id(
    State(state): State<AppState>,
    caller: Caller,
    PathIdPair(harness, id): PathIdPair,
) -> Result<Json<StageView>, ApiError> {
    Ok(Json(StageView::from(&team_stage(&state, &caller, &harness, &id).await?)))
}

/// A stage's settings; fields left out keep their value.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StageSettings {
    /// Some of `AGENT_POLICY`, `KNOWLEDGE_BASE`, `FUNCTION_ROUTE`, `PERSONA`.
    #[serde(default)]
    harness_types: Option<Vec<String>>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    function_route_params: Option<Value>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    rag_params: Option<Value>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    persona_params: Option<Value>,
    #[serde(default)]
    harness_name: Option<String>,
    #[serde(default)]
    agent_system_prompt: Option<String>,
}

/// Completes a stage's settings: it is then `CREATED` and ready for the creation agent. A
/// stage the agent is working on cannot change (409).
#[utoipa::path(put, path = "/v1/harness-configs/{harness_config_id}/stages/{staging_id}", tag = "harness-stages",
    params(("harness_config_id" = String, Path), ("staging_id" = String, Path)), request_body = StageSettings,
    responses((status = 200, description = "The stage, CREATED", body = StageView), (status = 400, description = "Bad harness type"),
        (status = 404, description = "No such stage in this team"), (status = 409, description = "The agent is writing its harness")))]
async fn update_stage(
    State(state): State<AppState>,
    caller: Caller,
    PathIdPair(harness, id): PathIdPair,
    ApiJson(body): ApiJson<StageSettings>,
) -> Result<Json<StageView>, ApiError> {
    let mut stage = team_stage(&state, &caller, &harness, &id).await?;
    let d = &mut stage.definition;
    if let Some(types) = body.harness_types {
        let types: Vec<String> = types.iter().map(|t| t.trim().to_ascii_uppercase()).collect();
        if let Some(unknown) = types.iter().find(|t| !HARNESS_TYPES.contains(&t.as_str())) {
            return Err(ApiError::invalid(format!("unknown harness type {unknown:?}; known: {}", HARNESS_TYPES.join(", "))));
        }
        d.harness_types = types;
    }
    if d.harness_types.is_empty() {
        return Err(ApiError::invalid(format!("harness_types must name at least one of {}", HARNESS_TYPES.join(", "))));
    }
    for (name, value) in
        [("function_route_params", body.function_route_params), ("rag_params", body.rag_params), ("persona_params", body.persona_params)]
    {
        match value {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                let slot = match name {
                    "function_route_params" => &mut d.function_route_params,
                    "rag_params" => &mut d.rag_params,
                    _ => &mut d.persona_params,
                };
                *slot = Some(Value::Object(map));
            }
            Some(_) => return Err(ApiError::invalid(format!("{name} must be an object or null"))),
        }
    }
    if let Some(name) = body.harness_name.map(|n| n.trim().to_owned()) {
        if name.is_empty() || name.chars().count() > 200 {
            return Err(ApiError::invalid("harness_name must be 1 to 200 characters"));
        }
        d.harness_name = name;
    }
    if let Some(prompt) = body.agent_system_prompt {
        d.agent_system_prompt = Some(prompt);
    }
    stage.status = StageStatus::Created;
    stage.error = None;
    let movable = [StageStatus::Pending, StageStatus::Created, StageStatus::Completed, StageStatus::Failed];
    if !state.store.update_stage(&stage, &movable).await? {
        return Err(ApiError::with_message(assay_core::ErrorCode::Conflict, "The creation agent is writing this stage's harness."));
    }
    Ok(Json(StageView::from(&team_stage(&state, &caller, &harness, &id).await?)))
}

/// Deletes a stage and its files (a harness it wrote stays).
#[utoipa::path(delete, path = "/v1/harness-configs/{harness_config_id}/stages/{staging_id}", tag = "harness-stages",
    params(("harness_config_id" = String, Path), ("staging_id" = String, Path)),
    responses((status = 200, description = "Deleted", body = HarnessDeleted), (status = 404, description = "No such stage in this team")))]
async fn delete_stage(
    State(state): State<AppState>,
    caller: Caller,
    PathIdPair(harness, id): PathIdPair,
) -> Result<Json<HarnessDeleted>, ApiError> {
    team_stage(&state, &caller, &harness, &id).await?;
    if !state.store.delete_stage(&caller.0.team_id, &id).await? {
        return Err(ApiError::not_found());
    }
    Ok(Json(HarnessDeleted { id: id.to_string(), deleted: true }))
}

/// Announces a file of the stage (a policy, `text/plain` or `application/pdf`) and answers
/// the one-time URL to `PUT` its bytes to.
#[utoipa::path(post, path = "/v1/harness-configs/{harness_config_id}/stages/{staging_id}/files", tag = "harness-stages",
    params(("harness_config_id" = String, Path), ("staging_id" = String, Path)), request_body = AnnounceFile,
    responses((status = 200, description = "The announced file with its upload_url", body = UploadView),
        (status = 400, description = "Bad name, size or checksum"), (status = 404, description = "No such stage in this team")))]
async fn announce_stage_file(
    State(state): State<AppState>,
    caller: Caller,
    PathIdPair(harness, id): PathIdPair,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AnnounceFile>,
) -> Result<Json<UploadView>, ApiError> {
    team_stage(&state, &caller, &harness, &id).await?;
    Ok(Json(announce(&state, &caller, &headers, UploadOwner::HarnessStage, &id, body).await?))
}

/// The stage's files, oldest first, each saying whether its bytes arrived.
#[utoipa::path(get, path = "/v1/harness-configs/{harness_config_id}/stages/{staging_id}/files", tag = "harness-stages",
    params(("harness_config_id" = String, Path), ("staging_id" = String, Path)),
    responses((status = 200, description = "The files", body = Results<UploadView>), (status = 404, description = "No such stage in this team")))]
async fn list_stage_files(
    State(state): State<AppState>,
    caller: Caller,
    PathIdPair(harness, id): PathIdPair,
) -> Result<Json<Results<UploadView>>, ApiError> {
    team_stage(&state, &caller, &harness, &id).await?;
    let files = state.store.list_uploads(&caller.0.team_id, UploadOwner::HarnessStage, &id).await?;
    Ok(Results::of(files.into_iter().map(UploadView::listed).collect()))
}

/// Deletes one file of a stage.
#[utoipa::path(delete, path = "/v1/harness-configs/{harness_config_id}/stages/{staging_id}/files/{file_id}", tag = "harness-stages",
    params(("harness_config_id" = String, Path), ("staging_id" = String, Path), ("file_id" = String, Path)),
    responses((status = 200, description = "Deleted", body = HarnessDeleted), (status = 404, description = "No such file of a stage of this team")))]
async fn delete_stage_file(
    State(state): State<AppState>,
    caller: Caller,
    Path((raw_harness, raw_stage, raw_file)): Path<(String, String, String)>,
) -> Result<Json<HarnessDeleted>, ApiError> {
    let parse = |raw: &str| Id::parse(raw).map_err(|_| ApiError::not_found());
    let (harness, stage, file) = (parse(&raw_harness)?, parse(&raw_stage)?, parse(&raw_file)?);
    team_stage(&state, &caller, &harness, &stage).await?;
    if !state.store.delete_upload(&caller.0.team_id, UploadOwner::HarnessStage, &stage, &file).await? {
        return Err(ApiError::not_found());
    }
    Ok(Json(HarnessDeleted { id: file.to_string(), deleted: true }))
}

/// The team's stages of every harness, newest first, filtered by `status` (repeatable) and
/// `created_by`, paged (`limit` 1 to 500, default 50).
#[utoipa::path(get, path = "/v1/harness-config-stages", tag = "harness-stages",
    params(("status" = Option<Vec<String>>, Query), ("created_by" = Option<String>, Query), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "The stages", body = StagePage), (status = 400, description = "Bad filter")))]
async fn list_stages(State(state): State<AppState>, caller: Caller, query: MultiQuery) -> Result<Json<StagePage>, ApiError> {
    let mut statuses = Vec::new();
    for raw in query.all("status") {
        let status = StageStatus::parse(&raw).ok_or_else(|| {
            let known: Vec<&str> = StageStatus::ALL.iter().map(|s| s.as_str()).collect();
            ApiError::invalid(format!("unknown status {raw:?}; known: {}", known.join(", ")))
        })?;
        statuses.push(status);
    }
    let created_by = match query.one("created_by") {
        Some(raw) => Some(Id::parse(raw).map_err(|_| ApiError::invalid("created_by must be a user id"))?),
        None => None,
    };
    let (limit, offset) = crate::extract::page(query.int("limit")?, query.int("offset")?, assay_core::ErrorCode::InvalidRequest)?;
    let filter = StageFilter { harness_config_id: None, statuses, created_by };
    let (stages, count) = state.store.list_stages(&caller.0.team_id, &filter, limit, offset).await?;
    Ok(Json(StagePage { results: stages.iter().map(StageView::from).collect(), count }))
}

// ---------------------------------------------------------------- the creation agent

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateHarness {
    /// The stage to write the harness of (`CREATED`, or `COMPLETED`/`FAILED` to write again).
    harness_staging_id: String,
    #[serde(default)]
    eval_config_input: Option<EvalConfigInput>,
}

/// Asks the creation agent to write the stage's harness. The work runs in the background:
/// the stage is `IN_PROGRESS` at once, then `COMPLETED` (the harness is stored under the
/// stage's harness id and version) or `FAILED` with the reason; poll
/// `GET /v1/harness-config-stages`.
#[utoipa::path(post, path = "/v1/harness-creation-agent", tag = "harness-stages", request_body = CreateHarness,
    responses((status = 200, description = "The stage, IN_PROGRESS", body = StageView), (status = 400, description = "Bad input"),
        (status = 404, description = "No such stage in this team"), (status = 409, description = "The stage is not ready or already running")))]
async fn create_harness(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateHarness>,
) -> Result<Json<StageView>, ApiError> {
    let id = Id::parse(&body.harness_staging_id).map_err(|_| ApiError::invalid("harness_staging_id must be a stage id"))?;
    let mut stage = state.store.stage(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?;
    let input = body.eval_config_input.unwrap_or(EvalConfigInput {
        harness_description: String::new(),
        include_correctness: true,
        include_exfil: true,
        include_adherence: stage.definition.harness_types.iter().any(|t| t == "AGENT_POLICY"),
        include_tool: stage.definition.harness_types.iter().any(|t| t == "FUNCTION_ROUTE"),
        include_persona: stage.definition.harness_types.iter().any(|t| t == "PERSONA"),
        include_knowledge: stage.definition.harness_types.iter().any(|t| t == "KNOWLEDGE_BASE"),
    });
    if input.categories().is_empty() {
        return Err(ApiError::invalid("eval_config_input asks for no kind of test"));
    }
    if input.harness_description.len() > 10_000 {
        return Err(ApiError::invalid("harness_description must be at most 10000 bytes"));
    }
    stage.definition.eval_config_input = serde_json::to_value(&input).ok();
    stage.status = StageStatus::InProgress;
    stage.error = None;
    if !state.store.update_stage(&stage, &[StageStatus::Created, StageStatus::Completed, StageStatus::Failed]).await? {
        return Err(ApiError::with_message(
            assay_core::ErrorCode::Conflict,
            "The stage is not ready: complete its settings first (PUT the stage), or wait for the running creation.",
        ));
    }
    tokio::spawn(run_creation(state.clone(), stage.clone()));
    Ok(Json(StageView::from(&stage)))
}

/// Writes an `IN_PROGRESS` stage's harness and records how it went.
pub(super) async fn run_creation(state: AppState, mut stage: HarnessStage) {
    let outcome = write_stage_harness(&state, &stage).await;
    let result = match outcome {
        Ok(definition) => state.store.complete_stage(&stage, &definition).await.map(|_| ()),
        Err(reason) => {
            tracing::info!(stage = %stage.id, %reason, "the creation agent failed");
            stage.status = StageStatus::Failed;
            stage.error = Some(reason);
            state.store.update_stage(&stage, &[StageStatus::InProgress]).await.map(|_| ())
        }
    };
    if let Err(error) = result {
        tracing::error!(stage = %stage.id, %error, "cannot record the creation agent's outcome");
    }
}

async fn write_stage_harness(state: &AppState, stage: &HarnessStage) -> Result<CustomHarnessDefinition, String> {
    let input: EvalConfigInput = stage
        .definition
        .eval_config_input
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| "the stage has no eval_config_input".to_owned())?;
    let mut policy = Vec::new();
    let files = state.store.list_uploads(&stage.team_id, UploadOwner::HarnessStage, &stage.id).await.map_err(|e| e.to_string())?;
    for file in files.into_iter().filter(|f| f.uploaded_at.is_some()) {
        let bytes = state.store.upload_content(&stage.team_id, &file.id).await.map_err(|e| e.to_string())?.unwrap_or_default();
        let (name, kind) = (file.file_name.clone(), file.file_type.clone());
        let text = tokio::task::spawn_blocking(move || policy_text(&name, &kind, &bytes))
            .await
            .map_err(|_| format!("{}: the PDF reader stopped", file.file_name))??;
        policy.push(text);
    }
    let d = &stage.definition;
    let mut notes = Vec::new();
    for (label, value) in [("Function route", &d.function_route_params), ("Knowledge base", &d.rag_params), ("Personas", &d.persona_params)]
    {
        if let Some(value) = value {
            notes.push(format!("{label}: {value}"));
        }
    }
    let brief = HarnessBrief {
        name: d.harness_name.clone(),
        description: input.harness_description.clone(),
        system_prompt: d.agent_system_prompt.clone(),
        policy,
        categories: input.categories(),
        notes,
    };
    write_harness(&state.assistant, &stage.harness_config_id.to_string(), &brief).await.map_err(|e| e.to_string())
}

/// Runs again the creations a stop left `IN_PROGRESS` (before `started_at`, Unix seconds: the
/// ones this process's own requests start are not touched). With several servers on one
/// database, a server starting while another writes a harness writes it too; the stage then
/// keeps the last harness written, the same version either way.
pub(super) async fn resume_unfinished(state: &AppState, started_at: i64) {
    match state.store.stages_in_progress(started_at).await {
        Ok(stages) => {
            for stage in stages {
                tokio::spawn(run_creation(state.clone(), stage));
            }
        }
        Err(error) => tracing::error!(%error, "cannot list unfinished harness creations"),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct HarnessChat {
    /// The stage the conversation is about, if any: its system prompt and settings are given
    /// to the assistant.
    #[serde(default)]
    harness_staging_id: Option<String>,
    message: String,
    /// Earlier turns, oldest first (`role` `user` or `assistant`).
    #[serde(default)]
    history: Vec<ChatTurn>,
    /// True: after answering, start writing the stage's harness (as `POST /v1/harness-creation-agent`).
    #[serde(default)]
    create: bool,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ChatTurn {
    role: String,
    content: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HarnessChatReply {
    reply: String,
    harness_staging_id: Option<String>,
    /// The stage's status after the turn.
    status: Option<String>,
}

/// A turn of conversation with the creation agent about what a harness should test. With
/// `create`, the stage's harness is then written (the stage must be ready).
#[utoipa::path(post, path = "/v1/harness-creation-agent/chat", tag = "harness-stages", request_body = HarnessChat,
    responses((status = 200, description = "The agent's answer", body = HarnessChatReply), (status = 400, description = "Bad input"),
        (status = 404, description = "No such stage in this team"), (status = 409, description = "The stage is not ready"),
        (status = 502, description = "The assistant model failed")))]
async fn harness_chat(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<HarnessChat>,
) -> Result<Json<HarnessChatReply>, ApiError> {
    let message = body.message.trim();
    if message.is_empty() || message.len() > 20_000 {
        return Err(ApiError::invalid("message must be 1 to 20000 bytes"));
    }
    let stage = match body.harness_staging_id.as_deref() {
        Some(raw) => {
            let id = Id::parse(raw).map_err(|_| ApiError::invalid("harness_staging_id must be a stage id"))?;
            Some(state.store.stage(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?)
        }
        None => None,
    };
    let mut system = "TASK: harness-chat\nYou help a team plan a custom test harness for their AI agent: which behaviours to probe \
                      (policy adherence, data exfiltration, correctness, tool use, personas, knowledge grounding), and which \
                      prompts would reveal failures. Answer briefly and concretely."
        .to_owned();
    if let Some(stage) = &stage {
        system.push_str(&format!(
            "\nHarness: {}\nKinds of test: {}",
            stage.definition.harness_name,
            stage.definition.harness_types.join(", ")
        ));
        if let Some(prompt) = stage.definition.agent_system_prompt.as_deref().filter(|p| !p.trim().is_empty()) {
            system.push_str(&format!("\nThe agent's system prompt:\n<system_prompt>\n{prompt}\n</system_prompt>"));
        }
    }
    let mut messages = Vec::new();
    for turn in body.history.iter().take(50) {
        match turn.role.as_str() {
            "user" => messages.push(assay_core::Message::user(turn.content.clone())),
            "assistant" => messages.push(assay_core::Message::assistant(turn.content.clone())),
            other => return Err(ApiError::invalid(format!("history role {other:?} must be user or assistant"))),
        }
    }
    messages.push(assay_core::Message::user(message));
    let request = assay_core::ChatRequest {
        system: Some(system),
        messages,
        params: assay_core::GenerationParams { max_tokens: Some(512), temperature: Some(0.2), ..assay_core::GenerationParams::default() },
        ..assay_core::ChatRequest::default()
    };
    let reply = state.assistant.target().chat(&request).await.map_err(|error| {
        tracing::warn!(%error, "the assistant model failed");
        ApiError::with_message(assay_core::ErrorCode::TargetFailed, format!("the assistant model failed: {error}"))
    })?;
    let mut status = stage.as_ref().map(|s| s.status.as_str().to_owned());
    if body.create {
        let stage = stage.ok_or_else(|| ApiError::invalid("create needs a harness_staging_id"))?;
        let started = create_harness(
            State(state.clone()),
            caller,
            ApiJson(CreateHarness { harness_staging_id: stage.id.to_string(), eval_config_input: None }),
        )
        .await?;
        status = Some(started.0.status.clone());
    }
    Ok(Json(HarnessChatReply { reply: reply.text, harness_staging_id: body.harness_staging_id, status }))
}
