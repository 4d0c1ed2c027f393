//! The workbench's evaluation definitions: the cases a simulated user pursues, the tools and
//! contexts offered to the model under test, and who may see a template. Shared by templates,
//! evaluations and the engine's case jobs; validated once here so every surface agrees.

use serde::{Deserialize, Serialize};

/// Assistant replies allowed to reach a case's expected result when none is given.
pub const DEFAULT_RESPONSE_THRESHOLD: u32 = 20;
/// The most assistant replies a case may allow: each one is a model call and a simulator call.
pub const MAX_RESPONSE_THRESHOLD: u32 = 100;

fn default_threshold() -> u32 {
    DEFAULT_RESPONSE_THRESHOLD
}

/// One scenario to simulate: a user with a goal, and what the model must achieve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseDefinition {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub scenario: String,
    #[serde(default)]
    pub expected_result: String,
    #[serde(default = "default_threshold")]
    pub response_threshold: u32,
}

/// A tool offered to the model under test; the simulator answers its calls in character.
/// `parameters` is kept as given: a JSON Schema object, or the list form some clients send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolDefinition {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "empty_object")]
    pub parameters: serde_json::Value,
}

fn empty_object() -> serde_json::Value {
    serde_json::json!({})
}

/// Background knowledge appended to the system prompt of the model under test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextDefinition {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub content: String,
}

/// Who may see a template or an evaluation. assay stores it and serves it back; every mode is
/// visible to the owning team (assay has no per-user visibility inside a team).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessMode {
    #[default]
    Managed,
    Private,
    Team,
}

impl AccessMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Managed => "managed",
            Self::Private => "private",
            Self::Team => "team",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "managed" => Some(Self::Managed),
            "private" => Some(Self::Private),
            "team" => Some(Self::Team),
            _ => None,
        }
    }
}

/// What an evaluation runs: the cases, tools, contexts and models of a template (or of a
/// privacy-mode request), validated.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationDefinition {
    #[serde(default)]
    pub cases: Vec<CaseDefinition>,
    #[serde(default)]
    pub tools: Vec<ToolDefinition>,
    #[serde(default)]
    pub contexts: Vec<ContextDefinition>,
    #[serde(default)]
    pub models: Vec<String>,
    #[serde(default)]
    pub access_mode: AccessMode,
}

/// Why a definition is refused: the field path (`cases[1].scenario`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} {problem}")]
pub struct DefinitionError {
    pub field: String,
    pub problem: String,
}

fn refuse(field: String, problem: &str) -> DefinitionError {
    DefinitionError { field, problem: problem.to_owned() }
}

impl EvaluationDefinition {
    /// Checks every case, tool, context and model id, naming the first bad field.
    pub fn validate(&self) -> Result<(), DefinitionError> {
        for (index, case) in self.cases.iter().enumerate() {
            if case.title.trim().is_empty() && case.scenario.trim().is_empty() {
                return Err(refuse(format!("cases[{index}].scenario"), "is required (or at least a title)"));
            }
            if case.response_threshold == 0 || case.response_threshold > MAX_RESPONSE_THRESHOLD {
                return Err(refuse(
                    format!("cases[{index}].responseThreshold"),
                    &format!("must be between 1 and {MAX_RESPONSE_THRESHOLD}"),
                ));
            }
        }
        let mut names = std::collections::HashSet::new();
        for (index, tool) in self.tools.iter().enumerate() {
            let valid = !tool.name.is_empty()
                && tool.name.len() <= 64
                && tool.name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
            if !valid {
                return Err(refuse(format!("tools[{index}].name"), "must be 1-64 letters, digits, '_', '-' or '.'"));
            }
            if !names.insert(tool.name.as_str()) {
                return Err(refuse(format!("tools[{index}].name"), "repeats another tool's name"));
            }
            if !(tool.parameters.is_object() || tool.parameters.is_array()) {
                return Err(refuse(format!("tools[{index}].parameters"), "must be a JSON Schema object or a list of parameters"));
            }
        }
        for (index, context) in self.contexts.iter().enumerate() {
            if context.content.trim().is_empty() {
                return Err(refuse(format!("contexts[{index}].content"), "is required"));
            }
        }
        for (index, model) in self.models.iter().enumerate() {
            if model.trim().is_empty() {
                return Err(refuse(format!("models[{index}]"), "must be a model id such as local-smollm2-135m"));
            }
        }
        Ok(())
    }
}

