//! The OpenAPI schemas of `assay_core::ingest`'s wire types: the ingest document the reporter
//! sends and the runs and evaluations read back. Core has no OpenAPI dependency, so these
//! mirror its serde shapes for the document only (the tests below keep the fields equal), with
//! the constraints `IngestPayload::validate` enforces.

#![allow(dead_code, reason = "documentation only: the types on the wire are assay_core's")]

use utoipa::ToSchema;

/// One batch of a run's evaluations (the reporter's `IngestPayload`).
#[derive(ToSchema)]
pub struct IngestPayload {
    #[schema(pattern = "^[a-z0-9-]+$", max_length = 100)]
    project_slug: String,
    /// A UUID; batches of one run share it.
    #[schema(pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    run_id: String,
    run: RunInfo,
    #[schema(min_items = 1, max_items = 500)]
    evaluations: Vec<IngestedEvaluation>,
}

#[derive(ToSchema)]
pub struct RunInfo {
    /// ISO 8601 date or date-time.
    started_at: String,
    /// ISO 8601 date or date-time.
    finished_at: Option<String>,
    ci_provider: Option<String>,
    ci_run_url: Option<String>,
    branch: Option<String>,
    commit_sha: Option<String>,
    #[schema(value_type = Option<Object>)]
    metadata: Option<serde_json::Map<String, serde_json::Value>>,
    hardening_summary: Option<HardeningSummary>,
}

#[derive(ToSchema)]
pub struct HardeningSummary {
    total_input_rejected: u64,
    total_rate_limited: u64,
    total_backoff_ms: u64,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AssertionType {
    Groundedness,
    Pii,
    Sentiment,
    Schema,
    Fuzzy,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AssertionResult {
    Pass,
    Fail,
    Inconclusive,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ThresholdSource {
    Inline,
    Remote,
    Default,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum FailureReason {
    ProviderError,
    RateLimited,
    Timeout,
    ParseError,
}

/// One assertion's outcome, as the reporter sends it.
#[derive(ToSchema)]
pub struct IngestedEvaluation {
    assertion_type: AssertionType,
    /// Not blank.
    test_name: String,
    test_file: Option<String>,
    input_text: String,
    context_text: Option<String>,
    expected_value: Option<String>,
    result: AssertionResult,
    /// Required; `null` only when `result` is `inconclusive`.
    #[schema(required = true, minimum = 0.0, maximum = 1.0)]
    score: Option<f64>,
    #[schema(max_length = 5000)]
    reasoning: String,
    judge_model: String,
    #[schema(minimum = 0.0)]
    judge_latency_ms: f64,
    judge_input_tokens: Option<u64>,
    judge_output_tokens: Option<u64>,
    #[schema(minimum = 0.0)]
    judge_cost_usd: Option<f64>,
    fallback_used: bool,
    threshold: f64,
    threshold_source: Option<ThresholdSource>,
    input_truncated: Option<bool>,
    injection_detected: Option<bool>,
    rate_limited: Option<bool>,
    #[schema(minimum = 0.0)]
    judge_backoff_ms: Option<f64>,
    failure_reason: Option<FailureReason>,
}

/// An ingested run with its totals over every batch received.
#[derive(ToSchema)]
pub struct IngestedRun {
    project_slug: String,
    run_id: String,
    run: RunInfo,
    total: i64,
    passed: i64,
    failed: i64,
    inconclusive: i64,
    judge_cost_usd: f64,
    judge_latency_ms: f64,
    hardening_summary: HardeningSummary,
    /// Unix seconds.
    created_at: i64,
    updated_at: i64,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use assay_core::ingest as core;
    use utoipa::PartialSchema;
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;

    use super::*;

    fn documented<T: PartialSchema>() -> BTreeSet<String> {
        let RefOr::T(Schema::Object(object)) = T::schema() else { panic!("not an object schema") };
        object.properties.keys().cloned().collect()
    }

    fn served(value: &serde_json::Value) -> BTreeSet<String> {
        value.as_object().expect("an object").keys().cloned().collect()
    }

    fn run_info() -> core::RunInfo {
        serde_json::from_value(serde_json::json!({"started_at": "2025-01-01"})).expect("a run")
    }

    #[test]
    fn each_mirror_has_the_fields_core_serializes() {
        let run = serde_json::to_value(run_info()).expect("serializes");
        assert_eq!(documented::<RunInfo>(), served(&run));
        let summary = serde_json::to_value(core::HardeningSummary::default()).expect("serializes");
        assert_eq!(documented::<HardeningSummary>(), served(&summary));
        let evaluation: core::IngestedEvaluation = serde_json::from_value(serde_json::json!({
            "assertion_type": "pii", "test_name": "t", "input_text": "i", "result": "pass", "score": 1.0, "reasoning": "r",
            "judge_model": "m", "judge_latency_ms": 1.0, "fallback_used": false, "threshold": 0.5,
        }))
        .expect("an evaluation");
        assert_eq!(documented::<IngestedEvaluation>(), served(&serde_json::to_value(&evaluation).expect("serializes")));
        let ingested = core::IngestedRun {
            project_slug: String::new(),
            run_id: String::new(),
            run: run_info(),
            total: 0,
            passed: 0,
            failed: 0,
            inconclusive: 0,
            judge_cost_usd: 0.0,
            judge_latency_ms: 0.0,
            hardening_summary: core::HardeningSummary::default(),
            created_at: 0,
            updated_at: 0,
        };
        assert_eq!(documented::<IngestedRun>(), served(&serde_json::to_value(ingested).expect("serializes")));
    }

    #[test]
    fn the_payload_mirror_names_the_fields_core_reads() {
        let values = serde_json::json!({
            "project_slug": "p", "run_id": "r", "run": {"started_at": "2025-01-01"}, "evaluations": [],
        });
        let body: serde_json::Map<String, serde_json::Value> = documented::<IngestPayload>()
            .into_iter()
            .map(|name| {
                let value = values.get(&name).unwrap_or_else(|| panic!("{name} is not a field core reads")).clone();
                (name, value)
            })
            .collect();
        let payload: core::IngestPayload = serde_json::from_value(body.into()).expect("core reads the documented fields");
        assert_eq!((payload.project_slug.as_str(), payload.run_id.as_str()), ("p", "r"));
    }
}
