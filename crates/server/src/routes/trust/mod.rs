//! The trust-platform API (`/v1/…`, snake_case, plain JSON, errors `{"error","message"}`),
//! one module per resource. Shapes follow what the public `vijil` client reads (see
//! `../shared/specs/trust-platform-client.md`), then the published OpenAPI document.
//! Everything is the caller's team's: another team's id answers 404.

mod agents;
mod catalogue;
mod detections;
mod evaluations;
mod feedback;
mod harnesses;
mod invites;
pub(crate) mod keys;
mod local_token;
mod playgrounds;
mod prompts;
mod reports;
mod tree;
mod uploads;
mod users;
mod views;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(users::routes())
        .merge(invites::routes())
        .merge(agents::routes())
        .merge(prompts::routes())
        .merge(catalogue::routes())
        .merge(harnesses::routes())
        .merge(keys::routes())
        .merge(evaluations::routes())
        .merge(tree::routes())
        .merge(detections::routes())
        .merge(reports::routes())
        .merge(feedback::routes())
        .merge(local_token::routes())
        .merge(playgrounds::routes())
}

/// The `/v1` routes reached without an API key: upload URLs, whose one-time token is the
/// credential.
pub fn public_routes() -> OpenApiRouter<AppState> {
    uploads::public_routes()
}

/// Runs again the detections and reports a stop left unfinished. With several servers on one
/// database, each resumes them; a detection or report run twice stores the same outcome.
pub fn resume_background_work(state: AppState) {
    let started_at = assay_core::unix_now();
    tokio::spawn(async move {
        detections::resume_unfinished(&state).await;
        reports::resume_unfinished(&state).await;
        harnesses::resume_unfinished(&state, started_at).await;
    });
}

/// An engine error as the caller's: what it refused is a 400 naming why.
fn engine_error(error: assay_engine::Error) -> crate::error::ApiError {
    use crate::error::ApiError;
    match error {
        assay_engine::Error::InvalidSuite(message)
        | assay_engine::Error::InvalidTarget(_, message)
        | assay_engine::Error::TargetUnbuildable(message) => ApiError::with_message(assay_core::ErrorCode::InvalidRequest, message),
        assay_engine::Error::Store(store) => store.into(),
        other => {
            tracing::error!(error = %other, "engine error");
            ApiError::new(assay_core::ErrorCode::Internal)
        }
    }
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
