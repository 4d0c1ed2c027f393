//! Person names: runs of capitalised words, judged by what the name lists say about each
//! word ([`super::names`]), by the shape of the words (surname endings, initials) and by the
//! context around the run — labels (`Name:`, `Attendees:`), honorifics, greetings,
//! signatures, roles ("passenger X", "my colleague X"), reporting verbs ("X said"), lists of
//! people and table columns. Works on the reply as written (not the ASCII fold), so names in
//! any cased script keep their capitals; byte ranges are in the reply.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::names::{LEXICON, WordClass, is_particle, key, push_key};
use crate::fast_hash::FastSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `Sarah`, `O'Brien`, `McDonald`, `Jean-Baptiste`, `Ji-woo`.
    Title,
    /// `SMITH`, `JOANNA` (two letters or more).
    Upper,
    Lower,
    /// A capital letter and a full stop: `J.`, `M.`.
    Initial,
    /// Camel case, caseless scripts, words glued to digits or underscores.
    Other,
}

#[derive(Debug)]
struct Word<'a> {
    range: Range<usize>,
    /// The lookup form (see [`key`]): in the reply when the word already is one, else in
    /// the keys buffer of the reply.
    key: &'a str,
    shape: Shape,
    class: WordClass,
    /// The word carried a possessive `'s` (left out of the range).
    possessive: bool,
}

impl Word<'_> {
    fn is_particle(&self) -> bool {
        self.class.particle && matches!(self.shape, Shape::Lower | Shape::Title)
    }
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

fn is_letter(c: char) -> bool {
    c.is_alphabetic() || is_mark(c)
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '\u{2019}' | '\u{2010}' | '\u{2011}')
}

/// Where a word's key is: in the reply itself, or in the buffer of keys.
enum KeyAt {
    Reply(Range<usize>),
    Buffer(Range<usize>),
}

/// Splits the text into words: letters with inner hyphens and apostrophes. The keys that
/// differ from the word are written into `keys`, one buffer for the whole reply.
fn words<'a>(text: &'a str, keys: &'a mut String) -> Vec<Word<'a>> {
    // About one word per six bytes of prose: one allocation for most replies.
    let mut found: Vec<(Range<usize>, KeyAt, Shape, WordClass, bool)> = Vec::with_capacity(text.len() / 6 + 4);
    // Bytes below 0x80 are read as they are; only other characters are decoded.
    let bytes = text.as_bytes();
    let char_at = |at: usize| -> Option<char> {
        match bytes.get(at) {
            Some(&b) if b < 0x80 => Some(char::from(b)),
            Some(_) => text.get(at..).and_then(|rest| rest.chars().next()),
            None => None,
        }
    };
    let mut at = 0;
    while let Some(c) = char_at(at) {
        let start = at;
        at += c.len_utf8();
        if !is_letter(c) {
            continue;
        }
        // Letters, and hyphens or apostrophes with a letter right after them.
        while let Some(next) = char_at(at) {
            let after = at + next.len_utf8();
            let inner_joiner = is_joiner(next) && char_at(after).is_some_and(is_letter);
            if !(is_letter(next) || inner_joiner) {
                break;
            }
            at = after;
        }
        let mut end = at;
        let mut possessive = false;
        for suffix in ["'s", "\u{2019}s"] {
            if end - start > suffix.len() + 1 && text[start..end].ends_with(suffix) {
                end -= suffix.len();
                possessive = true;
            }
        }
        let word = &text[start..end];
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '_' || c == '@' || c == '/');
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let mut shape = shape_of(word);
        if (!possessive && glued(after)) || glued(before) || (before == Some('.') && text[..start].ends_with(|c: char| c.is_alphanumeric()))
        {
            shape = Shape::Other;
        } else if shape == Shape::Upper && word.chars().count() == 1 {
            shape = if after == Some('.') { Shape::Initial } else { Shape::Other };
            if shape == Shape::Initial {
                end += 1;
            }
        }
        // Lowercase words only serve as context (and short ones as particles); the lists
        // matter for the others.
        let plain_lower = shape == Shape::Lower && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'\'');
        let key_at = if plain_lower {
            KeyAt::Reply(start..start + word.len())
        } else {
            let from = keys.len();
            push_key(word, keys);
            KeyAt::Buffer(from..keys.len())
        };
        let key = match &key_at {
            KeyAt::Reply(range) => &text[range.clone()],
            KeyAt::Buffer(range) => &keys[range.clone()],
        };
        let class = match shape {
            Shape::Lower if key.len() > 5 => WordClass::default(),
            Shape::Lower => WordClass { particle: is_particle(key), ..WordClass::default() },
            _ => LEXICON.classify(key),
        };
        found.push((start..end, key_at, shape, class, possessive));
    }
    let keys: &'a str = keys;
    found
        .into_iter()
        .map(|(range, key_at, shape, class, possessive)| {
            let key = match key_at {
                KeyAt::Reply(at) => &text[at],
                KeyAt::Buffer(at) => &keys[at],
            };
            Word { range, key, shape, class, possessive }
        })
        .collect()
}

