//! The overview: every evaluation of the team, of every kind, newest first, with filters, a
//! search and cursor pagination (the URL holds them all, so a view can be linked).

use assay_store::{ListedKind, OverviewQuery};
use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::page::{date, page, pass_rate, percent, targets_text};
use super::session::{Viewer, non_empty, url_encode};
use crate::error::ApiError;
use crate::state::AppState;

const PAGE_SIZE: i64 = 50;
const STATES: [&str; 5] = ["pending", "running", "completed", "aborted", "failed"];
const KINDS: [(&str, &str); 4] = [("scan", "Scans"), ("v1", "/v1 evaluations"), ("workbench", "Workbench"), ("ingest", "Ingested runs")];

#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    kind: Option<String>,
    state: Option<String>,
    q: Option<String>,
    /// The cursor: `CREATED_AT.ID` of the last row of the previous page.
    before: Option<String>,
}

fn cursor(raw: &str) -> Option<(i64, String)> {
    let (at, id) = raw.split_once('.')?;
    Some((at.parse().ok()?, id.to_owned()))
}

pub async fn overview(State(state): State<AppState>, viewer: Viewer, Query(filters): Query<Filters>) -> Result<Response, ApiError> {
    let kind = non_empty(&filters.kind).and_then(ListedKind::parse);
    let state_filter = non_empty(&filters.state).filter(|s| STATES.contains(s)).map(str::to_owned);
    let query = OverviewQuery {
        kind,
        state: state_filter.clone(),
        search: non_empty(&filters.q).map(str::to_owned),
        before: non_empty(&filters.before).and_then(cursor),
        limit: PAGE_SIZE,
    };
    let rows = state.store.overview(viewer.team_id(), &query).await?;
    let next = (rows.len() as i64 == PAGE_SIZE).then(|| rows.last().map(|r| format!("{}.{}", r.created_at, r.id))).flatten();
    let keep = |before: &str| {
        let mut pairs = Vec::new();
        for (name, value) in [("kind", non_empty(&filters.kind)), ("state", non_empty(&filters.state)), ("q", non_empty(&filters.q))] {
            if let Some(value) = value {
                pairs.push(format!("{name}={}", url_encode(value)));
            }
        }
        pairs.push(format!("before={}", url_encode(before)));
        format!("/ui/?{}", pairs.join("&"))
    };
    let body = html! {
        div.heading {
            h1 { "Evaluations" }
            a.button href="/ui/scans/new" { "New scan" }
        }
        form.filters method="get" action="/ui/" role="search" {
            label { "Kind " select name="kind" {
                option value="" { "All kinds" }
                @for (value, label) in KINDS { option value=(value) selected[kind.map(ListedKind::as_str) == Some(value)] { (label) } }
            } }
            label { "State " select name="state" {
                option value="" { "Any state" }
                @for value in STATES { option value=(value) selected[state_filter.as_deref() == Some(value)] { (value) } }
            } }
            label { "Search " input type="search" name="q" value=[non_empty(&filters.q)] placeholder="name or target"; }
            button type="submit" { "Filter" }
        }
        @if rows.is_empty() {
            p.empty { "No evaluations yet match. " a href="/ui/scans/new" { "Start a scan" } "." }
        } @else {
            div.table-wrap {
                table.list {
                    caption.visually-hidden { "Evaluations, newest first" }
                    thead { tr { th scope="col" { "Name" } th scope="col" { "Kind" } th scope="col" { "Target" } th scope="col" { "State" } th scope="col" { "Score" } th scope="col" { "Results" } th scope="col" { "Created" } } }
                    tbody {
                        @for row in &rows {
                            tr {
                                td {
                                    @if row.kind == ListedKind::Ingest {
                                        a href=(format!("/ui/trends?project={}", url_encode(&row.target))) { (row.name) }
                                    } @else {
                                        a href=(format!("/ui/evaluations/{}", row.id)) { (row.name) }
                                    }
                                }
                                td { (row.kind.as_str()) }
                                td.target { @if row.kind == ListedKind::Ingest { (row.target) } @else { (targets_text(&row.target)) } }
                                td { span class=(format!("state state-{}", row.state)) { (row.state) } }
                                td { (percent(pass_rate(row.counts.passed, row.counts.failed))) }
                                td { (row.counts.done) " / " (row.counts.total) }
                                td { time datetime=(row.created_at) { (date(row.created_at)) } }
                            }
                        }
                    }
                }
            }
        }
        nav.pager aria-label="Pages" {
            @if non_empty(&filters.before).is_some() { a href="/ui/" { "Newest" } }
            @if let Some(next) = &next { a rel="next" href=(keep(next)) { "Older →" } }
        }
    };
    Ok(page("Evaluations", Some(&viewer), "/ui/", body))
}
