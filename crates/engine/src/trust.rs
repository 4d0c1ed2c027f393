//! `/v1` evaluations on the engine: a trust-platform request (hub, provider key, model,
//! dimensions, sampling) becomes a [`Suite`] and one target reference, written with all its
//! jobs in one transaction; and the estimate of what such a run costs before it runs.
//!
//! The target reference is `provider:{json}` ([`ProviderTarget`]): the key's id and the
//! target settings (OpenAI wire format; Azure's deployment variant), so a runner resolves it
//! with the key's sealed secret at claim time, and a key deleted later fails the evaluation
//! with a clear reason instead of running with stale credentials.

use std::sync::Arc;

use assay_core::{Evaluation, Hub, Id, OpenedProviderKey, TargetKind, TargetLimits, TargetSettings, TrustSettings};
use assay_probes::catalogue::{Dimension, harnesses_of};
use assay_store::Store;
use assay_targets::Reliable;
use assay_targets::factory::LocalModel;
use serde::{Deserialize, Serialize};

use crate::shared_pace::SharedPace;
use crate::suite::Suite;
use crate::{Engine, Error, Result};

pub const PROVIDER_PREFIX: &str = "provider:";
/// Prompts per probe of a lite evaluation (unless `sample_size` says otherwise).
pub const LITE_PROMPTS_PER_PROBE: u32 = 5;
/// The Azure OpenAI API version used when the key's `hub_config` names none.
pub const DEFAULT_AZURE_API_VERSION: &str = "2024-10-21";

/// What a runner needs to build a `/v1` evaluation's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderTarget {
    pub key_id: Option<Id>,
    pub hub: String,
    pub settings: TargetSettings,
}

impl ProviderTarget {
    pub fn reference(&self) -> String {
        format!("{PROVIDER_PREFIX}{}", serde_json::to_string(self).unwrap_or_default())
    }

    /// `None` when `reference` is not a provider reference.
    pub fn parse(reference: &str) -> Option<std::result::Result<Self, String>> {
        let json = reference.strip_prefix(PROVIDER_PREFIX)?;
        Some(serde_json::from_str(json).map_err(|e| format!("unreadable provider target: {e}")))
    }

    /// The credential to send: see [`credential`].
    pub fn credential(&self, key: &OpenedProviderKey) -> Option<String> {
        Hub::parse(&self.hub).and_then(|hub| credential(hub, key))
    }

    /// The target to call `model` on `hub` with `key` now. Unlike a planned evaluation (which
    /// may name a hub assay cannot call, and then ends with the reason), a hub assay cannot
    /// call is refused here.
    pub fn for_call(hub: Hub, key: &OpenedProviderKey, model: Option<&str>, url: Option<&str>, timeout_secs: Option<f64>) -> Result<Self> {
        if !hub.info().callable {
            return Err(Error::InvalidSuite(format!("assay cannot call the {} hub yet", hub.as_str())));
        }
        Ok(Self {
            key_id: Some(key.key.id.clone()),
            hub: hub.as_str().to_owned(),
            settings: provider_settings(hub, Some(key), model, url, timeout_secs)?,
        })
    }

    /// The live target, calling with `key`'s credential (none without a key).
    pub fn build(&self, key: Option<&OpenedProviderKey>, local: &LocalModel) -> std::result::Result<Arc<Reliable>, String> {
        let credential = key.and_then(|key| self.credential(key));
        assay_targets::factory::build(&self.settings, credential.as_deref(), local).map_err(|e| e.to_string())
    }

    /// [`ProviderTarget::build`] for a runner: the key's rate limit is kept in `store`, shared
    /// with every other runner on that database (one bucket per provider key).
    pub fn build_for_runner(
        &self,
        key: Option<&OpenedProviderKey>,
        local: &LocalModel,
        store: &Store,
    ) -> std::result::Result<Arc<Reliable>, String> {
        let credential = key.and_then(|key| self.credential(key));
        // The limits come from the key, so a target without one is never paced.
        let bucket = format!("provider-key:{}", key.map_or("none", |key| key.key.id.as_str()));
        let pace = |per_interval, interval| SharedPace::shared(store.clone(), bucket, per_interval, interval);
        assay_targets::factory::build_paced(&self.settings, credential.as_deref(), local, pace).map_err(|e| e.to_string())
    }
}

