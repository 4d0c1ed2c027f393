//! The trust platform's objects (the `/v1` API): provider keys for model hubs, the `/v1`
//! settings an evaluation keeps beside the engine's row, detection requests, reports and
//! people's feedback on verdicts.

use serde::{Deserialize, Serialize};

use crate::{Evaluation, Id};

/// The hubs a provider key may name. assay calls the OpenAI-compatible ones and `azure`; the
/// others are stored with their `hub_config` so an evaluation on them can say why it cannot run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Hub {
    #[serde(rename = "openai")]
    OpenAi,
    #[serde(rename = "together")]
    Together,
    #[serde(rename = "mistral")]
    Mistral,
    #[serde(rename = "fireworks")]
    Fireworks,
    #[serde(rename = "nvidia")]
    Nvidia,
    #[serde(rename = "azure")]
    Azure,
    #[serde(rename = "custom")]
    Custom,
    #[serde(rename = "digitalocean")]
    DigitalOcean,
    #[serde(rename = "openrouter")]
    OpenRouter,
    #[serde(rename = "vertex")]
    Vertex,
    #[serde(rename = "bedrock")]
    Bedrock,
    #[serde(rename = "bedrockAgents")]
    BedrockAgents,
}

/// What the hubs table says of one hub.
#[derive(Debug, Clone, Copy)]
pub struct HubInfo {
    pub hub: Hub,
    pub id: &'static str,
    pub display_name: &'static str,
    /// The API root assay calls when neither the key nor the evaluation gives a `url`.
    pub default_url: Option<&'static str>,
    /// `hub_config` fields a key for this hub must carry.
    pub required_config: &'static [&'static str],
    /// assay can send chat turns to it (OpenAI wire format, or Azure's variant of it).
    pub callable: bool,
}

const HUBS: [HubInfo; 12] = [
    HubInfo {
        hub: Hub::OpenAi,
        id: "openai",
        display_name: "OpenAI",
        default_url: Some("https://api.openai.com/v1"),
        required_config: &[],
        callable: true,
    },
    HubInfo {
        hub: Hub::Together,
        id: "together",
        display_name: "Together AI",
        default_url: Some("https://api.together.xyz/v1"),
        required_config: &[],
        callable: true,
    },
    HubInfo {
        hub: Hub::Mistral,
        id: "mistral",
        display_name: "Mistral AI",
        default_url: Some("https://api.mistral.ai/v1"),
        required_config: &[],
        callable: true,
    },
    HubInfo {
        hub: Hub::Fireworks,
        id: "fireworks",
        display_name: "Fireworks AI",
        default_url: Some("https://api.fireworks.ai/inference/v1"),
        required_config: &[],
        callable: true,
    },
    HubInfo {
        hub: Hub::Nvidia,
        id: "nvidia",
        display_name: "NVIDIA NIM",
        default_url: Some("https://integrate.api.nvidia.com/v1"),
        required_config: &[],
        callable: true,
    },
    HubInfo { hub: Hub::Azure, id: "azure", display_name: "Azure OpenAI", default_url: None, required_config: &[], callable: true },
    HubInfo { hub: Hub::Custom, id: "custom", display_name: "Custom", default_url: None, required_config: &[], callable: true },
    HubInfo {
        hub: Hub::DigitalOcean,
        id: "digitalocean",
        display_name: "DigitalOcean",
        default_url: None,
        required_config: &["agent_id", "agent_key"],
        callable: true,
    },
    HubInfo {
        hub: Hub::OpenRouter,
        id: "openrouter",
        display_name: "OpenRouter",
        default_url: Some("https://openrouter.ai/api/v1"),
        required_config: &[],
        callable: true,
    },
    HubInfo {
        hub: Hub::Vertex,
        id: "vertex",
        display_name: "Google Vertex AI",
        default_url: None,
        required_config: &["region", "project_id", "client_id", "client_secret", "refresh_token"],
        callable: true,
    },
    HubInfo {
        hub: Hub::Bedrock,
        id: "bedrock",
        display_name: "Amazon Bedrock",
        default_url: None,
        required_config: &["region", "access_key", "secret_access_key"],
        callable: true,
    },
    HubInfo {
        hub: Hub::BedrockAgents,
        id: "bedrockAgents",
        display_name: "Amazon Bedrock Agents",
        default_url: None,
        required_config: &["region", "access_key", "secret_access_key", "agent_id", "agent_alias_id"],
        callable: true,
    },
];

