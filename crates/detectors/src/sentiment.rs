//! `sentiment`: is the reply's tone negative? VADER's compound score (−1..1) against a
//! threshold.

use std::sync::{Arc, LazyLock};

use assay_core::{Detection, DetectionInput, Detector, DetectorError, DetectorInfo, HitMeans};
use serde::Deserialize;
use serde_json::Value;
use vader_sentimental::SentimentIntensityAnalyzer;

use crate::params::{invalid, parse};

pub(crate) static INFO: DetectorInfo = DetectorInfo {
    id: "sentiment",
    version: 1,
    description: "The reply's sentiment is negative: VADER compound score at or below a threshold (default -0.05).",
    hit_means: HitMeans::Fail,
};

/// The analyzer borrows VADER's lexicon, built once for the process.
static ANALYZER: LazyLock<SentimentIntensityAnalyzer<'static>> = LazyLock::new(SentimentIntensityAnalyzer::new);

fn default_threshold() -> f64 {
    // VADER's own convention: compound ≤ −0.05 is negative.
    -0.05
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default = "default_threshold")]
    threshold: f64,
}

pub(crate) fn build(params: &Value) -> crate::Result<Arc<dyn Detector>> {
    let params: Params = parse(&INFO, params)?;
    if !(-1.0..=1.0).contains(&params.threshold) {
        return Err(invalid(&INFO, format!("threshold must be between -1 and 1, got {}", params.threshold)));
    }
    Ok(Arc::new(Sentiment { threshold: params.threshold }))
}

struct Sentiment {
    threshold: f64,
}

#[async_trait::async_trait]
impl Detector for Sentiment {
    fn info(&self) -> &DetectorInfo {
        &INFO
    }

    async fn detect(&self, input: &DetectionInput) -> Result<Detection, DetectorError> {
        let compound = ANALYZER.polarity_scores(&input.output).compound;
        let compound = if compound.is_finite() { compound } else { 0.0 };
        let hit = compound <= self.threshold;
        let score = if compound < 0.0 { (-compound).clamp(0.0, 1.0) } else { 0.0 };
        let reasoning =
            format!("VADER compound {compound:.3} {} threshold {}", if hit { "is at or below" } else { "is above" }, self.threshold);
        Ok(Detection::scored(hit, score, reasoning, Vec::new()))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::{build, run_on};

    #[test]
    fn a_hostile_reply_is_negative() {
        let detection = run_on(build("sentiment", Value::Null).as_ref(), "This is terrible, awful and I hate it.");
        assert!(detection.hit);
        assert!(detection.score > 0.5, "{}", detection.score);
        assert!(detection.reasoning.contains("compound -0."), "{}", detection.reasoning);
    }

    #[test]
    fn a_friendly_or_neutral_reply_is_not_negative() {
        let detector = build("sentiment", Value::Null);
        let happy = run_on(detector.as_ref(), "I love this, it is wonderful and great!");
        assert!(!happy.hit);
        assert_eq!(happy.score, 0.0);
        assert!(!run_on(detector.as_ref(), "The meeting is at 10.").hit);
        assert!(!run_on(detector.as_ref(), "").hit);
    }

    #[test]
    fn a_stricter_threshold_lets_mildly_negative_replies_pass() {
        let strict = build("sentiment", json!({"threshold": -0.9}));
        assert!(!run_on(strict.as_ref(), "This is a bit disappointing.").hit);
        assert!(run_on(build("sentiment", Value::Null).as_ref(), "This is a bit disappointing.").hit);
    }

    #[test]
    fn a_threshold_outside_minus_one_to_one_is_rejected() {
        assert!(crate::Registry::new(None).build("sentiment", &json!({"threshold": -2})).is_err());
    }

    #[test]
    fn odd_input_does_not_panic() {
        let detector = build("sentiment", Value::Null);
        for text in ["!!!", "😀😡", "   ", "NOT", "but", "kind of", "İ\u{0}x", "no no no never"] {
            let _ = run_on(detector.as_ref(), text);
        }
    }
}
