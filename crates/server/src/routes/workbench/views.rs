//! The workbench's JSON shapes of evaluations, case runs and thread messages (typed, so the
//! OpenAPI document describes exactly what is sent), and the rules that derive what is not
//! stored: an evaluation's status, result and insights, a case run's fields from its outcome,
//! and stable message ids.

use std::collections::BTreeMap;

use assay_core::{
    AccessMode, CaseDefinition, CaseRun, ContextDefinition, EvaluationState, ThreadMessage, ToolDefinition, WorkbenchEvaluation,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::definitions;

/// The workbench status of an engine state (`failed`, an evaluation whose targets could not
/// be built, shows as `aborted` with the reason).
pub fn status(state: EvaluationState) -> &'static str {
    match state {
        EvaluationState::Pending => "pending",
        EvaluationState::Running => "running",
        EvaluationState::Completed => "completed",
        EvaluationState::Aborted | EvaluationState::Failed => "aborted",
    }
}

/// `not_set` until completed; then `passed` when every case run passed, `failed` when none
/// did, `partially_passed` otherwise.
pub fn evaluation_result(evaluation: &WorkbenchEvaluation) -> &'static str {
    let counts = &evaluation.counts;
    if evaluation.state != EvaluationState::Completed || counts.total == 0 {
        "not_set"
    } else if counts.passed == counts.total {
        "passed"
    } else if counts.passed == 0 {
        "failed"
    } else {
        "partially_passed"
    }
}

/// A plain summary of the case runs: how many passed, the most frequent problems, and what
/// went wrong in the failing ones.
pub fn insights(evaluation: &WorkbenchEvaluation, runs: &[CaseRun]) -> String {
    if runs.is_empty() {
        return "No case runs.".to_owned();
    }
    let finished: Vec<&CaseRun> = runs.iter().filter(|r| r.status == "completed" || r.status == "error").collect();
    if finished.is_empty() {
        return format!("{} case run(s) {}.", runs.len(), if evaluation.state.is_finished() { "did not run" } else { "in progress" });
    }
    let passed = finished.iter().filter(|r| r.outcome.as_ref().is_some_and(|o| o.result == "passed")).count();
    let errors = finished.iter().filter(|r| r.status == "error").count();
    let mut text = format!("{passed} of {} case run(s) passed", finished.len());
    if errors > 0 {
        text.push_str(&format!(", {errors} could not be judged"));
    }
    text.push('.');
    let mut attributes: BTreeMap<&str, usize> = BTreeMap::new();
    for outcome in finished.iter().filter_map(|r| r.outcome.as_ref()) {
        for attribute in &outcome.attributes {
            *attributes.entry(attribute.as_str()).or_default() += 1;
        }
    }
    if !attributes.is_empty() {
        let mut frequent: Vec<(&str, usize)> = attributes.into_iter().collect();
        frequent.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let listed: Vec<String> = frequent.iter().take(3).map(|(name, n)| format!("{name} ({n})")).collect();
        text.push_str(&format!(" Frequent issues: {}.", listed.join(", ")));
    }
    for run in finished.iter().filter(|r| r.outcome.as_ref().is_none_or(|o| o.result != "passed")).take(3) {
        let why = match (&run.error, &run.outcome) {
            (Some(error), _) => error.clone(),
            (None, Some(outcome)) if !outcome.assessment.is_empty() => outcome.assessment.clone(),
            _ => "no assessment".to_owned(),
        };
        text.push_str(&format!(" \"{}\" on {}: {why}", run.definition.title, run.model));
        if !text.ends_with('.') {
            text.push('.');
        }
    }
    text
}

/// An evaluation without its case runs: the SSE `object` payload of type `Evaluation`, and
/// the base of [`WorkbenchEvaluationDetail`].
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkbenchEvaluationView {
    id: String,
    #[serde(rename = "promptID")]
    prompt_id: Option<String>,
    #[serde(rename = "revisionID")]
    revision_id: Option<String>,
    #[serde(rename = "evaluationTemplateID")]
    evaluation_template_id: Option<String>,
    name: String,
    prompt_content: String,
    #[schema(value_type = Vec<definitions::CaseDefinition>)]
    cases: Vec<CaseDefinition>,
    #[schema(value_type = Vec<definitions::ToolDefinition>)]
    tools: Vec<ToolDefinition>,
    #[schema(value_type = Vec<definitions::ContextDefinition>)]
    contexts: Vec<ContextDefinition>,
    /// Ids from `GET /api/v1/models`.
    models: Vec<String>,
    #[schema(value_type = definitions::AccessMode)]
    access_mode: AccessMode,
    /// `pending`, `running`, `completed` or `aborted`.
    status: &'static str,
    /// `not_set`, `passed`, `partially_passed` or `failed`.
    result: &'static str,
    insights: String,
    /// Unix seconds.
    date_created: i64,
    date_started: Option<i64>,
    date_completed: Option<i64>,
    /// Only when aborted: the caller's reason, or why the engine could not run it.
    #[serde(skip_serializing_if = "Option::is_none")]
    abort_reason: Option<String>,
}

