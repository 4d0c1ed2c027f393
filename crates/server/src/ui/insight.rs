//! Reading across evaluations: trends (a target's or an ingest project's pass rate over
//! time, one line per harness or assertion type, drawn as SVG) and the comparison of two
//! evaluations probe by probe, with the probes that flipped between them first.

use std::collections::{BTreeMap, BTreeSet};

use assay_core::ProbeCounts;
use assay_store::TrendPoint;
use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::evaluation::owned;
use super::page::{date, page, pass_rate, percent, targets_text};
use super::session::{Viewer, url_encode};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct TrendQuery {
    /// A target list as stored (`["mock"]`).
    target: Option<String>,
    /// An ingest project's slug.
    project: Option<String>,
}

pub async fn trends(State(state): State<AppState>, viewer: Viewer, Query(query): Query<TrendQuery>) -> Result<Response, ApiError> {
    let targets = state.store.evaluated_targets(viewer.team_id(), 50).await?;
    let projects = state.store.projects(viewer.team_id()).await?;
    let target = query.target.as_deref().filter(|t| !t.is_empty()).or(if query.project.is_none() {
        targets.first().map(String::as_str)
    } else {
        None
    });
    let (title, points) = match (&query.project, target) {
        (Some(slug), _) => {
            let points = state.store.project_trend(viewer.team_id(), slug).await?.ok_or_else(ApiError::not_found)?;
            (format!("Ingest project {slug}"), points)
        }
        (None, Some(target)) => (format!("Target {}", targets_text(target)), state.store.target_trend(viewer.team_id(), target).await?),
        (None, None) => (String::new(), Vec::new()),
    };
    let body = html! {
        h1 { "Trends" }
        nav.pickers aria-label="What to chart" {
            @if !targets.is_empty() {
                div { h2 { "Targets" } ul { @for t in &targets { li { a href=(format!("/ui/trends?target={}", url_encode(t))) aria-current=[(Some(t.as_str()) == target && query.project.is_none()).then_some("page")] { (targets_text(t)) } } } } }
            }
            @if !projects.is_empty() {
                div { h2 { "Ingest projects" } ul { @for p in &projects { li { a href=(format!("/ui/trends?project={}", url_encode(&p.slug))) aria-current=[(query.project.as_deref() == Some(p.slug.as_str())).then_some("page")] { (p.slug) } } } } }
            }
        }
        @if title.is_empty() {
            p.empty { "Nothing to chart yet: run a scan or ingest a run." }
        } @else {
            section aria-labelledby="trend-title" {
                h2 #trend-title { (title) }
                (chart(&points))
                (trend_table(&points, query.project.is_none()))
            }
        }
    };
    Ok(page("Trends", Some(&viewer), "/ui/trends", body))
}

/// The series of a trend, each a list of (point index, pass rate).
fn series(points: &[TrendPoint]) -> BTreeMap<&str, Vec<(usize, f64)>> {
    let mut lines: BTreeMap<&str, Vec<(usize, f64)>> = BTreeMap::new();
    for (index, point) in points.iter().enumerate() {
        for (name, passed, failed) in &point.series {
            if let Some(rate) = pass_rate(*passed, *failed) {
                lines.entry(name.as_str()).or_default().push((index, rate));
            }
        }
    }
    lines
}

