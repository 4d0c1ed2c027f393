//! Text machinery the detectors share: case folding that remembers where every folded byte
//! came from, spans turned into character-offset findings, word and sentence bounds, entropy.
//!
//! Detectors search a folded copy of the reply (lowercase, plain quotes, collapsed spaces, or
//! plain ASCII) but report offsets into the original, in characters, so every finding points
//! at the text the user sent whatever the folding changed in length (`İ` lowercases to two
//! chars, `ß` transliterates to `ss`).
//!
//! Why ASCII: the regex crate runs its fast lazy DFA on patterns with Unicode word
//! boundaries only over ASCII text; one `é` in a reply sends a big pattern list to the slow
//! engine (measured: 4× slower). Pattern detectors therefore match on a transliterated copy
//! (`é`→`e`, `ß`→`ss`, zero-width characters dropped, other letters → `x`), with their
//! accented patterns passed through the same transliteration when compiled.

use std::borrow::Cow;
use std::ops::Range;

use assay_core::Finding;

/// A detection never carries more findings than this: the verdict is computed on all of them,
/// but a reply of ten thousand regex matches must not become a ten-thousand-entry result.
pub(crate) const MAX_FINDINGS: usize = 100;

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FoldOptions {
    pub lowercase: bool,
    /// Runs of whitespace become one space.
    pub collapse_whitespace: bool,
    /// Curly quotes and apostrophes become `'` and `"`.
    pub plain_quotes: bool,
    /// Transliterate to ASCII (see [`ascii_fold`]); implies plain quotes.
    pub ascii: bool,
    /// Drop Markdown emphasis markers (`**won't**`, `_never_`), so phrase patterns read the
    /// words they wrap; a list bullet (`* item`) and a `_` inside a word (`snake_case`) stay.
    /// Also join what layout split inside a sentence: runs of spaces or tabs become one space,
    /// and a line break before a lowercase letter (a hard-wrapped line) a space; paragraphs,
    /// lists and indentation at a line's start stay.
    pub drop_emphasis: bool,
}

impl FoldOptions {
    pub const LOWER_PLAIN: Self =
        Self { lowercase: true, collapse_whitespace: false, plain_quotes: true, ascii: false, drop_emphasis: false };
    pub const LOWER_COLLAPSED: Self =
        Self { lowercase: true, collapse_whitespace: true, plain_quotes: true, ascii: false, drop_emphasis: false };
    /// For pattern matching on lowercase text.
    pub const LOWER_ASCII: Self =
        Self { lowercase: true, collapse_whitespace: false, plain_quotes: true, ascii: true, drop_emphasis: false };
    /// For pattern matching where case matters (names, IBANs).
    pub const ASCII: Self = Self { lowercase: false, collapse_whitespace: false, plain_quotes: true, ascii: true, drop_emphasis: false };
    /// [`Self::LOWER_ASCII`] for reading prose whatever its Markdown emphasis.
    pub const LOWER_ASCII_PROSE: Self = Self { drop_emphasis: true, ..Self::LOWER_ASCII };
    /// [`Self::LOWER_PLAIN`] for reading prose whatever its Markdown emphasis.
    pub const LOWER_PLAIN_PROSE: Self = Self { drop_emphasis: true, ..Self::LOWER_PLAIN };
}

/// A folded copy of a text and the way back to the original.
#[derive(Debug)]
pub(crate) struct Folded<'a> {
    source: &'a str,
    /// Borrowed when folding changes nothing (ASCII text, case kept): no copy of the reply.
    text: Cow<'a, str>,
    /// For each byte of `text`, the byte offset in `source` of the char it came from. Empty
    /// when folding kept every offset (ASCII text that only changed case): the common case.
    origin: Vec<usize>,
}

