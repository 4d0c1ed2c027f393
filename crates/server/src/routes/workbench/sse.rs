//! `GET /api/v1/sse`: Server-Sent Events, authenticated like every endpoint.
//!
//! - `queue=general` (the default): `update` notifications (`"Type:id"` strings) for the
//!   caller's team, under their incremental notification ids. The stream opens with a `retry`
//!   hint; a reconnecting client sends `Last-Event-ID` and gets every notification after it
//!   replayed first; a fresh client starts with what happens next. New notifications are
//!   polled every [`POLL`]: they are written by any process sharing the database (the engine's
//!   writer, other servers), so an in-process signal would miss some.
//! - `queue=evaluation&sessionToken=…`: a privacy-mode evaluation as `object` events (the
//!   payload's `"::"` names its type: `Evaluation`, `CaseRun`, `CaseThreadMessage`), each sent
//!   when it changes, then `end-stream`; the evaluation's data is then deleted.
//!
//! Both send keep-alive comments while idle.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::time::Duration;

use assay_core::{ErrorCode, Id};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{required, views};
use crate::auth::Caller;
use crate::envelope::WorkbenchError;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::state::AppState;

/// How often a stream looks for news.
const POLL: Duration = Duration::from_millis(300);
/// The reconnection delay suggested to clients.
const RETRY: Duration = Duration::from_secs(5);
/// Notifications read per query.
const BATCH: i64 = 100;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(open))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SseQuery {
    /// `general` (default) or `evaluation`.
    #[param(value_type = Option<SseQueue>, inline)]
    queue: Option<String>,
    /// With `queue=evaluation`: the token `POST /api/v1/private/evaluation-run` answered.
    #[serde(rename = "sessionToken")]
    #[param(rename = "sessionToken")]
    session_token: Option<String>,
}

/// The queues a client can listen to.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code, reason = "documentation only: the handler reads the queue as text to answer `invalid_field`")]
pub enum SseQueue {
    General,
    Evaluation,
}

/// Server-Sent Events: the team's updates, or a privacy-mode evaluation's objects.
///
/// `queue=general` (the default) streams the team's `update` notifications and replays those
/// after `Last-Event-ID`; `queue=evaluation&sessionToken=…` streams a privacy-mode evaluation's
/// objects, then `end-stream`.
#[utoipa::path(get, path = "/api/v1/sse", tag = "sse", operation_id = "open_sse_stream",
    params(SseQuery, ("Last-Event-ID" = Option<String>, Header,
        description = "`queue=general`: replay every notification after this id first")),
    responses(
        (status = 200, description = "The event stream. `general`: a `retry` hint, then events with an incremental `id` and \
            `data` `{\"type\":\"update\",\"data\":[\"Type:id\",…]}`. `evaluation`: events with `data` \
            `{\"type\":\"object\",\"data\":{\"::\":\"Evaluation\"|\"CaseRun\"|\"CaseThreadMessage\",…}}`, then \
            `{\"type\":\"end-stream\"}`. Both send keep-alive comments while idle.",
            body = String, content_type = "text/event-stream"),
        (status = 400, description = "`invalid_field` (queue) or `missing_session_token`", body = WorkbenchError),
        (status = 404, description = "`session_not_found`", body = WorkbenchError)))]
async fn open(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<SseQuery>,
) -> Result<Response, ApiError> {
    let keep_alive = KeepAlive::new().interval(state.sse_keep_alive).text("keep-alive");
    match query.queue.as_deref().unwrap_or("general") {
        "general" => {
            let replay_from = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<i64>().ok());
            let after = match replay_from {
                Some(id) => id,
                None => state.store.latest_notification_id(&caller.team_id).await?,
            };
            Ok(Sse::new(general(state, caller.team_id, after)).keep_alive(keep_alive).into_response())
        }
        "evaluation" => {
            let token = required(query.session_token, ErrorCode::MissingSessionToken)?;
            let id = super::private::session(&state, &caller.team_id, &token).await?;
            Ok(Sse::new(evaluation(state, caller.team_id, id)).keep_alive(keep_alive).into_response())
        }
        _ => Err(ApiError::with_message(ErrorCode::InvalidField, "queue must be general or evaluation")),
    }
}

struct General {
    state: AppState,
    team_id: Id,
    after: i64,
    ready: VecDeque<Event>,
}

