//! An evaluation's results tree (`/v1/harness`, `/v1/scenarios`, `/v1/probes`), its
//! responses and its tests. Every level is scored from the per-probe counters the engine keeps
//! with each written batch, so a tree call costs the same at 100 responses and at 100,000;
//! the parent→child id lists are built from the same rows, so they always agree.

use std::collections::HashMap;

use assay_core::{Counts, ErrorCode, Id, ProbeCounts, TrustEvaluation};
use assay_engine::Suite;
use assay_engine::suite::{CUSTOM_HARNESS, CustomRun};
use assay_engine::trust::{prompt_id, prompt_ids_by_probe};
use assay_probes::Library;
use assay_probes::catalogue::{Dimension, Scenario, probe_config_id, probe_id_of, scenario_config_id, scenarios_of};
use assay_store::ResultFilter;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Results;
use super::views::{ResponseView, detector_config_id, parse_response_id};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::MultiQuery;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_harnesses))
        .routes(routes!(harness_by_id))
        .routes(routes!(list_scenarios))
        .routes(routes!(scenario_by_id))
        .routes(routes!(list_probes))
        .routes(routes!(probe_by_id))
        .routes(routes!(list_responses))
        .routes(routes!(response_by_id))
        .routes(routes!(list_tests))
        .routes(routes!(test_by_id))
}

/// How a probe's verdict is reached, as `scoring_function` says it.
const SCORING: &str =
    "pass rate: a test passes when every deciding detector judges the reply safe; errors and unscorable tests are left out";

#[derive(Debug, Serialize, ToSchema)]
pub struct LevelCounts {
    total_test_count: i64,
    completed_test_count: i64,
    passed_test_count: i64,
    failed_test_count: i64,
    error_test_count: i64,
    /// Tests whose reply no detector could decide on (out of the score, like errors).
    unscorable_test_count: i64,
}