/// Where to call `hub`: the call's `url`, else the key's, else the hub's default.
pub fn hub_url(hub: Hub, key: Option<&OpenedProviderKey>, url: Option<&str>) -> Option<String> {
    url.map(str::to_owned).or_else(|| key.and_then(|k| k.key.url.clone())).or_else(|| hub.info().default_url.map(str::to_owned))
}

/// What a call to `hub` authenticates with: the key's secret, or for DigitalOcean agents the
/// agent key of its `hub_config`.
pub fn credential(hub: Hub, key: &OpenedProviderKey) -> Option<String> {
    match hub {
        // The signing hubs read every field of their sealed hub_config.
        Hub::Bedrock | Hub::Vertex | Hub::BedrockAgents => serde_json::to_string(&key.hub_config).ok(),
        Hub::DigitalOcean => key.hub_config.get("agent_key").and_then(|v| v.as_str()).map(str::to_owned).or_else(|| key.secret.clone()),
        _ => key.secret.clone(),
    }
}

/// A `/v1` evaluation request, parsed.
#[derive(Debug, Clone)]
pub struct TrustRequest {
    pub id: Id,
    pub name: String,
    pub hub: Hub,
    pub key: Option<OpenedProviderKey>,
    pub model: Option<String>,
    pub url: Option<String>,
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub max_tokens: Option<u32>,
    pub timeout_secs: Option<f64>,
    pub dimensions: Vec<&'static Dimension>,
    pub harness_config_ids: Vec<String>,
    pub sample_size: Option<u32>,
    pub num_generations: Option<u32>,
    pub is_lite: bool,
    pub tags: Vec<String>,
    pub version: String,
    /// The body as sent, kept for the metadata route.
    pub body: serde_json::Value,
    pub created_by: Option<Id>,
    /// The agent configuration named in place of a hub/model pair, if one was.
    pub agent_configuration_id: Option<Id>,
    /// The agent's system prompt, sent before each probe's own.
    pub system_prompt: Option<String>,
    /// The team's variants of library probes (`PUT /v1/probe-configs/{id}`).
    pub variants: Vec<assay_core::ProbeVariant>,
    /// The team's custom harnesses the request names.
    pub custom: Vec<crate::suite::CustomRun>,
    /// The judge model's target spec, for probes graded by `llm-judge` (custom harnesses').
    pub judge: Option<String>,
}

/// What a request runs: its suite, its target, the settings to keep.
#[derive(Debug, Clone)]
pub struct TrustPlan {
    pub suite: Suite,
    pub target: ProviderTarget,
    pub settings: TrustSettings,
}

impl TrustRequest {
    /// The suite and target this request runs. Hubs assay cannot call still plan (the
    /// evaluation then ends `failed` with the reason, as the API expects of a run).
    pub fn plan(&self) -> Result<TrustPlan> {
        if self.dimensions.is_empty() && self.custom.is_empty() {
            return Err(Error::InvalidSuite("harness_config_ids names no harness".into()));
        }
        let mut suite = Suite::new(harnesses_of(&self.dimensions));
        suite.repeat = self.num_generations.unwrap_or(1).max(1);
        suite.max_tokens = self.max_tokens;
        suite.temperature = self.temperature;
        suite.top_p = self.top_p;
        suite.per_probe = self.sample_size.or(self.is_lite.then_some(LITE_PROMPTS_PER_PROBE));
        suite.variants.clone_from(&self.variants);
        suite.custom.clone_from(&self.custom);
        if !self.custom.is_empty() {
            suite.judge.clone_from(&self.judge);
        }
        suite.validate()?;
        let target = ProviderTarget {
            key_id: self.key.as_ref().map(|k| k.key.id.clone()),
            hub: self.hub.as_str().to_owned(),
            settings: self.settings()?,
        };
        let settings = TrustSettings {
            hub: self.hub.as_str().to_owned(),
            model: self.model.clone(),
            url: self.url.clone(),
            api_key_id: target.key_id.clone(),
            harness_config_ids: self.harness_config_ids.clone(),
            version: self.version.clone(),
            tags: self.tags.clone(),
            request: self.body.clone(),
            created_by: self.created_by.clone(),
            agent_configuration_id: self.agent_configuration_id.clone(),
        };
        Ok(TrustPlan { suite, target, settings })
    }