impl<'a> Folded<'a> {
    pub fn new(source: &'a str, options: FoldOptions) -> Self {
        let prose = options.drop_emphasis && needs_prose_fold(source);
        if source.is_ascii() && !(options.collapse_whitespace && needs_collapse(source)) && !prose {
            // The backtick is the one ASCII character `plain_quote` changes (to `'`), byte for
            // byte, so every offset still holds.
            let backticks = (options.plain_quotes || options.ascii) && source.contains('`');
            let text = match (options.lowercase, backticks) {
                (false, false) => Cow::Borrowed(source),
                (true, false) => Cow::Owned(source.to_ascii_lowercase()),
                (lowercase, true) => {
                    let text = source.replace('`', "'");
                    Cow::Owned(if lowercase { text.to_ascii_lowercase() } else { text })
                }
            };
            return Self { source, text, origin: Vec::new() };
        }
        let mut text = String::with_capacity(source.len());
        let mut origin = Vec::with_capacity(source.len());
        let mut in_space = false;
        // Whether only spaces and tabs came since the line began: indentation, which stays.
        let mut indentation = true;
        for (at, c) in source.char_indices() {
            if prose {
                let indented = indentation;
                indentation = c == '\n' || (indentation && matches!(c, ' ' | '\t'));
                if is_emphasis_marker(source, at, c, indented) {
                    continue;
                }
                if matches!(c, ' ' | '\t') && !indented && (text.ends_with(' ') || source[at + 1..].starts_with('\n')) {
                    continue;
                }
                if c == '\n' && is_wrapped_line_break(source, at) {
                    if !text.ends_with(' ') {
                        text.push(' ');
                        origin.push(at);
                    }
                    continue;
                }
            }
            if options.collapse_whitespace && c.is_whitespace() {
                if !in_space {
                    text.push(' ');
                    origin.push(at);
                }
                in_space = true;
                continue;
            }
            in_space = false;
            let c = if options.plain_quotes || options.ascii { plain_quote(c) } else { c };
            // ASCII folds to itself: one byte, lowercased without the Unicode tables.
            if c.is_ascii() {
                text.push(if options.lowercase { c.to_ascii_lowercase() } else { c });
                origin.push(at);
                continue;
            }
            match (options.lowercase, options.ascii) {
                (true, true) => c.to_lowercase().for_each(|c| ascii_fold(c, &mut text)),
                (true, false) => text.extend(c.to_lowercase()),
                (false, true) => ascii_fold(c, &mut text),
                (false, false) => text.push(c),
            }
            origin.resize(text.len(), at);
        }
        Self { source, text: Cow::Owned(text), origin }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text as given, before folding.
    pub fn source(&self) -> &'a str {
        self.source
    }

    /// Rewrites ASCII characters of the folded text in place (`f` gets the byte offset and
    /// the byte). Only ASCII-to-ASCII changes are applied, so every offset stays valid.
    pub fn map_ascii(&mut self, mut f: impl FnMut(usize, u8) -> u8) {
        let mapped: String = self
            .text
            .char_indices()
            .map(|(at, c)| match u8::try_from(c) {
                Ok(b) if b.is_ascii() => {
                    let mapped = f(at, b);
                    if mapped.is_ascii() { char::from(mapped) } else { c }
                }
                _ => c,
            })
            .collect();
        self.text = Cow::Owned(mapped);
    }

    /// The byte range in the source text that produced `range` of the folded text.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        if self.origin.is_empty() {
            return range;
        }
        let start = self.origin.get(range.start).copied().unwrap_or(self.source.len());
        if range.end <= range.start {
            return start..start;
        }
        let end = match self.origin.get(range.end - 1) {
            Some(&last) => last + self.source[last..].chars().next().map_or(0, char::len_utf8),
            None => self.source.len(),
        };
        start..end.max(start)
    }
}

/// Whether [`FoldOptions::drop_emphasis`] has anything to change in `source`: an emphasis
/// candidate, two spaces or a tab, or a line break before a lowercase letter.
fn needs_prose_fold(source: &str) -> bool {
    let bytes = source.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| match b {
        b'*' | b'_' | b'\t' => true,
        b' ' => bytes.get(i + 1) == Some(&b' '),
        b'\n' => bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase),
        _ => false,
    })
}

/// Whether the line break at byte `at` wraps a sentence: a single break (not a paragraph's)
/// after a letter, digit or comma, before a lowercase letter.
fn is_wrapped_line_break(source: &str, at: usize) -> bool {
    let before = source[..at].trim_end_matches([' ', '\t']);
    let after = &source[at + 1..];
    before.chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == ',') && after.chars().next().is_some_and(|c| c.is_lowercase())
}

