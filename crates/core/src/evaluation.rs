//! Evaluations (a suite run against one or more targets), the jobs they expand into, the
//! result each job leaves, and the events every change emits.
//!
//! A job's *item* (what to send and how to judge it) is opaque JSON here: the engine owns its
//! shape, the store only keeps it. Results and detections are typed, because every API and
//! report reads them.

use serde::{Deserialize, Serialize};

use crate::{Finding, Id, Message};

/// `pending → running → completed | aborted | failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvaluationState {
    Pending,
    Running,
    Completed,
    Aborted,
    Failed,
}

impl EvaluationState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Aborted => "aborted",
            Self::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "pending" => Self::Pending,
            "running" => Self::Running,
            "completed" => Self::Completed,
            "aborted" => Self::Aborted,
            "failed" => Self::Failed,
            _ => return None,
        })
    }

    /// No job of the evaluation will be claimed any more.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Completed | Self::Aborted | Self::Failed)
    }
}

/// Progress counters, kept in the evaluation row and updated with every written batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Jobs the evaluation expanded into.
    pub total: i64,
    /// Jobs with a written result (passed + failed + unscorable + errored).
    pub done: i64,
    pub passed: i64,
    pub failed: i64,
    /// Jobs whose target call (or judging) failed, so there is no verdict.
    pub errored: i64,
    /// Jobs whose reply no detector could decide on (every detection unscorable): counted
    /// apart from pass and fail, and left out of the score like errors.
    #[serde(default)]
    pub unscorable: i64,
}

/// The score rule, everywhere: pass rate over the judged results (errors and unscorable
/// results excluded); `None`
/// before any verdict.
fn pass_rate(passed: i64, failed: i64) -> Option<f64> {
    let judged = passed + failed;
    (judged > 0).then(|| passed as f64 / judged as f64)
}

impl Counts {
    pub fn score(&self) -> Option<f64> {
        pass_rate(self.passed, self.failed)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub id: Id,
    pub team_id: Id,
    pub name: String,
    /// What was asked for (harnesses, converters, repeat, …), as the caller gave it.
    pub suite: serde_json::Value,
    /// The targets, by spec or stored-target id; jobs refer to them by index.
    pub targets: Vec<String>,
    pub state: EvaluationState,
    pub counts: Counts,
    /// Why the evaluation failed, when it did.
    pub error: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// The runner scope its jobs are pinned to: `None` for any shared runner (a server or a
    /// worker), else the one process that holds what the jobs need (a CLI scan's target and key).
    pub runner: Option<String>,
}

/// One job to enqueue: its position in the evaluation (the unique key of its result), the
/// target it runs on and its item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub seq: i64,
    pub target_index: u32,
    pub item: String,
    /// The probe the job tests, when it tests one: the store keeps a counter per probe so
    /// every level of a results tree is scored without reading the results.
    pub slice: Option<JobSlice>,
}

/// Where a probe job sits in the catalogue: its probe, harness and scenario.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JobSlice {
    pub probe_id: String,
    pub harness: String,
    pub scenario: String,
}

/// One probe's counters in one evaluation, kept with every written batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeCounts {
    pub probe_id: String,
    pub harness: String,
    pub scenario: String,
    pub counts: Counts,
}

/// A job a runner holds under lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    pub evaluation_id: Id,
    pub seq: i64,
    pub target_index: u32,
    pub item: String,
    /// How many times the job's block has been claimed, this claim included.
    pub attempts: u32,
    /// The first job of the block it was claimed with: a runner holds, extends and lets go
    /// of leases by block.
    pub block: i64,
}

