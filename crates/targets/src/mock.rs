//! The `mock` kind: deterministic replies with configurable latency and scripted faults, for
//! tests, benchmarks and demos. The same [`Behavior`] drives the in-process [`MockTarget`]
//! and the HTTP [`crate::mock_server::MockServer`].

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use assay_core::{ChatReply, ChatRequest, Target, TargetDescription, TargetError, Usage};

/// One injected failure, consumed by the next call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this HTTP status (and a JSON error body).
    Status(u16),
    /// 429 with `Retry-After: secs`.
    RateLimit { retry_after_secs: u64 },
    /// Never answer.
    Hang,
    /// 200 with a body that is not the expected JSON.
    Garbage,
}

/// What the mock replies: `echo: <last user message>` or a fixed text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ReplyMode {
    #[default]
    Echo,
    Fixed(String),
}

#[derive(Debug, Default)]
pub struct Behavior {
    pub latency: Duration,
    pub reply: ReplyMode,
    faults: Mutex<VecDeque<Fault>>,
    calls: AtomicU64,
}

impl Behavior {
    pub fn new(latency: Duration, reply: ReplyMode) -> Self {
        Self { latency, reply, ..Self::default() }
    }

    /// Queues faults for the next calls, in order.
    pub fn push_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        self.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(faults);
    }

    /// Counts a call and returns the fault it must suffer, if any.
    pub fn next_fault(&self) -> Option<Fault> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop_front()
    }

    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    pub fn reply_to(&self, message: &str) -> String {
        match &self.reply {
            ReplyMode::Echo => format!("echo: {message}"),
            ReplyMode::Fixed(text) => text.clone(),
        }
    }
}

/// A rough token count (whitespace words) so usage is filled deterministically.
pub fn word_count(text: &str) -> u32 {
    text.split_whitespace().count() as u32
}

/// The in-process mock target.
#[derive(Debug, Default)]
pub struct MockTarget {
    pub behavior: Behavior,
}

impl MockTarget {
    pub fn new(behavior: Behavior) -> Self {
        Self { behavior }
    }
}

#[async_trait::async_trait]
impl Target for MockTarget {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
        let started = Instant::now();
        let fault = self.behavior.next_fault();
        if !self.behavior.latency.is_zero() {
            tokio::time::sleep(self.behavior.latency).await;
        }
        match fault {
            None => {}
            Some(Fault::Status(status)) => {
                let status = reqwest::StatusCode::from_u16(status).unwrap_or(reqwest::StatusCode::INTERNAL_SERVER_ERROR);
                return Err(crate::http::status_error(status, &reqwest::header::HeaderMap::new(), "injected fault"));
            }
            Some(Fault::RateLimit { retry_after_secs }) => {
                return Err(TargetError::RateLimited {
                    retry_after: Some(Duration::from_secs(retry_after_secs)),
                    message: "injected fault".into(),
                });
            }
            Some(Fault::Hang) => std::future::pending::<()>().await,
            Some(Fault::Garbage) => return Err(TargetError::MalformedReply("injected garbage".into())),
        }
        let prompt = request.last_user_message().ok_or_else(|| TargetError::BadRequest("the conversation has no user message".into()))?;
        let text = self.behavior.reply_to(prompt);
        let prompt_tokens =
            request.messages.iter().map(|m| word_count(&m.content)).sum::<u32>() + request.system.as_deref().map_or(0, word_count);
        Ok(ChatReply {
            usage: Some(Usage { prompt_tokens, completion_tokens: word_count(&text) }),
            text,
            latency: started.elapsed(),
            session_id: request.session_id.clone(),
            model: Some("mock".into()),
        })
    }

    fn describe(&self) -> TargetDescription {
        TargetDescription { kind: "mock".into(), model: Some("mock".into()), sessions: false, multi_turn: true, system_prompt: true }
    }
}
