//! The prompt-workbench API (`/api/v1/…`, camelCase): prompts and revisions, evaluation
//! templates, evaluations with their case runs and thread messages, models, the AI helpers,
//! privacy mode and SSE. Every answer is `{"status":"ok","data":…}`; errors are rendered as
//! `{"status":"err","message":…,"code":…}` by the envelope layer.

mod assist;
mod case_runs;
mod evaluations;
mod models;
mod private;
mod prompts;
mod revisions;
mod sse;
mod templates;

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(prompts::routes())
        .merge(revisions::routes())
        .merge(templates::routes())
        .merge(models::routes())
        .merge(evaluations::routes())
        .merge(case_runs::routes())
        .merge(assist::routes())
        .merge(private::routes())
        .merge(sse::routes())
}

/// The workbench's success envelope around `data`.
#[derive(Debug)]
pub struct Envelope<T>(pub T);

impl<T: Serialize> IntoResponse for Envelope<T> {
    fn into_response(self) -> Response {
        Json(serde_json::json!({ "status": "ok", "data": self.0 })).into_response()
    }
}

/// `limit` (default 50, 1..=500) and `offset` (default 0) of the list endpoints.
pub fn page(limit: Option<i64>, offset: Option<i64>) -> Result<(i64, i64), crate::error::ApiError> {
    let limit = limit.unwrap_or(50);
    let offset = offset.unwrap_or(0);
    if !(1..=500).contains(&limit) {
        return Err(crate::error::ApiError::with_message(assay_core::ErrorCode::InvalidField, "limit must be between 1 and 500"));
    }
    if offset < 0 {
        return Err(crate::error::ApiError::with_message(assay_core::ErrorCode::InvalidField, "offset must be 0 or more"));
    }
    Ok((limit, offset))
}
