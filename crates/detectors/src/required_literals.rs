//! The literal strings a pattern cannot match without: for a pattern, a set of strings such
//! that every match contains at least one of them. Text that contains none of a phrase
//! list's strings needs no search by its lazy DFA at all (see [`crate::phrase_list`]).
//!
//! The regex crate finds such literals only at a pattern's start; phrase shapes mostly start
//! with a word boundary and optional words (`\b(?:i|we)(?:'m| am) not able to`), so their
//! telling part is inside. This walks the parsed pattern: a concatenation needs what any one
//! of its parts needs (the longest such strings are kept), an alternation needs one of what
//! its branches need, a repetition of at least one needs what its item needs; runs of parts
//! with few exact spellings (`(?:i|we)(?: can't| cannot)`) are spelled out in full.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Most exact spellings a part may have before it counts as "anything".
const MAX_SPELLINGS: usize = 24;

/// What one part of a pattern matches, as far as literals go.
struct Part {
    /// Every string the part can match, when they are few (the empty string for look-arounds).
    exact: Option<Vec<String>>,
    /// Strings of which every match contains one, when the part has such a set.
    required: Option<Vec<String>>,
}

/// Strings of which every match of `pattern` contains at least one, or `None` when the pattern
/// has no such set (a branch with no fixed text, `[a-z]+`). Each string is at least `min_len`
/// bytes: a set with a shorter string is no filter at all and gives `None`.
pub(crate) fn required_literals(pattern: &str, min_len: usize) -> Option<Vec<String>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let part = analyse(&hir);
    let mut set = part.required.or(part.exact)?;
    if set.iter().any(|s| s.len() < min_len) {
        return None;
    }
    set.sort();
    set.dedup();
    Some(set)
}

fn analyse(hir: &Hir) -> Part {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Part { exact: Some(vec![String::new()]), required: None },
        HirKind::Literal(literal) => {
            let text = String::from_utf8_lossy(&literal.0).into_owned();
            Part { exact: Some(vec![text.clone()]), required: Some(vec![text]) }
        }
        HirKind::Class(class) => Part { exact: class_spellings(class), required: None },
        HirKind::Capture(capture) => analyse(&capture.sub),
        HirKind::Repetition(repetition) => {
            let sub = analyse(&repetition.sub);
            let exact = match (repetition.min, repetition.max) {
                (1, Some(1)) => sub.exact.clone(),
                (0, Some(1)) => sub.exact.clone().map(|mut spellings| {
                    spellings.push(String::new());
                    spellings
                }),
                _ => None,
            };
            let required = if repetition.min >= 1 { best_of(sub.required, sub.exact) } else { None };
            Part { exact, required }
        }
        HirKind::Alternation(branches) => {
            let parts: Vec<Part> = branches.iter().map(analyse).collect();
            let exact = union(parts.iter().map(|p| p.exact.clone()));
            let required = union(parts.into_iter().map(|p| best_of(p.required, p.exact)));
            Part { exact, required }
        }
        HirKind::Concat(items) => concat(&items.iter().map(analyse).collect::<Vec<_>>()),
    }
}

/// A concatenation: its exact spellings are the products of its parts'; what it requires is
/// the best of what any part requires and of the products of each run of exactly spelled parts.
fn concat(parts: &[Part]) -> Part {
    let mut candidates: Vec<Vec<String>> = parts.iter().filter_map(|p| p.required.clone()).collect();
    let mut run: Option<Vec<String>> = None;
    // Whether a run was cut for having too many spellings: the last run then spells only
    // the concatenation's tail, not the whole of it.
    let mut cut = false;
    for part in parts {
        match &part.exact {
            Some(spellings) => {
                run = Some(match run {
                    None => spellings.clone(),
                    Some(before) => match product(&before, spellings) {
                        Some(joined) => joined,
                        // Too many spellings: the run so far is a candidate; start again here.
                        None => {
                            candidates.push(before);
                            cut = true;
                            spellings.clone()
                        }
                    },
                });
            }
            None => {
                if let Some(before) = run.take() {
                    candidates.push(before);
                }
            }
        }
    }
    let whole_is_exact = !cut && parts.iter().all(|p| p.exact.is_some());
    let exact = if whole_is_exact { run.clone() } else { None };
    if let Some(last) = run {
        candidates.push(last);
    }
    let required = candidates.into_iter().filter(|c| c.iter().all(|s| !s.is_empty())).max_by_key(|c| quality(c));
    Part { exact, required }
}

/// A set's worth as a filter: its shortest string first (short strings occur everywhere),
/// then fewer strings.
fn quality(set: &[String]) -> (usize, std::cmp::Reverse<usize>) {
    (set.iter().map(String::len).min().unwrap_or(0), std::cmp::Reverse(set.len()))
}

