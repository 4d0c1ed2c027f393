//! The one table of error codes every API error maps to.
//!
//! Each code has an HTTP status, a snake_case code (served by the workbench `/api/v1` surface
//! as `code` and by the trust-platform, contract and operations surfaces as `error`), an
//! UPPERCASE code (served by the ingest surface) and a default message. The server renders
//! them into each surface's envelope; nothing else invents a status or a code. The `match`
//! below has no `_` arm on purpose: a new code forces a decision on every column.

/// Every error an API of assay can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The body is not syntactically valid JSON.
    MalformedJson,
    /// The body is JSON but a field is missing, has the wrong type or fails validation.
    InvalidRequest,
    /// No, or an unknown or revoked, API key.
    Unauthorized,
    /// The caller is known but may not do this (a web form without its session's CSRF token).
    Forbidden,
    /// No such route, or no such object in the caller's team (another team's object is
    /// reported as missing, never as forbidden, so ids do not leak).
    NotFound,
    /// The route exists but not with this HTTP method.
    MethodNotAllowed,
    /// A unique constraint was hit (e.g. a name already taken).
    Conflict,
    /// The body exceeds the configured request body limit.
    PayloadTooLarge,
    /// The body is not declared as `application/json`.
    UnsupportedMediaType,
    /// The API key has used up its plan's requests for the current window.
    RateLimited,
    /// A failure on our side; details are logged, never sent.
    Internal,
    /// The system under test answered with an error or an unusable reply.
    TargetFailed,
    /// The system under test did not answer in time.
    TargetTimeout,
    /// The database (or another dependency) cannot be reached.
    ServiceUnavailable,
    // The workbench surface (`/api/v1`) names its errors per object and field; the codes and
    // messages below are the ones its document shows, plus a few it implies.
    MissingPrompt,
    MissingName,
    MissingContent,
    MissingRemarks,
    RemarksRequired,
    ThreadRequired,
    MissingPromptId,
    MissingTemplateId,
    MissingEvaluationId,
    MissingCaseRunId,
    MissingSessionToken,
    InvalidAction,
    InvalidField,
    PromptNotFound,
    RevisionNotFound,
    TemplateNotFound,
    EvaluationNotFound,
    EvaluationNotFoundOrCompleted,
    CaseRunNotFound,
    SessionNotFound,
    ModelNotAvailable,
    LastRevisionCannotBeDeleted,
    EvaluationInProgress,
    /// The assistant model kept answering in a shape that could not be used.
    AssistantFailed,
    // The ingest surface (`/api/ingest`).
    /// The payload's `project_slug` names no project of the key's team.
    ProjectNotFound,
    /// The key's team is disabled: it may not ingest.
    NoSubscription,
    /// The team's monthly evaluation quota would be exceeded.
    QuotaExceeded,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorSpec {
    pub status: u16,
    pub code: &'static str,
    pub ingest_code: &'static str,
    pub message: &'static str,
}

impl ErrorCode {
    /// Every code, for tests and documentation.
    /// Ordered so that `for_status` picks the most general code of a status first.
    pub const ALL: [ErrorCode; 41] = [
        Self::InvalidRequest,
        Self::MalformedJson,
        Self::Unauthorized,
        Self::Forbidden,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::Conflict,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::RateLimited,
        Self::Internal,
        Self::TargetFailed,
        Self::ServiceUnavailable,
        Self::TargetTimeout,
        Self::MissingPrompt,
        Self::MissingName,
        Self::MissingContent,
        Self::MissingRemarks,
        Self::RemarksRequired,
        Self::ThreadRequired,
        Self::MissingPromptId,
        Self::MissingTemplateId,
        Self::MissingEvaluationId,
        Self::MissingCaseRunId,
        Self::MissingSessionToken,
        Self::InvalidAction,
        Self::InvalidField,
        Self::PromptNotFound,
        Self::RevisionNotFound,
        Self::TemplateNotFound,
        Self::EvaluationNotFound,
        Self::EvaluationNotFoundOrCompleted,
        Self::CaseRunNotFound,
        Self::SessionNotFound,
        Self::ModelNotAvailable,
        Self::LastRevisionCannotBeDeleted,
        Self::EvaluationInProgress,
        Self::AssistantFailed,
        Self::ProjectNotFound,
        Self::NoSubscription,
        Self::QuotaExceeded,
    ];

