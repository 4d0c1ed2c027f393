//! Assertion results that other tools' CI reporters send to `POST /api/ingest`: the payload,
//! every constraint of the ingest document (each failure names the field and its index), and
//! what a stored run reads back as.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// Evaluations per request at most (the reporter splits bigger runs into batches).
pub const MAX_EVALUATIONS_PER_BATCH: usize = 500;
pub const MAX_REASONING_CHARS: usize = 5000;
pub const MAX_SLUG_CHARS: usize = 100;

#[derive(Debug, Clone, Deserialize)]
pub struct IngestPayload {
    pub project_slug: String,
    pub run_id: String,
    pub run: RunInfo,
    pub evaluations: Vec<IngestedEvaluation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    pub started_at: String,
    #[serde(default)]
    pub finished_at: Option<String>,
    #[serde(default)]
    pub ci_provider: Option<String>,
    #[serde(default)]
    pub ci_run_url: Option<String>,
    #[serde(default)]
    pub branch: Option<String>,
    #[serde(default)]
    pub commit_sha: Option<String>,
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    #[serde(default)]
    pub hardening_summary: Option<HardeningSummary>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct HardeningSummary {
    pub total_input_rejected: u64,
    pub total_rate_limited: u64,
    pub total_backoff_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssertionType {
    Groundedness,
    Pii,
    Sentiment,
    Schema,
    Fuzzy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssertionResult {
    Pass,
    Fail,
    Inconclusive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdSource {
    Inline,
    Remote,
    Default,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    ProviderError,
    RateLimited,
    Timeout,
    ParseError,
}

macro_rules! as_str {
    ($kind:ty { $($variant:ident => $text:literal),* $(,)? }) => {
        impl $kind {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),* }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)* _ => None }
            }
        }
    };
}
as_str!(AssertionType { Groundedness => "groundedness", Pii => "pii", Sentiment => "sentiment", Schema => "schema", Fuzzy => "fuzzy" });
as_str!(AssertionResult { Pass => "pass", Fail => "fail", Inconclusive => "inconclusive" });
as_str!(ThresholdSource { Inline => "inline", Remote => "remote", Default => "default" });
as_str!(FailureReason { ProviderError => "provider_error", RateLimited => "rate_limited", Timeout => "timeout", ParseError => "parse_error" });

/// A key that must be present but may be `null` (`score: number | null`).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(deserializer)
}

/// One assertion's outcome, as the reporter sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestedEvaluation {
    pub assertion_type: AssertionType,
    pub test_name: String,
    #[serde(default)]
    pub test_file: Option<String>,
    pub input_text: String,
    #[serde(default)]
    pub context_text: Option<String>,
    #[serde(default)]
    pub expected_value: Option<String>,
    pub result: AssertionResult,
    #[serde(deserialize_with = "nullable")]
    pub score: Option<f64>,
    pub reasoning: String,
    pub judge_model: String,
    pub judge_latency_ms: f64,
    #[serde(default)]
    pub judge_input_tokens: Option<u64>,
    #[serde(default)]
    pub judge_output_tokens: Option<u64>,
    #[serde(default)]
    pub judge_cost_usd: Option<f64>,
    pub fallback_used: bool,
    pub threshold: f64,
    #[serde(default)]
    pub threshold_source: Option<ThresholdSource>,
    #[serde(default)]
    pub input_truncated: Option<bool>,
    #[serde(default)]
    pub injection_detected: Option<bool>,
    #[serde(default)]
    pub rate_limited: Option<bool>,
    #[serde(default)]
    pub judge_backoff_ms: Option<f64>,
    #[serde(default)]
    pub failure_reason: Option<FailureReason>,
}