fn shape_of(word: &str) -> Shape {
    let mut chars = word.chars();
    let Some(first) = chars.next() else { return Shape::Other };
    if first.is_lowercase() {
        return Shape::Lower;
    }
    if !first.is_uppercase() {
        return Shape::Other;
    }
    let has_lower = word.chars().any(char::is_lowercase);
    if !has_lower {
        return Shape::Upper;
    }
    // Inner capitals only after a joiner or a name prefix (McDonald, MacArthur, DeShawn,
    // DiCaprio, LaToya, O'Brien); otherwise camel case (GitHub, iPhone, PayPal).
    let mut previous = first;
    for (at, c) in word.char_indices().skip(1) {
        if c.is_uppercase() && !is_joiner(previous) {
            let allowed = matches!(&word[..at], "Mc" | "Mac" | "De" | "Di" | "Da" | "La" | "Le" | "Van" | "Fitz" | "Du");
            if !allowed {
                return Shape::Other;
            }
        }
        previous = c;
    }
    Shape::Title
}

// ---------------------------------------------------------------------------------------
// Cue words (keys: lowercase, ASCII-folded), from `data/pii/name_cues.txt`

/// A date-of-birth statement right after a single name: "Lucía nació el…", "Ana was born…".
static BIRTH_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:,\s*)?(?:was born|is born|were born|born|b\.|n[ée]e? (?:le|en|à|a)|est n[ée]e?|naci[óo]|nacid[oa]|nasceu|nata?o? (?:il|a|nel)|è nat[oa]|wurde (?:am|im|in)|geboren|urodzi[łl]a?|f[öo]dd|f[øo]dt|syntyi|geb\.)")
        .expect("birth pattern")
});

/// Closing lines of letters and emails: the next line is the sender's name.
static CLOSING_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:(?:best|kind|warm|warmest|many|with)?\s*(?:regards|wishes|thanks|greetings)|thanks(?: again| so much| a lot)?|thank you|cheers|best|sincerely|yours(?: sincerely| truly| faithfully)?|respectfully|cordially|warmly|take care|talk soon|love|xoxo|cordialement|bien (?:à vous|a vous|cordialement)|amicalement|bisous|salutations(?: distinguées| distinguees)?|(?:un )?(?:cordial )?saludos?(?: cordiales)?|atentamente|un abrazo|abrazos|abraços|abracos|atenciosamente|cumprimentos|mit freundlichen (?:grüßen|gruessen|grussen)|freundliche grüße|viele grüße|liebe grüße|beste grüße|lg|mfg|vg|met vriendelijke groet(?:en)?|groeten|(?:vriendelijke|hartelijke) groet(?:en)?|mvg|(?:med )?(?:vänliga|vanliga|venlig|vennlig|bedste|beste)? ?(?:hälsningar|halsningar|hilsen|hilsner)|mvh|ystävällisin terveisin|terveisin|cordiali saluti|distinti saluti|saluti|un saluto|pozdrawiam|z poważaniem|s pozdravem|srdečně|üdvözlettel|saygılarımla|с уважением|με εκτίμηση|signed|sent from my \w+|—|--|-)[\s,.!]*$",
    )
    .expect("closing pattern")
});

/// How strongly the context says "person".
const NONE: u8 = 0;
const WEAK: u8 = 1;
const MEDIUM: u8 = 2;
const STRONG: u8 = 3;

/// The cue-word lists, kept as data: one section per list.
const CUE_FILE: &str = include_str!("../../data/pii/name_cues.txt");

struct Cues {
    honorifics: FastSet<&'static str>,
    labels: FastSet<&'static str>,
    roles: FastSet<&'static str>,
    weak: FastSet<&'static str>,
    verbs: FastSet<&'static str>,
    surname_endings: Vec<&'static str>,
    street_words: FastSet<&'static str>,
    street_types: FastSet<&'static str>,
    eponym_tails: FastSet<&'static str>,
    name_suffixes: FastSet<&'static str>,
}

