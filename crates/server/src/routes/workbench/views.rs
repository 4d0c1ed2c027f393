//! The workbench's JSON shapes of evaluations, case runs and thread messages, and the rules
//! that derive what is not stored: an evaluation's status, result and insights, a case run's
//! fields from its outcome, and stable message ids.

use std::collections::BTreeMap;

use assay_core::{CaseRun, EvaluationState, ThreadMessage, WorkbenchEvaluation};
use serde_json::{Value, json};

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

/// The evaluation as `GET /evaluations/{id}` shows it, with its case runs.
pub fn evaluation(evaluation: &WorkbenchEvaluation, runs: &[CaseRun]) -> Value {
    let mut view = evaluation_fields(evaluation, runs);
    view["caseRuns"] = runs.iter().map(case_run).collect();
    view
}

/// The evaluation without its case runs (the SSE `object` payload sends them on their own);
/// `runs` feed the insights.
pub fn evaluation_fields(evaluation: &WorkbenchEvaluation, runs: &[CaseRun]) -> Value {
    let definition = &evaluation.definition;
    let mut view = json!({
        "id": evaluation.id,
        "promptID": evaluation.prompt_id,
        "revisionID": evaluation.revision_id,
        "evaluationTemplateID": evaluation.template_id,
        "name": evaluation.name,
        "promptContent": evaluation.prompt_content,
        "cases": definition.cases,
        "tools": definition.tools,
        "contexts": definition.contexts,
        "models": definition.models,
        "accessMode": definition.access_mode,
        "status": status(evaluation.state),
        "result": evaluation_result(evaluation),
        "insights": insights(evaluation, runs),
        "dateCreated": evaluation.created_at,
        "dateStarted": evaluation.started_at,
        "dateCompleted": evaluation.finished_at,
    });
    if let Some(reason) = abort_reason(evaluation) {
        view["abortReason"] = Value::from(reason);
    }
    view
}

/// The line of `GET /evaluations`.
pub fn evaluation_summary(evaluation: &WorkbenchEvaluation, runs: &[CaseRun], case_run_count: i64) -> Value {
    json!({
        "id": evaluation.id,
        "promptID": evaluation.prompt_id,
        "promptName": evaluation.prompt_name,
        "revisionID": evaluation.revision_id,
        "evaluationTemplateID": evaluation.template_id,
        "name": evaluation.name,
        "status": status(evaluation.state),
        "result": evaluation_result(evaluation),
        "insights": insights(evaluation, runs),
        "dateCreated": evaluation.created_at,
        "dateStarted": evaluation.started_at,
        "dateCompleted": evaluation.finished_at,
        "caseRunCount": case_run_count,
    })
}

/// Why an evaluation stopped early: the caller's reason, or the engine's failure.
pub fn abort_reason(evaluation: &WorkbenchEvaluation) -> Option<String> {
    matches!(evaluation.state, EvaluationState::Aborted | EvaluationState::Failed).then(|| evaluation.error.clone()).flatten()
}

fn case_fields(run: &CaseRun) -> Value {
    let outcome = run.outcome.as_ref();
    json!({
        "id": run.id,
        "evaluationID": run.evaluation_id,
        "definition": run.definition,
        "model": run.model,
        "status": run.status,
        "result": outcome.map_or("not_set", |o| o.result.as_str()),
        "assessment": outcome.map(|o| o.assessment.as_str()).unwrap_or_default(),
        "recommendation": outcome.map(|o| o.recommendation.as_str()).unwrap_or_default(),
        "attributes": outcome.map(|o| o.attributes.clone()).unwrap_or_default(),
        "hallucinations": outcome.map_or("none", |o| o.hallucinations.as_str()),
        "avgResponseTime": outcome.map_or(0, |o| o.avg_response_time),
        "lastError": run.error.clone().unwrap_or_default(),
        "abortReason": run.abort_reason.clone().unwrap_or_default(),
        "dateCreated": run.created_at,
        "dateStarted": outcome.map(|o| o.date_started),
        "dateUpdated": run.finished_at,
        "dateCompleted": run.finished_at,
    })
}

/// A case run with its thread (`GET /case-runs/{id}`, and inside an evaluation).
pub fn case_run(run: &CaseRun) -> Value {
    let mut view = case_fields(run);
    view["threadMessages"] = Value::from(messages(run));
    view
}

/// A case run's line in `GET /case-runs`: no thread, its length instead.
pub fn case_run_summary(run: &CaseRun) -> Value {
    let mut view = case_fields(run);
    view["threadMessageCount"] = Value::from(run.outcome.as_ref().map_or(0, |o| o.thread.len()));
    view
}

/// The thread's messages with ids derived from the case run's id and their position, so they
/// stay the same on every read without a table of their own.
pub fn messages(run: &CaseRun) -> Vec<Value> {
    let Some(outcome) = &run.outcome else { return Vec::new() };
    outcome.thread.iter().enumerate().map(|(index, message)| thread_message(run, index, message)).collect()
}

fn thread_message(run: &CaseRun, index: usize, message: &ThreadMessage) -> Value {
    json!({
        "id": message_id(run.id.as_str(), index),
        "caseRunID": run.id,
        "role": message.role,
        "type": "text",
        "content": message.content,
        "dateCreated": message.date_created,
    })
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