/// Whether `slug` is a valid project slug: `^[a-z0-9-]+$`, at most 100 characters.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty() && slug.len() <= MAX_SLUG_CHARS && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `text` is a hyphenated UUID (8-4-4-4-12 hex digits, any case).
pub fn valid_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether `text` is an ISO 8601 date or date-time (`YYYY-MM-DD`, optionally `THH:MM[:SS[.f]]`
/// with `Z` or `±HH:MM`), with every part in range.
pub fn valid_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<u32> {
        let part = text.get(from..from + len)?;
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok()).flatten()
    };
    let (Some(year), Some(month), Some(day)) = (digits(0, 4), digits(5, 2), digits(8, 2)) else { return false };
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') || !(1..=12).contains(&month) {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1];
    if !(1..=days).contains(&day) {
        return false;
    }
    if bytes.len() == 10 {
        return true;
    }
    if !matches!(bytes.get(10), Some(b'T' | b't' | b' ')) {
        return false;
    }
    let (Some(hour), Some(minute)) = (digits(11, 2), digits(14, 2)) else { return false };
    if bytes.get(13) != Some(&b':') || hour > 23 || minute > 59 {
        return false;
    }
    let mut at = 16;
    if bytes.get(at) == Some(&b':') {
        let Some(second) = digits(17, 2) else { return false };
        if second > 60 {
            return false;
        }
        at = 19;
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            let start = at;
            while bytes.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            if at == start {
                return false;
            }
        }
    }
    match &text[at..] {
        "" | "Z" | "z" => true,
        zone => {
            let zone = zone.as_bytes();
            zone.len() == 6
                && matches!(zone[0], b'+' | b'-')
                && zone[3] == b':'
                && digits(at + 1, 2).is_some_and(|h| h <= 23)
                && digits(at + 4, 2).is_some_and(|m| m <= 59)
        }
    }
}

impl IngestPayload {
    /// Each evaluation as stored: JSON of the parsed value, so formatting and key order do
    /// not matter.
    pub fn bodies(&self) -> Vec<String> {
        self.evaluations.iter().map(|e| serde_json::to_string(e).unwrap_or_default()).collect()
    }

    /// What identifies a batch within its run: the SHA-256 of its evaluations' [`bodies`]
    /// (`Self::bodies`). The same batch sent twice has the same digest; two batches of a run
    /// almost never do.
    pub fn batch_digest(bodies: &[String]) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for body in bodies {
            hasher.update(body.as_bytes());
            hasher.update(b"\n");
        }
        hex::encode(hasher.finalize())
    }

    /// Checks every documented constraint; the error names the field (and index).
    pub fn validate(&self) -> Result<(), String> {
        if !valid_slug(&self.project_slug) {
            return Err(format!("project_slug must match ^[a-z0-9-]+$ with at most {MAX_SLUG_CHARS} characters"));
        }
        if !valid_uuid(&self.run_id) {
            return Err("run_id must be a UUID".into());
        }
        if !valid_timestamp(&self.run.started_at) {
            return Err("run.started_at must be an ISO 8601 timestamp".into());
        }
        if self.run.finished_at.as_deref().is_some_and(|t| !valid_timestamp(t)) {
            return Err("run.finished_at must be an ISO 8601 timestamp".into());
        }
        if self.evaluations.is_empty() || self.evaluations.len() > MAX_EVALUATIONS_PER_BATCH {
            return Err(format!("evaluations must hold 1 to {MAX_EVALUATIONS_PER_BATCH} items, not {}", self.evaluations.len()));
        }
        for (index, evaluation) in self.evaluations.iter().enumerate() {
            evaluation.validate().map_err(|problem| format!("evaluations[{index}].{problem}"))?;
        }
        Ok(())
    }
}

impl IngestedEvaluation {
    fn validate(&self) -> Result<(), String> {
        if self.test_name.trim().is_empty() {
            return Err("test_name must not be empty".into());
        }
        if self.reasoning.chars().count() > MAX_REASONING_CHARS {
            return Err(format!("reasoning must be at most {MAX_REASONING_CHARS} characters"));
        }
        match self.score {
            None if self.result != AssertionResult::Inconclusive => return Err("score may be null only when result is inconclusive".into()),
            Some(score) if !(0.0..=1.0).contains(&score) => return Err("score must be between 0.0 and 1.0".into()),
            _ => {}
        }
        if !self.judge_latency_ms.is_finite() || self.judge_latency_ms < 0.0 {
            return Err("judge_latency_ms must be a number of 0 or more".into());
        }
        if !self.threshold.is_finite() {
            return Err("threshold must be a number".into());
        }
        if self.judge_cost_usd.is_some_and(|c| !c.is_finite() || c < 0.0) {
            return Err("judge_cost_usd must be a number of 0 or more".into());
        }
        if self.judge_backoff_ms.is_some_and(|b| !b.is_finite() || b < 0.0) {
            return Err("judge_backoff_ms must be a number of 0 or more".into());
        }
        Ok(())
    }
}

/// A project (per team, by slug) that ingested runs belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Project {
    pub id: crate::Id,
    pub team_id: crate::Id,
    pub slug: String,
    pub name: String,
    pub created_at: i64,
}

