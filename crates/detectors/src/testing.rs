//! Helpers for the unit tests of every detector module: running rule-based detectors, and a
//! scripted judge target for the judge-based ones.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use assay_core::{ChatReply, ChatRequest, Detection, DetectionInput, Detector, DetectorError, Target, TargetDescription, TargetError};

use crate::Registry;

/// Builds a rule-based detector through the public registry path.
pub fn build(id: &str, params: serde_json::Value) -> Arc<dyn Detector> {
    Registry::new(None).build(id, &params).expect("detector builds")
}

/// Runs a detector whose future completes without waiting (every rule-based one).
pub fn try_run(detector: &dyn Detector, input: &DetectionInput) -> Result<Detection, DetectorError> {
    let mut future = pin!(detector.detect(input));
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => panic!("a rule-based detector must not wait"),
    }
}

pub fn run(detector: &dyn Detector, input: &DetectionInput) -> Detection {
    try_run(detector, input).expect("detection succeeds")
}

/// Runs a detector on a bare reply.
pub fn run_on(detector: &dyn Detector, output: &str) -> Detection {
    run(detector, &DetectionInput::output(output))
}

pub fn with_triggers(output: &str, triggers: &[&str]) -> DetectionInput {
    DetectionInput { triggers: Some(triggers.iter().map(|t| (*t).to_owned()).collect()), ..DetectionInput::output(output) }
}

/// A judge that answers from a script and remembers what it was asked. Once the script runs
/// out it keeps giving an answer with no verdict.
pub struct ScriptedJudge {
    replies: Mutex<VecDeque<Result<String, TargetError>>>,
    requests: Mutex<Vec<ChatRequest>>,
}

impl ScriptedJudge {
    pub fn new(replies: impl IntoIterator<Item = &'static str>) -> Arc<Self> {
        Arc::new(Self { replies: Mutex::new(replies.into_iter().map(|r| Ok(r.to_owned())).collect()), requests: Mutex::new(Vec::new()) })
    }

    pub fn failing() -> Arc<Self> {
        Arc::new(Self {
            replies: Mutex::new(VecDeque::from([Err(TargetError::Timeout(Duration::from_secs(1)))])),
            requests: Mutex::new(Vec::new()),
        })
    }

    pub fn requests(&self) -> Vec<ChatRequest> {
        self.requests.lock().expect("lock").clone()
    }
}

#[async_trait::async_trait]
impl Target for ScriptedJudge {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
        self.requests.lock().expect("lock").push(request.clone());
        let text = self.replies.lock().expect("lock").pop_front().unwrap_or_else(|| Ok("still no verdict".to_owned()))?;
        Ok(ChatReply { text, usage: None, latency: Duration::from_millis(1), session_id: None, model: Some("scripted".into()) })
    }

    fn describe(&self) -> TargetDescription {
        TargetDescription { kind: "mock".into(), model: Some("scripted".into()), sessions: false, multi_turn: true, system_prompt: true }
    }
}
