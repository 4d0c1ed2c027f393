//! Decline patterns in scripts the ASCII fold cannot spell, split by script: each branch of
//! the alternation goes to the script of its first letter, each script's branches are
//! compiled on first need, and a reply is searched only with the scripts it holds. One
//! alternation of every script's branches cost each reply with any non-Latin letter the lazy
//! DFA states of all of them, and every process the compilation of all of them.

use std::ops::Range;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

/// The scripts branches are sorted into; `Other` holds branches with no letter of these.
const SCRIPTS: usize = 13;

/// The script of a character outside ASCII, as an index below [`SCRIPTS`].
fn script_of(c: char) -> Option<usize> {
    let index = match u32::from(c) {
        0..=0x7F => return None,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => 0,                                     // Greek
        0x0400..=0x052F => 1,                                                       // Cyrillic
        0x0530..=0x058F => 2,                                                       // Armenian
        0x0590..=0x05FF => 3,                                                       // Hebrew
        0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => 4, // Arabic
        0x0900..=0x0DFF => 5,                                                       // the Indic scripts
        0x0E00..=0x0EFF => 6,                                                       // Thai and Lao
        0x1000..=0x109F => 7,                                                       // Myanmar
        0x10A0..=0x10FF => 8,                                                       // Georgian
        0x1200..=0x139F => 9,                                                       // Ethiopic
        0x1780..=0x17FF => 10,                                                      // Khmer
        0x1100..=0x11FF
        | 0x3040..=0x30FF
        | 0x3130..=0x318F
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0xFF00..=0xFFEF => 11, // Chinese, Japanese, Korean
        _ => 12,
    };
    Some(index)
}

/// Branches of one alternation, compiled per script on first need.
pub(super) struct ScriptPatterns {
    sources: [String; SCRIPTS],
    compiled: [OnceLock<Regex>; SCRIPTS],
}

impl ScriptPatterns {
    /// `patterns`: alternations, each a whole `(?:…|…)` group or a plain alternation.
    pub fn new(patterns: &[&str]) -> Self {
        let mut branches: [Vec<&str>; SCRIPTS] = Default::default();
        for pattern in patterns {
            for branch in top_level_branches(unwrapped(pattern)) {
                let script = branch.chars().find_map(script_of).unwrap_or(SCRIPTS - 1);
                branches[script].push(branch);
            }
        }
        Self { sources: branches.map(|b| b.join("|")), compiled: Default::default() }
    }

    /// The matches of the scripts `text` holds, by where they start.
    pub fn find_iter(&self, text: &str) -> Vec<Range<usize>> {
        let mut present = [false; SCRIPTS];
        for c in text.chars() {
            if let Some(script) = script_of(c) {
                present[script] = true;
            }
        }
        // Branches with no letter of a listed script may match any reply that has one.
        present[SCRIPTS - 1] = present.iter().any(|p| *p);
        let mut found: Vec<Range<usize>> = (0..SCRIPTS)
            .filter(|&script| present[script] && !self.sources[script].is_empty())
            .flat_map(|script| self.regex(script).find_iter(text).map(|m| m.range()).collect::<Vec<_>>())
            .collect();
        found.sort_by_key(|range| (range.start, std::cmp::Reverse(range.end)));
        found
    }

    fn regex(&self, script: usize) -> &Regex {
        self.compiled[script].get_or_init(|| {
            RegexBuilder::new(&self.sources[script])
                .size_limit(16 << 20)
                .build()
                .unwrap_or_else(|e| panic!("built-in pattern list does not compile: {e}"))
        })
    }

    #[cfg(test)]
    pub fn compile_all(&self) -> usize {
        (0..SCRIPTS).filter(|&script| !self.sources[script].is_empty() && !self.regex(script).as_str().is_empty()).count()
    }
}

/// `(?:a|b)` → `a|b` when the group spans the whole pattern.
fn unwrapped(pattern: &str) -> &str {
    let Some(inner) = pattern.strip_prefix("(?:").and_then(|p| p.strip_suffix(')')) else { return pattern };
    // The group opened first must be the one closed last: inside it, no `)` closes more than
    // it opened.
    let closes_early = syntax(inner).scan(0isize, |depth, (_, c)| {
        *depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        Some(*depth)
    });
    if closes_early.into_iter().any(|depth| depth < 0) { pattern } else { inner }
}

/// The branches of an alternation at its top level (not inside groups or classes).
fn top_level_branches(pattern: &str) -> Vec<&str> {
    let mut branches = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (at, c) in syntax(pattern) {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => {
                branches.push(&pattern[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    branches.push(&pattern[start..]);
    branches.into_iter().filter(|b| !b.is_empty()).collect()
}

/// The `(`, `)` and `|` of a pattern that are syntax (not escaped, not in a class), with
/// their byte offsets.
fn syntax(pattern: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let (mut escaped, mut class) = (false, false);
    pattern.char_indices().filter(move |&(_, c)| {
        let syntax = !escaped && !class && matches!(c, '(' | ')' | '|');
        match (escaped, class, c) {
            (true, _, _) => escaped = false,
            (false, _, '\\') => escaped = true,
            (false, true, ']') => class = false,
            (false, false, '[') => class = true,
            _ => {}
        }
        syntax
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branches_split_at_the_top_level_only() {
        assert_eq!(top_level_branches(r"a(?:b|c)|[|]d|e\|f"), vec![r"a(?:b|c)", r"[|]d", r"e\|f"]);
        assert_eq!(unwrapped("(?:a|b)"), "a|b");
        assert_eq!(unwrapped("(?:a)|(?:b)"), "(?:a)|(?:b)");
    }

    #[test]
    fn each_script_is_searched_only_where_it_occurs_and_matches_come_in_order() {
        let patterns = ScriptPatterns::new(&["(?:не могу|できません)", "(?:لا أستطيع|(?:^|\\s)x-ray)"]);
        assert_eq!(patterns.find_iter("できません。не могу."), vec![0..15, 18..31]);
        assert!(patterns.find_iter("plain ascii x-ray").is_empty());
        assert_eq!(patterns.find_iter("ok لا أستطيع x-ray").len(), 2);
    }
}
