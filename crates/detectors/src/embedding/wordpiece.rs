//! Uncased BERT tokenization: text to vocabulary ids, the way the model saw text in training
//! (Hugging Face's `BertNormalizer`, `BertPreTokenizer` and `WordPiece`, uncased).
//!
//! First the basic tokenizer: drop control characters, turn every kind of whitespace into a
//! space, set CJK ideographs apart as words of their own, strip accents (NFD, then drop
//! nonspacing marks), lowercase, split on whitespace and make every punctuation character a
//! word. Then WordPiece: each word becomes the longest vocabulary entry that starts it, then
//! the longest `##`-prefixed entry that continues it, and so on; a word that cannot be covered
//! this way, or is longer than [`MAX_WORD_CHARS`], becomes `[UNK]`.
//!
//! Two known departures from the reference: a literal `[CLS]`, `[SEP]` etc. in the text is
//! tokenized as text, not as the special token (a reply cannot forge the sequence's framing);
//! and character categories come from a newer Unicode than the reference's tables, so
//! characters assigned or recategorized since (a few hundred rare ones) may split differently.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// Words longer than this (in characters) are `[UNK]` without trying to split them: BERT's own
/// limit, which also bounds the quadratic longest-match search.
const MAX_WORD_CHARS: usize = 100;

const UNKNOWN: &str = "[UNK]";
const CONTINUATION: &str = "##";

/// A WordPiece vocabulary: each entry's id is its line number in `vocab.txt`.
pub(super) struct WordPiece {
    ids: HashMap<String, u32>,
    unknown_id: u32,
}

impl WordPiece {
    /// Reads `vocab.txt`: one entry a line. Fails without an `[UNK]` entry.
    pub(super) fn from_vocab_text(text: &str) -> Result<WordPiece, String> {
        let mut ids = HashMap::new();
        for (line_number, entry) in text.lines().enumerate() {
            let id = u32::try_from(line_number).map_err(|_| "more entries than ids fit in 32 bits".to_string())?;
            // As Hugging Face reads it: a repeated entry takes the later id.
            ids.insert(entry.trim_end().to_string(), id);
        }
        let unknown_id = *ids.get(UNKNOWN).ok_or_else(|| format!("no {UNKNOWN} token"))?;
        Ok(WordPiece { ids, unknown_id })
    }

    /// The number of ids: one more than the highest.
    pub(super) fn len(&self) -> usize {
        self.ids.values().max().map_or(0, |&highest| highest as usize + 1)
    }

    pub(super) fn id(&self, entry: &str) -> Option<u32> {
        self.ids.get(entry).copied()
    }

    /// Appends the ids of `text`'s word pieces to `ids`, at most `limit` of them. Stops reading
    /// the text once the limit is reached, so a huge text costs no more than its start.
    pub(super) fn push_token_ids(&self, text: &str, limit: usize, ids: &mut Vec<u32>) {
        let limit = ids.len().saturating_add(limit);
        let mut normalized = String::new();
        // A space after cleaning separates words whatever the rest of normalization does, so
        // each space-free stretch of the raw text can be normalized and split on its own.
        for stretch in text.split(|c| clean(c) == Some(' ')).filter(|stretch| !stretch.is_empty()) {
            normalize_into(stretch, &mut normalized);
            for word in normalized.split(char::is_whitespace).flat_map(split_punctuation) {
                if ids.len() >= limit {
                    ids.truncate(limit);
                    return;
                }
                self.push_word_pieces(word, ids);
            }
        }
        ids.truncate(limit);
    }

    /// Greedy longest-match-first: the whole word becomes `[UNK]` if any part of it matches
    /// no entry.
    fn push_word_pieces(&self, word: &str, ids: &mut Vec<u32>) {
        if word.chars().count() > MAX_WORD_CHARS {
            ids.push(self.unknown_id);
            return;
        }
        let word_start = ids.len();
        let mut candidate = String::with_capacity(word.len() + CONTINUATION.len());
        let mut start = 0;
        while start < word.len() {
            let mut end = word.len();
            let piece = loop {
                candidate.clear();
                if start > 0 {
                    candidate.push_str(CONTINUATION);
                }
                candidate.push_str(&word[start..end]);
                if let Some(&id) = self.ids.get(candidate.as_str()) {
                    break Some(id);
                }
                // Shorten by one character, keeping `end` on a character boundary.
                match word[start..end].char_indices().next_back() {
                    Some((last, _)) if last > 0 => end = start + last,
                    _ => break None,
                }
            };
            let Some(id) = piece else {
                ids.truncate(word_start);
                ids.push(self.unknown_id);
                return;
            };
            ids.push(id);
            start = end;
        }
    }
}

/// What cleaning makes of a character: dropped (NUL, the replacement character, controls
/// other than tab and line breaks, format and private-use characters), a space (any
/// whitespace), or itself.
fn clean(c: char) -> Option<char> {
    match c {
        '\t' | '\n' | '\r' => Some(' '),
        '\0' | '\u{fffd}' => None,
        _ if matches!(c.general_category(), GeneralCategory::Control | GeneralCategory::Format | GeneralCategory::PrivateUse) => None,
        _ if c.is_whitespace() => Some(' '),
        _ => Some(c),
    }
}

/// Cleans, sets CJK ideographs apart with spaces, strips accents and lowercases `text` into
/// `out`, in that order (the order of Hugging Face's `BertNormalizer`).
fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    let spaced = text.chars().filter_map(clean).flat_map(|c| {
        let ideograph = is_cjk_ideograph(c);
        [ideograph.then_some(' '), Some(c), ideograph.then_some(' ')].into_iter().flatten()
    });
    for c in spaced.nfd().filter(|&c| c.general_category() != GeneralCategory::NonspacingMark) {
        out.extend(c.to_lowercase());
    }
}

