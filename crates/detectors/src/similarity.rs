//! `similarity`: how close is the reply to the expected text (normalized Levenshtein or
//! Jaro-Winkler, 0..1)?

use std::sync::Arc;

use assay_core::{Detection, DetectionInput, Detector, DetectorError, DetectorInfo, HitMeans};
use serde::Deserialize;
use serde_json::Value;

use crate::params::{check_unit, parse};

pub(crate) static INFO: DetectorInfo = DetectorInfo {
    id: "similarity",
    version: 1,
    description: "The reply is close to the expected text (normalized Levenshtein or Jaro-Winkler similarity at or above a threshold).",
    hit_means: HitMeans::Pass,
};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Method {
    #[default]
    Levenshtein,
    JaroWinkler,
}

fn default_threshold() -> f64 {
    0.8
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default)]
    method: Method,
    #[serde(default = "default_threshold")]
    threshold: f64,
    #[serde(default)]
    case_sensitive: bool,
    #[serde(default = "yes")]
    trim: bool,
}

pub(crate) fn build(params: &Value) -> crate::Result<Arc<dyn Detector>> {
    let params: Params = parse(&INFO, params)?;
    check_unit(&INFO, "threshold", params.threshold)?;
    Ok(Arc::new(Similarity { params }))
}

struct Similarity {
    params: Params,
}

impl Similarity {
    fn prepare<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        let text = if self.params.trim { text.trim() } else { text };
        if self.params.case_sensitive { text.into() } else { text.to_lowercase().into() }
    }
}

#[async_trait::async_trait]
impl Detector for Similarity {
    fn info(&self) -> &DetectorInfo {
        &INFO
    }

    async fn detect(&self, input: &DetectionInput) -> Result<Detection, DetectorError> {
        let Some(expected) = &input.expected else {
            return Err(DetectorError::MissingInput("similarity needs input.expected".into()));
        };
        let (output, expected) = (self.prepare(&input.output), self.prepare(expected));
        let score = match self.params.method {
            Method::Levenshtein => strsim::normalized_levenshtein(&output, &expected),
            Method::JaroWinkler => strsim::jaro_winkler(&output, &expected),
        };
        let hit = score >= self.params.threshold;
        let reasoning = format!(
            "{} similarity {score:.3} {} threshold {}",
            match self.params.method {
                Method::Levenshtein => "levenshtein",
                Method::JaroWinkler => "jaro-winkler",
            },
            if hit { "meets" } else { "is below" },
            self.params.threshold
        );
        Ok(Detection { hit, score: score.clamp(0.0, 1.0), reasoning, findings: Vec::new() })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::{build, run, try_run};

    fn input(output: &str, expected: &str) -> DetectionInput {
        DetectionInput { expected: Some(expected.into()), ..DetectionInput::output(output) }
    }

    #[test]
    fn identical_text_up_to_case_and_spaces_scores_one() {
        let detector = build("similarity", Value::Null);
        let detection = run(detector.as_ref(), &input("  Paris\n", "paris"));
        assert!(detection.hit);
        assert_eq!(detection.score, 1.0);
    }

    #[test]
    fn a_near_match_passes_and_a_far_one_fails_the_default_threshold() {
        let detector = build("similarity", Value::Null);
        let near = run(detector.as_ref(), &input("The capital is Paris", "The capital is Paris."));
        assert!(near.hit && near.score > 0.9 && near.score < 1.0, "{}", near.score);
        let far = run(detector.as_ref(), &input("Berlin", "The capital is Paris."));
        assert!(!far.hit && far.score < 0.5);
    }

    #[test]
    fn case_sensitivity_and_trimming_are_params() {
        let strict = build("similarity", json!({"case_sensitive": true, "trim": false, "threshold": 1.0}));
        assert!(!run(strict.as_ref(), &input("Paris", "paris")).hit);
        assert!(!run(strict.as_ref(), &input("paris ", "paris")).hit);
        assert!(run(strict.as_ref(), &input("paris", "paris")).hit);
    }

    #[test]
    fn jaro_winkler_rewards_a_shared_prefix() {
        let levenshtein = build("similarity", Value::Null);
        let jaro = build("similarity", json!({"method": "jaro-winkler"}));
        let pair = input("martha", "marhta");
        assert!(run(jaro.as_ref(), &pair).score > run(levenshtein.as_ref(), &pair).score);
    }

    #[test]
    fn without_expected_text_the_input_is_missing() {
        let detector = build("similarity", Value::Null);
        assert!(matches!(try_run(detector.as_ref(), &DetectionInput::output("x")), Err(DetectorError::MissingInput(_))));
    }

    #[test]
    fn a_threshold_outside_zero_to_one_or_an_unknown_method_is_rejected() {
        let registry = crate::Registry::new(None);
        assert!(registry.build("similarity", &json!({"threshold": 1.5})).is_err());
        assert!(registry.build("similarity", &json!({"method": "cosine"})).is_err());
    }
}