/// One detector's verdict on one result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetectionRecord {
    pub detector: String,
    pub version: u32,
    pub hit: bool,
    /// What the hit means for this probe: true is the safe outcome.
    pub passed: bool,
    pub score: f64,
    pub reasoning: String,
    pub findings: Vec<Finding>,
    /// The detector could not decide: `hit` and `passed` are false and mean nothing, and the
    /// result's verdict leaves this detection out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unscorable: bool,
    /// How sure the detector was of its verdict, 0..1 (see [`crate::Detection::confidence`]):
    /// derived from `hit`, `score` and `unscorable`, never stored apart.
    #[serde(default)]
    pub confidence: f64,
}

impl DetectionRecord {
    /// [`Self::confidence`] from the other fields.
    pub fn derive_confidence(&self) -> f64 {
        crate::confidence(self.hit, self.score, self.unscorable)
    }

    /// `pass`, `fail` or `unscorable`.
    pub fn verdict(&self) -> &'static str {
        match (self.unscorable, self.passed) {
            (true, _) => "unscorable",
            (false, true) => "pass",
            (false, false) => "fail",
        }
    }
}

/// What one job left: the transcript, the verdicts and what it cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobResult {
    pub evaluation_id: Id,
    pub seq: i64,
    pub target_index: u32,
    pub probe_id: String,
    pub harness: String,
    pub scenario: String,
    pub converter: Option<String>,
    pub prompt: String,
    /// The whole conversation sent and received (system prompt first when there was one).
    pub messages: Vec<Message>,
    /// `None` when the job errored or no detector could decide (unscorable; see [`Verdict`]).
    pub passed: Option<bool>,
    /// Fraction of the deciding detectors that judged the reply safe.
    pub score: Option<f64>,
    pub latency_ms: u64,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub error: Option<String>,
    pub detections: Vec<DetectionRecord>,
    pub created_at: i64,
    /// A case job's structured outcome ([`crate::CaseOutcome`]); `None` for probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<serde_json::Value>,
}

/// A result's verdict: what its detections made of the reply, or why there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Passed,
    Failed,
    /// The reply was had, but no detector could decide on it.
    Unscorable,
    /// The target call (or the judging) failed.
    Errored,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Unscorable => "unscorable",
            Self::Errored => "errored",
        }
    }

    /// The verdict of a result stored as `passed` and `errored` (an unscorable result has
    /// neither a pass/fail nor an error).
    pub fn of(passed: Option<bool>, errored: bool) -> Self {
        match (passed, errored) {
            (_, true) => Self::Errored,
            (Some(true), false) => Self::Passed,
            (Some(false), false) => Self::Failed,
            (None, false) => Self::Unscorable,
        }
    }
}

impl Counts {
    /// Counts one more written result.
    pub fn add(&mut self, verdict: Verdict) {
        self.done += 1;
        match verdict {
            Verdict::Passed => self.passed += 1,
            Verdict::Failed => self.failed += 1,
            Verdict::Unscorable => self.unscorable += 1,
            Verdict::Errored => self.errored += 1,
        }
    }
}

impl JobResult {
    pub fn verdict(&self) -> Verdict {
        Verdict::of(self.passed, self.error.is_some())
    }

    /// The target's last reply, if any.
    pub fn reply(&self) -> Option<&str> {
        self.messages.iter().rev().find(|m| m.role == crate::Role::Assistant).map(|m| m.content.as_str())
    }
}

/// Pass/fail counts of one slice (a harness, a scenario) of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SliceSummary {
    pub harness: String,
    pub scenario: String,
    pub total: i64,
    pub passed: i64,
    pub failed: i64,
    pub errored: i64,
    #[serde(default)]
    pub unscorable: i64,
    /// The probe with the most failures in this slice, and how many.
    pub worst_probe: Option<(String, i64)>,
}

impl SliceSummary {
    /// The slice's score, by the same rule as [`Counts::score`].
    pub fn pass_rate(&self) -> Option<f64> {
        pass_rate(self.passed, self.failed)
    }
}

/// A persisted change, published to watchers in id order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    pub evaluation_id: Id,
    pub kind: String,
    pub data: serde_json::Value,
    pub created_at: i64,
}
