//! One evaluation: its progress (live over SSE while it runs), scores per harness, scenario
//! and probe, the harness × converter heat map, its results with filters, each result's
//! transcript with the detectors' findings marked in the reply, cancel and re-run, and the
//! report downloads.

use std::collections::BTreeMap;

use assay_core::{ErrorCode, Evaluation, Id, JobResult, ProbeCounts, Role};
use assay_engine::Suite;
use assay_store::ResultFilter;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::highlight::marked_reply;
use super::page::{counts, csrf_field, date, page, pass_rate, percent, rate_bar, targets_text};
use super::session::{NoFields, Submitted, Viewer, non_empty, url_encode};
use crate::error::ApiError;
use crate::state::AppState;

const RESULTS_PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ResultsQuery {
    /// `1`: failed results only.
    failed: Option<String>,
    harness: Option<String>,
    detector: Option<String>,
    /// Results after this position (the next page).
    after: Option<i64>,
}

/// The team's evaluation, or 404 (another team's is missing too).
pub async fn owned(state: &AppState, viewer: &Viewer, raw_id: &str) -> Result<Evaluation, ApiError> {
    let id = Id::parse(raw_id).map_err(|_| ApiError::not_found())?;
    state.store.team_evaluation(viewer.team_id(), &id).await?.ok_or_else(ApiError::not_found)
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw_id): Path<String>,
    Query(query): Query<ResultsQuery>,
) -> Result<Response, ApiError> {
    let evaluation = owned(&state, &viewer, &raw_id).await?;
    let probes = state.store.probe_counts(&evaluation.id).await?;
    let suite: Option<Suite> = serde_json::from_value(evaluation.suite.clone()).ok();
    let grid = match &suite {
        Some(suite) if !suite.converters.is_empty() => state.store.converter_grid(&evaluation.id).await?,
        _ => Vec::new(),
    };
    let filter = ResultFilter {
        passed: (query.failed.as_deref() == Some("1")).then_some(false),
        harness: non_empty(&query.harness).map(str::to_owned),
        failed_by: non_empty(&query.detector).map(str::to_owned),
        ..ResultFilter::default()
    };
    let after = query.after.unwrap_or(-1);
    let results = state.store.results_after(&evaluation.id, &filter, after, RESULTS_PER_PAGE, false).await?;
    let last_event = state.store.latest_event_id(&evaluation.id).await?;
    let running = !evaluation.state.is_finished();
    let harnesses: Vec<&str> = {
        // Probe counts come ordered by probe id, not by harness.
        let mut names: Vec<&str> = probes.iter().map(|p| p.harness.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names
    };
    let detectors: Vec<&str> = assay_detectors::Registry::list().into_iter().map(|info| info.id).collect();
    let id = evaluation.id.as_str();
    let next_page = (results.len() as i64 == RESULTS_PER_PAGE).then(|| results.last().map(|r| r.seq)).flatten().map(|seq| {
        let mut pairs = vec![format!("after={seq}")];
        if filter.passed == Some(false) {
            pairs.push("failed=1".into());
        }
        if let Some(h) = &filter.harness {
            pairs.push(format!("harness={}", url_encode(h)));
        }
        if let Some(d) = &filter.failed_by {
            pairs.push(format!("detector={}", url_encode(d)));
        }
        format!("/ui/evaluations/{id}?{}#results", pairs.join("&"))
    });
    let body = html! {
        div.heading {
            h1 { (evaluation.name) }
            div.actions {
                @if running {
                    form method="post" action=(format!("/ui/evaluations/{id}/cancel")) {
                        (csrf_field(&viewer)) button.danger type="submit" { "Cancel" }
                    }
                }
                @if suite.is_some() {
                    form method="post" action=(format!("/ui/evaluations/{id}/rerun")) {
                        (csrf_field(&viewer)) button type="submit" { "Re-run" }
                    }
                }
                a.button href=(format!("/ui/compare?a={id}")) { "Compare…" }
            }
        }
        p.meta {
            "Target " strong { (targets_text(&serde_json::to_string(&evaluation.targets).unwrap_or_default())) }
            " · created " (date(evaluation.created_at))
            @if let Some(error) = &evaluation.error { " · " span.error { (error) } }
        }
        section #progress aria-labelledby="progress-title" data-evaluation=(id) data-state=(evaluation.state.as_str())
            data-started=[evaluation.started_at] data-last-event=(last_event) data-total=(evaluation.counts.total) {
            h2 #progress-title { "Progress " span.state class=(format!("state-{}", evaluation.state.as_str())) data-field="state" { (evaluation.state.as_str()) } }
            progress #progress-bar max=(evaluation.counts.total.max(1)) value=(evaluation.counts.done) aria-label="Results done" {}
            (counts(&evaluation.counts))
            p.live aria-live="polite" {
                "Score " strong data-field="score" { (percent(pass_rate(evaluation.counts.passed, evaluation.counts.failed))) }
                " · rate " span data-field="rate" { "–" } " results/s"
                " · ETA " span data-field="eta" { @if running { "–" } @else { "done" } }
            }
        }
        section aria-labelledby="scores-title" {
            h2 #scores-title { "Scores" }
            (scores(&probes))
        }
        @if !grid.is_empty() {
            section aria-labelledby="grid-title" {
                h2 #grid-title { "Harness × converter" }
                (heat_map(&grid))
            }
        }
        section #results aria-labelledby="results-title" {
            h2 #results-title { "Results" }
            form.filters method="get" action=(format!("/ui/evaluations/{id}#results")) {
                label { input type="checkbox" name="failed" value="1" checked[filter.passed == Some(false)]; " Failed only" }
                label { "Harness " select name="harness" {
                    option value="" { "All" }
                    @for name in &harnesses { option value=(name) selected[filter.harness.as_deref() == Some(*name)] { (name) } }
                } }
                label { "Failed by detector " select name="detector" {
                    option value="" { "Any" }
                    @for name in &detectors { option value=(name) selected[filter.failed_by.as_deref() == Some(*name)] { (name) } }
                } }
                button type="submit" { "Filter" }
            }
            p.downloads {
                "Reports: "
                a href=(format!("/ui/evaluations/{id}/report.html")) { "HTML" } " · "
                a href=(format!("/ui/evaluations/{id}/report.json")) download { "JSON" } " · "
                a href=(format!("/ui/evaluations/{id}/report.xml")) download { "JUnit" }
            }
            div.table-wrap {
                table.list #result-rows {
                    thead { tr { th scope="col" { "#" } th scope="col" { "Probe" } th scope="col" { "Converter" } th scope="col" { "Verdict" } th scope="col" { "Failed by" } th scope="col" { "Reply" } } }
                    tbody data-live=[(running && after < 0 && filter == ResultFilter::default()).then_some("append")] {
                        @for result in &results { (result_row(id, result)) }
                    }
                }
            }
            @if results.is_empty() { p.empty #no-results { "No results match yet." } }
            @if let Some(next) = next_page { nav.pager aria-label="Result pages" { a rel="next" href=(next) { "More results →" } } }
        }
    };
    Ok(page(&evaluation.name, Some(&viewer), "/ui/", body))
}

