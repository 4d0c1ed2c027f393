//! The prompt-workbench API (`/api/v1/…`, camelCase): prompts and revisions, evaluation
//! templates, evaluations with their case runs and thread messages, models, the AI helpers,
//! privacy mode and SSE. Every answer is `{"status":"ok","data":…}`; errors are rendered as
//! `{"status":"err","message":…,"code":…}` by the envelope layer.

mod assist;
mod case_runs;
mod definitions;
mod evaluations;
mod models;
mod private;
mod prompts;
mod revisions;
mod sse;
mod templates;
mod views;

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
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
        Json(WorkbenchOk { status: OkStatus::Ok, data: self.0 }).into_response()
    }
}

/// What [`Envelope`] sends, `{"status":"ok","data":…}`; documented as `WorkbenchOk_<data>`.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkbenchOk<T> {
    status: OkStatus,
    data: T,
}

/// The `status` of a workbench answer: always `ok`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OkStatus {
    Ok,
}

/// A required text field: absent, `null` or blank → 400 with the field's own `code`. Such
/// fields are `Option` so serde lets them through to answer that code; their schema says
/// `value_type = String, required = true` for the document.
pub fn required(value: Option<String>, code: assay_core::ErrorCode) -> Result<String, crate::error::ApiError> {
    value.filter(|text| !text.trim().is_empty()).ok_or_else(|| crate::error::ApiError::new(code))
}

/// The `{id}` of a route: a segment that is not an id names no object, so it answers `code`
/// (e.g. `prompt_not_found`) like any unknown id.
pub fn object_id(
    path: Result<crate::extract::PathId, crate::error::ApiError>,
    code: assay_core::ErrorCode,
) -> Result<assay_core::Id, crate::error::ApiError> {
    path.map(|crate::extract::PathId(id)| id).map_err(|_| crate::error::ApiError::new(code))
}

/// A required `promptID`: missing → `missing_prompt_id`; not an id, so naming no prompt →
/// `prompt_not_found`.
pub fn required_prompt_id(raw: Option<String>) -> Result<assay_core::Id, crate::error::ApiError> {
    let raw = required(raw, assay_core::ErrorCode::MissingPromptId)?;
    assay_core::Id::parse(raw.trim()).map_err(|_| crate::error::ApiError::new(assay_core::ErrorCode::PromptNotFound))
}

/// `limit` and `offset` of the list endpoints; a bad one is `invalid_field`.
pub fn page(limit: Option<i64>, offset: Option<i64>) -> Result<(i64, i64), crate::error::ApiError> {
    crate::extract::page(limit, offset, assay_core::ErrorCode::InvalidField)
}
