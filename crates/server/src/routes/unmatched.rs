//! Answers for paths no route serves. Under an authenticated surface (`/v1/…`, `/api/v1/…`,
//! `/api/ingest`) the catch-all sits behind authentication, so an unknown path does not
//! reveal which paths exist to a caller without a key.

use axum::routing::any;
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::state::AppState;

pub async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// Catch-alls of the authenticated surfaces (kept out of the OpenAPI document).
#[allow(clippy::disallowed_methods, reason = "not routes but the 404 of unknown paths; the document lists no such path")]
pub fn authenticated_surfaces() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/v1/{*rest}", any(not_found)).route("/api/v1", any(not_found)).route("/api/v1/{*rest}", any(not_found))
}
