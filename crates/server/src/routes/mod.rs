//! The router: one module per API surface, merged here under the shared layers.

mod completions;
mod contract;
mod ingest;
mod ops;
pub(crate) mod targets;
pub(crate) mod trust;
mod unmatched;
mod workbench;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Request;
use axum::middleware::{from_fn, from_fn_with_state};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;
use crate::{auth, envelope, limits, metrics, openapi, roles};

/// Starts again what a stop interrupted off the request path: `/v1` detections still
/// `CREATED` and reports still `GENERATING`.
pub fn resume_background_work(state: AppState) {
    trust::resume_background_work(state);
}

/// Builds the whole application router over `state`.
pub fn router(state: AppState) -> Router {
    let authenticated = OpenApiRouter::new()
        .merge(trust::routes())
        .merge(targets::routes())
        .merge(contract::routes())
        .merge(completions::routes())
        .merge(workbench::routes())
        .merge(ingest::routes())
        .merge(unmatched::authenticated_surfaces())
        // The role check runs inside authentication, on the caller it found.
        .layer(from_fn(roles::require_role))
        .layer(from_fn_with_state(state.clone(), auth::require_caller));
    let (api, doc) = OpenApiRouter::with_openapi(openapi::base())
        .merge(ops::routes())
        .merge(trust::public_routes())
        .merge(authenticated)
        .split_for_parts();
    let doc = openapi::finish(doc);

    api.merge(ops::docs_page())
        .merge(crate::ui::routes())
        .fallback(unmatched::not_found)
        .layer(axum::Extension(std::sync::Arc::new(doc)))
        .layer(DefaultBodyLimit::max(state.body_limit))
        .layer(
            // Outermost first: ids and tracing see everything; metrics see the final status.
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(from_fn_with_state(state.clone(), metrics::record))
                .layer(from_fn(envelope::render_errors))
                .layer(CatchPanicLayer::new())
                .layer(from_fn_with_state(state.clone(), limits::refuse_oversized_bodies)),
        )
        .with_state(state)
}

fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", %request_id, method = %request.method(), path = %request.uri().path())
}
