//! The trust-platform API (`/v1/…`, snake_case, plain JSON, errors `{"error","message"}`),
//! one module per resource. Shapes follow what the public `vijil` client reads (see
//! `../shared/specs/trust-platform-client.md`), then the published OpenAPI document.
//! Everything is the caller's team's: another team's id answers 404.

mod catalogue;
mod detections;
mod evaluations;
mod feedback;
mod keys;
mod reports;
mod tree;
mod users;
mod views;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(users::routes())
        .merge(catalogue::routes())
        .merge(keys::routes())
        .merge(evaluations::routes())
        .merge(tree::routes())
        .merge(detections::routes())
        .merge(reports::routes())
        .merge(feedback::routes())
}

/// Runs again the detections and reports a stop left unfinished. With several servers on one
/// database, each resumes them; a detection or report run twice stores the same outcome.
pub fn resume_background_work(state: AppState) {
    tokio::spawn(async move {
        detections::resume_unfinished(&state).await;
        reports::resume_unfinished(&state).await;
    });
}

/// The list envelope of every `/v1` list route but `GET /v1/api-keys`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Results<T> {
    pub results: Vec<T>,
}

impl<T> Results<T> {
    pub fn of(results: Vec<T>) -> axum::Json<Self> {
        axum::Json(Self { results })
    }
}
