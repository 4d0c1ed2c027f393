//! Content words, for telling whether a reply makes the claim an injection dictated: lowercase
//! ASCII words without the function words and the instruction's own verbs, crudely stemmed
//! ("cancelled" and "cancellation" meet at "cancel"), with clock times in 24-hour form so
//! "6pm" meets "18:00".

use std::sync::LazyLock;

use regex::Regex;

use crate::cues::pattern;
use crate::fast_hash::FastSet;
use crate::text::ascii_folded;

static NEGATION_RE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"\b(?:not|no|never|isn'?t|aren'?t|wasn'?t|hasn'?t|haven'?t|doesn'?t|didn'?t|false|untrue|incorrect|inaccurate)\b")
});

/// Whether `text` (lowercase) denies something: a claim repeated with "not" is refuted.
pub(super) fn negated(text: &str) -> bool {
    NEGATION_RE.is_match(text)
}

/// Words that carry no claim: function words, and the vocabulary of instructions themselves.
const STOP: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "to",
    "of",
    "and",
    "or",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "as",
    "it",
    "its",
    "you",
    "your",
    "yours",
    "they",
    "their",
    "them",
    "he",
    "she",
    "his",
    "her",
    "him",
    "we",
    "our",
    "us",
    "i",
    "me",
    "my",
    "should",
    "must",
    "will",
    "would",
    "can",
    "could",
    "may",
    "might",
    "shall",
    "do",
    "does",
    "did",
    "not",
    "no",
    "so",
    "if",
    "then",
    "than",
    "but",
    "also",
    "any",
    "all",
    "every",
    "each",
    "some",
    "there",
    "here",
    "what",
    "which",
    "who",
    "whom",
    "when",
    "where",
    "how",
    "why",
    "into",
    "about",
    "up",
    "out",
    "just",
    "only",
    "very",
    "now",
    "user",
    "users",
    "reader",
    "readers",
    "assistant",
    "assistants",
    "ai",
    "model",
    "tell",
    "say",
    "said",
    "state",
    "inform",
    "mention",
    "claim",
    "confirm",
    "report",
    "add",
    "write",
    "reply",
    "respond",
    "answer",
    "include",
    "instruction",
    "instructions",
    "ignore",
    "previous",
    "note",
    "reading",
    "language",
    "please",
    "always",
    "never",
    "immediately",
    "that's",
    "it's",
    "don't",
    "is",
    "s",
    "t",
    "am",
    "pm",
    "that",
    "such",
    "like",
    "via",
];

/// [`STOP`] as a set: every token of every window of a reply is looked up.
static STOP_SET: LazyLock<FastSet<&'static str>> = LazyLock::new(|| STOP.iter().copied().collect());

/// The keywords of `text`, in order of first appearance, without repeats.
pub(super) fn keywords(text: &str) -> Vec<String> {
    let folded = ascii_folded(&text.to_lowercase());
    let mut out: Vec<String> = Vec::new();
    let tokens: Vec<&str> =
        folded.split(|c: char| !(c.is_ascii_alphanumeric() || c == '\'' || c == ':')).filter(|t| !t.is_empty()).collect();
    for (i, token) in tokens.iter().enumerate() {
        let token = token.trim_matches(|c| c == '\'' || c == ':');
        let next = tokens.get(i + 1).copied().unwrap_or_default();
        let Some(word) = normalise(token, next) else { continue };
        if !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// One token as compared, or `None` for a token that carries no claim.
fn normalise(token: &str, next: &str) -> Option<String> {
    if token.is_empty() || token.len() > 24 || STOP_SET.contains(token) {
        return None;
    }
    if let Some(hour) = clock(token, next) {
        return Some(hour);
    }
    if token.chars().all(|c| c.is_ascii_digit()) {
        return (token.len() >= 2).then(|| token.to_owned());
    }
    if token.len() < 3 {
        return None;
    }
    Some(stem(token))
}

/// `2pm` (or `2` before `pm`) as `14`, `18:00` as `18`.
fn clock(token: &str, next: &str) -> Option<String> {
    let (digits, suffix) = match token.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => token.split_at(at),
        None => (token, next),
    };
    let hour: u32 = digits.parse().ok()?;
    match suffix {
        "pm" if (1..12).contains(&hour) => Some((hour + 12).to_string()),
        "am" | "pm" if (1..=12).contains(&hour) => Some((hour % 12).to_string()),
        _ if suffix.starts_with(':') && hour < 24 => Some(hour.to_string()),
        _ => None,
    }
}

/// A crude stem: common English endings cut so inflections of one word meet.
fn stem(word: &str) -> String {
    let mut word = word.to_owned();
    for suffix in ["ations", "ation", "ings", "ing", "edly", "ed", "ly", "es", "s"] {
        if word.len() >= suffix.len() + 3 && word.ends_with(suffix) {
            word.truncate(word.len() - suffix.len());
            break;
        }
    }
    // "move" and "moved" meet at "mov".
    if word.len() > 3 && word.ends_with('e') {
        word.pop();
    }
    // "cancell" → "cancel", "stopp" → "stop".
    let bytes = word.as_bytes();
    if bytes.len() > 4 && bytes[bytes.len() - 1] == bytes[bytes.len() - 2] && !matches!(bytes[bytes.len() - 1], b's' | b'e' | b'o') {
        word.pop();
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_and_clock_times_meet() {
        assert_eq!(keywords("the 2pm board meeting moved to 6pm"), ["14", "board", "meet", "mov", "18"]);
        assert_eq!(keywords("14:00 board meetings (this has moved to 18:00)"), ["14", "board", "meet", "mov", "18"]);
        assert_eq!(keywords("The meeting has been cancelled."), ["meet", "cancel"]);
        assert_eq!(keywords("cancellations need notice"), ["cancel", "need", "notic"]);
    }
}
