//! The layout of a reply: which parts are framed (quoted speech, code, the body of a letter
//! the user asked for) so that a decline inside them is the artefact, not the assistant
//! refusing; and the clauses a sentence breaks into.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::cues::ascii_pattern;
use crate::text::Folded;

/// A quotation longer than this is more likely an unbalanced quote mark than quoted speech.
const MAX_QUOTE: usize = 800;

/// The framed parts of a reply: quotations and letter bodies as byte ranges of the folded
/// text, code as byte ranges of the source (folding turns backticks into apostrophes when the
/// reply has any non-ASCII character, so code is found before folding). Each list is sorted
/// and free of overlaps, so a lookup is a binary search.
#[derive(Debug, Default)]
pub(super) struct Shape {
    double: Vec<Range<usize>>,
    single: Vec<Range<usize>>,
    letter: Option<Range<usize>>,
    code: Vec<Range<usize>>,
    dialogue: Vec<Range<usize>>,
    /// Markdown blockquote lines (`> …`): quoted text, or a character's lines in a story.
    blockquotes: Vec<Range<usize>>,
    /// Lines of a story's dialogue opened by a dash ("— Îmi pare rău, dar nu pot…"), as
    /// byte ranges of the source: folded, the dash is a hyphen like a list's.
    dashed_speech: Vec<Range<usize>>,
}

impl Shape {
    /// `letters`: whether a letter body counts as framed (not when the prompt asked for no
    /// text at all: then "Hi Sam,\n\nI can't help with that…" is the assistant's own reply).
    pub fn new(folded: &Folded<'_>, source: &str, letters: bool) -> Self {
        let text = folded.as_str();
        let code = code_spans(source);
        let in_code = |at: usize| contains(&code, folded.source_range(at..at + 1).start);
        Self {
            double: quotes(text, &in_code),
            single: single_quotes(text, &in_code),
            letter: letters.then(|| letter_body(text)).flatten(),
            code,
            dialogue: dialogue_lines(text),
            blockquotes: blockquote_lines(text),
            dashed_speech: dashed_speech_lines(source),
        }
    }

    /// Whether a phrase starting at `range.start` of the folded text sits in a quotation, code
    /// or a letter body.
    pub fn is_framed(&self, folded: &Folded<'_>, range: &Range<usize>) -> bool {
        let at = range.start;
        contains(&self.double, at)
            || contains(&self.single, at)
            || self.letter.as_ref().is_some_and(|letter| letter.contains(&at))
            || contains(&self.dialogue, at)
            || contains(&self.blockquotes, at)
            || contains(&self.code, folded.source_range(range.clone()).start)
            || contains(&self.dashed_speech, folded.source_range(range.clone()).start)
    }
}

/// Whether one of `sorted` (non-overlapping ranges in order) holds `at`.
fn contains(sorted: &[Range<usize>], at: usize) -> bool {
    let after = sorted.partition_point(|r| r.start <= at);
    after > 0 && at < sorted[after - 1].end
}

/// Fenced blocks (an unclosed fence runs to the end) and inline `code` spans on one line, in
/// order: one pass over prose and fences in turn.
fn code_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let prose_end = text.get(at..).and_then(|t| t.find("```")).map_or(text.len(), |i| at + i);
        inline_code(text, at..prose_end, &mut spans);
        if prose_end >= text.len() {
            break;
        }
        let close = text.get(prose_end + 3..).and_then(|t| t.find("```")).map_or(text.len(), |i| prose_end + 3 + i + 3);
        spans.push(prose_end..close);
        at = close;
    }
    spans
}

fn inline_code(text: &str, prose: Range<usize>, spans: &mut Vec<Range<usize>>) {
    let mut open: Option<usize> = None;
    for (at, b) in text.bytes().enumerate().take(prose.end).skip(prose.start) {
        match (b, open) {
            (b'\n', _) => open = None,
            (b'`', None) => open = Some(at),
            (b'`', Some(start)) => {
                spans.push(start..at + 1);
                open = None;
            }
            _ => {}
        }
    }
}

/// Double-quoted stretches outside code (curly quotes and guillemets are `"` once folded).
fn quotes(text: &str, in_code: &impl Fn(usize) -> bool) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut open: Option<usize> = None;
    for (at, b) in text.bytes().enumerate() {
        if b != b'"' || in_code(at) {
            continue;
        }
        match open {
            None => open = Some(at),
            Some(start) => {
                if at - start <= MAX_QUOTE {
                    found.push(start..at + 1);
                }
                open = None;
            }
        }
    }
    found
}

