//! Long phrase lists searched as a few smaller alternations: the same matches as one big
//! alternation, at a fraction of the lazy DFA's cost on text it has not seen.
//!
//! The regex crate's lazy DFA builds one state per set of pattern positions alive at once.
//! In one alternation of two hundred phrase shapes many branches are alive together on
//! ordinary prose (those that begin on any word, those with bounded gaps), and their
//! combinations multiply: each new reply builds hundreds of new states, each costly because
//! the sets are large. Measured on the replies of a 2,000-test scan, one alternation spent
//! about 75 µs a reply building states against 1.5 µs searching with them; four
//! alternations of a quarter each spent about 13 µs in all. Every scan reply is new text, so
//! building, not searching, is what a scan pays.
//!
//! [`PhraseList::find_iter`] merges the chunks' matches into what the single alternation
//! would find: the leftmost match, and among matches starting at the same place the one of
//! the earliest branch (chunks keep the list's order, and each chunk is leftmost-first
//! itself); then the search goes on after it.
//!
//! Before any chunk is searched, one Aho-Corasick pass finds which chunks' required strings
//! (see [`crate::required_literals`]) the text holds; the others cannot match and are skipped.
//! On the replies of a 2,000-test scan that left a tenth to a third of the chunk searches and
//! took the list from about 21 to 13 µs a new reply. The filter is built only once a list
//! has searched a couple of thousand replies: building it costs what it saves on those.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use aho_corasick::AhoCorasick;
use regex::{Match, Regex};

use crate::cues::{ascii_alternation, ascii_alternation_source};
use crate::required_literals::required_literals;

/// Branches per alternation: a third to a quarter of the longest lists. Fewer chunks build
/// more states; more chunks pay one more pass over every reply each.
const BRANCHES_PER_CHUNK: usize = 56;

/// Shortest string a chunk's filter may look for: shorter ones occur in nearly every reply.
const MIN_FILTER_LITERAL: usize = 3;

/// Searches before the chunk filter is built. Building it parses every chunk again (about
/// 15 ms for the refusal list), which pays off only after a few thousand new replies at the
/// 4 to 8 µs it saves on each: a short run never builds it.
const SEARCHES_BEFORE_FILTER: usize = 2_000;

/// A phrase list for ASCII-folded text (see [`ascii_alternation`]), in chunks.
pub(crate) struct PhraseList {
    chunks: Vec<Regex>,
    /// Each chunk's pattern, for the filter.
    sources: Vec<String>,
    filter: OnceLock<ChunkFilter>,
    searches: AtomicUsize,
}

/// Which chunks can match a text at all: each chunk's required strings (see
/// [`required_literals`]) in one automaton, so a text with none of a chunk's strings skips
/// that chunk's search. A chunk with no such strings is always searched.
struct ChunkFilter {
    automaton: Option<AhoCorasick>,
    /// The chunk of each string of the automaton.
    chunk_of: Vec<usize>,
    always: Vec<bool>,
}

impl ChunkFilter {
    fn new(sources: &[String]) -> Self {
        let mut strings = Vec::new();
        let mut chunk_of = Vec::new();
        let mut always = Vec::with_capacity(sources.len());
        for (chunk, source) in sources.iter().enumerate() {
            match required_literals(source, MIN_FILTER_LITERAL) {
                Some(required) => {
                    chunk_of.extend(std::iter::repeat_n(chunk, required.len()));
                    strings.extend(required);
                    always.push(false);
                }
                None => always.push(true),
            }
        }
        // Built from the list's own literals; a failure (never, short of a size limit) only
        // means every chunk is searched.
        let automaton = if strings.is_empty() { None } else { AhoCorasick::new(&strings).ok() };
        let always = if automaton.is_none() { vec![true; sources.len()] } else { always };
        Self { automaton, chunk_of, always }
    }

