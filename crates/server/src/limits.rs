//! The request body limit, checked up front from `Content-Length` so an oversized upload
//! is refused before it is read. Chunked bodies are held to the same limit by axum's
//! `DefaultBodyLimit` when a handler reads them (see `extract::ApiJson`).

use assay_core::ErrorCode;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

pub async fn refuse_oversized_bodies(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(length) if length > state.body_limit as u64 => ApiError::with_message(
            ErrorCode::PayloadTooLarge,
            format!("The request body ({length} bytes) exceeds the limit of {} bytes.", state.body_limit),
        )
        .into_response(),
        _ => next.run(request).await,
    }
}