impl From<Counts> for LevelCounts {
    fn from(c: Counts) -> Self {
        Self {
            total_test_count: c.total,
            completed_test_count: c.done,
            passed_test_count: c.passed,
            failed_test_count: c.failed,
            error_test_count: c.errored,
            unscorable_test_count: c.unscorable,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HarnessRow {
    /// `{evaluation id}.{config id}`.
    id: String,
    evaluation_id: String,
    config_id: String,
    name: String,
    description: String,
    harness_type: String,
    /// Pass rate of its tests, 0..1; null before any verdict.
    score: Option<f64>,
    scenario_config_ids: Vec<String>,
    #[serde(flatten)]
    counts: LevelCounts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioRow {
    id: String,
    evaluation_id: String,
    config_id: String,
    name: String,
    description: String,
    harness: String,
    score: Option<f64>,
    probe_config_ids: Vec<String>,
    #[serde(flatten)]
    counts: LevelCounts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProbeRow {
    id: String,
    evaluation_id: String,
    config_id: String,
    name: String,
    description: String,
    scoring_function: String,
    harness: String,
    scenario_config_id: String,
    score: Option<f64>,
    /// One id per distinct prompt sent (the same in every generation).
    prompt_ids: Vec<String>,
    detector_ids: Vec<String>,
    owasp: Vec<String>,
    #[serde(flatten)]
    counts: LevelCounts,
}

fn add(total: &mut Counts, more: &Counts) {
    total.total += more.total;
    total.done += more.done;
    total.passed += more.passed;
    total.failed += more.failed;
    total.errored += more.errored;
    total.unscorable += more.unscorable;
}

fn sum<'a>(rows: impl Iterator<Item = &'a ProbeCounts>) -> Counts {
    let mut total = Counts::default();
    for row in rows {
        add(&mut total, &row.counts);
    }
    total
}

/// One evaluation's tree, read once: its counters, its dimensions and its suite.
struct Tree {
    trust: TrustEvaluation,
    counts: Vec<ProbeCounts>,
    dimensions: Vec<&'static Dimension>,
    /// The team's custom harnesses the evaluation ran, as its suite carries them.
    custom: Vec<CustomRun>,
}

impl Tree {
    async fn load(state: &AppState, caller: &Caller, id: &Id) -> Result<Self, ApiError> {
        let trust = state.store.trust_evaluation(&caller.0.team_id, id).await?.ok_or_else(ApiError::not_found)?;
        let counts = state.store.probe_counts(id).await?;
        let dimensions = trust.settings.harness_config_ids.iter().filter_map(|h| Dimension::find(h)).fold(Vec::new(), |mut all, d| {
            if !all.contains(&d) {
                all.push(d);
            }
            all
        });
        let custom = match trust.evaluation.suite.get("custom") {
            Some(runs) => serde_json::from_value(runs.clone()).map_err(|e| {
                tracing::error!(error = %e, "unreadable custom harnesses");
                ApiError::new(ErrorCode::Internal)
            })?,
            None => Vec::new(),
        };
        Ok(Self { trust, counts, dimensions, custom })
    }

    fn suite(&self) -> Result<Suite, ApiError> {
        serde_json::from_value(self.trust.evaluation.suite.clone()).map_err(|e| {
            tracing::error!(error = %e, "unreadable suite");
            ApiError::new(ErrorCode::Internal)
        })
    }

    fn evaluation_id(&self) -> String {
        self.trust.evaluation.id.to_string()
    }

    /// The scenarios that ran probes, with their counter rows.
    fn scenarios(&self) -> Vec<(Scenario, Vec<&ProbeCounts>)> {
        let harnesses = assay_probes::catalogue::harnesses_of(&self.dimensions);
        scenarios_of(&harnesses)
            .into_iter()
            .map(|scenario| {
                let rows: Vec<&ProbeCounts> =
                    self.counts.iter().filter(|c| c.harness == scenario.harness.as_str() && c.scenario == scenario.name).collect();
                (scenario, rows)
            })
            .filter(|(_, rows)| !rows.is_empty())
            .collect()
    }

    /// The counter rows of a custom harness's probes.
    fn custom_counts(&self, run: &CustomRun) -> Vec<&ProbeCounts> {
        self.counts.iter().filter(|c| c.harness == CUSTOM_HARNESS && c.scenario == run.scenario).collect()
    }

    fn custom_harness_rows(&self) -> impl Iterator<Item = HarnessRow> + '_ {
        self.custom.iter().map(|run| {
            let rows = self.custom_counts(run);
            let counts = sum(rows.iter().copied());
            HarnessRow {
                id: format!("{}.{}", self.evaluation_id(), run.config_id),
                evaluation_id: self.evaluation_id(),
                config_id: run.config_id.clone(),
                name: run.name.clone(),
                description: run.description.clone(),
                harness_type: "CUSTOM".to_owned(),
                score: counts.score(),
                scenario_config_ids: if rows.is_empty() { Vec::new() } else { vec![scenario_config_id(CUSTOM_HARNESS, &run.scenario)] },
                counts: counts.into(),
            }
        })
    }

    fn custom_scenario_rows(&self) -> impl Iterator<Item = ScenarioRow> + '_ {
        self.custom.iter().filter_map(|run| {
            let rows = self.custom_counts(run);
            if rows.is_empty() {
                return None;
            }
            let counts = sum(rows.iter().copied());
            let config_id = scenario_config_id(CUSTOM_HARNESS, &run.scenario);
            Some(ScenarioRow {
                id: format!("{}.{}", self.evaluation_id(), config_id),
                evaluation_id: self.evaluation_id(),
                config_id,
                name: run.name.clone(),
                description: run.description.clone(),
                harness: CUSTOM_HARNESS.to_owned(),
                score: counts.score(),
                probe_config_ids: rows.iter().map(|r| probe_config_id(&r.probe_id)).collect(),
                counts: counts.into(),
            })
        })
    }

    fn harness_rows(&self) -> Vec<HarnessRow> {
        let scenarios = self.scenarios();
        let custom: Vec<HarnessRow> = self.custom_harness_rows().collect();
        self.dimensions
            .iter()
            .map(|dimension| {
                let mine: Vec<&(Scenario, Vec<&ProbeCounts>)> =
                    scenarios.iter().filter(|(s, _)| dimension.harnesses.contains(&s.harness)).collect();
                let counts = sum(mine.iter().flat_map(|(_, rows)| rows.iter().copied()));
                HarnessRow {
                    id: format!("{}.{}", self.evaluation_id(), dimension.config_id()),
                    evaluation_id: self.evaluation_id(),
                    config_id: dimension.config_id(),
                    name: dimension.title.to_owned(),
                    description: dimension.description.to_owned(),
                    harness_type: "DIMENSION".to_owned(),
                    score: counts.score(),
                    scenario_config_ids: mine.iter().map(|(s, _)| s.config_id()).collect(),
                    counts: counts.into(),
                }
            })
            .chain(custom)
            .collect()
    }

    fn scenario_rows(&self) -> Vec<ScenarioRow> {
        self.scenarios()
            .into_iter()
            .map(|(scenario, rows)| {
                let counts = sum(rows.iter().copied());
                ScenarioRow {
                    id: format!("{}.{}", self.evaluation_id(), scenario.config_id()),
                    evaluation_id: self.evaluation_id(),
                    config_id: scenario.config_id(),
                    name: scenario.title(),
                    description: scenario.description(),
                    harness: scenario.harness.as_str().to_owned(),
                    score: counts.score(),
                    probe_config_ids: rows.iter().map(|r| probe_config_id(&r.probe_id)).collect(),
                    counts: counts.into(),
                }
            })
            .chain(self.custom_scenario_rows())
            .collect()
    }

    fn probe_rows(&self) -> Result<Vec<ProbeRow>, ApiError> {
        let library = Library::builtin();
        let mut prompt_ids: HashMap<String, Vec<String>> = prompt_ids_by_probe(&self.suite()?).map_err(|e| {
            tracing::error!(error = %e, "cannot expand the suite");
            ApiError::new(ErrorCode::Internal)
        })?;
        let custom = self.custom_probe_rows(&mut prompt_ids);
        Ok(self
            .scenarios()
            .into_iter()
            .flat_map(|(scenario, rows)| rows.into_iter().map(move |row| (scenario.config_id(), row)))
            .map(|(scenario_config_id, row)| {
                let probe = library.get(&row.probe_id);
                ProbeRow {
                    id: format!("{}.{}", self.evaluation_id(), probe_config_id(&row.probe_id)),
                    evaluation_id: self.evaluation_id(),
                    config_id: probe_config_id(&row.probe_id),
                    name: probe.map_or_else(|| row.probe_id.clone(), |p| p.name.clone()),
                    description: probe.map(|p| p.description.clone()).unwrap_or_default(),
                    scoring_function: SCORING.to_owned(),
                    harness: row.harness.clone(),
                    scenario_config_id,
                    score: row.counts.score(),
                    prompt_ids: prompt_ids.remove(&row.probe_id).unwrap_or_default(),
                    detector_ids: probe.map(|p| p.detectors.iter().map(|d| detector_config_id(&d.id)).collect()).unwrap_or_default(),
                    owasp: probe.map(|p| p.owasp.clone()).unwrap_or_default(),
                    counts: row.counts.into(),
                }
            })
            .chain(custom)
            .collect())
    }

    fn custom_probe_rows(&self, prompt_ids: &mut HashMap<String, Vec<String>>) -> Vec<ProbeRow> {
        let mut rows = Vec::new();
        for run in &self.custom {
            let scenario = scenario_config_id(CUSTOM_HARNESS, &run.scenario);
            for row in self.custom_counts(run) {
                let probe = run.probes.iter().find(|p| p.id == row.probe_id);
                rows.push(ProbeRow {
                    id: format!("{}.{}", self.evaluation_id(), probe_config_id(&row.probe_id)),
                    evaluation_id: self.evaluation_id(),
                    config_id: probe_config_id(&row.probe_id),
                    name: probe.map_or_else(|| row.probe_id.clone(), |p| p.name.clone()),
                    description: probe.map(|p| p.description.clone()).unwrap_or_default(),
                    scoring_function: SCORING.to_owned(),
                    harness: CUSTOM_HARNESS.to_owned(),
                    scenario_config_id: scenario.clone(),
                    score: row.counts.score(),
                    prompt_ids: prompt_ids.remove(&row.probe_id).unwrap_or_default(),
                    detector_ids: probe.map(|p| p.detectors.iter().map(|d| detector_config_id(&d.id)).collect()).unwrap_or_default(),
                    owasp: Vec::new(),
                    counts: row.counts.into(),
                });
            }
        }
        rows
    }
}

/// `evaluation_id` of a tree query (required).
fn evaluation_of(query: &MultiQuery) -> Result<Id, ApiError> {
    let raw = query.one("evaluation_id").ok_or_else(|| ApiError::invalid("evaluation_id is required"))?;
    Id::parse(raw).map_err(|_| ApiError::not_found())
}

/// Keeps the rows whose id or config id is among `ids` (repeatable), when given.
fn only_ids<T>(query: &MultiQuery, rows: Vec<T>, ids_of: impl Fn(&T) -> [&str; 2]) -> Vec<T> {
    let ids = query.all("ids");
    if ids.is_empty() {
        return rows;
    }
    rows.into_iter().filter(|row| ids_of(row).iter().any(|id| ids.iter().any(|wanted| wanted == id))).collect()
}

/// A row id `{evaluation id}.{config id}` split in two.
fn split_row_id(raw: &str) -> Result<(Id, &str), ApiError> {
    let (evaluation, config) = raw.split_once('.').ok_or_else(ApiError::not_found)?;
    Ok((Id::parse(evaluation).map_err(|_| ApiError::not_found())?, config))
}

/// The harnesses (dimensions) of an evaluation with their scores and scenario ids.
#[utoipa::path(get, path = "/v1/harness", tag = "results", params(("evaluation_id" = String, Query), ("ids" = Option<Vec<String>>, Query)),
    responses((status = 200, description = "Harness rows", body = Results<HarnessRow>), (status = 400, description = "No evaluation_id"),
        (status = 404, description = "No such evaluation")))]