static CUES: LazyLock<Cues> = LazyLock::new(|| {
    let mut lists: Vec<(&str, Vec<&'static str>)> = Vec::new();
    for line in CUE_FILE.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        match line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            Some(section) => lists.push((section, Vec::new())),
            None => {
                if let Some((_, entries)) = lists.last_mut() {
                    entries.push(line);
                }
            }
        }
    }
    let list = |name: &str| lists.iter().find(|(section, _)| *section == name).map(|(_, entries)| entries.clone()).unwrap_or_default();
    let set = |name: &str| list(name).into_iter().collect::<FastSet<&'static str>>();
    Cues {
        honorifics: set("honorifics"),
        labels: set("labels"),
        roles: set("roles_before"),
        weak: set("weak_before"),
        verbs: set("verbs_after"),
        surname_endings: list("surname_endings"),
        street_words: set("street_words"),
        street_types: set("street_types"),
        eponym_tails: set("eponym_tails"),
        name_suffixes: set("name_suffixes"),
    }
});

/// Airline style `SURNAME/GIVEN MS` (boarding passes, tickets).
static SLASH_NAME_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\p{Lu}[\p{Lu}'-]+)/(\p{Lu}[\p{Lu}'-]+)(?: (\p{Lu}[\p{Lu}'-]+))?(?: (MR|MRS|MS|MISS|MSTR|DR|MX))?\b")
        .expect("slash name")
});

// ---------------------------------------------------------------------------------------

/// A run of capitalised words that may be a name, as word indices.
#[derive(Debug, Clone)]
struct Run {
    first: usize,
    last: usize,
    /// Name words (not particles or initials).
    names: usize,
    accepted: bool,
    /// Not a name whatever the context (an organisation, a place, a placeholder).
    vetoed: bool,
    /// Start of the finding (an honorific before the run widens it).
    start: usize,
}

pub(super) fn person_names(text: &str, push: &mut impl FnMut(Range<usize>)) {
    if text.is_empty() {
        return;
    }
    let mut keys = String::new();
    let words = words(text, &mut keys);
    let scanner = Scanner { text, words: &words, csv_fields: csv_name_fields(text) };
    let mut runs = scanner.runs();
    for run in &mut runs {
        scanner.judge(run);
    }
    scanner.spread_through_lists(&mut runs);
    for run in runs.iter().filter(|r| r.accepted) {
        push(run.start..words[run.last].range.end);
    }
    slash_names(text, push);
}

struct Scanner<'a> {
    text: &'a str,
    words: &'a [Word<'a>],
    /// Byte ranges of table cells in a name column.
    csv_fields: Vec<Range<usize>>,
}

