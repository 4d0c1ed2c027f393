//! assay's domain vocabulary: ids, tenancy (teams, users, API keys) and the central table of
//! error codes. No IO lives here: the store, the engine and the server all speak these types.

pub mod agents;
pub mod civil_time;
pub mod custom_harness;
pub mod detection;
pub mod error_code;
pub mod evaluation;
pub mod id;
pub mod ingest;
pub mod playgrounds;
pub mod probe_variants;
pub mod prompts;
pub mod stored_target;
pub mod target;
pub mod team_prompts;
pub mod tenancy;
pub mod trust;
pub mod uploads;
pub mod workbench;

pub use agents::{AgentConfiguration, AgentDefinition, AgentStatus};
pub use custom_harness::{CustomDetector, CustomHarness, CustomHarnessDefinition, CustomProbe, HarnessStage, StageDefinition, StageStatus};
pub use detection::{Detection, DetectionInput, Detector, DetectorError, DetectorInfo, Finding, HitMeans, confidence};
pub use error_code::ErrorCode;
pub use evaluation::{
    ClaimedJob, Counts, DetectionRecord, Evaluation, EvaluationState, Event, JobResult, JobSlice, NewJob, ProbeCounts, SliceSummary,
    Verdict,
};
pub use id::Id;
pub use playgrounds::{MessageVerdict, NewPlaygroundMessage, Playground, PlaygroundMessage, PlaygroundSession};
pub use probe_variants::ProbeVariant;
pub use prompts::{
    DEFAULT_TEMPLATE_NAME, EvaluationTemplate, NewTemplate, Paged, Prompt, PromptRevision, PromptSummary, PromptWithRevisions,
    RevisionStamp, RevisionText, TemplateChange, fallback_prompt_name,
};
pub use stored_target::{ContractSession, StoredTarget, TargetKind, TargetLimits, TargetSettings};
pub use target::{ChatReply, ChatRequest, GenerationParams, Message, Role, Target, TargetDescription, TargetError, Usage, append_system};
pub use team_prompts::{FoundPrompt, PromptContent, TeamPrompt};
pub use tenancy::{ApiKey, Invite, InviteStatus, KeySecret, Plan, Principal, Team, TeamName, TeamRole, User, random_hex};
pub use trust::{
    Hub, HubInfo, OpenedProviderKey, ProviderKey, ProviderKeyInput, ResultFeedback, TrustDetection, TrustEvaluation, TrustEvaluationFilter,
    TrustReport, TrustSettings, TrustSort,
};
pub use uploads::{Upload, UploadOwner};
pub use workbench::{
    AccessMode, CaseDefinition, CaseOutcome, CaseRun, ContextDefinition, DefinitionError, EvaluationDefinition, Notification,
    ThreadMessage, ToolDefinition, WorkbenchEvaluation,
};

/// Errors raised when outside input does not parse into a domain type.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("invalid id {0:?}: expected 24 hex digits or a UUID")]
    InvalidId(String),
    #[error("invalid team name {0:?}: use 1-64 letters, digits, '-', '_' or '.'")]
    InvalidTeamName(String),
    #[error("unknown plan {0:?}: expected \"free\" or \"pro\"")]
    UnknownPlan(String),
    #[error("unknown team role {0:?}: expected \"owner\", \"admin\", \"member\" (or \"user\") or \"viewer\"")]
    UnknownTeamRole(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Seconds since the Unix epoch: the one timestamp form stored and served (the workbench API
/// serves `dateCreated` as Unix seconds; SQLite and PostgreSQL both store it as a plain integer).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