/// Whether `c` at byte `at` of `source` marks Markdown emphasis: a `*` that is not a list
/// bullet (only indentation before it on its line, a space or tab after it), or a `_` not
/// between two letters or digits.
/// `indented`: only spaces and tabs precede it on its line.
fn is_emphasis_marker(source: &str, at: usize, c: char, indented: bool) -> bool {
    let before = source.get(..at).unwrap_or("");
    let after = source.get(at + c.len_utf8()..).unwrap_or("");
    match c {
        '*' => !(indented && after.starts_with([' ', '\t'])),
        '_' => {
            let inside_word =
                before.chars().next_back().is_some_and(char::is_alphanumeric) && after.chars().next().is_some_and(char::is_alphanumeric);
            !inside_word
        }
        _ => false,
    }
}

/// Appends the ASCII stand-in of `c`: Latin letters without their accents (`é`→`e`,
/// `ß`→`ss`, `Ł`→`L`), typographic dashes and stops as their ASCII kin, combining marks and
/// zero-width characters dropped, any other letter or digit as `x` (a word character that no
/// pattern spells), anything else as a space.
pub(crate) fn ascii_fold(c: char, out: &mut String) {
    let c = plain_quote(c);
    if c.is_ascii() {
        out.push(c);
        return;
    }
    let plain = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'æ' => "ae",
        'Æ' => "AE",
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "c",
        'Ç' | 'Ć' | 'Č' | 'Ĉ' | 'Ċ' => "C",
        'ď' | 'đ' | 'ð' => "d",
        'Ď' | 'Đ' | 'Ð' => "D",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'ə' | 'ẹ' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' | 'Ə' | 'Ẹ' => "E",
        'ğ' | 'ģ' => "g",
        'Ğ' | 'Ģ' => "G",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'Į' | 'İ' => "I",
        'ł' | 'ľ' | 'ĺ' => "l",
        'Ł' | 'Ľ' | 'Ĺ' => "L",
        'ñ' | 'ń' | 'ň' | 'ņ' => "n",
        'Ñ' | 'Ń' | 'Ň' | 'Ņ' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'ọ' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' | 'Ọ' => "O",
        'œ' => "oe",
        'Œ' => "OE",
        'ŕ' | 'ř' => "r",
        'Ŕ' | 'Ř' => "R",
        'ś' | 'š' | 'ş' | 'ș' | 'ṣ' => "s",
        'Ś' | 'Š' | 'Ş' | 'Ș' | 'Ṣ' => "S",
        'ß' => "ss",
        'ẞ' => "SS",
        'ť' | 'ţ' | 'ț' => "t",
        'Ť' | 'Ţ' | 'Ț' => "T",
        'þ' => "th",
        'Þ' => "TH",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' | 'Ų' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        '\u{2010}'..='\u{2015}' | '\u{2212}' => "-",
        '\u{2026}' | '\u{3002}' => ".",
        '\u{FF01}' => "!",
        '\u{FF1F}' => "?",
        '\u{0300}'..='\u{036F}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => "",
        c if c.is_alphanumeric() => "x",
        _ => " ",
    };
    out.push_str(plain);
}

/// Whether `text` holds letters of a script the ASCII fold cannot spell (it turns them into
/// `x`): Cyrillic, Greek, Hebrew, Arabic, Devanagari, CJK, Thai and the like.
pub(crate) fn has_non_latin_letters(text: &str) -> bool {
    text.chars().any(|c| c.is_alphabetic() && c > '\u{024F}' && !('\u{1E00}'..='\u{1EFF}').contains(&c))
}

/// A string transliterated by [`ascii_fold`]: how built-in patterns and word lists written
/// with accents are made to match folded text.
pub(crate) fn ascii_folded(text: &str) -> String {
    // ASCII text folds to itself but for the backtick, a quote mark to `plain_quote`: one
    // pass instead of a call per character.
    if text.is_ascii() {
        return text.replace('`', "'");
    }
    let mut out = String::with_capacity(text.len());
    text.chars().for_each(|c| ascii_fold(c, &mut out));
    out
}

fn needs_collapse(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| b.is_ascii_whitespace() && (b != b' ' || bytes.get(i + 1).is_some_and(u8::is_ascii_whitespace)))
}

fn plain_quote(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' => '"',
        other => other,
    }
}

/// A finding before its offsets are turned into characters: a byte range of the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    pub kind: &'static str,
    pub range: Range<usize>,
}

