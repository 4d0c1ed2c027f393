//! Operations: health, metrics, the OpenAPI document and the interactive docs page.
//! None of these needs a key: they hold no team's data.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::{Extension, Json, Router};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz)).routes(routes!(metrics)).routes(routes!(openapi_json))
}

/// The Swagger UI at `/docs`, its assets compiled into the binary (the `vendored` feature),
/// reading the document from `/openapi.json`.
pub fn docs_page() -> Router<AppState> {
    SwaggerUi::new("/docs").config(Config::from("/openapi.json")).into()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` when the database cannot be reached.
    status: &'static str,
    version: &'static str,
    database: DatabaseHealth,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DatabaseHealth {
    /// `sqlite` or `postgres`.
    backend: &'static str,
    /// `ok` or `unavailable`.
    status: &'static str,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", tag = "operations", security(()),
    responses(
        (status = 200, description = "Serving; the database answers", body = Health),
        (status = 503, description = "The database cannot be reached", body = Health),
    ))]
async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let reachable = match state.store.ping().await {
        Ok(()) => true,
        Err(error) => {
            tracing::warn!(error = ?error, "health check: database unreachable");
            false
        }
    };
    let status = if reachable { "ok" } else { "unavailable" };
    let health = Health { status, version: env!("CARGO_PKG_VERSION"), database: DatabaseHealth { backend: state.store.backend(), status } };
    let code = if reachable { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, Json(health))
}

/// Request counts by route and status and a latency histogram; the job queue's depth per
/// state; and, where this node runs jobs, its runner's claim latency, job durations, results
/// written and target errors by kind. Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(()),
    responses((status = 200, description = "Prometheus text exposition format 0.0.4", body = String, content_type = "text/plain")))]
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let mut text = state.metrics.render();
    match state.engine.render_metrics().await {
        Ok(queue) => text.push_str(&queue),
        // The HTTP series still help when the database does not answer; /healthz says why.
        Err(error) => tracing::warn!(error = %error, "queue metrics unavailable"),
    }
    ([(header::CONTENT_TYPE, assay_engine::metrics::CONTENT_TYPE)], text)
}

/// This document: OpenAPI 3.1 for every route assay serves.
#[utoipa::path(get, path = "/openapi.json", tag = "operations", security(()),
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
async fn openapi_json(Extension(doc): Extension<Arc<utoipa::openapi::OpenApi>>) -> Json<Arc<utoipa::openapi::OpenApi>> {
    Json(doc)
}
