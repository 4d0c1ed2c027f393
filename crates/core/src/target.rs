//! The [`Target`] trait: how assay talks to a system under test, whatever its kind.
//!
//! A target takes a conversation (optional system prompt, messages, optional session id,
//! generation parameters) and returns the reply with its usage and latency. Targets that keep
//! server-side sessions can open, restart and end them. Failures are typed so callers can tell
//! what to retry ([`TargetError::is_retryable`]) and what to report.

use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::User => "user",
            Self::Assistant => "assistant",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn user(content: impl Into<String>) -> Self {
        Self { role: Role::User, content: content.into() }
    }

    pub fn assistant(content: impl Into<String>) -> Self {
        Self { role: Role::Assistant, content: content.into() }
    }
}

/// Adds `more` to a system prompt, a paragraph apart: how several system messages combine
/// into the one system prompt a target takes.
pub fn append_system(system: &mut Option<String>, more: &str) {
    *system = Some(match system.take() {
        Some(existing) => format!("{existing}\n\n{more}"),
        None => more.to_owned(),
    });
}

/// Sampling settings; `None` leaves the target's own default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GenerationParams {
    pub max_tokens: Option<u32>,
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stop: Vec<String>,
    pub seed: Option<u64>,
}

/// One turn to send: the conversation so far, ending with the user's message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    pub system: Option<String>,
    pub messages: Vec<Message>,
    /// Continue this server-side session (targets with sessions only).
    pub session_id: Option<String>,
    #[serde(default)]
    pub params: GenerationParams,
}

impl ChatRequest {
    /// A single-turn request.
    pub fn single(prompt: impl Into<String>) -> Self {
        Self { messages: vec![Message::user(prompt)], ..Self::default() }
    }

    /// The last user message: what a single-turn wire format sends.
    pub fn last_user_message(&self) -> Option<&str> {
        self.messages.iter().rev().find(|m| m.role == Role::User).map(|m| m.content.as_str())
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatReply {
    pub text: String,
    pub usage: Option<Usage>,
    /// Wall time of the successful attempt.
    pub latency: Duration,
    pub session_id: Option<String>,
    /// The model that answered, when the target says.
    pub model: Option<String>,
}

/// What a target is and can do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetDescription {
    /// `contract`, `openai`, `anthropic`, `local` or `mock`.
    pub kind: String,
    pub model: Option<String>,
    pub sessions: bool,
    pub multi_turn: bool,
    pub system_prompt: bool,
}

/// Why a target call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("authentication failed: {0}")]
    Auth(String),
    #[error("the target refused the request: {0}")]
    BadRequest(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("rate limited by the target{}: {message}", retry_after.map(|d| format!(" (retry after {}s)", d.as_secs_f64())).unwrap_or_default())]
    RateLimited { retry_after: Option<Duration>, message: String },
    #[error("target server error {status}: {message}")]
    Server { status: u16, message: String },
    #[error("the target did not answer within {0:?}")]
    Timeout(Duration),
    #[error("malformed reply from the target: {0}")]
    MalformedReply(String),
    #[error("cannot connect to the target: {0}")]
    Connection(String),
    #[error("not supported by this target: {0}")]
    Unsupported(String),
}

impl TargetError {
    /// Worth another attempt: rate limits, server errors, timeouts and connection failures.
    /// Never a refusal (400), bad credentials (401/403) or a missing session (404).
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::RateLimited { .. } | Self::Server { .. } | Self::Timeout(_) | Self::Connection(_))
    }

    /// A short stable name of the kind of failure, for logs, metrics and stored results.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Auth(_) => "auth",
            Self::BadRequest(_) => "bad_request",
            Self::NotFound(_) => "not_found",
            Self::RateLimited { .. } => "rate_limited",
            Self::Server { .. } => "server",
            Self::Timeout(_) => "timeout",
            Self::MalformedReply(_) => "malformed_reply",
            Self::Connection(_) => "connection",
            Self::Unsupported(_) => "unsupported",
        }
    }
}

/// A system under test.
#[async_trait::async_trait]
pub trait Target: Send + Sync {
    /// Sends the conversation and returns the next assistant reply.
    async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError>;

    /// Opens a server-side session; `Ok(None)` when the target has no sessions (then the
    /// caller sends the whole conversation each turn).
    async fn open_session(&self, _system: Option<&str>) -> Result<Option<String>, TargetError> {
        Ok(None)
    }

    /// Clears a session's state; returns the id to use from now on (same or new).
    async fn restart_session(&self, _session_id: &str, _system: Option<&str>) -> Result<String, TargetError> {
        Err(TargetError::Unsupported("sessions".into()))
    }

    /// Ends a session; it must not be used afterwards.
    async fn end_session(&self, _session_id: &str) -> Result<(), TargetError> {
        Err(TargetError::Unsupported("sessions".into()))
    }

    /// Gets ready for calls (the embedded model: pull and load it). Not bounded by a call's
    /// timeout, so callers run it before timed calls; cheap once done.
    async fn warm_up(&self) -> Result<(), TargetError> {
        Ok(())
    }

    fn describe(&self) -> TargetDescription;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_failures_are_retryable() {
        let retryable = [
            TargetError::RateLimited { retry_after: None, message: String::new() },
            TargetError::Server { status: 503, message: String::new() },
            TargetError::Timeout(Duration::from_secs(1)),
            TargetError::Connection(String::new()),
        ];
        let final_ = [
            TargetError::Auth(String::new()),
            TargetError::BadRequest(String::new()),
            TargetError::NotFound(String::new()),
            TargetError::MalformedReply(String::new()),
            TargetError::Unsupported(String::new()),
        ];
        assert!(retryable.iter().all(TargetError::is_retryable));
        assert!(!final_.iter().any(TargetError::is_retryable));
    }

    #[test]
    fn the_last_user_message_is_found_behind_assistant_turns() {
        let request = ChatRequest {
            messages: vec![Message::user("first"), Message::assistant("reply"), Message::user("second"), Message::assistant("x")],
            ..ChatRequest::default()
        };
        assert_eq!(request.last_user_message(), Some("second"));
    }
}