impl Hub {
    /// Every hub, in the order `GET /v1/hubs` lists them.
    pub fn all() -> &'static [HubInfo] {
        &HUBS
    }

    pub fn parse(raw: &str) -> Option<Self> {
        HUBS.iter().find(|info| info.id == raw).map(|info| info.hub)
    }

    pub fn info(self) -> &'static HubInfo {
        HUBS.iter().find(|info| info.hub == self).unwrap_or(&HUBS[0])
    }

    pub fn as_str(self) -> &'static str {
        self.info().id
    }
}

/// A team's named credential for a hub. The secret and `hub_config` values are sealed in the
/// store and never leave it; only the names of the config fields are shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderKey {
    pub id: Id,
    pub team_id: Id,
    pub name: String,
    pub hub: String,
    pub url: Option<String>,
    pub rate_limit_per_interval: i64,
    /// Seconds.
    pub rate_limit_interval: i64,
    pub has_secret: bool,
    pub hub_config_fields: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A new provider key, or the whole of an updated one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderKeyInput {
    pub name: String,
    pub hub: String,
    pub url: Option<String>,
    pub rate_limit_per_interval: i64,
    pub rate_limit_interval: i64,
}

/// A provider key with its opened secrets, for the code that calls the hub.
#[derive(Debug, Clone)]
pub struct OpenedProviderKey {
    pub key: ProviderKey,
    pub secret: Option<String>,
    pub hub_config: serde_json::Map<String, serde_json::Value>,
}

/// What a `/v1` evaluation asked for, kept beside the engine's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustSettings {
    pub hub: String,
    pub model: Option<String>,
    pub url: Option<String>,
    pub api_key_id: Option<Id>,
    pub harness_config_ids: Vec<String>,
    pub version: String,
    pub tags: Vec<String>,
    /// The request's `agent_params`, `sample_size`, `num_generations`, `is_lite`, … as sent.
    pub request: serde_json::Value,
    pub created_by: Option<Id>,
    /// The agent configuration the evaluation named, if it named one.
    pub agent_configuration_id: Option<Id>,
}

/// A `/v1` evaluation: the engine's row and what was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustEvaluation {
    pub evaluation: Evaluation,
    pub settings: TrustSettings,
    pub updated_at: i64,
}

/// Filters and order of `GET /v1/evaluations`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrustEvaluationFilter {
    /// Engine states to keep (empty: all).
    pub states: Vec<crate::EvaluationState>,
    pub name: Option<String>,
    pub hub: Option<String>,
    pub model: Option<String>,
    pub agent_configuration_id: Option<Id>,
    /// Evaluations carrying every one of these tags.
    pub tags: Vec<String>,
    /// Created at or after (Unix seconds).
    pub created_after: Option<i64>,
    /// Finished at or after (Unix seconds).
    pub completed_after: Option<i64>,
    pub sort: TrustSort,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TrustSort {
    #[default]
    CreatedAt,
    CompletedAt,
    Name,
    Status,
}

/// A detection request of `POST /v1/detections` and, once run, its outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustDetection {
    pub id: Id,
    pub team_id: Id,
    pub detector_id: String,
    /// `CREATED` until it has run, then `COMPLETED` or `FAILED`.
    pub status: String,
    /// Each input with the `id` assay gave it.
    pub inputs: Vec<serde_json::Value>,
    pub params: serde_json::Value,
    pub outputs: Vec<serde_json::Value>,
    pub error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An evaluation's HTML report: `GENERATING`, then `CREATED` with its content or `FAILED`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustReport {
    pub id: Id,
    pub evaluation_id: Id,
    pub status: String,
    pub status_message: String,
    pub content: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A person's verdict on one detection of one response, kept to measure detectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultFeedback {
    pub id: Id,
    pub team_id: Id,
    pub evaluation_id: String,
    pub response_id: String,
    pub detector_id: String,
    pub prompt_id: Option<String>,
    /// The person's score of the detection: 1 when the detector was right, 0 when wrong (any
    /// value 0..1 in between for partial agreement).
    pub value: f64,
    pub message: Option<String>,
    pub created_by: Option<Id>,
    pub created_at: i64,
    pub updated_at: i64,
}
