//! A target behind a fixed system prompt: an agent configuration's instructions, sent first in
//! every conversation, with a test's own system prompt (if any) after them.

use std::sync::Arc;

use assay_core::{ChatReply, ChatRequest, Target, TargetDescription, TargetError, append_system};

pub struct WithSystemPrompt {
    inner: Arc<dyn Target>,
    system: String,
}

impl WithSystemPrompt {
    pub fn new(inner: Arc<dyn Target>, system: impl Into<String>) -> Self {
        Self { inner, system: system.into() }
    }

    /// The agent's prompt, then `own` a paragraph apart.
    fn combined(&self, own: Option<&str>) -> String {
        let mut system = Some(self.system.clone());
        if let Some(own) = own.filter(|own| !own.trim().is_empty()) {
            append_system(&mut system, own);
        }
        system.unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl Target for WithSystemPrompt {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
        let mut request = request.clone();
        request.system = Some(self.combined(request.system.as_deref()));
        self.inner.chat(&request).await
    }

    async fn open_session(&self, system: Option<&str>) -> Result<Option<String>, TargetError> {
        self.inner.open_session(Some(&self.combined(system))).await
    }

    async fn restart_session(&self, session_id: &str, system: Option<&str>) -> Result<String, TargetError> {
        self.inner.restart_session(session_id, Some(&self.combined(system))).await
    }

    async fn end_session(&self, session_id: &str) -> Result<(), TargetError> {
        self.inner.end_session(session_id).await
    }

    async fn warm_up(&self) -> Result<(), TargetError> {
        self.inner.warm_up().await
    }

    fn describe(&self) -> TargetDescription {
        self.inner.describe()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;

    /// Answers nothing useful; remembers each request's system prompt.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<Option<String>>>);

    #[async_trait::async_trait]
    impl Target for Recorder {
        async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
            self.0.lock().expect("lock").push(request.system.clone());
            Ok(ChatReply { text: "ok".into(), usage: None, latency: Duration::ZERO, session_id: None, model: None })
        }

        fn describe(&self) -> TargetDescription {
            TargetDescription { kind: "recorder".into(), model: None, sessions: false, multi_turn: true, system_prompt: true }
        }
    }

    #[tokio::test]
    async fn the_agents_prompt_comes_first_and_a_tests_own_follows() {
        let inner = Arc::new(Recorder::default());
        let target = WithSystemPrompt::new(inner.clone(), "You are Acme's refund desk.");
        target.chat(&ChatRequest::single("hi")).await.expect("reply");
        let mut with_own = ChatRequest::single("hi");
        with_own.system = Some("Answer in French.".into());
        target.chat(&with_own).await.expect("reply");
        let seen = inner.0.lock().expect("lock").clone();
        assert_eq!(
            seen,
            vec![Some("You are Acme's refund desk.".to_owned()), Some("You are Acme's refund desk.\n\nAnswer in French.".to_owned())]
        );
    }
}
