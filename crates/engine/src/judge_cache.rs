//! The judge behind a memory: every grading request is answered once per judge, then from the
//! store (`judge_answers`), so a re-run, a replayed job or a second evaluation of the same
//! reply gets the same verdict, and costs no judge call.
//!
//! The key is the SHA-256 of the judge's reference and the whole request (system prompt,
//! messages, generation parameters): a changed rubric, detector version or reply is a new
//! request. A store that cannot be read or written only costs the memory, never the verdict.

use std::sync::Arc;
use std::time::Duration;

use assay_core::{ChatReply, ChatRequest, Target, TargetDescription, TargetError};
use assay_store::Store;
use sha2::{Digest, Sha256};

pub struct CachedJudge {
    judge: Arc<dyn Target>,
    /// How the evaluation named the judge: the part of the key that says whose answer it is.
    reference: String,
    store: Store,
}

impl CachedJudge {
    pub fn wrap(judge: Arc<dyn Target>, reference: &str, store: Store) -> Arc<dyn Target> {
        Arc::new(Self { judge, reference: reference.to_owned(), store })
    }

    fn key(&self, request: &ChatRequest) -> Option<String> {
        let request = serde_json::to_vec(request).ok()?;
        let mut hasher = Sha256::new();
        hasher.update(self.reference.as_bytes());
        hasher.update([0]);
        hasher.update(&request);
        Some(hex::encode(hasher.finalize()))
    }
}

#[async_trait::async_trait]
impl Target for CachedJudge {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
        let key = self.key(request);
        if let Some(key) = &key {
            match self.store.judge_answer(key).await {
                Ok(Some(text)) => {
                    return Ok(ChatReply { text, usage: None, latency: Duration::ZERO, session_id: None, model: None });
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "judge answers unreadable; asking the judge"),
            }
        }
        let reply = self.judge.chat(request).await?;
        if let Some(key) = &key
            && let Err(error) = self.store.keep_judge_answer(key, &self.reference, &reply.text).await
        {
            tracing::warn!(%error, "judge answer not kept");
        }
        Ok(reply)
    }

    async fn warm_up(&self) -> Result<(), TargetError> {
        self.judge.warm_up().await
    }

    fn describe(&self) -> TargetDescription {
        self.judge.describe()
    }
}