async fn list_harnesses(State(state): State<AppState>, caller: Caller, query: MultiQuery) -> Result<Json<Results<HarnessRow>>, ApiError> {
    let tree = Tree::load(&state, &caller, &evaluation_of(&query)?).await?;
    Ok(Results::of(only_ids(&query, tree.harness_rows(), |r| [r.id.as_str(), r.config_id.as_str()])))
}

/// One harness row by its id (`{evaluation id}.{harness config id}`).
#[utoipa::path(get, path = "/v1/harness/{id}", tag = "results", params(("id" = String, Path)),
    responses((status = 200, description = "The harness row", body = HarnessRow), (status = 404, description = "No such row")))]
async fn harness_by_id(State(state): State<AppState>, caller: Caller, Path(raw): Path<String>) -> Result<Json<HarnessRow>, ApiError> {
    let (evaluation, config) = split_row_id(&raw)?;
    let tree = Tree::load(&state, &caller, &evaluation).await?;
    tree.harness_rows().into_iter().find(|r| r.config_id == config).map(Json).ok_or_else(ApiError::not_found)
}

/// The scenarios of an evaluation with their scores and probe ids.
#[utoipa::path(get, path = "/v1/scenarios", tag = "results", params(("evaluation_id" = String, Query), ("ids" = Option<Vec<String>>, Query)),
    responses((status = 200, description = "Scenario rows", body = Results<ScenarioRow>), (status = 400, description = "No evaluation_id"),
        (status = 404, description = "No such evaluation")))]