/// The evaluation as `GET /evaluations/{id}` shows it, with its case runs.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkbenchEvaluationDetail {
    #[serde(flatten)]
    evaluation: WorkbenchEvaluationView,
    case_runs: Vec<CaseRunDetail>,
}

/// The evaluation as `GET /evaluations/{id}` shows it, with its case runs.
pub fn evaluation(evaluation: &WorkbenchEvaluation, runs: &[CaseRun]) -> WorkbenchEvaluationDetail {
    WorkbenchEvaluationDetail { evaluation: evaluation_fields(evaluation, runs), case_runs: runs.iter().map(case_run).collect() }
}

/// The evaluation without its case runs (the SSE `object` payload sends them on their own);
/// `runs` feed the insights.
pub fn evaluation_fields(evaluation: &WorkbenchEvaluation, runs: &[CaseRun]) -> WorkbenchEvaluationView {
    let definition = &evaluation.definition;
    WorkbenchEvaluationView {
        id: evaluation.id.to_string(),
        prompt_id: evaluation.prompt_id.clone(),
        revision_id: evaluation.revision_id.clone(),
        evaluation_template_id: evaluation.template_id.clone(),
        name: evaluation.name.clone(),
        prompt_content: evaluation.prompt_content.clone(),
        cases: definition.cases.clone(),
        tools: definition.tools.clone(),
        contexts: definition.contexts.clone(),
        models: definition.models.clone(),
        access_mode: definition.access_mode,
        status: status(evaluation.state),
        result: evaluation_result(evaluation),
        insights: insights(evaluation, runs),
        date_created: evaluation.created_at,
        date_started: evaluation.started_at,
        date_completed: evaluation.finished_at,
        abort_reason: abort_reason(evaluation),
    }
}

/// The line of `GET /evaluations`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkbenchEvaluationSummary {
    id: String,
    #[serde(rename = "promptID")]
    prompt_id: Option<String>,
    prompt_name: Option<String>,
    #[serde(rename = "revisionID")]
    revision_id: Option<String>,
    #[serde(rename = "evaluationTemplateID")]
    evaluation_template_id: Option<String>,
    name: String,
    /// `pending`, `running`, `completed` or `aborted`.
    status: &'static str,
    /// `not_set`, `passed`, `partially_passed` or `failed`.
    result: &'static str,
    insights: String,
    date_created: i64,
    date_started: Option<i64>,
    date_completed: Option<i64>,
    case_run_count: i64,
}

/// The line of `GET /evaluations`.
pub fn evaluation_summary(evaluation: &WorkbenchEvaluation, runs: &[CaseRun], case_run_count: i64) -> WorkbenchEvaluationSummary {
    WorkbenchEvaluationSummary {
        id: evaluation.id.to_string(),
        prompt_id: evaluation.prompt_id.clone(),
        prompt_name: evaluation.prompt_name.clone(),
        revision_id: evaluation.revision_id.clone(),
        evaluation_template_id: evaluation.template_id.clone(),
        name: evaluation.name.clone(),
        status: status(evaluation.state),
        result: evaluation_result(evaluation),
        insights: insights(evaluation, runs),
        date_created: evaluation.created_at,
        date_started: evaluation.started_at,
        date_completed: evaluation.finished_at,
        case_run_count,
    }
}

/// Why an evaluation stopped early: the caller's reason, or the engine's failure.
pub fn abort_reason(evaluation: &WorkbenchEvaluation) -> Option<String> {
    matches!(evaluation.state, EvaluationState::Aborted | EvaluationState::Failed).then(|| evaluation.error.clone()).flatten()
}