impl Scanner<'_> {
    fn gap(&self, left: usize, right: usize) -> &str {
        &self.text[self.words[left].range.end..self.words[right].range.start]
    }

    fn gap_before(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.words[i - 1].range.end };
        &self.text[start..self.words[i].range.start]
    }

    fn gap_after(&self, i: usize) -> &str {
        let end = self.words.get(i + 1).map_or(self.text.len(), |w| w.range.start);
        &self.text[self.words[i].range.end..end]
    }

    fn joined_by_space(&self, left: usize, right: usize) -> bool {
        matches!(self.gap(left, right), " " | "\u{a0}")
    }

    /// Maximal runs of capitalised words (with particles and initials inside) separated by
    /// single spaces.
    fn runs(&self) -> Vec<Run> {
        let words = self.words;
        let mut runs = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let startable = matches!(words[i].shape, Shape::Title | Shape::Initial);
            if !startable {
                i += 1;
                continue;
            }
            let mut last = i;
            let mut j = i + 1;
            while j < words.len() && self.joined_by_space(j - 1, j) {
                let word = &words[j];
                let continues = match word.shape {
                    Shape::Title | Shape::Initial => true,
                    Shape::Lower => {
                        word.is_particle() && words.get(j + 1).is_some_and(|n| n.shape == Shape::Title) && self.joined_by_space(j, j + 1)
                    }
                    _ => false,
                };
                if !continues {
                    break;
                }
                last = j;
                j += 1;
            }
            // A possessive ends the run ("Amara Okafor-Bennett's thesis").
            if let Some(p) = (i..last).find(|&k| words[k].possessive) {
                last = p;
            }
            runs.push(Run { first: i, last, names: 0, accepted: false, vetoed: false, start: words[i].range.start });
            i = last + 1;
        }
        runs
    }

    /// Decides whether a run is a name, trimming the ordinary words at its ends first.
    fn judge(&self, run: &mut Run) {
        let words = self.words;
        // Stand-in identities ("John Doe", "Max Mustermann") are never people.
        if words[run.first..=run.last].iter().any(|w| w.class.placeholder) {
            run.vetoed = true;
            return;
        }
        // Leading sentence words ("Ring Åsa Lindqvist", "Please Add") and trailing ordinary
        // words or initials are not part of the name.
        let plain = |w: &Word| w.shape == Shape::Title && ((w.class.common && !w.class.name()) || w.class.particle);
        while run.first < run.last && plain(&words[run.first]) {
            run.first += 1;
        }
        let untrimmed_last = run.last;
        while run.last > run.first && (plain(&words[run.last]) || words[run.last].shape == Shape::Initial) {
            run.last -= 1;
        }
        // "Nordlicht Print GmbH", "Acme Holdings": an organisation word closes the phrase.
        let after_suffix = CUES.name_suffixes.contains(words[untrimmed_last].key) && self.gap_after(untrimmed_last) == ". ";
        let closing =
            words.get(untrimmed_last + 1).filter(|_| after_suffix || matches!(self.gap_after(untrimmed_last), " " | "\u{a0}" | ", "));
        if closing.is_some_and(|w| w.shape != Shape::Lower && ((w.class.org && !w.class.name()) || CUES.eponym_tails.contains(w.key))) {
            run.vetoed = true;
            return;
        }
        let trimmed_tail = run.last < untrimmed_last && words[run.last + 1..=untrimmed_last].iter().any(|w| w.shape == Shape::Title);
        if plain(&words[run.first]) || words[run.last].shape == Shape::Initial {
            run.vetoed = true;
            return;
        }
        // A sentence opens with an ordinary word that is also a name ("Read Pride and
        // Prejudice", "Will Power"): it belongs to the name only when a listed name follows.
        let opener = &words[run.first];
        if run.first < run.last && opener.class.common && self.sentence_start(run.first) {
            let rest_known = words[run.first + 1..=run.last].iter().any(|w| w.class.name() && !w.class.ambiguous());
            if !rest_known {
                run.first += 1;
            }
        }
        run.start = words[run.first].range.start;
        let members = &words[run.first..=run.last];
        let name_words: Vec<&Word> =
            members.iter().filter(|w| w.shape == Shape::Title && !w.is_particle() && !CUES.name_suffixes.contains(w.key)).collect();
        let initials = members.iter().filter(|w| w.shape == Shape::Initial).count();
        run.names = name_words.len();
        if name_words.is_empty() || name_words.len() > 4 {
            run.vetoed = true;
            return;
        }
        // Organisations, brands, places and stand-ins are never people.
        let keys: Vec<&str> = members.iter().map(|w| w.key).collect();
        let phrase = (0..keys.len())
            .filter(|&a| LEXICON.opens_phrase(keys[a]))
            .any(|a| (a + 2..=keys.len().min(a + 4)).any(|b| LEXICON.is_phrase(&keys[a..b].join(" "))));
        let veto = phrase
            || name_words.iter().any(|w| {
                w.class.placeholder
                    || (w.class.org && !w.class.name())
                    || (w.class.place && !w.class.name())
                    || (w.class.common && !w.class.name())
            });
        if veto {
            run.vetoed = true;
            return;
        }
        let strong = name_words.iter().filter(|w| w.class.name() && !w.class.ambiguous() && !w.class.org).count();
        // A capitalised phrase that went on with ordinary words ("Bramble Print") is a name
        // only when the part left is clearly one.
        if trimmed_tail && strong < 2 {
            run.vetoed = true;
            return;
        }
        // "Carrer de Mallorca", "Rue Lepic", "Via Roma": a street type opens a street name.
        if CUES.street_types.contains(name_words[0].key) {
            run.vetoed = true;
            return;
        }
        // "Penny Lane", "Abbey Road", "Butter Lane": a street or landmark word at the end
        // makes a place unless a clear given name opens the run.
        let last_word = name_words[name_words.len() - 1];
        let opener_given = name_words[0].class.given && !name_words[0].class.ambiguous();
        // "Columbus Day", "Nobel Prize", "Heathrow Airport": a name used for a thing.
        let place_or_thing = CUES.street_words.contains(last_word.key) || CUES.eponym_tails.contains(last_word.key);
        if name_words.len() >= 2 && place_or_thing && !opener_given {
            run.vetoed = true;
            return;
        }
        let ambiguous = name_words.iter().filter(|w| w.class.name() && (w.class.ambiguous() || w.class.org)).count();
        let unknown = name_words.len() - strong - ambiguous;
        let lone_word = name_words.len() == 1 && initials == 0;
        let context = self.context(run, if lone_word { STRONG } else { WEAK });
        let first = name_words[0];
        let last = name_words[name_words.len() - 1];
        let surname_like = |w: &Word| w.class.surname || surname_ending(w.key);
        run.accepted = match name_words.len() {
            1 if initials > 0 => {
                // "J. Smith", "M. Morel": an initial and a family name.
                (first.class.surname && !first.class.ambiguous()) || (context >= WEAK && surname_like(first)) || context >= STRONG
            }
            1 => {
                let word = first;
                context >= STRONG && (word.class.name() || (!word.class.common && !word.class.place) && self.labelled(run))
            }
            _ if strong >= 2 => context > NONE || !self.after_determiner(run),
            _ if strong == 1 => {
                // A clear given name first, a clear surname last, or the East Asian order
                // ("Park Ji-woo", "Zhang Wei").
                let anchored = (first.class.given && !first.class.ambiguous())
                    || (last.class.surname && !last.class.ambiguous())
                    || (first.class.surname && last.class.given && !last.class.ambiguous());
                context >= MEDIUM || (context >= WEAK && anchored) || (anchored && !self.after_determiner(run) && unknown + ambiguous <= 2)
            }
            _ if ambiguous >= 1 && unknown >= 1 => context >= MEDIUM || (context >= WEAK && surname_like(last)),
            _ if ambiguous >= 1 => context >= MEDIUM,
            _ => context >= STRONG || (context >= MEDIUM && (surname_like(last) || name_words.len() >= 2)),
        };
        // An honorific belongs to the finding ("Dr. Emily Carter").
        if run.accepted && run.first > 0 && CUES.honorifics.contains(words[run.first - 1].key) {
            let gap = self.gap_before(run.first);
            if matches!(gap, " " | ". " | "\u{a0}") && words[run.first - 1].shape == Shape::Title {
                run.start = words[run.first - 1].range.start;
            }
        }
    }

    /// Whether the run follows a label (`Name:`) or an honorific: enough for a lone word.
    fn labelled(&self, run: &Run) -> bool {
        self.label_before(run.first) || self.honorific_before(run.first) || self.in_csv_field(run)
    }

    fn after_determiner(&self, run: &Run) -> bool {
        run.first > 0
            && matches!(self.gap_before(run.first), " " | "\u{a0}")
            && matches!(
                self.words[run.first - 1].key,
                "the"
                    | "an"
                    | "this"
                    | "that"
                    | "our"
                    | "your"
                    | "their"
                    | "its"
                    | "le"
                    | "la"
                    | "les"
                    | "el"
                    | "los"
                    | "las"
                    | "der"
                    | "die"
                    | "das"
                    | "il"
                    | "het"
            )
    }

    /// How strongly the words around the run say it is a person. Below `wanted` every level
    /// decides alike, so with `wanted` STRONG only the strong cues are read (most runs are
    /// one capitalised word, which only a strong cue makes a name).
    fn context(&self, run: &Run, wanted: u8) -> u8 {
        let words = self.words;
        let (first, last) = (run.first, run.last);
        let strong = self.label_before(first)
            || self.honorific_before(first)
            || self.in_csv_field(run)
            || self.signature_line(run)
            || BIRTH_AFTER_RE.is_match(self.rest_of_line(last));
        if strong {
            return STRONG;
        }
        if wanted == STRONG {
            return NONE;
        }
        let mut level = NONE;
        if first > 0 && matches!(self.gap_before(first), " " | "\u{a0}" | ", " | ": ") {
            let previous = words[first - 1].key;
            if CUES.roles.contains(previous) || (first > 1 && CUES.roles.contains(format!("{} {previous}", words[first - 2].key).as_str()))
            {
                level = level.max(MEDIUM);
            } else if CUES.weak.contains(previous) {
                level = level.max(WEAK);
            }
        }
        // After the run: a reporting verb, a role or age in brackets, contact details.
        let after = self.gap_after(last);
        if words[last].possessive {
            level = level.max(WEAK);
        }
        if matches!(after, " " | "\u{a0}") && words.get(last + 1).is_some_and(|w| w.shape == Shape::Lower && CUES.verbs.contains(w.key)) {
            level = level.max(MEDIUM);
        }
        if matches!(after, " " | "\u{a0}" | ", ")
            && words.get(last + 1).is_some_and(|w| matches!(w.key, "and" | "y" | "et" | "und" | "e" | "og" | "och" | "en"))
        {
            level = level.max(WEAK);
        }
        let rest = self.rest_of_line(last);
        if parenthetical_or_age(rest) {
            level = level.max(MEDIUM);
        }
        if contact_details_follow(rest) {
            level = level.max(MEDIUM);
        }
        if self.alone_on_line(run) {
            level = level.max(WEAK);
        }
        level
    }

    /// Whether the word opens a sentence, a line or the text.
    fn sentence_start(&self, i: usize) -> bool {
        let before = self.gap_before(i).trim_end_matches([' ', '"', '\'', '(', '*', '\u{a0}']);
        (i == 0 && before.is_empty()) || before.ends_with(['.', '!', '?', '\n', ':', ';'])
    }

    fn honorific_before(&self, first: usize) -> bool {
        first > 0
            && matches!(self.gap_before(first), " " | ". " | "\u{a0}" | ".\u{a0}")
            && CUES.honorifics.contains(self.words[first - 1].key)
            && matches!(self.words[first - 1].shape, Shape::Title | Shape::Upper)
    }

    /// A label such as `Name:`, `"first_name": "`, `Attendees:` or an introduction ("my name
    /// is") right before the word at `first`, on the same line.
    fn label_before(&self, first: usize) -> bool {
        if first == 0 {
            return false;
        }
        let gap = self.gap_before(first);
        let trimmed = gap.trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '*' || c == '`');
        let colon = matches!(trimmed, ":" | "=" | ":-" | "：" | "->" | "—" | "-") && !gap.contains("\n\n");
        let spaced = matches!(gap, " " | "\u{a0}");
        // Neither a label's separator nor the space of an introduction: nothing to read.
        if !colon && !spaced {
            return false;
        }
        let words = self.words;
        let key_at = |k: usize| words[k].key;
        // Up to three label words, joined by spaces, underscores or hyphens on one line.
        let mut phrase = String::new();
        for n in 1..=3.min(first) {
            let k = first - n;
            if n > 1 {
                let joint = self.gap(k, k + 1);
                if !matches!(joint, " " | "_" | "-" | "\u{a0}") {
                    break;
                }
                phrase.insert(0, ' ');
            }
            phrase.insert_str(0, key_at(k));
            if colon && CUES.labels.contains(phrase.as_str()) {
                return true;
            }
            if spaced
                && matches!(
                    phrase.as_str(),
                    "name is"
                        | "my name is"
                        | "name's"
                        | "m'appelle"
                        | "llamo"
                        | "me llamo"
                        | "heisse"
                        | "chiamo"
                        | "mi chiamo"
                        | "naam is"
                        | "heet"
                        | "heter"
                        | "jmenuji"
                        | "nazywam"
                        | "adim"
                        | "called"
                        | "named"
                )
            {
                return true;
            }
        }
        false
    }

    fn in_csv_field(&self, run: &Run) -> bool {
        let range = self.words[run.first].range.start..self.words[run.last].range.end;
        self.csv_fields.iter().any(|f| f.start <= range.start && range.end <= f.end)
    }

    /// The text after word `last` up to the end of its line.
    fn rest_of_line(&self, last: usize) -> &str {
        let rest = &self.text[self.words[last].range.end..];
        rest.split('\n').next().unwrap_or(rest)
    }

    fn line_start(&self, at: usize) -> usize {
        self.text[..at].rfind('\n').map_or(0, |p| p + 1)
    }

    /// The run opens its line (after a bullet or number) and nothing but a title, a
    /// separator or contact details follows it there.
    fn alone_on_line(&self, run: &Run) -> bool {
        let start = self.words[run.first].range.start;
        let head = &self.text[self.line_start(start)..start];
        let bullet = head.trim().trim_end_matches(['.', ')']).chars().all(|c| c.is_ascii_digit() || "-*•·>–—#".contains(c));
        let rest = self.rest_of_line(run.last).trim_end();
        let ends = rest.is_empty()
            || [" |", " —", " –", " -", ",", " (", " <", "\t", " /"].iter().any(|s| rest.starts_with(s))
            || rest.chars().all(|c| c.is_ascii_punctuation());
        bullet && ends
    }

    /// The run opens a line right after a closing line ("Best regards,", "—").
    fn signature_line(&self, run: &Run) -> bool {
        if run.names < 2 || !self.alone_on_line(run) {
            return false;
        }
        let line_start = self.line_start(self.words[run.first].range.start);
        if line_start == 0 {
            return false;
        }
        let before = self.text[..line_start - 1].trim_end();
        let previous_line = before.rsplit('\n').next().unwrap_or(before);
        CLOSING_RE.is_match(previous_line)
    }

    /// Accepts capitalised pairs listed next to accepted names ("A B, C D and E F").
    fn spread_through_lists(&self, runs: &mut [Run]) {
        for _ in 0..3 {
            let mut changed = false;
            for i in 0..runs.len() {
                if runs[i].accepted || runs[i].vetoed || runs[i].names < 2 {
                    continue;
                }
                let neighbour_accepted = |j: usize| runs.get(j).is_some_and(|r| r.accepted);
                let listed_with = |left: &Run, right: &Run| self.list_separator(left.last, right.first);
                let before = i > 0 && neighbour_accepted(i - 1) && listed_with(&runs[i - 1], &runs[i]);
                let after = neighbour_accepted(i + 1) && listed_with(&runs[i], &runs[i + 1]);
                if before || after {
                    runs[i].accepted = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Whether the text between two runs separates items of a list: commas, "and", a
    /// bracketed note, or a new bulleted line.
    fn list_separator(&self, left_last: usize, right_first: usize) -> bool {
        let between = &self.text[self.words[left_last].range.end..self.words[right_first].range.start];
        if between.len() > 40 {
            return false;
        }
        let lowered = between.to_lowercase();
        let stripped: String = lowered.chars().filter(|c| !"()[]".contains(*c)).collect();
        let core = stripped.trim();
        if matches!(
            core,
            "," | ";"
                | "/"
                | "&"
                | "+"
                | "|"
                | "and"
                | ", and"
                | "y"
                | "e"
                | "et"
                | "und"
                | "og"
                | "och"
                | "en"
                | "i"
                | "ve"
                | "or"
                | "·"
                | "•"
        ) {
            return true;
        }
        // "Bogdan Petrescu (open), Fenna de Vries (mid)": a short bracketed note then a comma.
        let note = between.trim_start().starts_with('(') && between.trim_end().ends_with([',', ';']) && between.len() <= 30;
        // Bulleted or numbered lines.
        let next_line = between.contains('\n') && {
            let tail = between.rsplit('\n').next().unwrap_or("").trim();
            tail.chars().all(|c| c.is_ascii_digit() || "-*•·.)".contains(c))
        };
        note || next_line
    }
}

fn surname_ending(key: &str) -> bool {
    key.chars().count() >= 5 && CUES.surname_endings.iter().any(|e| key.ends_with(e))
}

/// "X (CEO)", "X (open)", "X, 34,", "X (mother)".
fn parenthetical_or_age(rest: &str) -> bool {
    let trimmed = rest.trim_start();
    if let Some(inner) = trimmed.strip_prefix('(') {
        let inner = inner.split(')').next().unwrap_or("");
        return !inner.is_empty() && inner.len() <= 30 && !inner.chars().any(|c| c.is_ascii_digit());
    }
    if let Some(after_comma) = rest.strip_prefix(", ") {
        let digits: String = after_comma.chars().take_while(char::is_ascii_digit).collect();
        let tail = &after_comma[digits.len()..];
        return (1..=3).contains(&digits.len())
            && (tail.starts_with(',') || tail.starts_with(" years") || tail.starts_with(" ans") || tail.starts_with(" años"));
    }
    false
}

/// An email address, a phone number or an identity number soon after on the same line.
fn contact_details_follow(rest: &str) -> bool {
    // The next 48 characters, borrowed: this runs once per name candidate.
    let window = rest.char_indices().nth(48).map_or(rest, |(end, _)| &rest[..end]);
    let near = window.trim_start();
    let starts_right = near.is_empty() || near.starts_with([',', '—', '–', '-', '|', '<', '(', ':', '·', ';']) || rest.starts_with(' ');
    if !starts_right {
        return false;
    }
    let email = window.contains('@') && window.split('@').next().is_some_and(|before| before.len() <= 40);
    // One phone-like number: seven digits or more with only separators between them.
    let lead = window.chars().take_while(|c| !c.is_ascii_digit() && *c != '+' && *c != '(').count();
    let digits =
        window.chars().skip(lead).take_while(|c| c.is_ascii_digit() || " +-.()/".contains(*c)).filter(char::is_ascii_digit).count();
    let numbered = lead <= 16 && digits >= 7;
    let ids = ["SSN", "IBAN", "DOB", "tel", "Tel", "phone", "Phone", "mobile"].iter().any(|k| window.contains(k));
    email || numbered || ids
}

/// The columns of delimited tables (CSV, TSV, pipes) whose header names a person column:
/// every cell below it is a name field.
fn csv_name_fields(text: &str) -> Vec<Range<usize>> {
    const COLUMNS: &[&str] = &[
        "name",
        "full_name",
        "fullname",
        "full name",
        "first_name",
        "last_name",
        "firstname",
        "lastname",
        "first name",
        "last name",
        "surname",
        "given_name",
        "cardholder",
        "card_holder",
        "holder",
        "account_holder",
        "employee",
        "employee_name",
        "customer",
        "customer_name",
        "client",
        "client_name",
        "patient",
        "patient_name",
        "student",
        "contact",
        "contact_name",
        "owner",
        "author",
        "passenger",
        "member",
        "attendee",
        "nombre",
        "nom",
        "naam",
        "vorname",
        "nachname",
        "titular",
    ];
    let mut fields = Vec::new();
    // A table is a header line and at least one row under it.
    if !text.contains('\n') || !text.contains([',', '\t', '|', ';']) {
        return fields;
    }
    let mut offset = 0;
    let mut header: Option<(char, Vec<usize>)> = None;
    for line in text.split('\n') {
        let line_start = offset;
        offset += line.len() + 1;
        let trimmed = line.trim_end_matches('\r');
        match &header {
            Some((separator, columns)) => {
                if !trimmed.contains(*separator) {
                    header = None;
                    continue;
                }
                let mut cell_start = line_start;
                for (index, cell) in trimmed.split(*separator).enumerate() {
                    if columns.contains(&index) {
                        let lead = cell.len() - cell.trim_start().len();
                        let start = cell_start + lead;
                        let end = start + cell.trim().len();
                        fields.push(start..end);
                    }
                    cell_start += cell.len() + separator.len_utf8();
                }
            }
            None => {
                if trimmed.len() > 200 {
                    continue;
                }
                for separator in [',', '\t', '|', ';'] {
                    if !trimmed.contains(separator) {
                        continue;
                    }
                    let identifiers = trimmed.split(separator).all(|c| cell(c).chars().all(|ch| ch.is_alphabetic() || " _-#".contains(ch)));
                    if !identifiers {
                        continue;
                    }
                    let columns: Vec<usize> = trimmed
                        .split(separator)
                        .enumerate()
                        .filter(|(_, c)| COLUMNS.iter().any(|name| name.eq_ignore_ascii_case(cell(c))))
                        .map(|(i, _)| i)
                        .collect();
                    if !columns.is_empty() && trimmed.split(separator).count() >= 2 {
                        header = Some((separator, columns));
                        break;
                    }
                }
            }
        }
    }
    fields
}

/// A table cell without its padding and quotes.
fn cell(text: &str) -> &str {
    text.trim().trim_matches('"').trim()
}

/// `KOWALCZYK/JOANNA MS`: surname, slash, given names, optional title, all in capitals.
fn slash_names(text: &str, push: &mut impl FnMut(Range<usize>)) {
    let bytes = text.as_bytes();
    let capital_slash = bytes.windows(3).any(|w| w[1] == b'/' && w[0].is_ascii_uppercase() && w[2].is_ascii_uppercase());
    if !capital_slash {
        return;
    }
    for caps in SLASH_NAME_RE.captures_iter(text) {
        let (Some(whole), Some(surname), Some(given)) = (caps.get(0), caps.get(1), caps.get(2)) else { continue };
        let surname_class = LEXICON.classify(&key(surname.as_str()));
        let given_class = LEXICON.classify(&key(given.as_str()));
        let titled = caps.get(4).is_some();
        let known = (surname_class.surname || given_class.given) && !surname_class.org && !given_class.org && !given_class.common;
        if (titled || known) && surname.as_str().chars().count() >= 2 && given.as_str().chars().count() >= 2 {
            push(whole.range());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        person_names(text, &mut |r| out.push(r));
        out.into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn words_keep_inner_hyphens_and_apostrophes_and_drop_possessives() {
        let mut keys = String::new();
        let found = words("Amara Okafor-Bennett's O'Brien GitHub J. x9Kq", &mut keys);
        let shapes: Vec<Shape> = found.iter().map(|w| w.shape).collect();
        assert_eq!(shapes, [Shape::Title, Shape::Title, Shape::Title, Shape::Other, Shape::Initial, Shape::Other, Shape::Other]);
        assert!(found[1].possessive);
        assert_eq!(found[1].key, "okafor-bennett");
    }

    #[test]
    fn a_name_column_marks_its_cells() {
        let text = "id,name,team\n1,Wojciech Nowak,Platform";
        let fields = csv_name_fields(text);
        assert_eq!(fields.iter().map(|f| &text[f.clone()]).collect::<Vec<_>>(), ["Wojciech Nowak"]);
    }

    #[test]
    fn every_cue_list_is_loaded_from_the_data_file() {
        let cues = &*CUES;
        let sizes = [
            cues.honorifics.len(),
            cues.labels.len(),
            cues.roles.len(),
            cues.weak.len(),
            cues.verbs.len(),
            cues.surname_endings.len(),
            cues.street_words.len(),
            cues.street_types.len(),
            cues.eponym_tails.len(),
            cues.name_suffixes.len(),
        ];
        assert!(sizes.iter().all(|n| *n >= 5), "{sizes:?}");
        assert!(cues.honorifics.contains("dr") && cues.labels.contains("name on card") && cues.verbs.contains("said"));
    }

    #[test]
    fn lone_capitals_and_empty_text_are_not_names() {
        assert!(names("").is_empty());
        assert!(names("A").is_empty());
        assert!(names("É É É").is_empty());
    }
}