async fn list_scenarios(State(state): State<AppState>, caller: Caller, query: MultiQuery) -> Result<Json<Results<ScenarioRow>>, ApiError> {
    let tree = Tree::load(&state, &caller, &evaluation_of(&query)?).await?;
    Ok(Results::of(only_ids(&query, tree.scenario_rows(), |r| [r.id.as_str(), r.config_id.as_str()])))
}

/// One scenario row by its id (`{evaluation id}.{scenario config id}`).
#[utoipa::path(get, path = "/v1/scenarios/{id}", tag = "results", params(("id" = String, Path)),
    responses((status = 200, description = "The scenario row", body = ScenarioRow), (status = 404, description = "No such row")))]
async fn scenario_by_id(State(state): State<AppState>, caller: Caller, Path(raw): Path<String>) -> Result<Json<ScenarioRow>, ApiError> {
    let (evaluation, config) = split_row_id(&raw)?;
    let tree = Tree::load(&state, &caller, &evaluation).await?;
    tree.scenario_rows().into_iter().find(|r| r.config_id == config).map(Json).ok_or_else(ApiError::not_found)
}

/// The probes of an evaluation with their scores, prompt ids and detectors.
#[utoipa::path(get, path = "/v1/probes", tag = "results", params(("evaluation_id" = String, Query), ("ids" = Option<Vec<String>>, Query)),
    responses((status = 200, description = "Probe rows", body = Results<ProbeRow>), (status = 400, description = "No evaluation_id"),
        (status = 404, description = "No such evaluation")))]
