//! `GET /ui/evaluations/{id}/events`: an evaluation's progress as Server-Sent Events for its
//! page. Each stored event goes out under its own id (one `result` for each new result a
//! `results.created` event lists, `state` for a change of state), followed by a `progress`
//! event with the counters; a reconnecting browser
//! sends `Last-Event-ID` and resumes after it (the first connection names `?after=`). The
//! stream sends `end` and closes once the evaluation has finished and every event is out.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use assay_core::Id;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use serde_json::json;

use super::evaluation::owned;
use super::session::Viewer;
use crate::error::ApiError;
use crate::state::AppState;

/// How often a stream looks for news: events are written by whichever process runs the job.
const POLL: Duration = Duration::from_millis(250);
const RETRY: Duration = Duration::from_secs(2);
/// Events read per query.
const BATCH: i64 = 200;

#[derive(Debug, Deserialize)]
pub struct After {
    after: Option<i64>,
}

pub async fn events(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw_id): Path<String>,
    Query(query): Query<After>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let evaluation = owned(&state, &viewer, &raw_id).await?;
    let resume = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(Position::parse);
    let from = resume.or(query.after.map(Position::after_event)).unwrap_or(Position::after_event(0));
    let keep_alive = KeepAlive::new().interval(state.sse_keep_alive).text("keep-alive");
    Ok(Sse::new(stream_of(state, evaluation.id, from)).keep_alive(keep_alive).into_response())
}

/// Where a stream resumes: after stored event `after`, and within the next event, after its
/// first `skip` results. A `result` goes out with the id `{event}.{index}` (a stored event
/// lists a batch of results), anything else with its event's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Position {
    after: i64,
    skip: usize,
}

impl Position {
    fn after_event(id: i64) -> Self {
        Self { after: id.max(0), skip: 0 }
    }

    /// `42` (everything of event 42 was seen) or `42.3` (its results up to index 3 were).
    fn parse(id: &str) -> Option<Self> {
        match id.trim().split_once('.') {
            None => id.trim().parse().ok().map(Self::after_event),
            Some((event, index)) => {
                let (event, index) = (event.parse::<i64>().ok()?, index.parse::<usize>().ok()?);
                (event > 0).then(|| Self { after: event - 1, skip: index.saturating_add(1) })
            }
        }
    }
}

struct Live {
    state: AppState,
    id: Id,
    /// What was sent: after a reconnection, possibly part of the next event's results.
    sent: Position,
    ready: VecDeque<Event>,
    ended: bool,
}

fn stream_of(state: AppState, id: Id, from: Position) -> impl Stream<Item = Result<Event, Infallible>> {
    let live = Live { state, id, sent: from, ready: VecDeque::from([Event::default().retry(RETRY)]), ended: false };
    stream::unfold(live, |mut live| async move {
        loop {
            if let Some(event) = live.ready.pop_front() {
                return Some((Ok(event), live));
            }
            if live.ended {
                return None;
            }
            match live.look().await {
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(POLL).await,
                Err(error) => {
                    tracing::warn!(error = ?error, "the UI's event stream cannot read its evaluation");
                    tokio::time::sleep(RETRY).await;
                }
            }
        }
    })
}

impl Live {
    /// Queues what happened since the last look; false when nothing did.
    async fn look(&mut self) -> Result<bool, ApiError> {
        let events = self.state.store.events_after(&self.id, self.sent.after, BATCH).await?;
        let evaluation = self.state.store.evaluation(&self.id).await?;
        let Some(evaluation) = evaluation else {
            self.ready.push_back(Event::default().event("end").data("{}"));
            self.ended = true;
            return Ok(true);
        };
        if events.is_empty() {
            if evaluation.state.is_finished() {
                self.ready.push_back(Event::default().event("end").data(json!({ "state": evaluation.state.as_str() }).to_string()));
                self.ended = true;
                return Ok(true);
            }
            return Ok(false);
        }
        for event in &events {
            if event.kind == "results.created" {
                // A stored event lists a batch of results; the page gets one `result` each.
                let results = event.data.get("results").and_then(|r| r.as_array()).map(Vec::as_slice).unwrap_or_default();
                let skip = if event.id == self.sent.after + 1 { self.sent.skip } else { 0 };
                for (index, result) in results.iter().enumerate().skip(skip) {
                    self.ready.push_back(Event::default().id(format!("{}.{index}", event.id)).event("result").data(result.to_string()));
                }
            } else {
                self.ready.push_back(Event::default().id(event.id.to_string()).event("state").data(event.data.to_string()));
            }
            self.sent = Position::after_event(event.id);
        }
        let c = &evaluation.counts;
        let progress = json!({
            "state": evaluation.state.as_str(),
            "total": c.total, "done": c.done, "passed": c.passed, "failed": c.failed,
            "errored": c.errored, "unscorable": c.unscorable,
            "started_at": evaluation.started_at, "now": assay_core::unix_now(),
        });
        self.ready.push_back(Event::default().id(self.sent.after.to_string()).event("progress").data(progress.to_string()));
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::Position;

    #[test]
    fn a_resume_id_names_an_event_or_a_result_within_one() {
        assert_eq!(Position::parse("42"), Some(Position { after: 42, skip: 0 }));
        assert_eq!(Position::parse(" 42.3 "), Some(Position { after: 41, skip: 4 }));
        assert_eq!(Position::parse("-5"), Some(Position { after: 0, skip: 0 }));
        for bad in ["", "x", "4.x", "0.1", "1.-1"] {
            assert_eq!(Position::parse(bad), None, "{bad}");
        }
    }
}
