//! Which API surface a request belongs to, and each surface's error envelope.
//!
//! | surface | paths | error body |
//! |---|---|---|
//! | workbench | `/api/v1/…` | `{"status":"err","message":…,"code":"snake_case"}` |
//! | ingest | `/api/ingest` | `{"code":"UPPERCASE","message":…}` |
//! | trust platform, contract, operations | everything else | `{"error":"snake_case","message":…}` |
//! | web UI | `/ui/…` | an HTML page with the status and the message |
//!
//! The [`render_errors`] layer runs around every route and the fallback: it re-renders an
//! [`ApiError`] in the caller's shape, and dresses any error response some inner layer or
//! axum itself produced without a JSON body (405, a panic's 500, …) the same way, so no
//! client ever sees a plain-text rejection.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::error::ApiError;

/// The workbench's error body (`/api/v1/…`).
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkbenchError {
    status: ErrStatus,
    message: String,
    /// The error's snake_case code, e.g. `prompt_not_found`.
    code: &'static str,
}

/// The `status` of a workbench error: always `err`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ErrStatus {
    Err,
}

/// The ingest API's error body (`/api/ingest`).
#[derive(Debug, Serialize, ToSchema)]
pub struct IngestError {
    /// The UPPERCASE code, e.g. `INVALID_PAYLOAD`.
    code: &'static str,
    message: String,
}

/// The error body of every other surface (trust platform, contract, operations, `/api/…`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PlainError {
    /// The snake_case code, e.g. `not_found`.
    error: &'static str,
    message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Workbench,
    Ingest,
    Plain,
    Ui,
}

impl Surface {
    pub fn of(path: &str) -> Self {
        let under = |prefix: &str| path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'));
        if under("/api/v1") {
            Self::Workbench
        } else if under("/api/ingest") {
            Self::Ingest
        } else if under("/ui") {
            Self::Ui
        } else {
            Self::Plain
        }
    }

    /// The error in this surface's shape: the typed bodies above, so the OpenAPI document
    /// describes exactly what is sent.
    pub fn error_body(self, error: &ApiError) -> serde_json::Value {
        let spec = error.code.spec();
        let message = error.message().to_owned();
        match self {
            Self::Workbench => json!(WorkbenchError { status: ErrStatus::Err, message, code: spec.code }),
            Self::Ingest => json!(IngestError { code: spec.ingest_code, message }),
            Self::Plain | Self::Ui => json!(PlainError { error: spec.code, message }),
        }
    }
}

fn has_json_body(response: &Response) -> bool {
    response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"))
}

/// Middleware: renders every error response in the shape of the request's surface.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let surface = Surface::of(request.uri().path());
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_html = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if surface == Surface::Ui && is_html {
        return response;
    }
    let error = match response.extensions().get::<ApiError>() {
        Some(error) => error.clone(),
        // A JSON error body that is not an ApiError is deliberate (e.g. /healthz's 503).
        None if has_json_body(&response) => return response,
        None => ApiError::new(assay_core::ErrorCode::for_status(status.as_u16())),
    };
    if surface == Surface::Ui {
        let mut page = crate::ui::error_page(status, error.message());
        page.extensions_mut().insert(error);
        return page;
    }
    let (mut parts, _old_body) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let mut rendered = (parts, axum::Json(surface.error_body(&error))).into_response();
    rendered.extensions_mut().insert(error);
    rendered
}

#[cfg(test)]
mod tests {
    use super::*;
    use assay_core::ErrorCode;

    #[test]
    fn paths_map_to_their_surface() {
        assert_eq!(Surface::of("/api/v1/prompts"), Surface::Workbench);
        assert_eq!(Surface::of("/api/v1"), Surface::Workbench);
        assert_eq!(Surface::of("/api/v10/x"), Surface::Plain);
        assert_eq!(Surface::of("/api/ingest"), Surface::Ingest);
        assert_eq!(Surface::of("/api/ingestion"), Surface::Plain);
        assert_eq!(Surface::of("/v1/teams"), Surface::Plain);
        assert_eq!(Surface::of("/chat"), Surface::Plain);
        assert_eq!(Surface::of("/ui/keys"), Surface::Ui);
        assert_eq!(Surface::of("/uix"), Surface::Plain);
    }

    #[test]
    fn each_surface_renders_its_documented_shape() {
        let error = ApiError::new(ErrorCode::Unauthorized);
        assert_eq!(
            Surface::Workbench.error_body(&error),
            json!({"status": "err", "message": "Invalid or missing API key.", "code": "unauthorized"})
        );
        assert_eq!(Surface::Ingest.error_body(&error), json!({"code": "UNAUTHORIZED", "message": "Invalid or missing API key."}));
        assert_eq!(Surface::Plain.error_body(&error), json!({"error": "unauthorized", "message": "Invalid or missing API key."}));
    }
}
