//! The detector registry: rule-based and judge-based detectors behind one trait.
//!
//! [`Registry::build`] turns a detector id and its JSON params into an `Arc<dyn Detector>`
//! that the engine calls for every reply; [`Registry::list`] says which detectors exist.
//! Each detector lives in its own module and owns its rules; the text machinery they share
//! (case folding that keeps offsets, findings, JSON extraction, framing cues) lives in
//! `text`, `json_extract` and `cues`.

mod cues;
mod encoding_echo;
mod exfiltration;
mod json_extract;
mod json_schema;
mod llm_judge;
mod params;
mod pii;
mod prompt_injection;
mod refusal;
mod regex_match;
mod sentiment;
mod similarity;
mod substring;
mod text;
mod toxicity;

use std::sync::Arc;

use assay_core::{Detector, DetectorInfo, Target};

/// Why a detector could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("unknown detector {0:?} (known detectors: {known})", known = known_ids())]
    UnknownDetector(String),
    #[error("invalid params for detector {detector:?}: {message}")]
    InvalidParams { detector: String, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every detector's identity card, in id order (the order `list` promises).
static INFOS: [&DetectorInfo; 12] = [
    &encoding_echo::INFO,
    &exfiltration::INFO,
    &json_schema::INFO,
    &llm_judge::INFO,
    &pii::INFO,
    &prompt_injection::INFO,
    &refusal::INFO,
    &regex_match::INFO,
    &sentiment::INFO,
    &similarity::INFO,
    &substring::INFO,
    &toxicity::INFO,
];

fn known_ids() -> String {
    INFOS.iter().map(|info| info.id).collect::<Vec<_>>().join(", ")
}

/// Builds detectors by id. Holds what judge-based detectors need (the judge target); the
/// rule-based ones need nothing, so a registry is cheap to clone and share.
#[derive(Clone, Default)]
pub struct Registry {
    judge: Option<Arc<dyn Target>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").field("judge", &self.judge.as_ref().map(|t| t.describe().kind)).finish()
    }
}

impl Registry {
    /// `judge`: the target the `llm-judge` detector asks; without one, building `llm-judge`
    /// fails with [`Error::InvalidParams`].
    pub fn new(judge: Option<Arc<dyn Target>>) -> Self {
        Self { judge }
    }

    /// Every detector's info, sorted by id.
    pub fn list() -> Vec<&'static DetectorInfo> {
        let mut infos = INFOS.to_vec();
        // Already in order; sorting keeps the promise if someone appends out of order.
        infos.sort_by_key(|info| info.id);
        infos
    }

    /// Builds a detector with its params (a JSON object, or null for the defaults). Unknown
    /// param fields are rejected so a typo cannot silently fall back to a default.
    pub fn build(&self, id: &str, params: &serde_json::Value) -> Result<Arc<dyn Detector>> {
        match id {
            "encoding-echo" => encoding_echo::build(params),
            "exfiltration" => exfiltration::build(params),
            "json-schema" => json_schema::build(params),
            "llm-judge" => llm_judge::build(params, self.judge.clone()),
            "pii" => pii::build(params),
            "prompt-injection" => prompt_injection::build(params),
            "refusal" => refusal::build(params),
            "regex" => regex_match::build(params),
            "sentiment" => sentiment::build(params),
            "similarity" => similarity::build(params),
            "substring" => substring::build(params),
            "toxicity" => toxicity::build(params),
            other => Err(Error::UnknownDetector(other.to_owned())),
        }
    }
}

/// Helpers for the unit tests of every detector module.
#[cfg(test)]
pub(crate) mod testing {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use assay_core::{Detection, DetectionInput, Detector, DetectorError};

    use crate::Registry;

    /// Builds a rule-based detector through the public registry path.
    pub fn build(id: &str, params: serde_json::Value) -> std::sync::Arc<dyn Detector> {
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
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_list_holds_twelve_detectors_sorted_by_id_at_version_one() {
        let list = Registry::list();
        let ids: Vec<_> = list.iter().map(|info| info.id).collect();
        assert_eq!(
            ids,
            [
                "encoding-echo",
                "exfiltration",
                "json-schema",
                "llm-judge",
                "pii",
                "prompt-injection",
                "refusal",
                "regex",
                "sentiment",
                "similarity",
                "substring",
                "toxicity"
            ]
        );
        assert!(list.iter().all(|info| info.version == 1 && !info.description.is_empty() && !info.description.contains('\n')));
    }

    #[test]
    fn every_listed_detector_builds_with_default_params_except_those_that_need_some() {
        let registry = Registry::new(None);
        for info in Registry::list() {
            let built = registry.build(info.id, &serde_json::Value::Null);
            match info.id {
                "regex" | "llm-judge" => assert!(matches!(built, Err(Error::InvalidParams { .. })), "{}", info.id),
                _ => assert_eq!(built.expect("builds").info().id, info.id),
            }
        }
    }

    #[test]
    fn an_unknown_detector_is_named_in_the_error() {
        let error = Registry::new(None).build("nope", &json!({})).err().expect("fails");
        assert_eq!(error, Error::UnknownDetector("nope".into()));
        let message = error.to_string();
        assert!(message.contains("\"nope\"") && message.contains("refusal") && !message.contains('\n'), "{message}");
    }

    #[test]
    fn unknown_param_fields_are_rejected_by_every_detector() {
        let registry = Registry::new(None);
        for info in Registry::list() {
            let error = registry.build(info.id, &json!({"no_such_field": 1})).err().expect("rejects");
            let Error::InvalidParams { detector, message } = error else { panic!("{}: wrong error", info.id) };
            assert_eq!(detector, info.id);
            assert!(!message.is_empty());
        }
    }

    #[test]
    fn params_that_are_not_an_object_are_rejected() {
        let error = Registry::new(None).build("substring", &json!("abc")).err().expect("rejects");
        assert!(matches!(error, Error::InvalidParams { .. }));
    }

    #[test]
    fn llm_judge_without_a_judge_target_says_what_it_needs() {
        let error = Registry::new(None).build("llm-judge", &json!({"rubric": "be kind"})).err().expect("fails");
        let Error::InvalidParams { message, .. } = error else { panic!("wrong error") };
        assert!(message.starts_with("llm-judge needs a judge target"), "{message}");
    }
}