    fn settings(&self) -> Result<TargetSettings> {
        let mut settings = provider_settings(self.hub, self.key.as_ref(), self.model.as_deref(), self.url.as_deref(), self.timeout_secs)?;
        settings.system_prompt = self.system_prompt.clone().filter(|prompt| !prompt.trim().is_empty());
        Ok(settings)
    }
}

/// The target settings to reach `model` on `hub` with `key`: the URL from the call, else the
/// key, else the hub's default; the key's rate limit as the pacer; `timeout_secs` per attempt.
pub fn provider_settings(
    hub: Hub,
    key: Option<&OpenedProviderKey>,
    model: Option<&str>,
    url: Option<&str>,
    timeout_secs: Option<f64>,
) -> Result<TargetSettings> {
    let info = hub.info();
    let base_url = hub_url(hub, key, url);
    let kind = match hub {
        Hub::Bedrock => TargetKind::Bedrock,
        Hub::Vertex => TargetKind::Vertex,
        Hub::BedrockAgents => TargetKind::BedrockAgent,
        _ => TargetKind::Openai,
    };
    // The signing hubs derive their endpoint from the hub_config's region.
    if info.callable && base_url.is_none() && kind == TargetKind::Openai {
        return Err(Error::InvalidSuite(format!("the {} hub needs a url (on the evaluation or its key)", info.id)));
    }
    let limits = TargetLimits {
        timeout_ms: timeout_secs.filter(|s| s.is_finite() && *s > 0.0).map(|s| (s * 1000.0) as u64),
        rate_limit_per_interval: key.and_then(|k| u32::try_from(k.key.rate_limit_per_interval).ok()).filter(|n| *n > 0),
        rate_limit_interval: key.and_then(|k| u64::try_from(k.key.rate_limit_interval).ok()).filter(|n| *n > 0),
        ..TargetLimits::default()
    };
    let azure_api_version = (hub == Hub::Azure).then(|| {
        key.and_then(|k| k.hub_config.get("api_version").and_then(|v| v.as_str()).map(str::to_owned))
            .unwrap_or_else(|| DEFAULT_AZURE_API_VERSION.to_owned())
    });
    Ok(TargetSettings {
        kind,
        base_url,
        chat_path: None,
        sessions_path: None,
        auth_header: None,
        // OpenAI-compatible servers in front of one model often ignore the name; send one.
        model: Some(model.filter(|m| !m.is_empty()).unwrap_or("default").to_owned()),
        azure_api_version,
        anthropic_version: None,
        mock_reply: None,
        mock_latency_ms: None,
        system_prompt: None,
        limits,
    })
}

/// What a planned suite will cost, before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Estimate {
    pub tests: u64,
    /// Calls to the model under test (one per single-turn test).
    pub calls: u64,
    /// Prompt tokens, at four characters a token (system prompt included).
    pub prompt_tokens: u64,
    /// Completion tokens at most: every reply at its length cap.
    pub completion_tokens: u64,
}

/// The reply cap assumed by an estimate when the request sets none.
pub const ESTIMATE_DEFAULT_MAX_TOKENS: u64 = 125;

pub fn estimate(suite: &Suite) -> Result<Estimate> {
    let mut tests = 0u64;
    let mut chars = 0u64;
    for item in suite.items()? {
        tests += 1;
        chars += (item.prompt.len() + item.system.as_ref().map_or(0, String::len)) as u64;
    }
    let per_reply = suite.max_tokens.map_or(ESTIMATE_DEFAULT_MAX_TOKENS, u64::from);
    Ok(Estimate { tests, calls: tests, prompt_tokens: chars.div_ceil(4), completion_tokens: tests * per_reply })
}

impl Engine {
    /// Writes a `/v1` evaluation under the client's id with all its jobs and its settings in
    /// one transaction, then wakes the runner.
    pub async fn create_trust_evaluation(&self, team_id: &Id, request: &TrustRequest) -> Result<Evaluation> {
        let plan = request.plan()?;
        let jobs = plan.suite.jobs(1)?;
        let suite_json = serde_json::to_value(&plan.suite).map_err(|e| Error::InvalidSuite(e.to_string()))?;
        let evaluation = self
            .store()
            .create_trust_evaluation(&request.id, team_id, &request.name, &suite_json, &[plan.target.reference()], jobs, &plan.settings)
            .await?;
        self.wake();
        Ok(evaluation)
    }
}