/// One line per series over the points, pass rate 0–100 % upwards.
fn chart(points: &[TrendPoint]) -> Markup {
    let lines = series(points);
    let (width, height, pad) = (720.0_f64, 260.0_f64, 36.0_f64);
    let step = if points.len() > 1 { (width - 2.0 * pad) / (points.len() - 1) as f64 } else { 0.0 };
    let x = |i: usize| pad + step * i as f64;
    let y = |rate: f64| height - pad - rate * (height - 2.0 * pad);
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {width} {height}")) role="img" aria-labelledby="chart-desc" {
                desc #chart-desc { "Pass rate per series over the latest " (points.len()) " evaluations, oldest on the left." }
                @for tick in [0.0, 0.5, 1.0] {
                    line.grid x1=(pad) x2=(width - pad) y1=(y(tick)) y2=(y(tick)) {}
                    text.axis x="2" y=(y(tick) + 4.0) { (format!("{:.0}%", tick * 100.0)) }
                }
                @for (index, (name, line)) in lines.iter().enumerate() {
                    @let path: Vec<String> = line.iter().map(|(i, r)| format!("{:.1},{:.1}", x(*i), y(*r))).collect();
                    polyline class=(format!("series series-{}", index % 8)) points=(path.join(" ")) { title { (name) } }
                    @for (i, r) in line { circle class=(format!("series series-{}", index % 8)) cx=(format!("{:.1}", x(*i))) cy=(format!("{:.1}", y(*r))) r="3" { title { (name) ": " (percent(Some(*r))) } } }
                }
            }
            figcaption {
                ul.legend { @for (index, name) in lines.keys().enumerate() { li { span class=(format!("swatch series-{}", index % 8)) {} (name) } } }
            }
        }
    }
}