impl Span {
    pub fn new(kind: &'static str, range: Range<usize>) -> Self {
        Self { kind, range }
    }
}

/// Turns byte spans of `source` into findings with character offsets, in order of start,
/// at most [`MAX_FINDINGS`]. One forward pass counts characters, so this stays linear.
pub(crate) fn to_findings(source: &str, mut spans: Vec<Span>) -> Vec<Finding> {
    spans.sort_by_key(|span| (span.range.start, span.range.end));
    spans.truncate(MAX_FINDINGS);
    let mut counter = CharCounter::new(source);
    spans
        .into_iter()
        .filter_map(|span| {
            let value = source.get(span.range.clone())?;
            let start = counter.char_offset(span.range.start);
            Some(Finding {
                kind: span.kind.to_owned(),
                value: value.to_owned(),
                start: Some(start),
                end: Some(start + value.chars().count()),
            })
        })
        .collect()
}

/// Byte offsets to character offsets, counting forward from the last answer.
struct CharCounter<'a> {
    text: &'a str,
    ascii: bool,
    byte: usize,
    chars: usize,
}

impl<'a> CharCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, ascii: text.is_ascii(), byte: 0, chars: 0 }
    }

    fn char_offset(&mut self, byte: usize) -> usize {
        if self.ascii {
            return byte;
        }
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text.get(self.byte..byte).map_or(0, |s| s.chars().count());
        self.byte = byte;
        self.chars
    }
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `range` of `text` stands as whole words: no word character glued to either end.
/// An end that is itself not a word character (a trigger ending in `!`) needs no boundary.
pub(crate) fn is_whole_word(text: &str, range: Range<usize>) -> bool {
    let Some(inner) = text.get(range.clone()) else { return false };
    let before = text.get(..range.start).and_then(|s| s.chars().next_back());
    let after = text.get(range.end..).and_then(|s| s.chars().next());
    let first = inner.chars().next();
    let last = inner.chars().next_back();
    let start_ok = !(first.is_some_and(is_word_char) && before.is_some_and(is_word_char));
    let end_ok = !(last.is_some_and(is_word_char) && after.is_some_and(is_word_char));
    start_ok && end_ok
}

/// Every non-overlapping occurrence of `needle` in `haystack`, optionally as whole words.
pub(crate) fn occurrences<'h>(haystack: &'h str, needle: &'h str, whole_words: bool) -> impl Iterator<Item = Range<usize>> + 'h {
    haystack
        .match_indices(needle)
        .map(|(at, found)| at..at + found.len())
        .filter(move |range| !whole_words || is_whole_word(haystack, range.clone()))
}

fn ends_sentence(bytes: &[u8], at: usize) -> bool {
    match bytes.get(at) {
        Some(b'\n') => true,
        Some(b'.' | b'!' | b'?') => bytes.get(at + 1).is_none_or(u8::is_ascii_whitespace),
        _ => false,
    }
}

/// Where the `n`th sentence of `text` ends (after its `.`, `!`, `?`, newline or CJK full
/// stop), or the end of the text: the bytes of a reply's opening.
pub(crate) fn sentence_end(text: &str, n: usize) -> usize {
    let mut end = 0;
    for _ in 0..n {
        match text.get(end..).and_then(|rest| rest.char_indices().find(|&(_, c)| ".!?\n。！？".contains(c))) {
            Some((at, c)) => end += at + c.len_utf8(),
            None => return text.len(),
        }
    }
    end
}

/// The sentence holding `range`: from after the previous terminator (`.`, `!`, `?` followed
/// by a space, or a newline) to the next one included. Terminators are ASCII, so the bounds
/// always fall on char boundaries; a `.` inside a URL is not followed by a space and does
/// not split it.
pub(crate) fn sentence_around(text: &str, range: Range<usize>) -> Range<usize> {
    let bytes = text.as_bytes();
    let mut start = range.start.min(bytes.len());
    while start > 0 && !ends_sentence(bytes, start - 1) {
        start -= 1;
    }
    // The space after the previous terminator belongs to neither sentence.
    while start < range.start.min(bytes.len()) && bytes[start].is_ascii_whitespace() {
        start += 1;
    }
    let mut end = range.end.min(bytes.len());
    while end < bytes.len() && !ends_sentence(bytes, end) {
        end += 1;
    }
    start..(end + 1).min(bytes.len())
}

