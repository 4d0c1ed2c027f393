//! The detector registry: rule-based and judge-based detectors behind one trait.
//!
//! [`Registry::build`] turns a detector id and its JSON params into an `Arc<dyn Detector>`
//! that the engine calls for every reply; [`Registry::list`] says which detectors exist.
//! Each detector lives in its own module and owns its rules; the text machinery they share
//! (case folding that keeps offsets, findings, JSON extraction, framing cues) lives in
//! `text`, `json_extract` and `cues`. The judge-based detectors (`llm-judge` and the table of
//! `judge.*` rubrics in `judges`) share asking a judge (`judge_call`) and reading its verdict
//! (`verdict`). `embedding` holds a sentence embedder and a classifier head trained on its
//! vectors, so embedding-based classifiers can be measured beside the rule detectors.

mod cues;
pub mod embedding;
mod encoding_echo;
pub mod evaluation;
mod exfiltration;
mod fast_hash;
mod injection_outcome;
mod json_extract;
mod json_schema;
mod judge_call;
mod judges;
mod llm_judge;
pub mod ngram_classifier;
mod params;
mod phrase_list;
mod pii;
mod prompt_injection;
#[cfg(test)]
mod properties;
mod refusal;
mod regex_match;
mod required_literals;
mod sentiment;
mod similarity;
mod substring;
#[cfg(test)]
mod testing;
mod text;
mod toxicity;
mod toxicity_classified;
mod verdict;

use std::sync::Arc;

use assay_core::{Detector, DetectorInfo, Target};
pub use judges::{CLIENT_PREFIX, judge_client_names, judge_detector_for_client_name, judge_takes_param};