fn trend_table(points: &[TrendPoint], linked: bool) -> Markup {
    let names: BTreeSet<&str> = points.iter().flat_map(|p| p.series.iter().map(|(n, _, _)| n.as_str())).collect();
    html! {
        div.table-wrap {
            table.list {
                caption.visually-hidden { "The same figures as a table" }
                thead { tr { th scope="col" { "When" } th scope="col" { "Evaluation" } @for n in &names { th scope="col" { (n) } } } }
                tbody {
                    @for point in points.iter().rev() {
                        tr {
                            td { (date(point.created_at)) }
                            td { @if linked { a href=(format!("/ui/evaluations/{}", point.id)) { (point.name) } } @else { (point.name) } }
                            @for n in &names {
                                @let cell = point.series.iter().find(|(s, _, _)| s == n);
                                td { (percent(cell.and_then(|(_, p, f)| pass_rate(*p, *f)))) }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CompareQuery {
    a: Option<String>,
    b: Option<String>,
}

/// How a probe moved from the first evaluation to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    /// Passed everything before, fails some now.
    Broke,
    /// Failed some before, passes everything now.
    Fixed,
    Changed,
    Same,
    Added,
    Removed,
}

fn change(before: Option<&ProbeCounts>, after: Option<&ProbeCounts>) -> Change {
    let clean = |c: &ProbeCounts| c.counts.failed == 0 && c.counts.passed > 0;
    let rate = |c: &ProbeCounts| pass_rate(c.counts.passed, c.counts.failed);
    match (before, after) {
        (None, _) => Change::Added,
        (_, None) => Change::Removed,
        (Some(b), Some(a)) if clean(b) && a.counts.failed > 0 => Change::Broke,
        (Some(b), Some(a)) if b.counts.failed > 0 && clean(a) => Change::Fixed,
        (Some(b), Some(a)) if rate(b) != rate(a) => Change::Changed,
        _ => Change::Same,
    }
}

pub async fn compare(State(state): State<AppState>, viewer: Viewer, Query(query): Query<CompareQuery>) -> Result<Response, ApiError> {
    let recent = state.store.overview(viewer.team_id(), &assay_store::OverviewQuery { limit: 100, ..Default::default() }).await?;
    let choices: Vec<_> = recent.iter().filter(|r| r.kind != assay_store::ListedKind::Ingest).collect();
    let chosen = |raw: &Option<String>| raw.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
    let (a, b) = (chosen(&query.a), chosen(&query.b));
    let comparison = match (&a, &b) {
        (Some(a), Some(b)) => {
            let (first, second) = (owned(&state, &viewer, a).await?, owned(&state, &viewer, b).await?);
            let (before, after) = (state.store.probe_counts(&first.id).await?, state.store.probe_counts(&second.id).await?);
            Some((first, second, before, after))
        }
        _ => None,
    };
    let picker = |name: &str, selected: &Option<String>| {
        html! {
            select name=(name) id=(name) {
                option value="" { "— choose —" }
                @for row in &choices { option value=(row.id) selected[selected.as_deref() == Some(row.id.as_str())] { (row.name) " · " (date(row.created_at)) " · " (row.id) } }
            }
        }
    };
    let body = html! {
        h1 { "Compare two evaluations" }
        form.filters method="get" action="/ui/compare" {
            label for="a" { "Before" } (picker("a", &a))
            label for="b" { "After" } (picker("b", &b))
            button type="submit" { "Compare" }
        }
        @if let Some((first, second, before, after)) = &comparison {
            @let rows = probe_rows(before, after);
            @let flipped = rows.iter().filter(|r| matches!(r.1, Change::Broke | Change::Fixed)).count();
            p.meta {
                a href=(format!("/ui/evaluations/{}", first.id)) { (first.name) } " (" (percent(pass_rate(first.counts.passed, first.counts.failed))) ") → "
                a href=(format!("/ui/evaluations/{}", second.id)) { (second.name) } " (" (percent(pass_rate(second.counts.passed, second.counts.failed))) ") · "
                strong { (flipped) " probe(s) flipped" }
            }
            div.table-wrap {
                table.list #comparison {
                    thead { tr { th scope="col" { "Probe" } th scope="col" { "Harness" } th scope="col" { "Before" } th scope="col" { "After" } th scope="col" { "Change" } } }
                    tbody {
                        @for (probe, change, b, a) in &rows {
                            tr class=(format!("change-{}", change_word(*change))) {
                                td { (probe) }
                                td { (b.or(*a).map_or("", |c| c.harness.as_str())) }
                                td { (b.map_or_else(|| "—".to_owned(), |c| format!("{} ({}/{})", percent(pass_rate(c.counts.passed, c.counts.failed)), c.counts.passed, c.counts.passed + c.counts.failed))) }
                                td { (a.map_or_else(|| "—".to_owned(), |c| format!("{} ({}/{})", percent(pass_rate(c.counts.passed, c.counts.failed)), c.counts.passed, c.counts.passed + c.counts.failed))) }
                                td { span class=(format!("change change-{}", change_word(*change))) { (change_word(*change)) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Compare", Some(&viewer), "/ui/compare", body))
}

fn change_word(change: Change) -> &'static str {
    match change {
        Change::Broke => "broke",
        Change::Fixed => "fixed",
        Change::Changed => "changed",
        Change::Same => "same",
        Change::Added => "added",
        Change::Removed => "removed",
    }
}

type ProbeRow<'a> = (&'a str, Change, Option<&'a ProbeCounts>, Option<&'a ProbeCounts>);

/// Every probe of either evaluation, flips first.
fn probe_rows<'a>(before: &'a [ProbeCounts], after: &'a [ProbeCounts]) -> Vec<ProbeRow<'a>> {
    let ids: BTreeSet<&str> = before.iter().chain(after).map(|p| p.probe_id.as_str()).collect();
    let mut rows: Vec<ProbeRow<'a>> = ids
        .into_iter()
        .map(|id| {
            let b = before.iter().find(|p| p.probe_id == id);
            let a = after.iter().find(|p| p.probe_id == id);
            (id, change(b, a), b, a)
        })
        .collect();
    rows.sort_by_key(|(id, change, _, _)| (*change, *id));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use assay_core::Counts;

    fn probe(passed: i64, failed: i64) -> ProbeCounts {
        ProbeCounts {
            probe_id: "p".into(),
            harness: "security".into(),
            scenario: "s".into(),
            counts: Counts { total: passed + failed, done: passed + failed, passed, failed, errored: 0, unscorable: 0 },
        }
    }

    #[test]
    fn a_probe_that_starts_failing_broke_and_one_that_stops_was_fixed() {
        assert_eq!(change(Some(&probe(3, 0)), Some(&probe(2, 1))), Change::Broke);
        assert_eq!(change(Some(&probe(2, 1)), Some(&probe(3, 0))), Change::Fixed);
        assert_eq!(change(Some(&probe(2, 2)), Some(&probe(1, 3))), Change::Changed);
        assert_eq!(change(Some(&probe(3, 0)), Some(&probe(3, 0))), Change::Same);
        assert_eq!(change(None, Some(&probe(3, 0))), Change::Added);
    }
}
