//! Targets as stored objects: a team's named, configured way to reach a system under test.
//! The settings here are never secret; a target's credential is stored apart, encrypted, and
//! only ever reported as present or absent.

use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    Contract,
    Openai,
    Anthropic,
    Local,
    Mock,
    /// Amazon Bedrock's Converse API, signed with SigV4; the credential is the provider key's
    /// `hub_config` as JSON (`region`, `access_key`, `secret_access_key`, `session_token`?).
    Bedrock,
    /// Google Vertex AI's `generateContent` with an OAuth token from a refresh token; the
    /// credential is the `hub_config` as JSON (`region`, `project_id`, `client_id`,
    /// `client_secret`, `refresh_token`, `token_url`?).
    Vertex,
    /// Amazon Bedrock Agents' `InvokeAgent`, signed with SigV4; the credential is the
    /// `hub_config` as JSON (the Bedrock fields plus `agent_id` and `agent_alias_id`).
    BedrockAgent,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contract => "contract",
            Self::Openai => "openai",
            Self::Anthropic => "anthropic",
            Self::Local => "local",
            Self::Mock => "mock",
            Self::Bedrock => "bedrock",
            Self::Vertex => "vertex",
            Self::BedrockAgent => "bedrockagent",
        }
    }
}

/// Reliability limits of a target (see `assay_targets::Policy`); `None` keeps the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetLimits {
    pub timeout_ms: Option<u64>,
    pub max_retries: Option<u32>,
    pub max_concurrency: Option<u32>,
    /// The trust-platform spec's rate limit: at most this many requests per interval.
    pub rate_limit_per_interval: Option<u32>,
    pub rate_limit_interval: Option<u64>,
    /// Adapt concurrency to 429s (default true).
    pub adaptive: Option<bool>,
}

/// Everything about reaching a target except its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSettings {
    pub kind: TargetKind,
    /// contract / openai / anthropic: the API root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// contract: the chat path (default `/chat`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_path: Option<String>,
    /// contract: where the session endpoints live (default: beside the chat path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions_path: Option<String>,
    /// contract: the header carrying the credential: `authorization` (as Bearer, the default)
    /// or a header name such as `X-API-Key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_header: Option<String>,
    /// openai / anthropic: the model (Azure: the deployment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// openai: set for Azure OpenAI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure_api_version: Option<String>,
    /// anthropic: the `anthropic-version` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anthropic_version: Option<String>,
    /// mock: reply with this text instead of echoing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mock_reply: Option<String>,
    /// mock: delay before each reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mock_latency_ms: Option<u64>,
    /// Any kind: a system prompt sent first in every conversation, before a test's own (an
    /// agent configuration's prompt; a deployed assistant's instructions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    #[serde(default)]
    pub limits: TargetLimits,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredTarget {
    pub id: Id,
    pub team_id: Id,
    pub name: String,
    pub settings: TargetSettings,
    pub has_credential: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A conversation held for a client of assay's own contract endpoints (`/chat` with
/// `session_id`): the history lives in the store so it survives a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractSession {
    pub id: Id,
    pub team_id: Id,
    /// `None`: the server's default target.
    pub target_id: Option<Id>,
    pub system: Option<String>,
    pub messages: Vec<crate::Message>,
    pub created_at: i64,
    pub updated_at: i64,
}