/// A prompt's stable id in the results tree: 32 hex digits hashed from its probe and its text
/// as sent (a converted prompt is a prompt of its own). FNV-1a, twice with different offsets:
/// an id, not a secret, and the same in every process and release.
pub fn prompt_id(probe_id: &str, prompt: &str) -> String {
    let hash = |offset: u64| {
        let mut h = offset;
        for byte in probe_id.bytes().chain([0u8]).chain(prompt.bytes()) {
            h ^= u64::from(byte);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    };
    format!("{:016x}{:016x}", hash(0xcbf2_9ce4_8422_2325), hash(0x6c62_272e_07bb_0142))
}

/// The prompt ids of each probe the suite runs (one generation's worth: every generation
/// sends the same prompts), in suite order. Costs the suite's size, never the results'.
pub fn prompt_ids_by_probe(suite: &Suite) -> Result<std::collections::HashMap<String, Vec<String>>> {
    let mut once = suite.clone();
    once.repeat = 1;
    let mut ids: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for item in once.items()? {
        let id = prompt_id(&item.probe_id, &item.prompt);
        let list = ids.entry(item.probe_id).or_default();
        if !list.contains(&id) {
            list.push(id);
        }
    }
    Ok(ids)
}

/// Which generation (0-based repeat) the job at `seq` belongs to, for an evaluation of
/// `total` jobs on one target.
pub fn generation(suite: &Suite, total: i64, seq: i64) -> i64 {
    let repeat = i64::from(suite.repeat.max(1));
    let per_generation = (total / repeat).max(1);
    (seq / per_generation).min(repeat - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_hubs_get_their_own_target_kind_and_their_hub_config_as_credential() {
        let key = OpenedProviderKey {
            key: assay_core::ProviderKey {
                id: Id::generate(),
                team_id: Id::generate(),
                name: "aws".into(),
                hub: "bedrock".into(),
                url: None,
                rate_limit_per_interval: 0,
                rate_limit_interval: 0,
                has_secret: false,
                hub_config_fields: Vec::new(),
                created_at: 0,
                updated_at: 0,
            },
            secret: None,
            hub_config: serde_json::json!({"region": "eu-west-1", "access_key": "AKID", "secret_access_key": "s"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        };
        let target = ProviderTarget::for_call(Hub::Bedrock, &key, Some("anthropic.claude-v2"), None, None).expect("callable without a url");
        assert_eq!(target.settings.kind, TargetKind::Bedrock);
        let credential: serde_json::Value = serde_json::from_str(&target.credential(&key).expect("a credential")).expect("JSON");
        assert_eq!(credential["secret_access_key"], "s");
        let vertex = provider_settings(Hub::Vertex, Some(&key), Some("gemini"), None, None).expect("callable");
        assert_eq!(vertex.kind, TargetKind::Vertex);
        let agents = ProviderTarget::for_call(Hub::BedrockAgents, &key, None, None, None).expect("callable");
        assert_eq!(agents.settings.kind, TargetKind::BedrockAgent);
    }

    #[test]
    fn prompt_ids_are_stable_and_tell_prompts_apart() {
        assert_eq!(prompt_id("p", "hello"), prompt_id("p", "hello"));
        assert_ne!(prompt_id("p", "hello"), prompt_id("q", "hello"));
        assert_ne!(prompt_id("p", "hello"), prompt_id("p", "hello!"));
        assert_eq!(prompt_id("p", "x").len(), 32);
    }

    #[test]
    fn generations_split_the_jobs_evenly() {
        let mut suite = Suite::new(vec![assay_probes::Harness::Security]);
        suite.repeat = 3;
        assert_eq!([0, 9, 10, 29].map(|seq| generation(&suite, 30, seq)), [0, 0, 1, 2]);
    }

    #[test]
    fn a_sample_keeps_every_probe_with_at_most_n_prompts() {
        let mut suite = Suite::new(vec![assay_probes::Harness::Security]);
        suite.per_probe = Some(2);
        let ids = prompt_ids_by_probe(&suite).expect("ids");
        let library = assay_probes::Library::builtin();
        let single_turn =
            library.select(&[assay_probes::Harness::Security]).filter(|p| matches!(p.strategy, assay_probes::Strategy::SingleTurn)).count();
        assert_eq!(ids.len(), single_turn);
        assert!(ids.values().all(|list| list.len() <= 2 && !list.is_empty()));
    }
}