async fn list_probes(State(state): State<AppState>, caller: Caller, query: MultiQuery) -> Result<Json<Results<ProbeRow>>, ApiError> {
    let tree = Tree::load(&state, &caller, &evaluation_of(&query)?).await?;
    Ok(Results::of(only_ids(&query, tree.probe_rows()?, |r| [r.id.as_str(), r.config_id.as_str()])))
}

/// One probe row by its id (`{evaluation id}.{probe config id}`).
#[utoipa::path(get, path = "/v1/probes/{id}", tag = "results", params(("id" = String, Path)),
    responses((status = 200, description = "The probe row", body = ProbeRow), (status = 404, description = "No such row")))]
async fn probe_by_id(State(state): State<AppState>, caller: Caller, Path(raw): Path<String>) -> Result<Json<ProbeRow>, ApiError> {
    let (evaluation, config) = split_row_id(&raw)?;
    let tree = Tree::load(&state, &caller, &evaluation).await?;
    tree.probe_rows()?.into_iter().find(|r| r.config_id == config).map(Json).ok_or_else(ApiError::not_found)
}

/// Responses read per page while a list streams out.
const RESPONSE_PAGE: i64 = 500;
/// The most responses one list call returns (the `vijil` export asks for a million).
const MAX_RESPONSES: i64 = 1_000_000;

/// How a responses (or tests) query narrows the evaluation's results.
fn result_filter(query: &MultiQuery) -> Result<(ResultFilter, Vec<String>), ApiError> {
    let probes: Vec<String> =
        query.all("probe_ids").into_iter().chain(query.all("probe_config_id")).map(|p| probe_id_of(&p).to_owned()).collect();
    if probes.len() > 1 {
        return Err(ApiError::invalid("filter on one probe at a time"));
    }
    let mut filter = ResultFilter { probe_id: probes.into_iter().next(), ..ResultFilter::default() };
    for status in query.all("status") {
        match status.to_ascii_uppercase().as_str() {
            "COMPLETED" => {}
            "ERROR" | "ERRORED" | "FAILED" => filter.errored = true,
            "UNSCORABLE" => filter.unscorable = true,
            other => {
                return Err(ApiError::with_message(
                    ErrorCode::InvalidRequest,
                    format!("unknown status {other:?}; use COMPLETED, ERROR or UNSCORABLE"),
                ));
            }
        }
    }
    if let Some(hits) = query.bool("hits_only")?
        && hits
    {
        filter.passed = Some(false);
    }
    Ok((filter, query.all("prompt_ids")))
}