    /// Per chunk, whether `text` may hold one of its matches.
    fn candidates(&self, text: &str) -> Vec<bool> {
        let mut candidate = self.always.clone();
        let Some(automaton) = &self.automaton else { return candidate };
        let mut missing = candidate.iter().filter(|c| !**c).count();
        for found in automaton.find_overlapping_iter(text) {
            let chunk = self.chunk_of[found.pattern().as_usize()];
            if !candidate[chunk] {
                candidate[chunk] = true;
                missing -= 1;
                if missing == 0 {
                    break;
                }
            }
        }
        candidate
    }
}

impl PhraseList {
    /// Compiles `patterns` like [`ascii_alternation`], in order, a chunk at a time.
    pub(crate) fn ascii(patterns: &[&str]) -> Self {
        let sources: Vec<String> = patterns.chunks(BRANCHES_PER_CHUNK).map(ascii_alternation_source).collect();
        let chunks = patterns.chunks(BRANCHES_PER_CHUNK).map(ascii_alternation).collect();
        Self { chunks, sources, filter: OnceLock::new(), searches: AtomicUsize::new(0) }
    }

    /// Per chunk, whether it can match `text`: every chunk until the filter is built.
    fn candidates(&self, text: &str) -> Vec<bool> {
        if let Some(filter) = self.filter.get() {
            return filter.candidates(text);
        }
        if self.searches.fetch_add(1, Ordering::Relaxed) < SEARCHES_BEFORE_FILTER {
            return vec![true; self.chunks.len()];
        }
        self.filter.get_or_init(|| ChunkFilter::new(&self.sources)).candidates(text)
    }

    /// Whether any phrase occurs in `text`.
    #[cfg(test)]
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let candidates = self.candidates(text);
        self.chunks.iter().zip(candidates).any(|(chunk, candidate)| candidate && chunk.is_match(text))
    }

    /// The matches the single alternation of every phrase would give, in order.
    pub(crate) fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Match<'t>> + 't {
        let mut next: Vec<Pending<'t>> =
            self.candidates(text).into_iter().map(|candidate| if candidate { Pending::Unsearched } else { Pending::Exhausted }).collect();
        let mut at = 0;
        std::iter::from_fn(move || {
            if at > text.len() {
                return None;
            }
            let mut best: Option<Match<'t>> = None;
            for (chunk, pending) in self.chunks.iter().zip(next.iter_mut()) {
                // A match found from an earlier place that starts at or after `at` is still
                // the chunk's leftmost from `at`: whether a phrase matches somewhere does
                // not depend on where the search began.
                let stale = match pending {
                    Pending::Unsearched => true,
                    Pending::Found(m) => m.start() < at,
                    Pending::Exhausted => false,
                };
                if stale {
                    *pending = chunk.find_at(text, at).map_or(Pending::Exhausted, Pending::Found);
                }
                if let Pending::Found(m) = pending {
                    // Strictly earlier only: on a tie the earlier chunk holds the earlier branch.
                    if best.is_none_or(|b| m.start() < b.start()) {
                        best = Some(*m);
                    }
                }
            }
            let found = best?;
            at = if found.is_empty() { next_char_boundary(text, found.end()) } else { found.end() };
            Some(found)
        })
    }
}

/// What a chunk's search from the current place found.
#[derive(Clone, Copy)]
enum Pending<'t> {
    Unsearched,
    Found(Match<'t>),
    Exhausted,
}