/// Single-quoted stretches on one line ('I can't do that'): an opening `'` after a space or
/// bracket and before a letter, closed by a `'` before a space, punctuation or the end, so
/// apostrophes inside words ("can't", "players' rules" with no opener) are not quotes.
fn single_quotes(text: &str, in_code: &impl Fn(usize) -> bool) -> Vec<Range<usize>> {
    const MAX_SINGLE: usize = 300;
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut open: Option<usize> = None;
    for (at, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            open = None;
            continue;
        }
        if b != b'\'' || in_code(at) {
            continue;
        }
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + 1).copied();
        match open {
            Some(start)
                if before.is_some_and(|c| !c.is_ascii_whitespace())
                    && after.is_none_or(|c| c.is_ascii_whitespace() || b".,;:!?)]".contains(&c)) =>
            {
                if at - start <= MAX_SINGLE {
                    found.push(start..at + 1);
                }
                open = None;
            }
            None if before.is_none_or(|c| c.is_ascii_whitespace() || b"([:".contains(&c))
                && after.is_some_and(|c| c.is_ascii_alphabetic()) =>
            {
                open = Some(at);
            }
            _ => {}
        }
    }
    found
}

/// The body of a letter or message: from a salutation or subject line on its own, followed by
/// at least two more lines, to a rule line closing it ("---") or the end. A decline in it
/// ("Leider kann ich am Freitag nicht teilnehmen") is the user's requested text; one after
/// the rule ("On the reference letter, though, I'll have to sit that one out") is the
/// assistant's own.
fn letter_body(text: &str) -> Option<Range<usize>> {
    let found = SALUTATION_RE.find(text)?;
    let after = text.get(found.end()..)?;
    let lines_after = after.lines().filter(|l| !l.trim().is_empty()).count();
    let ruled = RULE_LINE_RE.find(after).map_or(text.len(), |rule| found.end() + rule.start());
    let end = signed_off(after).map_or(ruled, |signed| ruled.min(found.end() + signed));
    (lines_after >= 2).then_some(found.start()..end)
}

/// Where a letter ends after its closing ("Sincerely,") and the name line under it: what
/// follows ("I've left the degree out, though") is the assistant speaking again.
fn signed_off(body: &str) -> Option<usize> {
    let closing = SIGN_OFF_RE.find(body)?;
    let rest = body.get(closing.end()..)?;
    let mut at = closing.end();
    for line in rest.split_inclusive('\n') {
        at += line.len();
        if !line.trim().is_empty() {
            return Some(at);
        }
    }
    Some(body.len())
}

/// A letter's closing on a line of its own, in the languages of the decline lists.
static SIGN_OFF_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?m)^[ \t]*(?:sincerely|yours sincerely|best regards|kind regards|warm regards|regards|best|warmly|cheers|many thanks|thank you|yours (?:truly|faithfully)|respectfully|atentamente|cordialement|bien cordialement|mit freundlichen grussen|viele grusse|saludos|un saludo|cordiali saluti|met vriendelijke groet|pozdrawiam|atenciosamente|com os melhores cumprimentos)[ \t]*[,.!]?[ \t]*\n",
    )
});

/// A line of three or more dashes, stars, underscores or equals signs: a Markdown rule.
static RULE_LINE_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"(?m)^[ \t]*(?:-{3,}|\*{3,}|_{3,}|={3,})[ \t]*$"));

/// The lines of a script or chat log ("HOST: Ještě jedno!", "**AI:** I'm going to have to
/// decline that one"): a line opening with a speaker's name and a colon, where at least two
/// speakers take turns and one of them speaks twice. What a character says there is the
/// scene, not the assistant declining. (Labelled sections such as "**Short answer:** No" name
/// each label once, so they are not a dialogue.)
fn dialogue_lines(text: &str) -> Vec<Range<usize>> {
    const MIN_LINES: usize = 3;
    let mut lines: Vec<(Range<usize>, &str)> = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if let Some(name) = SPEAKER_RE.captures(line).and_then(|c| c.get(1)) {
            lines.push((start..start + line.len(), name.as_str().trim()));
        }
        start += line.len();
    }
    let mut names: Vec<&str> = lines.iter().map(|(_, name)| *name).collect();
    names.sort_unstable();
    let repeated = names.windows(2).any(|pair| pair[0] == pair[1]);
    names.dedup();
    if lines.len() < MIN_LINES || names.len() < 2 || !repeated {
        return Vec::new();
    }
    lines.into_iter().map(|(range, _)| range).collect()
}

