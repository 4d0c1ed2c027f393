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

/// Compiles `patterns` like [`alternation`] for text that is known to be ASCII (the folded
/// reply the PII, refusal and toxicity rules read): `\b`, `\w`, `\d` and `\s` are rewritten
/// to their ASCII forms, which match the same on ASCII text and keep the program and the lazy
/// DFA small; with the Unicode forms a long alternation builds states for every script's word
/// characters, runs several times slower and takes longer to compile (a cost every process
/// pays once per pattern). The DFA gets room too: with the default cache a list of hundreds
/// of branches with bounded gaps keeps clearing its cache and falls back to a slower engine.
pub(crate) fn ascii_alternation(patterns: &[&str]) -> Regex {
    compile_ascii_source(&ascii_alternation_source(patterns))
}

/// Compiles a pattern [`ascii_alternation_source`] made, as [`ascii_alternation`] does.
pub(crate) fn compile_ascii_source(source: &str) -> Regex {
    RegexBuilder::new(source)
        .size_limit(64 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .unwrap_or_else(|e| panic!("built-in pattern list does not compile: {e}"))
}

/// The pattern [`ascii_alternation`] compiles.
pub(crate) fn ascii_alternation_source(patterns: &[&str]) -> String {
    patterns.iter().map(|p| format!("(?:{})", ascii_classes(&ascii_folded(p)))).collect::<Vec<_>>().join("|")
}

/// One pattern for ASCII text, see [`ascii_alternation`].
pub(crate) fn ascii_pattern(pattern: &str) -> Regex {
    ascii_alternation(&[pattern])
}

/// Closes `[[^…` as its intersection with ASCII, what the folded text holds. (Not as
/// `[^…\x{80}-\x{10FFFF}]`: under `(?i)` that range's case folding takes in `k` and `s`,
/// kin of the Kelvin sign and the long s, and the negation would then leave them out.)
const AND_ASCII: &str = "&&\\x00-\\x7F]";

/// Rewrites the Perl classes and word boundaries of `pattern` to their ASCII forms, inside
/// and outside bracketed classes; `.`, `\W`, `\S`, `\D` and negated classes (`[^.!?]`) keep
/// to ASCII characters, which match the same on ASCII text: in Unicode they are
/// UTF-8 automata of several states each, multiplied by every bounded repetition
/// (`[^.!?\n]{0,30}`), and compiling and running them cost a scan more than the matching did.
fn ascii_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut chars = pattern.chars();
    let mut class_depth = 0usize;
    // Whether the outermost open class is negated: it gets the non-ASCII range when it closes.
    let mut negated = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push(c);
                    break;
                };
                let ascii = match (next, class_depth > 0) {
                    ('w', false) => "[[:word:]]",
                    ('w', true) => "[:word:]",
                    ('d', false) => "[[:digit:]]",
                    ('d', true) => "[:digit:]",
                    ('s', false) => "[[:space:]]",
                    ('s', true) => "[:space:]",
                    ('b', false) => "(?-u:\\b)",
                    ('B', false) => "(?-u:\\B)",
                    ('W', false) => "[[^[:word:]]&&\\x00-\\x7F]",
                    ('S', false) => "[[^[:space:]]&&\\x00-\\x7F]",
                    ('D', false) => "[[^[:digit:]]&&\\x00-\\x7F]",
                    _ => "",
                };
                if ascii.is_empty() {
                    out.push(c);
                    out.push(next);
                } else {
                    out.push_str(ascii);
                }
            }
            '[' if class_depth > 0 && chars.as_str().starts_with(':') => {
                // A named ASCII class inside brackets, `[:alpha:]`: copy it whole.
                out.push(c);
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == ']' {
                        break;
                    }
                }
            }
            '[' => {
                if class_depth == 0 {
                    negated = chars.as_str().starts_with('^');
                    if negated {
                        out.push('[');
                    }
                }
                class_depth += 1;
                out.push(c);
                // `[]…]` and `[^]…]` start with a literal `]`.
                let rest = chars.as_str();
                let lead = if rest.starts_with("^]") {
                    2
                } else if rest.starts_with(']') {
                    1
                } else {
                    0
                };
                for _ in 0..lead {
                    if let Some(lit) = chars.next() {
                        out.push(lit);
                    }
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
                if class_depth == 0 && negated {
                    out.push_str(AND_ASCII);
                }
            }
            '.' if class_depth == 0 => out.push_str("[\\x00-\\x09\\x0B-\\x7F]"),
            _ => out.push(c),
        }
    }
    out
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

    #[test]
    fn perl_classes_become_ascii_inside_and_outside_brackets() {
        assert_eq!(ascii_classes(r"\b\w+\s\d\B"), r"(?-u:\b)[[:word:]]+[[:space:]][[:digit:]](?-u:\B)");
        assert_eq!(ascii_classes(r"[A-Z\d][^\s,]"), r"[A-Z[:digit:]][[^[:space:],]&&\x00-\x7F]");
        assert_eq!(ascii_classes(r"[]\w][^]\d]"), r"[][:word:]][[^][:digit:]]&&\x00-\x7F]");
        assert_eq!(ascii_classes(r"a.b\W[^[^x]y]"), r"a[\x00-\x09\x0B-\x7F]b[[^[:word:]]&&\x00-\x7F][[^[^x]y]&&\x00-\x7F]");
        assert_eq!(ascii_classes(r"[[:alpha:]\w]\.\\"), r"[[:alpha:][:word:]]\.\\");
    }

    proptest::proptest! {
        /// On ASCII text the rewritten pattern finds exactly what the Unicode one finds.
        #[test]
        fn ascii_patterns_match_like_unicode_ones_on_ascii_text(text in "(?:[ -~\n]|i'm still me|rules|yes|no){0,40}") {
            for source in [
                r"(?i)\b[a-z]\w{2,}\b",
                r"\b\d{1,3}(?:\.\d{1,3}){1,3}\b",
                r"[^\s,]{3,}\s+\B",
                r"(?i)\b(?:pass\w*|key)\b\s*[:=]\s*([^\s\x22',;]{2,})",
                r"[A-Z\d][\w'-]+",
                r"\bi'?m still me\b[^.!?\n]{0,30}\brules\b",
                r"\W(?:no|yes)\S{1,4}.{0,6}\D",
                r"[^[^a-m]e]{2,}",
                r"(?i)\bsecurity\b[^0-9\n]{0,20}\b\d{3}",
                r"(?i)k.s\W\S",
            ] {
                let unicode = pattern(source);
                let ascii = ascii_pattern(source);
                let found = |re: &Regex| re.find_iter(&text).map(|m| m.range()).collect::<Vec<_>>();
                proptest::prop_assert_eq!(found(&unicode), found(&ascii), "{}", source);
            }
        }
    }
}