/// An evaluation's responses, in job order (`order_by=-created_at` or `sort_order=DESC`: newest
/// first): `probe_ids`, `prompt_ids`, `status` (COMPLETED, ERROR), `hits_only`, `is_visible`,
/// `limit` (default 1,000, at most 1,000,000), `offset`. The body streams out page by page, so
/// a whole evaluation's export never sits in memory.
#[utoipa::path(get, path = "/v1/responses", tag = "results",
    params(("evaluation_id" = String, Query), ("status" = Option<Vec<String>>, Query), ("ids" = Option<Vec<String>>, Query),
        ("probe_ids" = Option<Vec<String>>, Query), ("prompt_ids" = Option<Vec<String>>, Query), ("is_visible" = Option<String>, Query),
        ("order_by" = Option<String>, Query), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "Responses", body = Results<ResponseView>), (status = 400, description = "Bad filter"),
        (status = 404, description = "No such evaluation")))]
async fn list_responses(State(state): State<AppState>, caller: Caller, query: MultiQuery) -> Result<Response, ApiError> {
    let evaluation_id = evaluation_of(&query)?;
    let trust = state.store.trust_evaluation(&caller.0.team_id, &evaluation_id).await?.ok_or_else(ApiError::not_found)?;
    let limit = query.int("limit")?.unwrap_or(1000);
    let offset = query.int("offset")?.unwrap_or(0);
    if !(1..=MAX_RESPONSES).contains(&limit) || offset < 0 {
        return Err(ApiError::invalid("limit must be 1 to 1000000 and offset 0 or more"));
    }
    let descending = match query.one("order_by") {
        None | Some("created_at" | "seq") => query.one("sort_order").is_some_and(|o| o.eq_ignore_ascii_case("desc")),
        Some("-created_at" | "-seq") => true,
        Some(other) => {
            return Err(ApiError::invalid(format!("order_by {other:?} is not created_at or -created_at")));
        }
    };
    let visible = query.bool("is_visible")?.unwrap_or(true);
    let (filter, prompt_ids) = result_filter(&query)?;
    let ids: Vec<(Id, i64)> = query.all("ids").iter().filter_map(|raw| parse_response_id(raw)).collect();
    let suite: Suite = serde_json::from_value(trust.evaluation.suite.clone()).map_err(|_| ApiError::new(ErrorCode::Internal))?;
    let total = trust.evaluation.counts.total;
    let store = state.store.clone();
    // Every response is visible; `is_visible=false` asks for none.
    let wanted = if visible { limit } else { 0 };
    let stream = response_stream(
        store,
        evaluation_id,
        filter,
        offset,
        wanted,
        descending,
        suite,
        total,
        prompt_ids,
        ids,
        !query.all("ids").is_empty(),
    );
    Ok(([(header::CONTENT_TYPE, "application/json")], Body::from_stream(stream)).into_response())
}