/// The byte after the character at `at` (past the end when `at` is the end), so an empty
/// match cannot repeat.
fn next_char_boundary(text: &str, at: usize) -> usize {
    text.get(at..).and_then(|rest| rest.chars().next()).map_or(text.len() + 1, |c| at + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the single alternation of `patterns` finds in [`TEXT`].
    fn single(patterns: &[&str]) -> Vec<(usize, usize)> {
        ascii_alternation(patterns).find_iter(TEXT).map(|m| (m.start(), m.end())).collect()
    }

    const TEXT: &str = "i can't help with that. i won't write it, but i can help you ask a friend; \
                        no, i'd rather not. je ne peux pas. i can't. i cannot help";

    /// Splits `patterns` one branch per chunk, the hardest case for the merge.
    fn chunked_one_each(patterns: &[&str]) -> PhraseList {
        let sources: Vec<String> = patterns.iter().map(|p| ascii_alternation_source(&[p])).collect();
        let filter = OnceLock::from(ChunkFilter::new(&sources));
        PhraseList { chunks: patterns.iter().map(|p| ascii_alternation(&[p])).collect(), sources, filter, searches: AtomicUsize::new(0) }
    }

    #[test]
    fn chunks_find_what_the_single_alternation_finds() {
        // Overlapping branches, a later branch that starts earlier, the same start with
        // different lengths (the earlier branch must win, as in one alternation).
        let patterns = [
            r"\bi can'?t\b",
            r"\bi can'?t help\b",
            r"\bhelp with that\b",
            r"\bi won'?t [a-z]+",
            r"\bje ne peux pas\b",
            r"\bno\b",
            r"\bi cannot\b",
            r"that\. i",
        ];
        let chunked = chunked_one_each(&patterns);
        let merged: Vec<_> = chunked.find_iter(TEXT).map(|m| (m.start(), m.end())).collect();
        assert_eq!(merged, single(&patterns));
        assert!(!merged.is_empty());
        // The earlier branch wins a tie: "i can't" (branch 0), not "i can't help" (branch 1).
        assert_eq!(&TEXT[merged[0].0..merged[0].1], "i can't");
        assert!(chunked.is_match(TEXT));
        assert!(!chunked_one_each(&[r"\bnever\b"]).is_match(TEXT));
    }

    #[test]
    fn the_real_chunking_agrees_too() {
        let patterns: Vec<String> =
            (0..200).map(|i| format!(r"\b(?:i|we) (?:can'?t|won'?t) {}\b|\bword{i}\b", ["help", "write", "do", "say"][i % 4])).collect();
        let refs: Vec<&str> = patterns.iter().map(String::as_str).collect();
        let list = PhraseList::ascii(&refs);
        assert!(list.chunks.len() > 1);
        let merged: Vec<_> = list.find_iter(TEXT).map(|m| (m.start(), m.end())).collect();
        assert_eq!(merged, single(&refs));
    }

    #[test]
    fn chunks_whose_words_are_absent_are_not_searched() {
        let list = chunked_one_each(&[r"\b(?:i|we) (?:can'?t|won'?t) help\b", r"\bnot on the table\b", r"\b[a-z]+ [a-z]+\b"]);
        // The third has no fixed text and is always searched.
        assert_eq!(list.candidates("the weather is fine today"), [false, false, true]);
        assert_eq!(list.candidates("sorry, we won't help; it's not on the table"), [true, true, true]);
        assert_eq!(list.find_iter("sorry, we won't help").count(), 1);
    }

    #[test]
    fn the_filter_is_built_only_after_many_searches() {
        let list = PhraseList::ascii(&[r"\bnot on the table\b", r"\bi can'?t help\b"]);
        for _ in 0..SEARCHES_BEFORE_FILTER {
            assert_eq!(list.candidates("the weather is fine"), [true]);
        }
        assert_eq!(list.candidates("the weather is fine"), [false]);
        assert!(list.filter.get().is_some());
        assert_eq!(list.find_iter("sorry, i can't help").count(), 1);
    }

    #[test]
    fn empty_matches_do_not_loop() {
        let list = chunked_one_each(&[r"x*", r"\bi\b"]);
        let found: Vec<_> = list.find_iter("ab i").map(|m| m.range()).collect();
        assert_eq!(found, ascii_alternation(&[r"x*", r"\bi\b"]).find_iter("ab i").map(|m| m.range()).collect::<Vec<_>>());
    }
}