/// The sentence before the one starting at `sentence_start`, if any.
pub(crate) fn previous_sentence(text: &str, sentence_start: usize) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let mut end = sentence_start.min(bytes.len());
    while end > 0 && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    // `end - 1` is the previous sentence's terminator: ASCII, so a char boundary.
    let anchor = end.checked_sub(1)?;
    Some(sentence_around(text, anchor..anchor))
}

/// The nearest char boundary at or before byte `at` (clamped to the text), so a window cut
/// at a fixed byte distance never splits a character.
pub(crate) fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The nearest char boundary at or after byte `at` (clamped to the text).
pub(crate) fn ceil_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Shannon entropy in bits per character.
pub(crate) fn shannon_entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut other = std::collections::HashMap::new();
    let mut total = 0u32;
    for c in s.chars() {
        total += 1;
        match u8::try_from(c) {
            Ok(b) => counts[usize::from(b)] += 1,
            Err(_) => *other.entry(c).or_insert(0u32) += 1,
        }
    }
    if total == 0 {
        return 0.0;
    }
    let total = f64::from(total);
    counts
        .iter()
        .chain(other.values())
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = f64::from(n) / total;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prose_fold_drops_emphasis_and_joins_layout_but_keeps_lists_and_paragraphs() {
        // (source, folded, a word of the folded text, what it maps back to)
        let cases = [
            (
                "I **won't** do _that_.\n* keep snake_case\n  * and this bullet",
                "i won't do that.\n* keep snake_case\n  * and this bullet",
                "won't",
                "won't",
            ),
            (
                "I can't  help\nwith that, and\nI won't.\n\nHere:\n- one\n  - two\nDone",
                "i can't help with that, and\ni won't.\n\nhere:\n- one\n  - two\ndone",
                "help with",
                "help\nwith",
            ),
        ];
        for (source, expected, word, original) in cases {
            let folded = Folded::new(source, FoldOptions::LOWER_ASCII_PROSE);
            assert_eq!(folded.as_str(), expected);
            let at = folded.as_str().find(word).expect("found");
            assert_eq!(&source[folded.source_range(at..at + word.len())], original);
        }
    }

    #[test]
    fn ascii_text_folds_as_it_would_a_character_at_a_time() {
        let each = |text: &str| {
            let mut out = String::new();
            text.chars().for_each(|c| ascii_fold(c, &mut out));
            out
        };
        for text in ["", "plain text, no change", "`quoted` with ``backticks``", "tabs\tand\nlines ~!@#$%^&*()", "Déjà vu `x`"] {
            assert_eq!(ascii_folded(text), each(text), "{text:?}");
        }
        assert_eq!(ascii_folded("it`s"), "it's");
    }

    #[test]
    fn a_backtick_folds_to_a_quote_whether_or_not_the_rest_of_the_text_is_ascii() {
        for options in [FoldOptions::LOWER_PLAIN, FoldOptions::LOWER_ASCII, FoldOptions::ASCII] {
            let ascii = Folded::new("I can`t DO that", options);
            let accented = Folded::new("I can`t DO that é", options);
            assert!(accented.as_str().starts_with(ascii.as_str()), "{:?} vs {:?}", ascii.as_str(), accented.as_str());
            assert!(ascii.as_str().contains("can't"), "{:?}", ascii.as_str());
            assert_eq!(ascii.source_range(2..7), 2..7);
        }
        let kept = FoldOptions { lowercase: false, collapse_whitespace: false, plain_quotes: false, ascii: false, drop_emphasis: false };
        assert_eq!(Folded::new("a`b", kept).as_str(), "a`b");
    }

    #[test]
    fn folding_ascii_keeps_offsets() {
        let folded = Folded::new("Hello World", FoldOptions::LOWER_PLAIN);
        assert_eq!(folded.as_str(), "hello world");
        assert_eq!(folded.source_range(6..11), 6..11);
    }

    #[test]
    fn folding_maps_back_through_multibyte_and_length_changing_chars() {
        let source = "Ça İs don’t";
        let folded = Folded::new(source, FoldOptions::LOWER_PLAIN);
        assert_eq!(folded.as_str(), "ça i\u{307}s don't");
        let at = folded.as_str().find("don't").expect("found");
        let range = folded.source_range(at..at + "don't".len());
        assert_eq!(&source[range], "don’t");
        let at = folded.as_str().find('i').expect("found");
        assert_eq!(&source[folded.source_range(at..at + 3)], "İ");
    }

    #[test]
    fn mapping_ascii_in_place_keeps_offsets() {
        let mut folded = Folded::new("Ünï 1d10t", FoldOptions::LOWER_PLAIN);
        folded.map_ascii(|_, b| match b {
            b'1' => b'i',
            b'0' => b'o',
            other => other,
        });
        assert_eq!(folded.as_str(), "ünï idiot");
        let at = folded.as_str().find("idiot").expect("found");
        assert_eq!(&folded.source()[folded.source_range(at..at + 5)], "1d10t");
    }

    #[test]
    fn ascii_folding_transliterates_and_maps_back() {
        let source = "Désolé, Straße\u{200b}n — 日本 e\u{301}!";
        let folded = Folded::new(source, FoldOptions::LOWER_ASCII);
        assert_eq!(folded.as_str(), "desole, strassen - xx e!");
        assert!(folded.as_str().is_ascii());
        let at = folded.as_str().find("strassen").expect("found");
        assert_eq!(&source[folded.source_range(at..at + 8)], "Straße\u{200b}n");
        let cased = Folded::new("Léa Ørsted", FoldOptions::ASCII);
        assert_eq!(cased.as_str(), "Lea Orsted");
        assert_eq!(ascii_folded("né le [a-zäöüß]"), "ne le [a-zaouss]");
    }

    #[test]
    fn collapsing_whitespace_maps_back_to_the_original_span() {
        let source = "say\n\n  hello   there now";
        let folded = Folded::new(source, FoldOptions::LOWER_COLLAPSED);
        assert_eq!(folded.as_str(), "say hello there now");
        let at = folded.as_str().find("hello there").expect("found");
        assert_eq!(&source[folded.source_range(at..at + 11)], "hello   there");
    }

    #[test]
    fn findings_carry_character_offsets_in_order() {
        let source = "héllo wörld hé";
        let spans = vec![Span::new("B", 14..source.len()), Span::new("A", 7..13)];
        let findings = to_findings(source, spans);
        assert_eq!(findings[0].kind, "A");
        assert_eq!(findings[0].value, "wörld");
        assert_eq!((findings[0].start, findings[0].end), (Some(6), Some(11)));
        assert_eq!(findings[1].value, "hé");
        assert_eq!((findings[1].start, findings[1].end), (Some(12), Some(14)));
    }

    #[test]
    fn spans_off_char_boundaries_are_dropped_not_panicked_on() {
        assert!(to_findings("é", vec![Span::new("X", 1..2)]).is_empty());
        assert!(!is_whole_word("é", 1..2));
    }

    #[test]
    fn whole_words_need_no_word_char_glued_to_either_end() {
        assert!(is_whole_word("say pwned now", 4..9));
        assert!(!is_whole_word("unpwned", 2..7));
        assert!(is_whole_word("x!y", 1..2));
        assert_eq!(occurrences("cat catalog cat", "cat", true).count(), 2);
    }

    #[test]
    fn a_sentence_is_bounded_by_terminators_but_not_by_dots_in_urls() {
        let text = "First one. Visit http://evil.example/x now! Last";
        let at = text.find("evil").expect("found");
        assert_eq!(&text[sentence_around(text, at..at + 4)], "Visit http://evil.example/x now!");
        assert_eq!(&text[sentence_around(text, 0..1)], "First one.");
        assert_eq!(&text[sentence_around(text, text.len() - 1..text.len())], "Last");
        let last = sentence_around(text, text.len() - 1..text.len());
        let previous = previous_sentence(text, last.start).expect("previous");
        assert_eq!(&text[previous.clone()], "Visit http://evil.example/x now!");
        assert_eq!(&text[previous_sentence(text, previous.start).expect("first")], "First one.");
        assert_eq!(previous_sentence(text, 0), None);
    }

    #[test]
    fn entropy_is_higher_for_random_looking_text() {
        assert!(shannon_entropy("aaaaaaaaaaaaaaaaaaaa") < 0.01);
        assert!(shannon_entropy("Zq8vL2mX9pR4tK7wB1nC") > 4.0);
        assert_eq!(shannon_entropy(""), 0.0);
    }
}