fn verdict(result: &JobResult) -> (&'static str, &'static str) {
    match (result.passed, result.error.is_some()) {
        (_, true) => ("error", "verdict-error"),
        (Some(true), _) => ("passed", "verdict-pass"),
        (Some(false), _) => ("failed", "verdict-fail"),
        (None, _) => ("unscorable", "verdict-unscorable"),
    }
}

fn result_row(evaluation_id: &str, result: &JobResult) -> Markup {
    let (word, class) = verdict(result);
    let reply = result.messages.iter().rev().find(|m| m.role == Role::Assistant).map_or("", |m| m.content.as_str());
    let snippet: String = reply.chars().take(120).collect();
    let failed_by: Vec<&str> = result.detections.iter().filter(|d| !d.passed && !d.unscorable).map(|d| d.detector.as_str()).collect();
    html! {
        tr {
            td { a href=(format!("/ui/evaluations/{evaluation_id}/results/{}", result.seq)) { (result.seq) } }
            td { (result.probe_id) }
            td { (result.converter.as_deref().unwrap_or("—")) }
            td { span class=(class) { (word) } }
            td { (failed_by.join(", ")) }
            td.snippet { (snippet) @if reply.chars().count() > 120 { "…" } }
        }
    }
}

/// Bars per harness, then per scenario and probe inside a disclosure.
fn scores(probes: &[ProbeCounts]) -> Markup {
    let mut by_harness: BTreeMap<&str, BTreeMap<&str, Vec<&ProbeCounts>>> = BTreeMap::new();
    for probe in probes {
        by_harness.entry(&probe.harness).or_default().entry(&probe.scenario).or_default().push(probe);
    }
    let sum = |items: &mut dyn Iterator<Item = &&ProbeCounts>| items.fold((0, 0), |(p, f), c| (p + c.counts.passed, f + c.counts.failed));
    html! {
        @if probes.is_empty() { p.empty { "No probe results to score (this evaluation is not made of probes)." } }
        @for (harness, scenarios) in &by_harness {
            @let (passed, failed) = sum(&mut scenarios.values().flatten());
            div.harness {
                (rate_bar(harness, passed, failed))
                details {
                    summary { "Scenarios and probes of " (harness) }
                    @for (scenario, items) in scenarios {
                        @let (passed, failed) = sum(&mut items.iter());
                        div.scenario {
                            (rate_bar(scenario, passed, failed))
                            @for probe in items { div.probe { (rate_bar(&probe.probe_id, probe.counts.passed, probe.counts.failed)) } }
                        }
                    }
                }
            }
        }
    }
}