/// An ingested run with its totals over every batch received.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngestedRun {
    pub project_slug: String,
    pub run_id: String,
    pub run: RunInfo,
    pub total: i64,
    pub passed: i64,
    pub failed: i64,
    pub inconclusive: i64,
    pub judge_cost_usd: f64,
    pub judge_latency_ms: f64,
    pub hardening_summary: HardeningSummary,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What one accepted batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    /// The batch was stored; `accepted` evaluations were added to the run.
    Stored { accepted: usize },
    /// The same batch was stored before: nothing changed.
    Duplicate,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload() -> Value {
        serde_json::json!({
            "project_slug": "checkout-bot",
            "run_id": "5f0c8a52-3c1e-4b8e-9d59-0c6a9f1e2b7a",
            "run": {"started_at": "2026-11-23T08:00:00Z", "hardening_summary": {"total_input_rejected": 1, "total_rate_limited": 0, "total_backoff_ms": 20}},
            "evaluations": [{
                "assertion_type": "groundedness", "test_name": "answers from the docs", "input_text": "q", "result": "pass",
                "score": 0.9, "reasoning": "grounded", "judge_model": "gpt-4o-mini", "judge_latency_ms": 120,
                "fallback_used": false, "threshold": 0.7
            }]
        })
    }

    fn problem(change: impl FnOnce(&mut Value)) -> String {
        let mut value = payload();
        change(&mut value);
        let parsed: IngestPayload = serde_json::from_value(value).expect("parses");
        parsed.validate().expect_err("refused")
    }

    #[test]
    fn a_valid_payload_passes() {
        let parsed: IngestPayload = serde_json::from_value(payload()).expect("parses");
        assert_eq!(parsed.validate(), Ok(()));
    }

    #[test]
    fn each_constraint_names_its_field() {
        assert!(problem(|v| v["project_slug"] = "Checkout".into()).starts_with("project_slug"));
        assert!(problem(|v| v["project_slug"] = "a".repeat(101).into()).starts_with("project_slug"));
        assert!(problem(|v| v["run_id"] = "not-a-uuid".into()).starts_with("run_id"));
        assert!(problem(|v| v["run"]["started_at"] = "yesterday".into()).starts_with("run.started_at"));
        assert!(problem(|v| v["run"]["finished_at"] = "2026-02-30T00:00:00Z".into()).starts_with("run.finished_at"));
        assert!(problem(|v| v["evaluations"] = serde_json::json!([])).starts_with("evaluations must hold"));
        let many = serde_json::json!(vec![payload()["evaluations"][0].clone(); 501]);
        assert!(problem(|v| v["evaluations"] = many).contains("not 501"));
        assert!(problem(|v| v["evaluations"][0]["reasoning"] = "x".repeat(5001).into()).starts_with("evaluations[0].reasoning"));
        assert!(problem(|v| v["evaluations"][0]["score"] = 1.5.into()).starts_with("evaluations[0].score"));
        assert!(problem(|v| v["evaluations"][0]["score"] = Value::Null).contains("only when result is inconclusive"));
        assert!(problem(|v| v["evaluations"][0]["judge_latency_ms"] = (-1).into()).starts_with("evaluations[0].judge_latency_ms"));
    }

    #[test]
    fn null_score_is_fine_when_inconclusive_but_the_key_is_required() {
        let mut value = payload();
        value["evaluations"][0]["result"] = "inconclusive".into();
        value["evaluations"][0]["score"] = Value::Null;
        let parsed: IngestPayload = serde_json::from_value(value.clone()).expect("parses");
        assert_eq!(parsed.validate(), Ok(()));
        value["evaluations"][0].as_object_mut().expect("object").remove("score");
        assert!(serde_json::from_value::<IngestPayload>(value).is_err());
    }

    #[test]
    fn timestamps_follow_iso_8601() {
        for good in ["2026-11-23", "2026-11-23T08:00Z", "2026-11-23T08:00:00.123456Z", "2024-02-29T23:59:59+05:30", "2026-11-23T08:00:00"] {
            assert!(valid_timestamp(good), "{good}");
        }
        for bad in ["2026-13-01", "2023-02-29", "2026-11-23T24:00:00Z", "2026-11-23T08:00:00.Z", "2026-11-23T08:00:00+5:30", "20261123", ""]
        {
            assert!(!valid_timestamp(bad), "{bad}");
        }
    }

    #[test]
    fn enums_refuse_unknown_words() {
        let mut value = payload();
        value["evaluations"][0]["assertion_type"] = "toxicity".into();
        assert!(serde_json::from_value::<IngestPayload>(value).is_err());
        assert_eq!(FailureReason::parse("parse_error"), Some(FailureReason::ParseError));
        assert_eq!(AssertionResult::Inconclusive.as_str(), "inconclusive");
    }
}
