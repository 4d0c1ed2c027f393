//! People's feedback on verdicts (`/v1/results-feedback`), kept to measure detectors against
//! human judgement, and the leaderboard (`/v1/leaderboard`): the team's models ranked by the
//! score of their latest completed evaluation.

use assay_core::{Id, ResultFeedback, unix_now};
use assay_store::FeedbackFilter;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Results;
use super::views::parse_response_id;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{MultiQuery, OptionalJson, PathId};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_feedback, list_feedback))
        .routes(routes!(get_feedback, update_feedback, delete_feedback))
        .routes(routes!(leaderboard))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackView {
    id: String,
    response_id: String,
    evaluation_id: String,
    detector_id: String,
    prompt_id: Option<String>,
    /// 1: the detector was right; 0: it was wrong.
    value: f64,
    message: Option<String>,
    team_id: String,
    created_by: String,
    created_at: i64,
    updated_at: i64,
}

impl From<ResultFeedback> for FeedbackView {
    fn from(f: ResultFeedback) -> Self {
        Self {
            id: f.id.to_string(),
            response_id: f.response_id,
            evaluation_id: f.evaluation_id,
            detector_id: f.detector_id,
            prompt_id: f.prompt_id,
            value: f.value,
            message: f.message,
            team_id: f.team_id.to_string(),
            created_by: f.created_by.map(|id| id.to_string()).unwrap_or_default(),
            created_at: f.created_at,
            updated_at: f.updated_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct FeedbackRequest {
    response_id: Option<String>,
    /// The detector of the response the feedback is about.
    detector_id: Option<String>,
    /// 0..1: 1 when the detector was right.
    value: Option<f64>,
    message: Option<String>,
}

fn check_value(value: f64) -> Result<f64, ApiError> {
    if value.is_finite() && (0.0..=1.0).contains(&value) { Ok(value) } else { Err(ApiError::invalid("value must be between 0 and 1")) }
}

/// Records a person's verdict on one detector's judgement of one response.
#[utoipa::path(post, path = "/v1/results-feedback", tag = "feedback", request_body = FeedbackRequest,
    responses((status = 200, description = "The feedback", body = FeedbackView), (status = 400, description = "Bad value or detector"),
        (status = 404, description = "No such response")))]
async fn create_feedback(
    State(state): State<AppState>,
    caller: Caller,
    OptionalJson(body): OptionalJson<FeedbackRequest>,
) -> Result<Json<FeedbackView>, ApiError> {
    let body = body.unwrap_or_default();
    let raw = body.response_id.as_deref().ok_or_else(|| ApiError::invalid("response_id is required"))?;
    let detector_id = body.detector_id.clone().ok_or_else(|| ApiError::invalid("detector_id is required"))?;
    let value = check_value(body.value.ok_or_else(|| ApiError::invalid("value is required"))?)?;
    let (evaluation_id, seq) = parse_response_id(raw).ok_or_else(ApiError::not_found)?;
    state.store.trust_evaluation(&caller.0.team_id, &evaluation_id).await?.ok_or_else(ApiError::not_found)?;
    let result = state.store.result(&evaluation_id, seq).await?.ok_or_else(ApiError::not_found)?;
    let judged_by =
        |listed: &str| result.detections.iter().any(|d| super::views::detector_config_id(&d.detector) == listed || d.detector == listed);
    if !judged_by(&detector_id) {
        return Err(ApiError::invalid(format!("detector {detector_id:?} did not judge response {raw}")));
    }
    let now = unix_now();
    let feedback = ResultFeedback {
        id: Id::generate(),
        team_id: caller.0.team_id.clone(),
        evaluation_id: evaluation_id.to_string(),
        response_id: raw.to_owned(),
        detector_id,
        prompt_id: Some(assay_engine::trust::prompt_id(&result.probe_id, &result.prompt)),
        value,
        message: body.message,
        created_by: Some(caller.0.user_id.clone()),
        created_at: now,
        updated_at: now,
    };
    state.store.create_feedback(&feedback).await?;
    Ok(Json(feedback.into()))
}

/// The team's feedback, newest first: by `response_id`, `evaluation_id`, `detector_id`,
/// `prompt_id`, `created_by`; `limit` (default 10, at most 1000), `offset`.
#[utoipa::path(get, path = "/v1/results-feedback", tag = "feedback",
    params(("response_id" = Option<String>, Query), ("evaluation_id" = Option<String>, Query), ("detector_id" = Option<String>, Query),
        ("prompt_id" = Option<String>, Query), ("created_by" = Option<String>, Query), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "Feedback", body = Results<FeedbackView>), (status = 400, description = "Bad paging")))]