fn general(state: AppState, team_id: Id, after: i64) -> impl Stream<Item = Result<Event, Infallible>> {
    let ready = VecDeque::from([Event::default().retry(RETRY)]);
    stream::unfold(General { state, team_id, after, ready }, |mut general| async move {
        loop {
            if let Some(event) = general.ready.pop_front() {
                return Some((Ok(event), general));
            }
            match general.state.store.notifications_after(&general.team_id, general.after, BATCH).await {
                Ok(notifications) if !notifications.is_empty() => {
                    for notification in notifications {
                        general.after = notification.id;
                        let data = json!({ "type": "update", "data": notification.refs }).to_string();
                        general.ready.push_back(Event::default().id(notification.id.to_string()).data(data));
                    }
                }
                Ok(_) => tokio::time::sleep(POLL).await,
                Err(error) => {
                    // The database is down: keep the stream, try again later.
                    tracing::warn!(error = %error, "the SSE stream cannot read notifications");
                    tokio::time::sleep(RETRY).await;
                }
            }
        }
    })
}

/// What the client of a private stream has been sent, to send only changes.
#[derive(Default)]
struct Sent {
    evaluation: Option<(String, i64)>,
    runs: HashMap<Id, (String, String, usize)>,
}

struct Private {
    state: AppState,
    team_id: Id,
    id: Id,
    next_id: u64,
    sent: Sent,
    ready: VecDeque<Event>,
    ended: bool,
}

impl Private {
    fn push(&mut self, data: Value) {
        self.next_id += 1;
        self.ready.push_back(Event::default().id(self.next_id.to_string()).data(data.to_string()));
    }

    fn object(&mut self, kind: &str, payload: impl Serialize) {
        // Serializing a view (plain fields, string keys) cannot fail.
        let mut payload = serde_json::to_value(payload).unwrap_or_default();
        if let Value::Object(map) = &mut payload {
            map.insert("::".into(), Value::from(kind));
        }
        self.push(json!({ "type": "object", "data": payload }));
    }

    /// Queues what changed since the last look; true once the evaluation is over.
    async fn look(&mut self) -> Result<bool, ApiError> {
        let Some(evaluation) = self.state.store.workbench_evaluation(&self.team_id, &self.id).await? else { return Ok(true) };
        let (runs, _) = self.state.store.list_case_runs(&self.team_id, Some(&self.id), None, i64::MAX, 0).await?;
        let finished = evaluation.state.is_finished();
        let key = (views::status(evaluation.state).to_owned(), evaluation.counts.done);
        let view = views::evaluation_fields(&evaluation, &runs);
        // The evaluation opens the stream; its final state goes out after the runs' last
        // changes, just before end-stream.
        if self.sent.evaluation.is_none() || (self.sent.evaluation.as_ref() != Some(&key) && !finished) {
            self.object("Evaluation", view.clone());
        }
        self.sent.evaluation = Some(key);
        for run in &runs {
            let outcome = run.outcome.as_ref();
            let result = outcome.map_or_else(|| "not_set".to_owned(), |o| o.result.clone());
            let seen = (run.status.clone(), result, outcome.map_or(0, |o| o.thread.len()));
            let before = self.sent.runs.get(&run.id).cloned();
            if before.as_ref().map(|b| (&b.0, &b.1)) != Some((&seen.0, &seen.1)) {
                self.object("CaseRun", views::case_run_summary(run));
            }
            for message in views::messages(run).into_iter().skip(before.map_or(0, |b| b.2)) {
                self.object("CaseThreadMessage", message);
            }
            self.sent.runs.insert(run.id.clone(), seen);
        }
        if finished {
            self.object("Evaluation", view);
        }
        Ok(finished)
    }
}

fn evaluation(state: AppState, team_id: Id, id: Id) -> impl Stream<Item = Result<Event, Infallible>> {
    let ready = VecDeque::from([Event::default().retry(RETRY)]);
    let private = Private { state, team_id, id, next_id: 0, sent: Sent::default(), ready, ended: false };
    stream::unfold(private, |mut private| async move {
        loop {
            if let Some(event) = private.ready.pop_front() {
                return Some((Ok(event), private));
            }
            if private.ended {
                // Everything is sent: the temporary data goes.
                if let Err(error) = private.state.store.purge_private_evaluation(&private.team_id, &private.id).await {
                    tracing::warn!(error = %error, evaluation = %private.id, "could not delete a private evaluation");
                }
                return None;
            }
            match private.look().await {
                Ok(true) => {
                    private.push(json!({ "type": "end-stream" }));
                    private.ended = true;
                }
                Ok(false) => tokio::time::sleep(POLL).await,
                Err(error) => {
                    tracing::warn!(error = ?error, "the private SSE stream cannot read its evaluation");
                    tokio::time::sleep(RETRY).await;
                }
            }
        }
    })
}