/// The JSON of a responses list, produced a page at a time.
#[allow(clippy::too_many_arguments)]
fn response_stream(
    store: assay_store::Store,
    evaluation_id: Id,
    filter: ResultFilter,
    offset: i64,
    wanted: i64,
    descending: bool,
    suite: Suite,
    total: i64,
    prompt_ids: Vec<String>,
    ids: Vec<(Id, i64)>,
    by_ids: bool,
) -> impl futures_util::Stream<Item = Result<String, std::io::Error>> {
    struct Cursor {
        /// The last result read: later pages continue after it (a keyset, not a deeper offset).
        last_seq: Option<i64>,
        sent: i64,
        first: bool,
        done: bool,
    }
    let cursor = Cursor { last_seq: None, sent: 0, first: true, done: false };
    futures_util::stream::unfold(cursor, move |mut cursor| {
        let (store, evaluation_id, filter, suite, prompt_ids, ids) =
            (store.clone(), evaluation_id.clone(), filter.clone(), suite.clone(), prompt_ids.clone(), ids.clone());
        async move {
            if cursor.done {
                return None;
            }
            let mut chunk = String::new();
            if cursor.first {
                chunk.push_str("{\"results\":[");
            }
            let want = (wanted - cursor.sent).min(RESPONSE_PAGE);
            let page = match (want > 0, cursor.last_seq) {
                (false, _) => Ok(Vec::new()),
                (true, None) => store.results_at(&evaluation_id, &filter, offset, want, descending).await,
                (true, Some(last)) => store.results_after(&evaluation_id, &filter, last, want, descending).await,
            };
            let page = match page {
                Ok(page) => page,
                Err(error) => {
                    tracing::error!(error = %error, "cannot read responses");
                    return Some((Err(std::io::Error::other("cannot read responses")), Cursor { done: true, ..cursor }));
                }
            };
            cursor.last_seq = page.last().map(|r| r.seq).or(cursor.last_seq);
            let exhausted = (page.len() as i64) < want || want == 0;
            for result in &page {
                if !prompt_ids.is_empty() && !prompt_ids.contains(&prompt_id(&result.probe_id, &result.prompt)) {
                    continue;
                }
                if by_ids && !ids.iter().any(|(e, s)| e == &result.evaluation_id && *s == result.seq) {
                    continue;
                }
                if cursor.sent > 0 {
                    chunk.push(',');
                }
                chunk.push_str(&serde_json::to_string(&ResponseView::new(result, &suite, total)).unwrap_or_else(|_| "null".to_owned()));
                cursor.sent += 1;
            }
            cursor.first = false;
            if exhausted || cursor.sent >= wanted {
                chunk.push_str("]}");
                cursor.done = true;
            }
            Some((Ok(chunk), cursor))
        }
    })
}

/// One response by id (`{evaluation id}-{position}`).
#[utoipa::path(get, path = "/v1/responses/{id}", tag = "results", params(("id" = String, Path)),
    responses((status = 200, description = "The response", body = ResponseView), (status = 404, description = "No such response")))]
async fn response_by_id(State(state): State<AppState>, caller: Caller, Path(raw): Path<String>) -> Result<Json<ResponseView>, ApiError> {
    let (evaluation_id, seq) = parse_response_id(&raw).ok_or_else(ApiError::not_found)?;
    let trust = state.store.trust_evaluation(&caller.0.team_id, &evaluation_id).await?.ok_or_else(ApiError::not_found)?;
    let result = state.store.result(&evaluation_id, seq).await?.ok_or_else(ApiError::not_found)?;
    let suite: Suite = serde_json::from_value(trust.evaluation.suite.clone()).map_err(|_| ApiError::new(ErrorCode::Internal))?;
    Ok(Json(ResponseView::new(&result, &suite, trust.evaluation.counts.total)))
}

/// One test of an evaluation: a job, whether run yet or not.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestView {
    /// `{evaluation id}-{position}`; the id of its response once it has one.
    id: String,
    evaluation_id: String,
    probe_config_id: String,
    harness: String,
    scenario_config_id: String,
    prompt_id: String,
    prompt: String,
    converter: Option<String>,
    detector_ids: Vec<String>,
    /// `PENDING`, `IN_PROGRESS` (held by a runner) or `COMPLETED`.
    status: String,
    /// Times a runner has claimed it.
    attempts: i32,
    response_id: Option<String>,
}