/// A case run without its thread: the SSE `object` payload of type `CaseRun` carries it with
/// `threadMessageCount`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseRunView {
    id: String,
    #[serde(rename = "evaluationID")]
    evaluation_id: String,
    #[schema(value_type = definitions::CaseDefinition)]
    definition: CaseDefinition,
    model: String,
    /// `pending`, `running`, `completed`, `aborted` or `error`.
    status: String,
    /// `not_set`, `passed` or `failed`.
    result: String,
    assessment: String,
    recommendation: String,
    attributes: Vec<String>,
    /// `none`, `low` or `high`.
    hallucinations: String,
    /// Mean latency of the model's replies, in milliseconds.
    avg_response_time: u64,
    last_error: String,
    abort_reason: String,
    /// Unix seconds.
    date_created: i64,
    date_started: Option<i64>,
    date_updated: Option<i64>,
    date_completed: Option<i64>,
}

fn case_fields(run: &CaseRun) -> CaseRunView {
    let outcome = run.outcome.as_ref();
    CaseRunView {
        id: run.id.to_string(),
        evaluation_id: run.evaluation_id.to_string(),
        definition: run.definition.clone(),
        model: run.model.clone(),
        status: run.status.clone(),
        result: outcome.map_or("not_set", |o| o.result.as_str()).to_owned(),
        assessment: outcome.map(|o| o.assessment.clone()).unwrap_or_default(),
        recommendation: outcome.map(|o| o.recommendation.clone()).unwrap_or_default(),
        attributes: outcome.map(|o| o.attributes.clone()).unwrap_or_default(),
        hallucinations: outcome.map_or("none", |o| o.hallucinations.as_str()).to_owned(),
        avg_response_time: outcome.map_or(0, |o| o.avg_response_time),
        last_error: run.error.clone().unwrap_or_default(),
        abort_reason: run.abort_reason.clone().unwrap_or_default(),
        date_created: run.created_at,
        date_started: outcome.map(|o| o.date_started),
        date_updated: run.finished_at,
        date_completed: run.finished_at,
    }
}

/// A case run with its thread (`GET /case-runs/{id}`, and inside an evaluation).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseRunDetail {
    #[serde(flatten)]
    run: CaseRunView,
    thread_messages: Vec<ThreadMessageView>,
}

/// A case run with its thread (`GET /case-runs/{id}`, and inside an evaluation).
pub fn case_run(run: &CaseRun) -> CaseRunDetail {
    CaseRunDetail { run: case_fields(run), thread_messages: messages(run) }
}

/// A case run's line in `GET /case-runs` and the SSE `CaseRun` object: no thread, its length
/// instead.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseRunSummary {
    #[serde(flatten)]
    run: CaseRunView,
    thread_message_count: usize,
}

/// A case run's line in `GET /case-runs`: no thread, its length instead.
pub fn case_run_summary(run: &CaseRun) -> CaseRunSummary {
    CaseRunSummary { run: case_fields(run), thread_message_count: run.outcome.as_ref().map_or(0, |o| o.thread.len()) }
}

/// One message of a case run's thread (the SSE `CaseThreadMessage` object).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ThreadMessageView {
    id: String,
    #[serde(rename = "caseRunID")]
    case_run_id: String,
    /// `system`, `user`, `assistant`, `tool` or `result`.
    role: String,
    /// Always `text`.
    #[serde(rename = "type")]
    kind: &'static str,
    content: String,
    /// Unix seconds.
    date_created: i64,
}

/// The thread's messages with ids derived from the case run's id and their position, so they
/// stay the same on every read without a table of their own.
pub fn messages(run: &CaseRun) -> Vec<ThreadMessageView> {
    let Some(outcome) = &run.outcome else { return Vec::new() };
    outcome.thread.iter().enumerate().map(|(index, message)| thread_message(run, index, message)).collect()
}

fn thread_message(run: &CaseRun, index: usize, message: &ThreadMessage) -> ThreadMessageView {
    ThreadMessageView {
        id: message_id(run.id.as_str(), index),
        case_run_id: run.id.to_string(),
        role: message.role.clone(),
        kind: "text",
        content: message.content.clone(),
        date_created: message.date_created,
    }
}

/// The first 18 hex digits of the case run id, then the position in 6: unique per run, and
/// across runs as unique as the runs' own random digits.
pub fn message_id(case_run_id: &str, index: usize) -> String {
    let prefix: String = case_run_id.chars().take(18).collect();
    format!("{prefix}{:06x}", index & 0x00ff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_24_hex_and_distinct_per_position() {
        let first = message_id("687514635616db903d042830", 0);
        let second = message_id("687514635616db903d042830", 1);
        assert_eq!(first.len(), 24);
        assert!(first.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(first, second);
        assert!(assay_core::Id::parse(&second).is_ok());
    }
}
