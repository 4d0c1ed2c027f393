//! The server's two error types: [`Error`] for start-up (config, database, bind) and
//! [`ApiError`], the one error every handler and layer answers with.
//!
//! An `ApiError` response carries the error itself in its extensions; the `envelope` layer
//! renders it into the calling surface's shape, so handlers never choose a shape.

use std::net::SocketAddr;

use assay_core::ErrorCode;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub use crate::config::ConfigError;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database, or the secret key that seals credentials.
    #[error(transparent)]
    Store(#[from] assay_store::Error),
    #[error("cannot listen on {0}")]
    Bind(SocketAddr, #[source] std::io::Error),
    #[error("the server stopped with an error")]
    Serve(#[source] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An API error: a code of the central table, an optional message that overrides the code's
/// default, and, for 429, the seconds until a retry can succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: Option<String>,
    pub retry_after_secs: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self { code, message: None, retry_after_secs: None }
    }

    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: Some(message.into()), retry_after_secs: None }
    }

    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound)
    }

    /// 400 `invalid_request` saying what is wrong with the request.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::with_message(ErrorCode::InvalidRequest, message)
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self { code: ErrorCode::RateLimited, message: None, retry_after_secs: Some(retry_after_secs.max(1)) }
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.spec().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn message(&self) -> &str {
        self.message.as_deref().unwrap_or(self.code.spec().message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // The body is the plain `{error, message}` shape; the envelope layer re-renders it for
        // surfaces that use another shape.
        let body = serde_json::json!({ "error": self.code.spec().code, "message": self.message() });
        let mut response = (self.status(), axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after_secs {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(self);
        response
    }
}

impl From<assay_store::Error> for ApiError {
    fn from(error: assay_store::Error) -> Self {
        match &error {
            assay_store::Error::Conflict(what) => Self::with_message(ErrorCode::Conflict, format!("This {what} already exists.")),
            assay_store::Error::StateConflict(why) => Self::with_message(ErrorCode::Conflict, why.clone()),
            _ if error.is_unavailable() => {
                tracing::error!(error = ?error, "database unavailable");
                Self::new(ErrorCode::ServiceUnavailable)
            }
            _ => {
                tracing::error!(error = ?error, "store error");
                Self::new(ErrorCode::Internal)
            }
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::with_message(ErrorCode::InvalidRequest, rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        // A path segment that does not parse cannot name an existing object.
        Self::not_found()
    }
}

impl From<assay_core::TargetError> for ApiError {
    fn from(error: assay_core::TargetError) -> Self {
        use assay_core::TargetError as T;
        let code = match &error {
            T::Timeout(_) => ErrorCode::TargetTimeout,
            // The caller's conversation was refused by the target: theirs to fix.
            T::BadRequest(_) => ErrorCode::InvalidRequest,
            T::Unsupported(_) => ErrorCode::InvalidRequest,
            T::Auth(_) | T::NotFound(_) | T::RateLimited { .. } | T::Server { .. } | T::MalformedReply(_) | T::Connection(_) => {
                ErrorCode::TargetFailed
            }
        };
        // The target's own message is the point of a test tool; it never holds our secrets.
        Self::with_message(code, error.to_string())
    }
}

impl From<assay_engine::Error> for ApiError {
    fn from(error: assay_engine::Error) -> Self {
        use assay_engine::Error as E;
        match error {
            E::Store(error) => error.into(),
            E::InvalidSuite(reason) => Self::with_message(ErrorCode::InvalidField, reason),
            E::InvalidTarget(target, reason) => Self::with_message(ErrorCode::InvalidField, format!("target {target}: {reason}")),
            // A stored target's settings are the caller's to fix.
            E::TargetUnbuildable(reason) => Self::invalid(reason),
            // The assistant's failure is the answer: say what went wrong, never return half data.
            error @ (E::AssistantUnavailable(_) | E::AssistantUnusable { .. }) => {
                Self::with_message(ErrorCode::AssistantFailed, error.to_string())
            }
        }
    }
}