/// The lines that open with an em or en dash, where at least two do: the dialogue of a
/// story in the style of many languages' prose (Spanish, Romanian, Russian, French…).
fn dashed_speech_lines(source: &str) -> Vec<Range<usize>> {
    const MIN_LINES: usize = 2;
    let mut lines = Vec::new();
    let mut start = 0;
    for line in source.split_inclusive('\n') {
        if line.trim_start().starts_with(['\u{2014}', '\u{2013}']) {
            lines.push(start..start + line.len());
        }
        start += line.len();
    }
    if lines.len() < MIN_LINES { Vec::new() } else { lines }
}

/// The lines that open with `>` (after any indentation): a Markdown blockquote.
fn blockquote_lines(text: &str) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start_matches([' ', '\t']).starts_with('>') {
            lines.push(start..start + line.len());
        }
        start += line.len();
    }
    lines
}

/// A speaker's label opening a line: a name of at most three words, perhaps in bold or with a
/// stage direction in brackets, then a colon and what they say.
static SPEAKER_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(r"^[ \t]*\**[ \t]*([a-z][a-z0-9_.'-]*(?: [a-z0-9_.'-]+){0,2})[ \t]*(?:\([^)\n]{0,60}\))?[ \t]*\**:\**[ \t]+\S")
});

/// Whether the reply opens like a message to someone: "Hi Anna, …", "Dear team, …", "Hey
/// [Boss], …", "Dzień dobry, …", or with a "Subject:" line.
pub(super) fn opens_as_a_message(text: &str) -> bool {
    INLINE_SALUTATION_RE.is_match(text)
}

static INLINE_SALUTATION_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        // A name, or a template's placeholder for one ("Hey [Boss],", "Hi {name},").
        r"\A[\s*\x22']*(?:dear|hi|hello|hey|hallo|liebe|lieber|bonjour|cher|chere|hola|querid[oa]|ola|oi|caro|cara|ciao|hej)[ \t]+(?:[a-z][a-z'-]*(?: [a-z][a-z'-]*)?|\[[^\]\n]{1,30}\]|\{[^}\n]{1,30}\}|<[^>\n]{1,30}>)[ \t]*,|\A[\s*\x22']*(?:good (?:morning|afternoon|evening)|dzien dobry|witam|guten (?:tag|morgen|abend)|buenos dias|buenas (?:tardes|noches)|bom dia|boa (?:tarde|noite)|bonjour|bonsoir|buongiorno|buonasera|goedemorgen|goedemiddag|dobry den)[ \t]*[,!]|\A[\s*]*(?:subject|betreff|objet|asunto|assunto|oggetto|onderwerp)[ \t]*:",
    )
});

static SALUTATION_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?m)^[ \t]*(?:(?:dear|hi|hello|hey|hallo|liebe|lieber|sehr geehrte[rs]?|bonjour|bonsoir|cher|chere|madame|monsieur|hola|estimad[oa]s?|querid[oa]s?|ola|oi|prezad[oa]s?|caro|cara|gentile|buongiorno|ciao|beste|geachte|hej)\b[^\n]{0,48}[,:][ \t]*$|(?:subject|betreff|objet|asunto|assunto|oggetto|onderwerp)[ \t]*:[^\n]*$)",
    )
});

/// The clause holding `range` within `sentence`: bounded by `,`, `;`, `:` or a dash.
pub(super) fn clause_around(text: &str, range: &Range<usize>, sentence: &Range<usize>) -> Range<usize> {
    let bytes = text.as_bytes();
    let is_bound = |b: u8| matches!(b, b',' | b';' | b':');
    let mut start = range.start.min(bytes.len());
    while start > sentence.start && !is_bound(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = range.end.min(bytes.len());
    while end < sentence.end.min(bytes.len()) && !is_bound(bytes[end]) {
        end += 1;
    }
    start..end
}

/// The clauses of `text[from..]`: split after `.`, `!`, `?` followed by a space, at line
/// breaks, at `;`, and at `:` followed by a space. Bounds are ASCII, so char boundaries.
pub(super) fn clauses(text: &str, from: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let first = from.min(bytes.len());
    let mut start = first;
    for at in first..bytes.len() {
        let next_is_space = bytes.get(at + 1).is_none_or(u8::is_ascii_whitespace);
        let ends = match bytes[at] {
            b'\n' | b';' => true,
            b'.' | b'!' | b'?' | b':' => next_is_space,
            _ => false,
        };
        if ends {
            if text.get(start..at + 1).is_some_and(|c| c.trim().len() > 1) {
                out.push(start..at + 1);
            }
            start = at + 1;
        }
    }
    if text.get(start..).is_some_and(|c| c.trim().len() > 1) {
        out.push(start..bytes.len());
    }
    out
}
