//! `regex`: do user-given regular expressions match the reply? (Module named apart from the
//! `regex` crate it uses.)

use std::sync::Arc;

use assay_core::{Detection, DetectionInput, Detector, DetectorError, DetectorInfo, HitMeans};
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use serde_json::Value;

use crate::params::{invalid, parse};
use crate::text::{MAX_FINDINGS, Span, to_findings};

pub(crate) static INFO: DetectorInfo = DetectorInfo {
    id: "regex",
    version: 1,
    description: "Any of the given regular expressions (Rust regex syntax, linear time) matches the reply.",
    hit_means: HitMeans::Fail,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    patterns: Vec<String>,
    #[serde(default)]
    case_insensitive: bool,
}

/// Bounds the compiled size of one user pattern, so a pattern like `\w{1000}{1000}` is
/// refused at build time instead of eating memory.
const SIZE_LIMIT: usize = 8 << 20;

pub(crate) fn build(params: &Value) -> crate::Result<Arc<dyn Detector>> {
    let params: Params = parse(&INFO, params)?;
    if params.patterns.is_empty() {
        return Err(invalid(&INFO, "patterns must hold at least one regular expression"));
    }
    let patterns = params
        .patterns
        .iter()
        .enumerate()
        .map(|(i, p)| {
            RegexBuilder::new(p)
                .case_insensitive(params.case_insensitive)
                .size_limit(SIZE_LIMIT)
                .build()
                .map_err(|e| invalid(&INFO, format!("patterns[{i}] is not a valid regex: {}", one_line(&e.to_string()))))
        })
        .collect::<crate::Result<Vec<_>>>()?;
    Ok(Arc::new(RegexMatch { patterns }))
}

/// The regex crate's errors draw a caret diagram over several lines; keep the last line.
fn one_line(message: &str) -> String {
    message.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or(message).to_owned()
}

struct RegexMatch {
    patterns: Vec<Regex>,
}

#[async_trait::async_trait]
impl Detector for RegexMatch {
    fn info(&self) -> &DetectorInfo {
        &INFO
    }

    async fn detect(&self, input: &DetectionInput) -> Result<Detection, DetectorError> {
        let output = &input.output;
        let mut spans = Vec::new();
        let mut matched = 0usize;
        for pattern in &self.patterns {
            if !pattern.is_match(output) {
                continue;
            }
            matched += 1;
            // Empty matches (`x*`) make the pattern match but say nothing worth pointing at.
            let room = MAX_FINDINGS.saturating_sub(spans.len());
            spans.extend(pattern.find_iter(output).filter(|m| !m.is_empty()).take(room).map(|m| Span::new("MATCH", m.range())));
        }
        let reasoning = format!("{matched} of {} pattern(s) matched", self.patterns.len());
        Ok(if matched > 0 { Detection::hit(1.0, reasoning, to_findings(output, spans)) } else { Detection::miss(reasoning) })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::{build, run_on};

    #[test]
    fn a_matching_pattern_is_a_hit_with_char_offsets() {
        let detector = build("regex", json!({"patterns": [r"order #\d+"]}));
        let detection = run_on(detector.as_ref(), "Ça va: order #123 and order #45");
        assert!(detection.hit);
        let values: Vec<_> = detection.findings.iter().map(|f| (f.value.as_str(), f.start)).collect();
        assert_eq!(values, [("order #123", Some(7)), ("order #45", Some(22))]);
        assert!(detection.findings.iter().all(|f| f.kind == "MATCH"));
    }

    #[test]
    fn case_insensitivity_is_a_param() {
        let strict = build("regex", json!({"patterns": ["hello"]}));
        let loose = build("regex", json!({"patterns": ["hello"], "case_insensitive": true}));
        assert!(!run_on(strict.as_ref(), "HELLO").hit);
        assert!(run_on(loose.as_ref(), "HELLO").hit);
    }

    #[test]
    fn no_match_is_a_miss() {
        let detector = build("regex", json!({"patterns": [r"^\d+$", "zzz"]}));
        let detection = run_on(detector.as_ref(), "abc");
        assert!(!detection.hit);
        assert_eq!(detection.score, 0.0);
    }

    #[test]
    fn a_bad_regex_or_no_pattern_is_rejected_at_build() {
        let registry = crate::Registry::new(None);
        let error = registry.build("regex", &json!({"patterns": ["ok", "(unclosed"]})).err().expect("rejects");
        let crate::Error::InvalidParams { message, .. } = error else { panic!("wrong error") };
        assert!(message.starts_with("patterns[1] is not a valid regex") && !message.contains('\n'), "{message}");
        assert!(registry.build("regex", &json!({"patterns": []})).is_err());
        assert!(registry.build("regex", &json!({})).is_err());
    }

    #[test]
    fn findings_are_capped() {
        let detector = build("regex", json!({"patterns": ["a"]}));
        let detection = run_on(detector.as_ref(), &"a".repeat(1000));
        assert_eq!(detection.findings.len(), MAX_FINDINGS);
    }
}
