//! How `/v1` shows assay's objects: the status vocabulary, the evaluation and response shapes
//! the `vijil` client reads, and the dotted config ids of detectors.

use assay_core::{ErrorCode, EvaluationState, Id, JobResult, Role, TrustEvaluation, Verdict};
use assay_engine::Suite;
use assay_engine::trust::{generation, prompt_id};
use assay_probes::catalogue::probe_config_id;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;

pub const DETECTOR_PREFIX: &str = "assay.detectors.";

/// `assay.detectors.<id>` for a detector of the registry.
pub fn detector_config_id(id: &str) -> String {
    format!("{DETECTOR_PREFIX}{id}")
}

/// The `/v1` status of an engine state: `IN_PROGRESS` from creation to the end (so a queued
/// evaluation can be cancelled), then `COMPLETED`, `CANCELED` or `ERRORED`.
pub fn status_of(state: EvaluationState) -> &'static str {
    match state {
        EvaluationState::Pending | EvaluationState::Running => "IN_PROGRESS",
        EvaluationState::Completed => "COMPLETED",
        EvaluationState::Aborted => "CANCELED",
        EvaluationState::Failed => "ERRORED",
    }
}

/// The engine states a `/v1` status filter names (queued-sounding names mean in progress).
pub fn states_of(status: &str) -> Result<Vec<EvaluationState>, ApiError> {
    Ok(match status.to_ascii_uppercase().as_str() {
        "IN_PROGRESS" | "CREATED" | "STARTING" | "RUNNING" | "PENDING" => vec![EvaluationState::Pending, EvaluationState::Running],
        "COMPLETED" => vec![EvaluationState::Completed],
        "CANCELED" | "CANCELLED" => vec![EvaluationState::Aborted],
        "ERRORED" | "FAILED" | "TIMEOUT" => vec![EvaluationState::Failed],
        _ => {
            return Err(ApiError::with_message(
                ErrorCode::InvalidRequest,
                format!("unknown status {status:?}; use IN_PROGRESS, COMPLETED, CANCELED or ERRORED"),
            ));
        }
    })
}

/// An evaluation as `GET /v1/evaluations/{id}` and the list show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationView {
    pub id: String,
    pub name: String,
    /// `IN_PROGRESS`, `COMPLETED`, `CANCELED` or `ERRORED`.
    pub status: String,
    /// Why it ended `ERRORED` (or was cancelled), when it did.
    pub status_message: Option<String>,
    /// The same, under the OpenAPI document's name.
    pub cause: Option<String>,
    /// Pass rate over judged tests, 0..1; null before any verdict.
    pub score: Option<f64>,
    pub total_test_count: i64,
    pub completed_test_count: i64,
    pub error_test_count: i64,
    pub passed_test_count: i64,
    pub failed_test_count: i64,
    /// Tests whose reply no detector could decide on: neither passed nor failed, out of the score.
    pub unscorable_test_count: i64,
    /// Responses written (one per finished test), those with a reply, those without.
    pub total_response_count: i64,
    pub completed_response_count: i64,
    pub error_response_count: i64,
    pub hub: String,
    pub model: Option<String>,
    pub url: Option<String>,
    pub api_key_proxy: Option<String>,
    pub harness_config_ids: Vec<String>,
    pub version: String,
    pub tags: Vec<String>,
    pub team_id: String,
    pub created_by: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub updated_at: i64,
}

impl From<&TrustEvaluation> for EvaluationView {
    fn from(trust: &TrustEvaluation) -> Self {
        let e = &trust.evaluation;
        let s = &trust.settings;
        Self {
            id: e.id.to_string(),
            name: e.name.clone(),
            status: status_of(e.state).to_owned(),
            status_message: e.error.clone(),
            cause: e.error.clone(),
            score: e.counts.score(),
            total_test_count: e.counts.total,
            completed_test_count: e.counts.done,
            error_test_count: e.counts.errored,
            passed_test_count: e.counts.passed,
            failed_test_count: e.counts.failed,
            unscorable_test_count: e.counts.unscorable,
            total_response_count: e.counts.done,
            completed_response_count: e.counts.done - e.counts.errored,
            error_response_count: e.counts.errored,
            hub: s.hub.clone(),
            model: s.model.clone(),
            url: s.url.clone(),
            api_key_proxy: s.api_key_id.as_ref().map(Id::to_string),
            harness_config_ids: s.harness_config_ids.clone(),
            version: s.version.clone(),
            tags: s.tags.clone(),
            team_id: e.team_id.to_string(),
            created_by: s.created_by.as_ref().map(Id::to_string),
            created_at: e.created_at,
            started_at: e.started_at,
            completed_at: e.finished_at,
            updated_at: trust.updated_at,
        }
    }
}

