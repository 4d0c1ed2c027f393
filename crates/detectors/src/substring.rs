//! `substring`: do given strings (from params and the input's triggers) appear in the reply?

use std::ops::Range;
use std::sync::Arc;

use assay_core::{Detection, DetectionInput, Detector, DetectorError, DetectorInfo, HitMeans};
use serde::Deserialize;
use serde_json::Value;

use crate::params::parse;
use crate::text::{FoldOptions, Folded, Span, occurrences, to_findings};

pub(crate) static INFO: DetectorInfo = DetectorInfo {
    id: "substring",
    version: 1,
    description: "Given strings (params and input triggers) appear in the reply, any or all of them, optionally as whole words.",
    hit_means: HitMeans::Fail,
};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Mode {
    #[default]
    Any,
    All,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Params {
    strings: Vec<String>,
    case_sensitive: bool,
    mode: Mode,
    word_boundary: bool,
}

pub(crate) fn build(params: &Value) -> crate::Result<Arc<dyn Detector>> {
    let params: Params = parse(&INFO, params)?;
    // Fold the configured strings once; only the input's triggers are folded per call.
    let strings = params.strings.iter().filter(|s| !s.is_empty()).map(|s| fold_needle(s, params.case_sensitive)).collect();
    Ok(Arc::new(Substring { strings, case_sensitive: params.case_sensitive, mode: params.mode, word_boundary: params.word_boundary }))
}

fn fold_needle(needle: &str, case_sensitive: bool) -> String {
    if case_sensitive { needle.to_owned() } else { needle.to_lowercase() }
}

struct Substring {
    strings: Vec<String>,
    case_sensitive: bool,
    mode: Mode,
    word_boundary: bool,
}

#[async_trait::async_trait]
impl Detector for Substring {
    fn info(&self) -> &DetectorInfo {
        &INFO
    }

    async fn detect(&self, input: &DetectionInput) -> Result<Detection, DetectorError> {
        let triggers: Vec<String> =
            input.triggers.iter().flatten().filter(|s| !s.is_empty()).map(|s| fold_needle(s, self.case_sensitive)).collect();
        let needles: Vec<&str> = self.strings.iter().chain(&triggers).map(String::as_str).collect();
        if needles.is_empty() {
            return Err(DetectorError::MissingInput("substring needs strings: give params.strings or input.triggers".into()));
        }
        let options = FoldOptions { lowercase: !self.case_sensitive, ..FoldOptions::default() };
        let folded = Folded::new(&input.output, options);
        let mut spans = Vec::new();
        let mut found = 0usize;
        for needle in &needles {
            let ranges: Vec<Range<usize>> = occurrences(folded.as_str(), needle, self.word_boundary).collect();
            found += usize::from(!ranges.is_empty());
            spans.extend(ranges.into_iter().map(|r| Span::new("TRIGGER", folded.source_range(r))));
        }
        let total = needles.len();
        let hit = match self.mode {
            Mode::Any => found > 0,
            Mode::All => found == total,
        };
        let reasoning = format!("{found} of {total} string(s) found (mode {:?})", self.mode).to_lowercase();
        // A miss in `all` mode still says how close it came.
        Ok(if hit {
            Detection::hit(1.0, reasoning, to_findings(&input.output, spans))
        } else {
            Detection::scored(false, found as f64 / total as f64, reasoning, Vec::new())
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::{build, run, run_on, try_run, with_triggers};

    #[test]
    fn a_configured_string_is_found_case_insensitively_with_offsets() {
        let detector = build("substring", json!({"strings": ["Secret"]}));
        let detection = run_on(detector.as_ref(), "Ünïcode then the SECRET word");
        assert!(detection.hit);
        assert_eq!(detection.score, 1.0);
        let finding = &detection.findings[0];
        assert_eq!((finding.kind.as_str(), finding.value.as_str()), ("TRIGGER", "SECRET"));
        assert_eq!((finding.start, finding.end), (Some(17), Some(23)));
    }

    #[test]
    fn case_sensitive_matching_misses_other_cases() {
        let detector = build("substring", json!({"strings": ["Secret"], "case_sensitive": true}));
        assert!(!run_on(detector.as_ref(), "the SECRET word").hit);
        assert!(run_on(detector.as_ref(), "the Secret word").hit);
    }

    #[test]
    fn triggers_from_the_input_join_the_configured_strings() {
        let detector = build("substring", json!({"strings": ["alpha"]}));
        let detection = run(detector.as_ref(), &with_triggers("only beta here", &["beta"]));
        assert!(detection.hit);
        assert_eq!(detection.findings[0].value, "beta");
    }

    #[test]
    fn all_mode_needs_every_string() {
        let detector = build("substring", json!({"strings": ["alpha", "beta"], "mode": "all"}));
        let partial = run_on(detector.as_ref(), "alpha only");
        assert!(!partial.hit);
        assert_eq!(partial.score, 0.5);
        assert!(run_on(detector.as_ref(), "beta and alpha").hit);
    }

    #[test]
    fn word_boundaries_keep_a_string_from_matching_inside_a_word() {
        let detector = build("substring", json!({"strings": ["cat"], "word_boundary": true}));
        assert!(!run_on(detector.as_ref(), "concatenate the catalog").hit);
        let detection = run_on(detector.as_ref(), "a cat, a catalog, the cat.");
        assert_eq!(detection.findings.len(), 2);
    }

    #[test]
    fn without_any_string_the_input_is_missing() {
        let detector = build("substring", Value::Null);
        let error = try_run(detector.as_ref(), &DetectionInput::output("x")).expect_err("missing");
        assert!(matches!(error, DetectorError::MissingInput(_)));
    }

    #[test]
    fn a_bad_mode_is_rejected_at_build() {
        assert!(crate::Registry::new(None).build("substring", &json!({"mode": "some"})).is_err());
    }
}
