//! Custom harnesses: a team's own harness of probes, written by the harness-creation agent
//! from a stage (the agent's system prompt, its policy file, the kinds of test wanted), kept
//! by version, and run by evaluations like the library's harnesses.

use serde::{Deserialize, Serialize};

use crate::{HitMeans, Id};

/// Where a stage is on its way to a harness: `PENDING` (announced, files may be added),
/// `CREATED` (its settings are complete), `IN_PROGRESS` (the agent is writing the harness),
/// then `COMPLETED` (the harness is stored) or `FAILED` (with the reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StageStatus {
    Pending,
    Created,
    InProgress,
    Completed,
    Failed,
}

impl StageStatus {
    pub const ALL: [StageStatus; 5] = [Self::Pending, Self::Created, Self::InProgress, Self::Completed, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Created => "CREATED",
            Self::InProgress => "IN_PROGRESS",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
        }
    }

    /// Any case of a status name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str().eq_ignore_ascii_case(raw.trim()))
    }
}

/// The kinds of custom harness a stage may ask for, as the `/v1` client names them.
pub const HARNESS_TYPES: [&str; 4] = ["AGENT_POLICY", "KNOWLEDGE_BASE", "FUNCTION_ROUTE", "PERSONA"];

/// What a stage holds: the material the harness-creation agent reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageDefinition {
    pub harness_config_version: String,
    pub harness_name: String,
    pub agent_system_prompt: Option<String>,
    #[serde(default)]
    pub harness_types: Vec<String>,
    pub function_route_params: Option<serde_json::Value>,
    pub rag_params: Option<serde_json::Value>,
    pub persona_params: Option<serde_json::Value>,
    /// The `eval_config_input` the creation agent was last asked with.
    pub eval_config_input: Option<serde_json::Value>,
}

/// A stored stage of a team.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HarnessStage {
    pub id: Id,
    pub team_id: Id,
    /// The harness the stage makes (a version of it).
    pub harness_config_id: Id,
    pub definition: StageDefinition,
    pub status: StageStatus,
    /// Why the stage `FAILED`.
    pub error: Option<String>,
    pub created_by: Id,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One detector as a custom probe uses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomDetector {
    pub id: String,
    #[serde(default)]
    pub params: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hit_means: Option<HitMeans>,
}

/// One probe of a custom harness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomProbe {
    /// `custom.<harness uuid>.<n>`, unique within the harness.
    pub id: String,
    pub name: String,
    pub description: String,
    /// `adherence`, `exfiltration`, `correctness`, `tool`, `persona`, `knowledge`.
    pub category: String,
    pub prompts: Vec<String>,
    pub detectors: Vec<CustomDetector>,
    pub safe_behaviour: String,
    #[serde(default)]
    pub triggers: Vec<String>,
}

/// What a custom harness runs: its name and its probes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomHarnessDefinition {
    pub name: String,
    pub description: String,
    pub probes: Vec<CustomProbe>,
}

/// A stored version of a team's custom harness.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomHarness {
    pub id: Id,
    pub version: String,
    pub team_id: Id,
    pub definition: CustomHarnessDefinition,
    /// False once the version is archived: kept for the evaluations that ran it, not offered.
    pub active: bool,
    /// The stage it was written from, if any.
    pub stage_id: Option<Id>,
    pub created_by: Id,
    pub created_at: i64,
    pub updated_at: i64,
}