    pub const fn spec(self) -> ErrorSpec {
        const fn row(status: u16, code: &'static str, ingest_code: &'static str, message: &'static str) -> ErrorSpec {
            ErrorSpec { status, code, ingest_code, message }
        }
        match self {
            Self::MalformedJson => row(400, "malformed_json", "INVALID_PAYLOAD", "The request body is not valid JSON."),
            Self::InvalidRequest => row(400, "invalid_request", "INVALID_PAYLOAD", "The request is invalid."),
            Self::Unauthorized => row(401, "unauthorized", "UNAUTHORIZED", "Invalid or missing API key."),
            Self::Forbidden => row(403, "forbidden", "FORBIDDEN", "You may not do this."),
            Self::NotFound => row(404, "not_found", "NOT_FOUND", "Not found."),
            Self::MethodNotAllowed => row(405, "method_not_allowed", "METHOD_NOT_ALLOWED", "This method is not allowed on this route."),
            Self::Conflict => row(409, "conflict", "CONFLICT", "The object already exists."),
            Self::PayloadTooLarge => row(413, "payload_too_large", "PAYLOAD_TOO_LARGE", "The request body exceeds the size limit."),
            Self::UnsupportedMediaType => {
                row(415, "unsupported_media_type", "INVALID_PAYLOAD", "The request body must be sent as application/json.")
            }
            Self::RateLimited => row(429, "rate_limited", "RATE_LIMITED", "Rate limit exceeded for this API key."),
            Self::Internal => row(500, "internal_error", "INTERNAL_ERROR", "Internal server error."),
            Self::TargetFailed => row(502, "target_error", "TARGET_ERROR", "The system under test failed to answer."),
            Self::TargetTimeout => row(504, "target_timeout", "TARGET_TIMEOUT", "The system under test did not answer in time."),
            Self::ServiceUnavailable => row(503, "service_unavailable", "SERVICE_UNAVAILABLE", "The service is temporarily unavailable."),
            Self::MissingPrompt => row(400, "missing_prompt", "INVALID_PAYLOAD", "Prompt is required"),
            Self::MissingName => row(400, "missing_name", "INVALID_PAYLOAD", "Name is required"),
            Self::MissingContent => row(400, "missing_content", "INVALID_PAYLOAD", "Content is required"),
            Self::MissingRemarks => row(400, "missing_remarks", "INVALID_PAYLOAD", "Remarks are required"),
            Self::RemarksRequired => row(400, "remarks_required", "INVALID_PAYLOAD", "Remarks are required"),
            Self::ThreadRequired => row(400, "thread_required", "INVALID_PAYLOAD", "Thread is required"),
            Self::MissingPromptId => row(400, "missing_prompt_id", "INVALID_PAYLOAD", "PromptID is required"),
            Self::MissingTemplateId => row(400, "missing_evaluation_template_id", "INVALID_PAYLOAD", "EvaluationTemplateID is required"),
            Self::MissingEvaluationId => row(400, "missing_evaluation_id", "INVALID_PAYLOAD", "EvaluationID is required"),
            Self::MissingCaseRunId => row(400, "missing_case_run_id", "INVALID_PAYLOAD", "CaseRunID is required"),
            Self::MissingSessionToken => row(400, "missing_session_token", "INVALID_PAYLOAD", "SessionToken is required"),
            Self::InvalidAction => row(400, "invalid_action", "INVALID_PAYLOAD", "Action must be abort"),
            Self::InvalidField => row(400, "invalid_field", "INVALID_PAYLOAD", "A field has an invalid value"),
            Self::PromptNotFound => row(404, "prompt_not_found", "NOT_FOUND", "Prompt not found"),
            Self::RevisionNotFound => row(404, "revision_not_found", "NOT_FOUND", "Revision not found"),
            Self::TemplateNotFound => row(404, "template_not_found", "NOT_FOUND", "Evaluation template not found"),
            Self::EvaluationNotFound => row(404, "evaluation_not_found", "NOT_FOUND", "Evaluation not found"),
            Self::EvaluationNotFoundOrCompleted => {
                row(404, "evaluation_not_found_or_completed", "NOT_FOUND", "Evaluation not found or already completed")
            }
            Self::CaseRunNotFound => row(404, "case_run_not_found", "NOT_FOUND", "Case run not found"),
            Self::SessionNotFound => row(404, "session_not_found", "NOT_FOUND", "Session not found or already ended"),
            Self::ModelNotAvailable => row(400, "model_not_available", "INVALID_PAYLOAD", "Model is not available"),
            Self::LastRevisionCannotBeDeleted => {
                row(409, "last_revision_cannot_be_deleted", "CONFLICT", "Cannot delete the last revision of a prompt")
            }
            Self::EvaluationInProgress => row(409, "evaluation_in_progress", "CONFLICT", "Cannot delete evaluation that is still running"),
            Self::AssistantFailed => {
                row(502, "assistant_failed", "ASSISTANT_FAILED", "The assistant model did not produce a usable answer")
            }
            Self::ProjectNotFound => {
                row(404, "project_not_found", "PROJECT_NOT_FOUND", "project_slug doesn't match a project of the API key's team")
            }
            Self::NoSubscription => row(403, "no_subscription", "NO_SUBSCRIPTION", "No active subscription: the team is disabled"),
            Self::QuotaExceeded => row(429, "quota_exceeded", "QUOTA_EXCEEDED", "Monthly evaluation limit reached"),
        }
    }

    /// The code that best describes a bare HTTP status (used to dress responses that some
    /// layer produced without a body of ours).
    pub fn for_status(status: u16) -> Self {
        Self::ALL.into_iter().find(|c| c.spec().status == status).unwrap_or(match status {
            400..=499 => Self::InvalidRequest,
            _ => Self::Internal,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_in_their_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let spec = code.spec();
            assert!(seen.insert(spec.code), "duplicate code {}", spec.code);
            assert!(spec.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{}", spec.code);
            assert!(spec.ingest_code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'), "{}", spec.ingest_code);
            assert!((400..600).contains(&spec.status));
        }
    }

    #[test]
    fn a_bare_status_maps_to_its_code() {
        assert_eq!(ErrorCode::for_status(404), ErrorCode::NotFound);
        assert_eq!(ErrorCode::for_status(405), ErrorCode::MethodNotAllowed);
        assert_eq!(ErrorCode::for_status(413), ErrorCode::PayloadTooLarge);
        assert_eq!(ErrorCode::for_status(418), ErrorCode::InvalidRequest);
        assert_eq!(ErrorCode::for_status(502), ErrorCode::TargetFailed);
        assert_eq!(ErrorCode::for_status(599), ErrorCode::Internal);
    }
}