/// One change notification of the general SSE queue: its incremental id and the changed
/// objects as `"Type:id"` strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub refs: Vec<String>,
    pub created_at: i64,
}

/// One message of a case run's thread, in the workbench's roles: `system`, `user`,
/// `assistant`, `tool` (a tool call and the simulator's answer to it) and `result` (the
/// judge's verdict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadMessage {
    pub role: String,
    pub content: String,
    pub date_created: i64,
}

/// What a case job produced beside the engine's result row: the judge's verdict and the
/// thread. Stored as the result's `outcome` JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseOutcome {
    #[serde(rename = "caseRunID")]
    pub case_run_id: String,
    /// `passed`, `failed` or `not_set`.
    pub result: String,
    pub assessment: String,
    pub recommendation: String,
    pub attributes: Vec<String>,
    /// `none`, `low` or `high`.
    pub hallucinations: String,
    /// Mean latency of the model under test's replies, in milliseconds.
    pub avg_response_time: u64,
    pub thread: Vec<ThreadMessage>,
    pub date_started: i64,
}

/// A workbench evaluation as stored: the engine evaluation plus what it was made from.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbenchEvaluation {
    pub id: crate::Id,
    pub team_id: crate::Id,
    pub prompt_id: Option<String>,
    pub revision_id: Option<String>,
    pub template_id: Option<String>,
    pub prompt_name: Option<String>,
    pub name: String,
    pub prompt_content: String,
    pub definition: EvaluationDefinition,
    /// The engine's lifecycle state.
    pub state: crate::EvaluationState,
    pub counts: crate::Counts,
    /// Why it stopped early: the abort reason, or the failure.
    pub error: Option<String>,
    pub private: bool,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

/// A case run: one case on one model; its status derives from its job and result.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRun {
    pub id: crate::Id,
    pub evaluation_id: crate::Id,
    pub model: String,
    pub definition: CaseDefinition,
    /// `pending`, `running`, `completed`, `aborted` or `error`.
    pub status: String,
    pub outcome: Option<CaseOutcome>,
    pub error: Option<String>,
    pub abort_reason: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> EvaluationDefinition {
        serde_json::from_value(json).expect("parses")
    }

    #[test]
    fn camel_case_fields_and_defaults_parse() {
        let definition = parse(serde_json::json!({
            "cases": [{"title": "Refund", "scenario": "asks for a refund", "expectedResult": "refund issued"}],
            "tools": [{"name": "lookup_order", "description": "finds an order"}],
            "accessMode": "team"
        }));
        assert_eq!(definition.cases[0].expected_result, "refund issued");
        assert_eq!(definition.cases[0].response_threshold, DEFAULT_RESPONSE_THRESHOLD);
        assert_eq!(definition.tools[0].parameters, serde_json::json!({}));
        assert_eq!(definition.access_mode, AccessMode::Team);
        assert!(definition.validate().is_ok());
    }

    #[test]
    fn the_first_bad_field_is_named() {
        let error = parse(serde_json::json!({"cases": [{"title": "ok"}, {"expectedResult": "x"}]})).validate().expect_err("refused");
        assert_eq!(error.field, "cases[1].scenario");
        let error = parse(serde_json::json!({"cases": [{"title": "t", "responseThreshold": 0}]})).validate().expect_err("refused");
        assert_eq!(error.field, "cases[0].responseThreshold");
        let error = parse(serde_json::json!({"tools": [{"name": "a b"}]})).validate().expect_err("refused");
        assert_eq!(error.field, "tools[0].name");
        let error = parse(serde_json::json!({"tools": [{"name": "a"}, {"name": "a"}]})).validate().expect_err("refused");
        assert_eq!(error.field, "tools[1].name");
        let error = parse(serde_json::json!({"tools": [{"name": "a", "parameters": "x"}]})).validate().expect_err("refused");
        assert_eq!(error.field, "tools[0].parameters");
        let error = parse(serde_json::json!({"contexts": [{"name": "n", "content": " "}]})).validate().expect_err("refused");
        assert_eq!(error.field, "contexts[0].content");
        let error = parse(serde_json::json!({"models": [""]})).validate().expect_err("refused");
        assert_eq!(error.field, "models[0]");
    }

    #[test]
    fn the_list_form_of_tool_parameters_is_kept() {
        let definition = parse(serde_json::json!({"tools": [{"name": "search_web", "parameters": [{"name": "query", "type": "string"}]}]}));
        assert!(definition.validate().is_ok());
        assert!(definition.tools[0].parameters.is_array());
    }
}