/// A response's id: its evaluation's id and its job's position.
pub fn response_id(evaluation_id: &Id, seq: i64) -> String {
    format!("{evaluation_id}-{seq}")
}

/// The evaluation and position a response id names, if it is one.
pub fn parse_response_id(raw: &str) -> Option<(Id, i64)> {
    let (evaluation, seq) = raw.rsplit_once('-')?;
    Some((Id::parse(evaluation).ok()?, seq.parse().ok().filter(|s: &i64| *s >= 0)?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    role: String,
    content: String,
}

/// `{"score": 1.0}` for a passed test, `{"score": 0.0}` for a failed one (a hit).
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreView {
    score: f64,
}

/// One response (a test's outcome) as `GET /v1/responses` shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseView {
    id: String,
    evaluation_id: String,
    probe_config_id: String,
    harness: String,
    scenario: String,
    input_prompt_id: String,
    /// The prompt as sent (after any converter).
    input_prompt: String,
    converter: Option<String>,
    /// The messages sent, system prompt first.
    prompt: Vec<MessageView>,
    /// This prompt's id (pairwise probes would list two).
    prompt_group: Vec<String>,
    /// The target's reply ("" when the call failed).
    response: String,
    detector_ids: Vec<String>,
    /// One object per detector: `{detector id: score}`.
    detector_scores: Vec<serde_json::Map<String, serde_json::Value>>,
    /// Each detector's verdict with its reasoning and findings.
    detections: Vec<serde_json::Value>,
    /// Null when the test errored or was unscorable.
    score: Option<ScoreView>,
    triggers: Vec<String>,
    generation: i64,
    /// `COMPLETED`, `UNSCORABLE` when no detector could decide on the reply (the score is
    /// then null), or `ERROR` when the call or the judging failed.
    status: String,
    error_message: Option<String>,
    is_visible: bool,
    latency_ms: u64,
    prompt_tokens: u32,
    completion_tokens: u32,
    created_at: i64,
}

impl ResponseView {
    pub fn new(result: &JobResult, suite: &Suite, total: i64) -> Self {
        let library = assay_probes::Library::builtin();
        let prompt_id = prompt_id(&result.probe_id, &result.prompt);
        let reply_index = result.messages.iter().rposition(|m| m.role == Role::Assistant);
        let sent = result
            .messages
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != reply_index)
            .map(|(_, m)| MessageView { role: m.role.as_str().to_owned(), content: m.content.clone() });
        let detector_ids: Vec<String> = result.detections.iter().map(|d| detector_config_id(&d.detector)).collect();
        let detector_scores = result
            .detections
            .iter()
            .map(|d| {
                let mut one = serde_json::Map::new();
                one.insert(detector_config_id(&d.detector), serde_json::json!(d.score));
                one
            })
            .collect();
        let detections = result
            .detections
            .iter()
            .map(|d| {
                serde_json::json!({
                    "detector_id": detector_config_id(&d.detector), "hit": d.hit, "passed": d.passed, "score": d.score,
                    "verdict": d.verdict(), "confidence": d.confidence, "reason": d.reasoning, "findings": d.findings,
                })
            })
            .collect();
        Self {
            id: response_id(&result.evaluation_id, result.seq),
            evaluation_id: result.evaluation_id.to_string(),
            probe_config_id: probe_config_id(&result.probe_id),
            harness: result.harness.clone(),
            scenario: result.scenario.clone(),
            input_prompt_id: prompt_id.clone(),
            input_prompt: result.prompt.clone(),
            converter: result.converter.clone(),
            prompt: sent.collect(),
            prompt_group: vec![prompt_id],
            response: result.reply().unwrap_or_default().to_owned(),
            detector_ids,
            detector_scores,
            detections,
            score: result.passed.map(|passed| ScoreView { score: if passed { 1.0 } else { 0.0 } }),
            triggers: library.get(&result.probe_id).map(|p| p.triggers.clone()).unwrap_or_default(),
            generation: generation(suite, total, result.seq),
            status: match result.verdict() {
                Verdict::Errored => "ERROR",
                Verdict::Unscorable => "UNSCORABLE",
                Verdict::Passed | Verdict::Failed => "COMPLETED",
            }
            .to_owned(),
            error_message: result.error.clone(),
            is_visible: true,
            latency_ms: result.latency_ms,
            prompt_tokens: result.prompt_tokens,
            completion_tokens: result.completion_tokens,
            created_at: result.created_at,
        }
    }
}
