//! Agent configurations: a system under test described once (hub, model, system prompt,
//! provider key) under a name, for evaluations and playgrounds to name.

use serde::{Deserialize, Serialize};

use crate::Id;

/// Whether an agent is offered: archiving keeps it (and the evaluations that name it) but
/// frees its name and hides it from default listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgentStatus {
    Active,
    Archived,
}

impl AgentStatus {
    pub const ALL: [AgentStatus; 2] = [Self::Active, Self::Archived];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Archived => "archived",
        }
    }

    /// Any case of a status name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str().eq_ignore_ascii_case(raw.trim()))
    }
}

/// What an agent is, as written by its owner: everything but the bookkeeping.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentDefinition {
    pub agent_name: String,
    /// A `/v1` hub id (`openai`, `custom`, …).
    pub hub: String,
    pub model_name: String,
    /// Where the agent answers, when the hub's default is not it (a `custom` hub's base URL).
    pub agent_url: Option<String>,
    /// The provider key (`/v1/api-keys`) to call it with.
    pub api_key_id: Option<Id>,
    /// Sent as the system prompt of every conversation with the agent, before a probe's own.
    pub agent_system_prompt: Option<String>,
    pub hub_config: Option<serde_json::Value>,
    pub rag_params: Option<serde_json::Value>,
    pub function_route_params: Option<serde_json::Value>,
}

/// A stored agent configuration of a team.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentConfiguration {
    pub id: Id,
    pub team_id: Id,
    pub definition: AgentDefinition,
    pub status: AgentStatus,
    pub created_by: Option<Id>,
    pub created_at: i64,
    pub updated_at: i64,
}