/// CJK Unified Ideographs and their extensions and compatibility blocks: Chinese characters
/// (and kanji, hanja), written without spaces between words, so each is a word of its own.
/// Hangul, kana and other scripts are not in these blocks. The ranges are the reference
/// tokenizer's (Hugging Face `tokenizers`).
fn is_cjk_ideograph(c: char) -> bool {
    matches!(
        u32::from(c),
        0x4E00..=0x9FFF
            | 0x3400..=0x4DBF
            | 0x20000..=0x2A6DF
            | 0x2A700..=0x2B73F
            | 0x2B740..=0x2B81F
            | 0x2B920..=0x2CEAF
            | 0xF900..=0xFAFF
            | 0x2F800..=0x2FA1F
    )
}

/// BERT counts every ASCII symbol as punctuation (`$`, `+`, `^`, `` ` `` are Unicode symbols,
/// not punctuation), and every Unicode punctuation character.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.general_category_group() == GeneralCategoryGroup::Punctuation
}

/// Splits a whitespace-free word into runs of non-punctuation and single punctuation
/// characters: `can't!` → `can`, `'`, `t`, `!`.
fn split_punctuation(word: &str) -> impl Iterator<Item = &str> {
    let mut rest = word;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let end = if is_punctuation(first) {
            first.len_utf8()
        } else {
            rest.char_indices().find(|&(_, c)| is_punctuation(c)).map_or(rest.len(), |(index, _)| index)
        };
        let (piece, remainder) = rest.split_at(end);
        rest = remainder;
        Some(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy vocabulary: ids are positions in this list.
    const VOCAB: &str =
        "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nworld\ncafe\nun\n##aff\n##able\n,\n!\n'\ns\n##s\nwalk\n##ing\n中\n文\ncan\nt\n##walk\n";

    fn vocabulary() -> WordPiece {
        WordPiece::from_vocab_text(VOCAB).expect("the toy vocabulary has [UNK]")
    }

    fn tokens(text: &str) -> Vec<String> {
        let vocabulary = vocabulary();
        let names: HashMap<u32, &str> = vocabulary.ids.iter().map(|(entry, &id)| (id, entry.as_str())).collect();
        let mut ids = Vec::new();
        vocabulary.push_token_ids(text, usize::MAX, &mut ids);
        ids.iter().map(|id| names[id].to_string()).collect()
    }

    #[test]
    fn entries_take_their_line_number_as_id() {
        let vocabulary = vocabulary();
        assert_eq!(vocabulary.id("[UNK]"), Some(1));
        assert_eq!(vocabulary.id("hello"), Some(4));
        assert_eq!(vocabulary.len(), 22);
    }

    #[test]
    fn a_vocabulary_without_unk_is_refused() {
        assert!(WordPiece::from_vocab_text("[CLS]\nhello\n").is_err());
    }

    #[test]
    fn text_is_lowercased() {
        assert_eq!(tokens("HeLLo WORLD"), ["hello", "world"]);
    }

    #[test]
    fn accents_are_stripped() {
        assert_eq!(tokens("Café CAFÉ cafe\u{301}"), ["cafe", "cafe", "cafe"]);
    }

    #[test]
    fn punctuation_is_split_off_into_words_of_its_own() {
        assert_eq!(tokens("hello,world!"), ["hello", ",", "world", "!"]);
        assert_eq!(tokens("can't"), ["can", "'", "t"]);
    }

    #[test]
    fn words_split_into_a_start_and_continuation_pieces() {
        assert_eq!(tokens("unaffable walking walks"), ["un", "##aff", "##able", "walk", "##ing", "walk", "##s"]);
    }

    #[test]
    fn a_word_that_cannot_be_covered_is_unknown_as_a_whole() {
        assert_eq!(tokens("hello unaffablex world"), ["hello", "[UNK]", "world"]);
        assert_eq!(tokens("zebra"), ["[UNK]"]);
    }

    #[test]
    fn a_word_over_the_length_limit_is_unknown_without_splitting() {
        let long = "walk".repeat(25);
        assert_eq!(tokens(&long).len(), 25);
        assert_eq!(tokens(&format!("{long}s")), ["[UNK]"]);
    }

    #[test]
    fn whitespace_of_every_kind_separates_and_control_characters_vanish() {
        assert_eq!(tokens("hello\tworld\nhello\u{a0}world\u{3000}hello"), ["hello", "world", "hello", "world", "hello"]);
        assert_eq!(tokens("hel\u{0}lo wor\u{200b}ld\u{7}"), ["hello", "world"]);
        // U+0085 is a control character before it is whitespace: dropped, not a separator.
        assert_eq!(tokens("hel\u{85}lo"), ["hello"]);
    }

    #[test]
    fn cjk_ideographs_are_words_of_their_own() {
        assert_eq!(tokens("hello中文world"), ["hello", "中", "文", "world"]);
    }

    #[test]
    fn emoji_and_unknown_scripts_become_unk() {
        assert_eq!(tokens("hello 🙂 world"), ["hello", "[UNK]", "world"]);
    }

    #[test]
    fn the_limit_cuts_the_pieces_even_within_a_word() {
        let vocabulary = vocabulary();
        let mut ids = vec![2];
        vocabulary.push_token_ids("unaffable world", 2, &mut ids);
        assert_eq!(ids, [2, 7, 8]);
    }

    #[test]
    fn empty_and_blank_texts_have_no_pieces() {
        assert!(tokens("").is_empty());
        assert!(tokens(" \t\n\u{200b} ").is_empty());
    }
}