async fn list_feedback(State(state): State<AppState>, caller: Caller, query: MultiQuery) -> Result<Json<Results<FeedbackView>>, ApiError> {
    let limit = query.int("limit")?.unwrap_or(10);
    let offset = query.int("offset")?.unwrap_or(0);
    if !(1..=1000).contains(&limit) || offset < 0 {
        return Err(ApiError::invalid("limit must be 1 to 1000 and offset 0 or more"));
    }
    let owned = |key: &str| query.one(key).map(str::to_owned);
    let filter = FeedbackFilter {
        response_id: owned("response_id"),
        evaluation_id: owned("evaluation_id"),
        detector_id: owned("detector_id"),
        prompt_id: owned("prompt_id"),
        created_by: owned("created_by"),
    };
    let feedback = state.store.list_feedback(&caller.0.team_id, &filter, limit, offset).await?;
    Ok(Results::of(feedback.into_iter().map(FeedbackView::from).collect()))
}

/// One feedback.
#[utoipa::path(get, path = "/v1/results-feedback/{id}", tag = "feedback", params(("id" = String, Path)),
    responses((status = 200, description = "The feedback", body = FeedbackView), (status = 404, description = "No such feedback")))]
async fn get_feedback(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<FeedbackView>, ApiError> {
    Ok(Json(state.store.feedback(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?.into()))
}

/// Changes a feedback's `value` and `message`.
#[utoipa::path(put, path = "/v1/results-feedback/{id}", tag = "feedback", params(("id" = String, Path)), request_body = FeedbackRequest,
    responses((status = 200, description = "The feedback", body = FeedbackView), (status = 400, description = "Bad value"),
        (status = 404, description = "No such feedback")))]
async fn update_feedback(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    OptionalJson(body): OptionalJson<FeedbackRequest>,
) -> Result<Json<FeedbackView>, ApiError> {
    let body = body.unwrap_or_default();
    let current = state.store.feedback(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?;
    let value = check_value(body.value.unwrap_or(current.value))?;
    let message = body.message.or(current.message);
    state.store.update_feedback(&caller.0.team_id, &id, value, message.as_deref()).await?;
    Ok(Json(state.store.feedback(&caller.0.team_id, &id).await?.ok_or_else(ApiError::not_found)?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackDeleted {
    id: String,
    deleted: bool,
}

/// Deletes a feedback.
#[utoipa::path(delete, path = "/v1/results-feedback/{id}", tag = "feedback", params(("id" = String, Path)),
    responses((status = 200, description = "Deleted", body = FeedbackDeleted), (status = 404, description = "No such feedback")))]
async fn delete_feedback(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<FeedbackDeleted>, ApiError> {
    if !state.store.delete_feedback(&caller.0.team_id, &id).await? {
        return Err(ApiError::not_found());
    }
    Ok(Json(FeedbackDeleted { id: id.to_string(), deleted: true }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeaderboardEntry {
    /// 1 for the best score.
    rank: usize,
    hub: String,
    model: String,
    /// The latest completed evaluation's score, 0..1.
    score: Option<f64>,
    evaluation_id: String,
    completed_at: Option<i64>,
    /// Score per library harness that evaluation ran (null: not run).
    security: Option<f64>,
    privacy: Option<f64>,
    hallucination: Option<f64>,
    robustness: Option<f64>,
    toxicity: Option<f64>,
    stereotypes: Option<f64>,
    fairness: Option<f64>,
    ethics: Option<f64>,
}

/// The team's models ranked by the score of their latest completed evaluation.
#[utoipa::path(get, path = "/v1/leaderboard", tag = "evaluations", responses((status = 200, description = "Ranked models", body = Results<LeaderboardEntry>)))]
async fn leaderboard(State(state): State<AppState>, caller: Caller) -> Result<Json<Results<LeaderboardEntry>>, ApiError> {
    let latest = state.store.latest_completed_trust_evaluations(&caller.0.team_id).await?;
    let mut entries = Vec::with_capacity(latest.len());
    for trust in latest {
        let counts = state.store.probe_counts(&trust.evaluation.id).await?;
        let harness_score = |name: &str| {
            let rows = counts.iter().filter(|c| c.harness == name);
            let (passed, failed) = rows.fold((0, 0), |(p, f), c| (p + c.counts.passed, f + c.counts.failed));
            (passed + failed > 0).then(|| passed as f64 / (passed + failed) as f64)
        };
        entries.push(LeaderboardEntry {
            rank: 0,
            hub: trust.settings.hub.clone(),
            model: trust.settings.model.clone().unwrap_or_default(),
            score: trust.evaluation.counts.score(),
            evaluation_id: trust.evaluation.id.to_string(),
            completed_at: trust.evaluation.finished_at,
            security: harness_score("security"),
            privacy: harness_score("privacy"),
            hallucination: harness_score("hallucination"),
            robustness: harness_score("robustness"),
            toxicity: harness_score("toxicity"),
            stereotypes: harness_score("stereotype"),
            fairness: harness_score("fairness"),
            ethics: harness_score("ethics"),
        });
    }
    entries.sort_by(|a, b| b.score.unwrap_or(-1.0).total_cmp(&a.score.unwrap_or(-1.0)).then(a.model.cmp(&b.model)));
    for (index, entry) in entries.iter_mut().enumerate() {
        entry.rank = index + 1;
    }
    Ok(Results::of(entries))
}