/// Why a detector could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("unknown detector {0:?} (known detectors: {known})", known = known_ids())]
    UnknownDetector(String),
    #[error("invalid params for detector {detector:?}: {message}")]
    InvalidParams { detector: String, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every rule-based detector's identity card and `llm-judge`'s, in id order; the `judge.*`
/// detectors' cards are rows of their table.
static INFOS: [&DetectorInfo; 13] = [
    &encoding_echo::INFO,
    &exfiltration::INFO,
    &injection_outcome::INFO,
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
    Registry::list().iter().map(|info| info.id).collect::<Vec<_>>().join(", ")
}

/// Whether building detector `id` needs a judge target (`llm-judge` and every `judge.*`):
/// without one, a runner skips these rather than failing the job.
pub fn needs_judge(id: &str) -> bool {
    id == llm_judge::INFO.id || judges::is_judge(id)
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
    /// `judge`: the target the judge-based detectors ask (see [`needs_judge`]); without one,
    /// building them fails with [`Error::InvalidParams`].
    pub fn new(judge: Option<Arc<dyn Target>>) -> Self {
        Self { judge }
    }

    /// Every detector's info, sorted by id.
    pub fn list() -> Vec<&'static DetectorInfo> {
        let mut infos: Vec<_> = INFOS.iter().copied().chain(judges::infos()).collect();
        infos.sort_by_key(|info| info.id);
        infos
    }

    /// Builds a detector with its params (a JSON object, or null for the defaults). Unknown
    /// param fields are rejected so a typo cannot silently fall back to a default.
    pub fn build(&self, id: &str, params: &serde_json::Value) -> Result<Arc<dyn Detector>> {
        match id {
            "encoding-echo" => encoding_echo::build(params),
            "exfiltration" => exfiltration::build(params),
            "injection-outcome" => injection_outcome::build(params),
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
            other => judges::build(other, params, self.judge.clone()).unwrap_or_else(|| Err(Error::UnknownDetector(other.to_owned()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_list_holds_thirteen_detectors_and_fifteen_judges_sorted_by_id_at_version_one() {
        let list = Registry::list();
        let ids: Vec<_> = list.iter().map(|info| info.id).collect();
        assert_eq!(
            ids,
            [
                "encoding-echo",
                "exfiltration",
                "injection-outcome",
                "json-schema",
                "judge.answer-relevancy",
                "judge.contextual-precision",
                "judge.contextual-recall",
                "judge.conversation-completeness",
                "judge.conversation-knowledge-retention",
                "judge.conversation-relevancy",
                "judge.conversation-role-adherence",
                "judge.correctness",
                "judge.faithfulness",
                "judge.hybrid-refusal",
                "judge.injection-outcome",
                "judge.non-refusal",
                "judge.policy-violation",
                "judge.refusal",
                "judge.strong-reject",
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
            if info.id == "regex" || needs_judge(info.id) {
                assert!(matches!(built, Err(Error::InvalidParams { .. })), "{}", info.id);
            } else {
                assert_eq!(built.expect("builds").info().id, info.id);
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

    /// Every rule-based detector, built with params that make it look at everything.
    fn every_rule_based_detector() -> Vec<Arc<dyn Detector>> {
        let registry = Registry::new(None);
        Registry::list()
            .into_iter()
            .filter(|info| !needs_judge(info.id))
            .map(|info| {
                let params = match info.id {
                    "regex" => json!({"patterns": [r"\w+@\w+", "(?i)pwned"]}),
                    "json-schema" => json!({"schema": {"type": "object", "required": ["a"]}}),
                    _ => serde_json::Value::Null,
                };
                registry.build(info.id, &params).expect("builds")
            })
            .collect()
    }

    /// Pieces that exercise every scanner's edge: multibyte chars next to digits, separators,
    /// quotes, fences, markup, partial keys and URLs.
    const PIECES: &[&str] = &[
        "é",
        "İ",
        "’",
        "“",
        "😀",
        "\u{301}",
        "\u{200b}",
        " ",
        "\n",
        "\t",
        ".",
        "!",
        "?",
        ":",
        "::",
        "-",
        "/",
        "@",
        "#",
        "*",
        "$",
        "%",
        "'",
        "\"",
        "`",
        "```",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        "=",
        "+",
        "1",
        "4111",
        "0",
        "9",
        "555",
        "-0132",
        "DE89",
        "3704",
        "+44",
        "sk-",
        "AKIA",
        "eyJ",
        "-----BEGIN PRIVATE KEY-----",
        "-----END ",
        "http://",
        "evil.example",
        "![x](",
        "<img src=",
        "url(",
        "?q=",
        "I can't",
        "sorry",
        "but",
        "here is",
        "step 1",
        "you",
        "idiot",
        "st*pid",
        "1d10t",
        "kill",
        "PWNED",
        "won't",
        "born",
        "DOB:",
        "Street",
        "Dr.",
        "Sarah",
        "Connor",
        "né le",
        "12",
        "/",
        "1985",
        "IBAN",
        "password:",
        "aGVsbG8gd29ybGQ",
    ];

    #[test]
    fn no_detector_panics_on_generated_input() {
        let detectors = every_rule_based_detector();
        // A fixed linear congruential generator: the same inputs on every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(state >> 33).unwrap_or(0)
        };
        for _ in 0..1000 {
            let len = next() % 40;
            let output: String = (0..len).map(|_| PIECES[next() % PIECES.len()]).collect();
            let triggers: Vec<String> = (0..next() % 3).map(|_| PIECES[next() % PIECES.len()].to_owned()).collect();
            let input = assay_core::DetectionInput {
                output,
                triggers: Some(triggers),
                expected: Some("x".into()),
                context: Some(PIECES[next() % PIECES.len()].into()),
                ..assay_core::DetectionInput::default()
            };
            for detector in &detectors {
                if let Ok(detection) = testing::try_run(detector.as_ref(), &input) {
                    assert!((0.0..=1.0).contains(&detection.score), "{}: score {}", detector.info().id, detection.score);
                    let chars = input.output.chars().count();
                    for finding in &detection.findings {
                        let (start, end) = (finding.start.unwrap_or(0), finding.end.unwrap_or(0));
                        assert!(start <= end && end <= chars, "{}: {finding:?} in {:?}", detector.info().id, input.output);
                        if finding.start.is_some() {
                            let text: String = input.output.chars().skip(start).take(end - start).collect();
                            assert_eq!(text, finding.value, "{}", detector.info().id);
                        }
                    }
                }
            }
        }
    }

    /// Prints each detector's cost per call on a typical reply. Timing is never asserted (the
    /// machines are noisy); run with `cargo test -p assay-detectors --release -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a check"]
    fn cost_per_call() {
        let ascii = "I'm sorry, but I can't help with that. However, here is some general information about network security. \
            You can contact our team at security@acme-corp.io or call (415) 555-0132. The server at 10.20.30.40 was patched \
            on 2024-03-01. See the [menu](https://cafe.example/menu) and the docs for details. "
            .repeat(4);
        let unicode = ascii.replace("details", "détails — café’s");
        for (name, reply) in [("ascii", &ascii), ("unicode", &unicode)] {
            // Baseline measured in the same run: lowercasing the reply once.
            let rounds = 2000;
            let started = std::time::Instant::now();
            for _ in 0..rounds {
                std::hint::black_box(std::hint::black_box(reply.as_str()).to_lowercase());
            }
            let baseline = started.elapsed().as_secs_f64() * 1e6 / f64::from(rounds);
            println!("{name:>8} {:>18}: {baseline:>9.2} µs per call", "baseline lowercase");
            let input = testing::with_triggers(reply, &["PWNED", "ignore all previous instructions"]);
            let expected = reply.replace("security", "safety");
            let input = assay_core::DetectionInput { expected: Some(expected), ..input };
            for detector in every_rule_based_detector() {
                // The first call compiles the detector's patterns; that is paid once per process.
                let _ = testing::try_run(detector.as_ref(), &input);
                let rounds = 200;
                let started = std::time::Instant::now();
                for _ in 0..rounds {
                    let _ = testing::try_run(detector.as_ref(), &input);
                }
                let micros = started.elapsed().as_secs_f64() * 1e6 / f64::from(rounds);
                println!(
                    "{name:>8} {:>18}: {micros:>9.2} µs per call, {:>6.1}× baseline ({} chars)",
                    detector.info().id,
                    micros / baseline,
                    reply.chars().count()
                );
            }
        }
    }

    #[test]
    fn llm_judge_without_a_judge_target_says_what_it_needs() {
        let error = Registry::new(None).build("llm-judge", &json!({"rubric": "be kind"})).err().expect("fails");
        let Error::InvalidParams { message, .. } = error else { panic!("wrong error") };
        assert!(message.starts_with("llm-judge needs a judge target"), "{message}");
    }

    #[test]
    fn only_llm_judge_and_the_judge_table_need_a_judge() {
        let needing: Vec<_> = Registry::list().into_iter().map(|info| info.id).filter(|id| needs_judge(id)).collect();
        assert_eq!(needing.len(), 16, "{needing:?}");
        assert!(needing.iter().all(|id| *id == "llm-judge" || id.starts_with("judge.")), "{needing:?}");
        assert!(!needs_judge("refusal") && !needs_judge("judge.nope"));
    }
}
