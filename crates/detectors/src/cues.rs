//! Regex building blocks shared by detectors: compiling phrase lists once, and the cues that
//! say a sentence talks *about* an instruction or refuses it rather than carrying it out
//! (used by `prompt-injection` to tell quoting a rogue string from obeying it).

use regex::{Regex, RegexBuilder};

use crate::text::ascii_folded;

/// Compiles `patterns` as one alternation, transliterated to ASCII like the text they run on
/// (`désolé` → `desole`, see [`crate::text::ascii_fold`]). Patterns are constants of this
/// crate, checked by the tests of every module that uses them, so a failure here is a
/// programming error.
pub(crate) fn alternation(patterns: &[&str]) -> Regex {
    let joined = patterns.iter().map(|p| format!("(?:{})", ascii_folded(p))).collect::<Vec<_>>().join("|");
    RegexBuilder::new(&joined)
        // Many Unicode-aware classes in one alternation: give the compiled program room.
        .size_limit(64 << 20)
        .build()
        .unwrap_or_else(|e| panic!("built-in pattern list does not compile: {e}"))
}

/// Compiles a long phrase list like [`alternation`] does, with room for the lazy DFA: with
/// the default cache a list of hundreds of branches with bounded gaps (refusal declines,
/// attacks on groups) keeps clearing its cache and falls back to the slow engine, several
/// times slower.
pub(crate) fn large_alternation(patterns: &[&str]) -> Regex {
    let joined = patterns.iter().map(|p| format!("(?:{})", ascii_folded(p))).collect::<Vec<_>>().join("|");
    RegexBuilder::new(&joined)
        .size_limit(64 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .unwrap_or_else(|e| panic!("built-in pattern list does not compile: {e}"))
}

/// Compiles one built-in pattern.
pub(crate) fn pattern(pattern: &str) -> Regex {
    alternation(&[pattern])
}

/// Cues, on lowercase ASCII-folded text, that a sentence refuses, warns about or
/// declines to act on something (in English, French, German, Spanish).
pub(crate) const REFUSAL_CUES: &[&str] = &[
    r"\b(?:won'?t|will not|wouldn'?t|would not|can'?t|cannot|can not|shouldn'?t|should not|must not|mustn'?t|do not|don'?t|did not|didn'?t|never|not going to|refus(?:e|ed|es|ing)|declin(?:e|ed|es|ing)|ignor(?:e|ed|es|ing)|disregard(?:ed|ing|s)?|not (?:follow|comply|obey|execute|do|say|print|output|visit|click|open|repeat|include|reproduce))\b",
    r"\b(?:avoid|unsafe|suspicious|malicious|injection|injected|phishing|scam|untrusted|not safe|be careful|beware|warning|caution|manipulat\w*)\b",
    r"\b(?:je ne|je n'|il ne faut pas|refuse|ignor\w*|ne \w+ pas|ich werde nicht|ich kann nicht|nicht|niemals|ignorier\w*|no voy a|no puedo|no lo|no \w+ré|nunca|ignor\w*|me niego)\b",
];

/// Cues that a sentence reports what some content asks for (meta-discussion), not that the
/// model itself says it.
pub(crate) const META_CUES: &[&str] = &[
    r"\b(?:asks?|asked|asking|tells?|told|telling|wants?|wanted|requests?|requested|instructs?|instructed|urges?|directs?) (?:me |you |us |the (?:reader|assistant|model|ai) |readers )?to\b",
    r"\b(?:instructions?|directive|command|prompt|contains?|containing|contained|embedded|hidden|appears to|attempts? to|attempting to|tries to|trying to|includes? (?:a|an|the) (?:line|request|instruction|text|message)|says?:|reads?:|saying|says to|the (?:text|document|email|e-mail|page|message|website|content|file|input|article|note|comment|review|attachment) (?:says|asks|contains|includes|instructs|tells|wants|requests|mentions|has))\b",
    r"\b(?:demande de|vous demande|me demande|contient|instruction|consigne|fordert|verlangt|enthält|anweisung|aufforderung|pide que|me pide|contiene|instrucción)\b",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_cue_lists_compile() {
        let refusal = alternation(REFUSAL_CUES);
        let meta = alternation(META_CUES);
        assert!(refusal.is_match("i won't do that"));
        assert!(meta.is_match("the email asks me to visit"));
        assert!(!refusal.is_match("here is the answer"));
        assert!(!meta.is_match("here is the answer"));
    }
}