fn heat_map(grid: &[assay_store::GridCell]) -> Markup {
    let converters: Vec<Option<&str>> = {
        let mut all: Vec<Option<&str>> = grid.iter().map(|c| c.converter.as_deref()).collect();
        all.sort_unstable();
        all.dedup();
        all
    };
    let mut harnesses: Vec<&str> = grid.iter().map(|c| c.harness.as_str()).collect();
    harnesses.dedup();
    html! {
        div.table-wrap {
            table.heat {
                caption.visually-hidden { "Pass rate per harness and converter" }
                thead { tr { th scope="col" { "Harness" } @for c in &converters { th scope="col" { (c.unwrap_or("as written")) } } } }
                tbody {
                    @for harness in &harnesses {
                        tr {
                            th scope="row" { (harness) }
                            @for converter in &converters {
                                @let cell = grid.iter().find(|c| c.harness == *harness && c.converter.as_deref() == *converter);
                                @let rate = cell.and_then(|c| pass_rate(c.passed, c.failed));
                                td class=(heat_class(rate)) {
                                    (percent(rate))
                                    @if let Some(cell) = cell { small { " (" (cell.passed) "/" (cell.passed + cell.failed) ")" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn heat_class(rate: Option<f64>) -> &'static str {
    match rate {
        None => "heat-none",
        Some(r) if r >= 0.95 => "heat-4",
        Some(r) if r >= 0.8 => "heat-3",
        Some(r) if r >= 0.5 => "heat-2",
        Some(r) if r > 0.0 => "heat-1",
        Some(_) => "heat-0",
    }
}

pub async fn result(State(state): State<AppState>, viewer: Viewer, Path((raw_id, seq)): Path<(String, i64)>) -> Result<Response, ApiError> {
    let evaluation = owned(&state, &viewer, &raw_id).await?;
    let result = state.store.result(&evaluation.id, seq).await?.ok_or_else(ApiError::not_found)?;
    let (word, class) = verdict(&result);
    let last_reply = result.messages.iter().rposition(|m| m.role == Role::Assistant);
    let id = evaluation.id.as_str();
    let body = html! {
        p.crumbs { a href=(format!("/ui/evaluations/{id}")) { "← " (evaluation.name) } }
        div.heading { h1 { "Result " (result.seq) } span class=(class) { (word) } }
        p.meta {
            "Probe " strong { (result.probe_id) } " · " (result.harness) " / " (result.scenario)
            @if let Some(converter) = &result.converter { " · converter " strong { (converter) } }
            " · " (result.latency_ms) " ms · " (result.prompt_tokens) "+" (result.completion_tokens) " tokens"
        }
        @if let Some(error) = &result.error { p.error role="alert" { (error) } }
        section aria-labelledby="transcript-title" {
            h2 #transcript-title { "Transcript" }
            ol.transcript {
                @for (index, message) in result.messages.iter().enumerate() {
                    li class=(format!("turn turn-{}", role_name(message.role))) {
                        span.role { (role_name(message.role)) }
                        div.content {
                            @if Some(index) == last_reply { (marked_reply(&message.content, &result.detections)) }
                            @else { (message.content) }
                        }
                    }
                }
            }
        }
        section aria-labelledby="detections-title" {
            h2 #detections-title { "Detectors" }
            div.table-wrap {
                table.list {
                    thead { tr { th scope="col" { "Detector" } th scope="col" { "Verdict" } th scope="col" { "Score" } th scope="col" { "Confidence" } th scope="col" { "Reasoning" } th scope="col" { "Findings" } } }
                    tbody {
                        @for detection in &result.detections {
                            tr {
                                td { (detection.detector) }
                                td {
                                    @if detection.unscorable { span.verdict-unscorable { "unscorable" } }
                                    @else if detection.passed { span.verdict-pass { "passed" } }
                                    @else { span.verdict-fail { "failed" } }
                                }
                                td { (format!("{:.2}", detection.score)) }
                                td { (format!("{:.2}", detection.confidence)) }
                                td { (detection.reasoning) }
                                td { @for finding in &detection.findings { span.finding { (finding.kind) ": " code { (finding.value) } } " " } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&format!("Result {} of {}", result.seq, evaluation.name), Some(&viewer), "/ui/", body))
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    submitted: Submitted<NoFields>,
) -> Result<Response, ApiError> {
    let evaluation = owned(&state, &submitted.viewer, &raw_id).await?;
    state.store.cancel_evaluation(&evaluation.id).await?;
    Ok(Redirect::to(&format!("/ui/evaluations/{}", evaluation.id)).into_response())
}

pub async fn rerun(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    submitted: Submitted<NoFields>,
) -> Result<Response, ApiError> {
    let evaluation = owned(&state, &submitted.viewer, &raw_id).await?;
    let suite: Suite =
        serde_json::from_value(evaluation.suite.clone()).map_err(|_| ApiError::invalid("Only scans can be re-run from here."))?;
    let again = state.engine.create_evaluation(submitted.viewer.team_id(), &evaluation.name, &suite, &evaluation.targets).await?;
    state.engine.wake();
    Ok(Redirect::to(&format!("/ui/evaluations/{}", again.id)).into_response())
}

/// `report.html`, `report.json` or `report.xml` (JUnit).
pub async fn report(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((raw_id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let evaluation = owned(&state, &viewer, &raw_id).await?;
    let mut out = Vec::new();
    let summary = state.store.evaluation_summary(&evaluation.id).await?;
    let (content_type, written) = match file.as_str() {
        "report.html" => {
            ("text/html; charset=utf-8", assay_engine::report::write_html(&state.store, &evaluation, &summary, &mut out).await)
        }
        "report.json" => ("application/json", assay_engine::report::write_json(&state.store, &evaluation, &summary, &mut out).await),
        "report.xml" => ("application/xml", assay_engine::report::write_junit(&state.store, &evaluation, &mut out).await),
        _ => return Err(ApiError::not_found()),
    };
    written.map_err(|error| {
        tracing::error!(error = %error, "cannot write a report");
        ApiError::new(ErrorCode::Internal)
    })?;
    let mut response = (StatusCode::OK, out).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if file != "report.html" {
        let disposition = format!("attachment; filename=\"assay-{}-{file}\"", evaluation.id);
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}
