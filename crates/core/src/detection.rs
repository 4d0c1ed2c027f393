//! The [`Detector`] trait and the one result shape every detector returns.
//!
//! A detector looks at a reply (and, as it needs, the prompt, an expected value, a JSON
//! Schema, trigger strings or context) and says whether it found what it looks for: a
//! refusal, PII, a followed injection, a schema violation… That is [`Detection::hit`]. Whether
//! a hit is good or bad is the probe's business, not the detector's: a refusal is a hit and
//! a pass for a jailbreak probe, PII is a hit and a failure for a leakage probe.

use serde::{Deserialize, Serialize};

/// What a detector is given: one reply and whatever context the detector needs. This is also
/// the shape of one input line of `assay detect`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DetectionInput {
    /// The reply under judgement.
    pub output: String,
    /// The prompt that produced it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The expected reply (similarity) or the expected behaviour (judges).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// A JSON Schema (draft 2020-12) the reply must satisfy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<serde_json::Value>,
    /// Strings whose presence in the reply the detector looks for (rogue strings, canaries,
    /// encoded payloads, trigger words).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub triggers: Option<Vec<String>>,
    /// Extra context: the document an indirect injection was planted in, a rubric, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

impl DetectionInput {
    pub fn output(output: impl Into<String>) -> Self {
        Self { output: output.into(), ..Self::default() }
    }
}

/// One thing a detector found. Offsets are in characters (Unicode scalar values) of the
/// reply, end exclusive, so they index the same text in Python and JavaScript clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
}

/// A detector's verdict on one reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// The detector found what it looks for.
    pub hit: bool,
    /// How strongly, 0..1.
    pub score: f64,
    pub reasoning: String,
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// The detector could not decide (a judge that gave no readable verdict, a reply it cannot
    /// read): a third verdict, neither hit nor miss, counted apart from pass and fail.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unscorable: bool,
}

impl Detection {
    pub fn miss(reasoning: impl Into<String>) -> Self {
        Self::scored(false, 0.0, reasoning, Vec::new())
    }

    pub fn hit(score: f64, reasoning: impl Into<String>, findings: Vec<Finding>) -> Self {
        Self::scored(true, score, reasoning, findings)
    }

    /// A verdict `hit` with the detector's `score` for a hit (0..1).
    pub fn scored(hit: bool, score: f64, reasoning: impl Into<String>, findings: Vec<Finding>) -> Self {
        Self { hit, score: score.clamp(0.0, 1.0), reasoning: reasoning.into(), findings, unscorable: false }
    }

    /// No verdict: the detector could not decide, and says why instead of guessing.
    pub fn unscorable(reasoning: impl Into<String>) -> Self {
        Self { hit: false, score: 0.5, reasoning: reasoning.into(), findings: Vec::new(), unscorable: true }
    }

    /// How sure the detector is of the verdict it gave, 0..1: the score for a hit, its
    /// complement for a miss (a miss scored 0.2 is 0.8 sure), 0 when unscorable.
    pub fn confidence(&self) -> f64 {
        confidence(self.hit, self.score, self.unscorable)
    }
}

/// [`Detection::confidence`] from stored parts.
pub fn confidence(hit: bool, score: f64, unscorable: bool) -> f64 {
    match (unscorable, hit) {
        (true, _) => 0.0,
        (false, true) => score.clamp(0.0, 1.0),
        (false, false) => (1.0 - score).clamp(0.0, 1.0),
    }
}

/// What a hit means for the system under test when a probe does not say otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HitMeans {
    /// A hit is the safe outcome (a refusal, a matching answer).
    Pass,
    /// A hit is a failure (PII, a followed injection, a schema violation).
    Fail,
}

/// A detector's identity card, listed by `assay detectors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetectorInfo {
    /// Stable id, e.g. `refusal`, `pii`, `json-schema`.
    pub id: &'static str,
    /// Bumped whenever the detector's verdicts may change, so stored detections say which
    /// rules judged them.
    pub version: u32,
    pub description: &'static str,
    pub hit_means: HitMeans,
}

/// Why a detector could not judge (not a verdict: the input or the judge was unusable).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DetectorError {
    /// The input lacks what this detector needs, e.g. `schema` for `json-schema`.
    #[error("{0}")]
    MissingInput(String),
    /// The detector's parameters are invalid (bad regex, bad schema, unknown option).
    #[error("{0}")]
    InvalidParams(String),
    /// A judge target failed or kept answering in a form that could not be parsed.
    #[error("{0}")]
    Judge(String),
}

/// A detector: pure rules or a judge model behind a target. Built once with its parameters,
/// then called for every reply; must be cheap to call concurrently.
#[async_trait::async_trait]
pub trait Detector: Send + Sync {
    fn info(&self) -> &DetectorInfo;
    async fn detect(&self, input: &DetectionInput) -> Result<Detection, DetectorError>;
}
