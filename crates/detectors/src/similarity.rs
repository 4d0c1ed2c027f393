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
            Method::Levenshtein => normalized_levenshtein(&output, &expected),
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
        Ok(Detection::scored(hit, score, reasoning, Vec::new()))
    }
}

/// 1 − distance / longer length, in characters; two empty texts are identical.
fn normalized_levenshtein(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longer = a.len().max(b.len());
    if longer == 0 {
        return 1.0;
    }
    1.0 - levenshtein(&a, &b) as f64 / longer as f64
}

/// Edit distance with Myers' bit-vector algorithm in Hyyrö's multi-word form: one column of
/// the dynamic-programming table per character of the longer text, 64 rows per machine word,
/// so comparing two 1,000-character replies costs ~16k word operations instead of 10⁶ cells.
/// The common prefix and suffix are stripped first: near-identical texts cost almost nothing.
fn levenshtein(a: &[char], b: &[char]) -> usize {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    // The shorter text is the pattern: fewer words per column.
    let (pattern, text) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if pattern.is_empty() {
        return text.len();
    }
    let words = pattern.len().div_ceil(64);
    // For each pattern character, the bit mask of its positions, word by word.
    let mut masks: std::collections::HashMap<char, Vec<u64>> = std::collections::HashMap::new();
    for (i, c) in pattern.iter().enumerate() {
        masks.entry(*c).or_insert_with(|| vec![0; words])[i / 64] |= 1 << (i % 64);
    }
    let none = vec![0u64; words];
    // Vertical deltas of the current column: +1 where `positive` is set, −1 where `negative` is.
    let mut positive = vec![u64::MAX; words];
    let mut negative = vec![0u64; words];
    let last_bit = 1u64 << ((pattern.len() - 1) % 64);
    let mut distance = pattern.len();
    for c in text {
        let eq = masks.get(c).unwrap_or(&none);
        // The top row grows by one per column: a horizontal delta of +1 enters the first word.
        let mut carry: i8 = 1;
        for w in 0..words {
            let high = if w == words - 1 { last_bit } else { 1 << 63 };
            carry = advance_word(&mut positive[w], &mut negative[w], eq[w], carry, high);
        }
        distance = distance.wrapping_add_signed(isize::from(carry));
    }
    distance
}

/// One 64-row word of a column step; takes the horizontal delta entering at its top row and
/// returns the one leaving at its `high` row.
fn advance_word(positive: &mut u64, negative: &mut u64, eq: u64, carry_in: i8, high: u64) -> i8 {
    let (pv, mv) = (*positive, *negative);
    let xv = eq | mv;
    let eq = if carry_in < 0 { eq | 1 } else { eq };
    let xh = ((eq & pv).wrapping_add(pv) ^ pv) | eq;
    let mut ph = mv | !(xh | pv);
    let mut mh = pv & xh;
    let carry_out = if ph & high != 0 {
        1
    } else if mh & high != 0 {
        -1
    } else {
        0
    };
    ph <<= 1;
    mh <<= 1;
    match carry_in {
        c if c < 0 => mh |= 1,
        c if c > 0 => ph |= 1,
        _ => {}
    }
    *positive = mh | !(xv | ph);
    *negative = ph & xv;
    carry_out
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
    fn the_bit_vector_distance_equals_the_textbook_one() {
        let pieces = ["a", "b", "ab", "é", "x", "hello ", "world", "İ", " ", "aaaa"];
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            usize::try_from(state >> 33).unwrap_or(0)
        };
        for round in 0..300 {
            // Lengths up to ~300 chars cross several 64-row words.
            let max = if round % 10 == 0 { 120 } else { 12 };
            let a: String = (0..next() % max).map(|_| pieces[next() % pieces.len()]).collect();
            let b: String = (0..next() % max).map(|_| pieces[next() % pieces.len()]).collect();
            let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            assert_eq!(levenshtein(&ac, &bc), strsim::levenshtein(&a, &b), "{a:?} vs {b:?}");
        }
        assert_eq!(normalized_levenshtein("", ""), 1.0);
        assert_eq!(normalized_levenshtein("kitten", "sitting"), 1.0 - 3.0 / 7.0);
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