fn best_of(required: Option<Vec<String>>, exact: Option<Vec<String>>) -> Option<Vec<String>> {
    let exact = exact.filter(|e| e.iter().all(|s| !s.is_empty()));
    match (required, exact) {
        (Some(r), Some(e)) => Some(if quality(&e) > quality(&r) { e } else { r }),
        (r, e) => r.or(e),
    }
}

fn union(sets: impl Iterator<Item = Option<Vec<String>>>) -> Option<Vec<String>> {
    let mut all = Vec::new();
    for set in sets {
        all.extend(set?);
    }
    Some(all)
}

fn product(left: &[String], right: &[String]) -> Option<Vec<String>> {
    if left.len() * right.len() > MAX_SPELLINGS {
        return None;
    }
    Some(left.iter().flat_map(|l| right.iter().map(move |r| format!("{l}{r}"))).collect())
}

/// The characters of a small class (`[.!]`, `[-\s]` in ASCII), or `None` for a large one.
fn class_spellings(class: &Class) -> Option<Vec<String>> {
    let mut spellings = Vec::new();
    match class {
        Class::Unicode(unicode) => {
            for range in unicode.ranges() {
                for c in range.start()..=range.end() {
                    spellings.push(c.to_string());
                    if spellings.len() > 4 {
                        return None;
                    }
                }
            }
        }
        Class::Bytes(bytes) => {
            for range in bytes.ranges() {
                for b in range.start()..=range.end() {
                    // A non-ASCII byte is not a whole character: no spelling of it as text.
                    if !b.is_ascii() {
                        return None;
                    }
                    spellings.push(char::from(b).to_string());
                    if spellings.len() > 4 {
                        return None;
                    }
                }
            }
        }
    }
    Some(spellings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;

    #[test]
    fn inner_literals_are_found_and_spelled_out() {
        assert_eq!(
            required_literals(r"\b(?:i|we)(?: can't| cannot)\b", 3).expect("fixed text"),
            ["i can't", "i cannot", "we can't", "we cannot"]
        );
        // The optional apology is no requirement; the fixed words after it are.
        let found = required_literals(r"(?:sorry, )?\bi'?m not able to [a-z]+", 3).expect("fixed text");
        assert!(found.iter().all(|s| s.contains("m not able to")), "{found:?}");
        assert_eq!(required_literals(r"\b(?:outside|beyond) my (?:lane|remit)\b", 3).expect("fixed text").len(), 4);
    }

    #[test]
    fn a_concatenation_with_too_many_spellings_is_not_spelled_whole() {
        // The captured group has 25 spellings, over the limit: it is then no
        // exact set, and the outer product must not glue "x" straight to its tail.
        let found = required_literals(r"x((?:aa|bb|cc|dd|ee)(?:ff|gg|hh|ii|jj))y", 1).expect("fixed text");
        let re = Regex::new(r"x((?:aa|bb|cc|dd|ee)(?:ff|gg|hh|ii|jj))y").expect("compiles");
        assert!(re.is_match("xaaffy"));
        assert!(found.iter().any(|s| "xaaffy".contains(s.as_str())), "{found:?}");
        assert!(!found.iter().any(|s| s.starts_with('x') && s.len() > 1), "{found:?}");
    }

    #[test]
    fn patterns_with_no_fixed_text_have_none() {
        assert_eq!(required_literals(r"[a-z]+ [a-z]+", 3), None);
        assert_eq!(required_literals(r"\bno\b|\bnever [a-z]+", 3), None, "\"no\" is shorter than 3");
        assert_eq!(required_literals(r"(?:foo)?bar|baz*", 3), None, "a branch may be just \"ba\"");
    }

    proptest! {
        /// The promise itself: a text with a match contains one of the required strings.
        #[test]
        fn every_match_contains_a_required_string(text in "[a-z' ,.!]{0,40}(i can't|we cannot|not able|on the table)?[a-z' ,.!]{0,40}") {
            let patterns = [
                r"\b(?:i|we)(?: can'?t| cannot)(?: do (?:that|it))?\b",
                r"(?:\bnot|n't) (?:able|willing) to\b",
                r"\b(?:isn'?t|is not) on the table\s*[.!]",
                r"\bx{2,3}y\b|\bz(?:ab|cd)+\b",
            ];
            for pattern in patterns {
                let required = required_literals(pattern, 1).expect("each has fixed text");
                if Regex::new(pattern).expect("compiles").is_match(&text) {
                    prop_assert!(required.iter().any(|r| text.contains(r.as_str())), "{pattern} matched {text:?} without any of {required:?}");
                }
            }
        }
    }
}
