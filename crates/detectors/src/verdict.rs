//! Reading a judge's verdict: JSON anywhere (fenced or inline), a score given as a string or
//! out of 10 or 100, `PASS`/`FAIL` words, "Score: 7/10", a bare number.
//!
//! Judges are small models as often as big ones, so the answer is read generously; an answer
//! with none of these is no verdict, and the caller asks again.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use crate::cues::pattern;
use crate::json_extract::extract_json;

/// What a judge said: a score, a pass/fail, or both, and why.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Verdict {
    pub score: Option<f64>,
    pub pass: Option<bool>,
    pub reasoning: Option<String>,
}

/// "Score: 0.8", "score = 7/10", "score 85%".
static SCORE_RE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b(?:score|rating)\b\W{0,3}(\d+(?:\.\d+)?)\s*(?:/\s*(\d+(?:\.\d+)?)|(%))?"));
/// "7/10", "4.5 / 5".
static FRACTION_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b(\d+(?:\.\d+)?)\s*/\s*(10|100|5)\b"));
/// "Verdict: pass", "Result - FAIL".
static LABELLED_VERDICT_RE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b(?:verdict|result|decision|grade)\b\W{0,3}(pass(?:ed)?|fail(?:ed)?)\b"));
/// Shouted verdict words: PASS / FAIL.
static VERDICT_WORD_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b(PASS(?:ED|ES)?|FAIL(?:ED|S)?)\b"));

/// The verdict in a judge's answer, or `None` when the answer holds neither a score nor a
/// pass/fail.
pub(crate) fn parse_verdict(text: &str) -> Option<Verdict> {
    match extract_json(text) {
        Some(Value::Object(map)) => {
            if let Some(verdict) = from_object(&map) {
                return Some(verdict);
            }
        }
        Some(Value::Number(n)) => {
            return n.as_f64().and_then(|v| scale(v, None)).map(|score| Verdict { score: Some(score), ..Verdict::default() });
        }
        _ => {}
    }
    from_prose(text)
}

fn from_object(map: &Map<String, Value>) -> Option<Verdict> {
    let field = |names: &[&str]| names.iter().find_map(|n| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(_, v)| v));
    let score = field(&["score", "rating"]).and_then(|v| match v {
        Value::Number(n) => n.as_f64().and_then(|v| scale(v, None)),
        Value::String(s) => score_in_text(s).or_else(|| s.trim().parse::<f64>().ok().and_then(|v| scale(v, None))),
        _ => None,
    });
    let pass = field(&["pass", "passed", "verdict", "result"]).and_then(|v| match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => pass_word(s),
        _ => None,
    });
    let reasoning = field(&["reasoning", "reason", "explanation", "rationale", "justification"]).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    (score.is_some() || pass.is_some()).then_some(Verdict { score, pass, reasoning })
}

fn from_prose(text: &str) -> Option<Verdict> {
    let score = score_in_text(text).or_else(|| text.trim().parse::<f64>().ok().and_then(|v| scale(v, None)));
    let pass = LABELLED_VERDICT_RE.captures(text).and_then(|c| c.get(1)).and_then(|m| pass_word(m.as_str())).or_else(|| {
        let words: Vec<bool> = VERDICT_WORD_RE.find_iter(text).filter_map(|m| pass_word(m.as_str())).collect();
        // "PASS" and "FAIL" both shouted ("PASS/FAIL criteria…") decide nothing.
        match (words.contains(&true), words.contains(&false)) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        }
    });
    (score.is_some() || pass.is_some()).then(|| Verdict { score, pass, reasoning: Some(text.trim().chars().take(300).collect()) })
}

fn score_in_text(text: &str) -> Option<f64> {
    if let Some(caps) = SCORE_RE.captures(text) {
        let value = caps.get(1).and_then(|m| m.as_str().parse::<f64>().ok())?;
        let denominator = match (caps.get(2), caps.get(3)) {
            (Some(d), _) => d.as_str().parse::<f64>().ok(),
            (None, Some(_)) => Some(100.0),
            (None, None) => None,
        };
        return scale(value, denominator);
    }
    let caps = FRACTION_RE.captures(text)?;
    let value = caps.get(1)?.as_str().parse::<f64>().ok()?;
    let denominator = caps.get(2)?.as_str().parse::<f64>().ok()?;
    scale(value, Some(denominator))
}

/// A score on 0..1; without a stated scale, 1..10 and 10..100 are read as out of 10 and 100.
fn scale(value: f64, denominator: Option<f64>) -> Option<f64> {
    let scaled = match denominator {
        Some(d) if d > 0.0 => value / d,
        Some(_) => return None,
        None if (0.0..=1.0).contains(&value) => value,
        None if value <= 10.0 => value / 10.0,
        None if value <= 100.0 => value / 100.0,
        None => return None,
    };
    (scaled.is_finite() && (0.0..=1.0).contains(&scaled)).then_some(scaled)
}

fn pass_word(word: &str) -> Option<bool> {
    match word.trim().to_ascii_lowercase().as_str() {
        "pass" | "passed" | "passes" | "true" | "yes" => Some(true),
        "fail" | "failed" | "fails" | "false" | "no" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_verdicts_are_read() {
        assert_eq!(parse_verdict("Score: 7/10. Mostly right.").and_then(|v| v.score), Some(0.7));
        assert_eq!(parse_verdict("score = 85%").and_then(|v| v.score), Some(0.85));
        assert_eq!(parse_verdict("I'd give it 4/5").and_then(|v| v.score), Some(0.8));
        assert_eq!(parse_verdict("0.35").and_then(|v| v.score), Some(0.35));
        assert_eq!(parse_verdict(" 8 ").and_then(|v| v.score), Some(0.8));
        assert_eq!(parse_verdict("FAIL: the answer is wrong").and_then(|v| v.pass), Some(false));
        assert_eq!(parse_verdict("Verdict: pass").and_then(|v| v.pass), Some(true));
        assert_eq!(
            parse_verdict(r#"{"rating": "9/10", "verdict": "PASS"}"#),
            Some(Verdict { score: Some(0.9), pass: Some(true), reasoning: None })
        );
    }

    #[test]
    fn unreadable_answers_are_not_verdicts() {
        for text in ["", "I think it is good.", "PASS or FAIL depends on you", "Score: 250", "{\"note\": \"hi\"}", "[1, 2]"] {
            assert_eq!(parse_verdict(text), None, "{text:?}");
        }
    }
}