fn test_view(evaluation_id: &Id, job: &assay_store::JobView) -> Result<TestView, ApiError> {
    let item: assay_engine::TestItem = serde_json::from_str(&job.item).map_err(|e| {
        tracing::error!(error = %e, "unreadable job item");
        ApiError::new(ErrorCode::Internal)
    })?;
    let id = super::views::response_id(evaluation_id, job.seq);
    let status = match job.state.as_str() {
        "pending" => "PENDING",
        "running" => "IN_PROGRESS",
        _ => "COMPLETED",
    };
    Ok(TestView {
        response_id: (status == "COMPLETED").then(|| id.clone()),
        id,
        evaluation_id: evaluation_id.to_string(),
        probe_config_id: probe_config_id(&item.probe_id),
        harness: item.harness.clone(),
        scenario_config_id: scenario_config_id(&item.harness, &item.scenario),
        prompt_id: prompt_id(&item.probe_id, &item.prompt),
        prompt: item.prompt,
        converter: item.converter,
        detector_ids: item.detectors.iter().map(|d| detector_config_id(&d.id)).collect(),
        status: status.to_owned(),
        attempts: job.attempts,
    })
}

/// An evaluation's tests (its jobs) in order: `status` (PENDING, IN_PROGRESS, COMPLETED),
/// `probe_ids`, `limit` (default 1,000, at most 1,000), `offset`.
#[utoipa::path(get, path = "/v1/tests", tag = "results",
    params(("evaluation_id" = String, Query), ("ids" = Option<Vec<String>>, Query), ("probe_ids" = Option<Vec<String>>, Query),
        ("status" = Option<String>, Query), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "Tests", body = Results<TestView>), (status = 400, description = "Bad filter"), (status = 404, description = "No such evaluation")))]
async fn list_tests(State(state): State<AppState>, caller: Caller, query: MultiQuery) -> Result<Json<Results<TestView>>, ApiError> {
    let evaluation_id = evaluation_of(&query)?;
    state.store.trust_evaluation(&caller.0.team_id, &evaluation_id).await?.ok_or_else(ApiError::not_found)?;
    let limit = query.int("limit")?.unwrap_or(1000);
    let offset = query.int("offset")?.unwrap_or(0);
    if !(1..=1000).contains(&limit) || offset < 0 {
        return Err(ApiError::invalid("limit must be 1 to 1000 and offset 0 or more"));
    }
    let mut states = Vec::new();
    for status in query.all("status") {
        states.push(match status.to_ascii_uppercase().as_str() {
            "PENDING" => "pending",
            "IN_PROGRESS" | "RUNNING" => "running",
            "COMPLETED" => "done",
            other => {
                return Err(ApiError::with_message(
                    ErrorCode::InvalidRequest,
                    format!("unknown status {other:?}; use PENDING, IN_PROGRESS or COMPLETED"),
                ));
            }
        });
    }
    let probes: Vec<String> = query.all("probe_ids").iter().map(|p| probe_id_of(p).to_owned()).collect();
    let jobs = state.store.jobs_page(&evaluation_id, &states, &probes, offset, limit).await?;
    let ids = query.all("ids");
    let tests: Vec<TestView> = jobs.iter().map(|job| test_view(&evaluation_id, job)).collect::<Result<_, _>>()?;
    Ok(Results::of(tests.into_iter().filter(|t| ids.is_empty() || ids.contains(&t.id)).collect()))
}

/// One test by id (`{evaluation id}-{position}`).
#[utoipa::path(get, path = "/v1/tests/{id}", tag = "results", params(("id" = String, Path)),
    responses((status = 200, description = "The test", body = TestView), (status = 404, description = "No such test")))]
async fn test_by_id(State(state): State<AppState>, caller: Caller, Path(raw): Path<String>) -> Result<Json<TestView>, ApiError> {
    let (evaluation_id, seq) = parse_response_id(&raw).ok_or_else(ApiError::not_found)?;
    state.store.trust_evaluation(&caller.0.team_id, &evaluation_id).await?.ok_or_else(ApiError::not_found)?;
    let jobs = state.store.jobs_page(&evaluation_id, &[], &[], seq, 1).await?;
    let job = jobs.into_iter().find(|j| j.seq == seq).ok_or_else(ApiError::not_found)?;
    Ok(Json(test_view(&evaluation_id, &job)?))
}
