//! The word lists behind the person-name recogniser, kept as data files in
//! `crates/detectors/data/names/` (written for this crate): given names and surnames across
//! many languages, and the capitalised words that are not names — common words, places,
//! organisations and brands. Each is loaded once into a set keyed by [`key`].

use std::sync::LazyLock;

use crate::fast_hash::{FastMap, FastSet};

const GIVEN: &str = include_str!("../../data/names/given.txt");
const SURNAMES: &str = include_str!("../../data/names/surnames.txt");
const COMMON: &str = include_str!("../../data/names/common_words.txt");
const PLACES: &str = include_str!("../../data/names/places.txt");
const ORGANISATIONS: &str = include_str!("../../data/names/organisations.txt");

/// Lowercase particles that join the parts of a name ("Fenna de Vries", "Ludwig van
/// Beethoven", "Siobhán Ní Bhriain"), as keys.
const PARTICLES: &[&str] = &[
    "de", "del", "della", "delle", "di", "da", "das", "do", "dos", "du", "des", "la", "le", "van", "von", "der", "den", "ter", "ten", "zu",
    "af", "av", "bin", "binti", "bint", "ibn", "al", "el", "y", "i", "e", "ni", "nic", "mac", "ap",
];

/// Whether a key is one of [`PARTICLES`]: what the lexicon says of a lowercase word, without
/// a lookup in the big table.
pub(super) fn is_particle(key: &str) -> bool {
    // A small set that stays in cache: most words of a reply are short lowercase ones.
    static SET: LazyLock<FastSet<&'static str>> = LazyLock::new(|| PARTICLES.iter().copied().collect());
    SET.contains(key)
}

/// Surnames and given names of stand-in identities ("John Doe", "Max Mustermann", "Joe
/// Bloggs"), as keys: a run containing one is a placeholder, not a person.
const PLACEHOLDERS: &[&str] = &[
    "doe",
    "roe",
    "mustermann",
    "musterfrau",
    "musterman",
    "bloggs",
    "nordmann",
    "normalverbraucher",
    "schmoe",
    "sixpack",
    "fulano",
    "mengano",
    "zutano",
    "beltrano",
    "sicrano",
    "tartempion",
    "lastname",
    "firstname",
    "surname",
    "placeholder",
    "anonymous",
    "unknown",
    "redacted",
];

/// The lookup form of a word: lowercase, then ASCII-folded the way the rest of the crate
/// folds text (`Søren` → `soren`, `Trần` → `trxn`), with curly apostrophes made straight.
pub(super) fn key(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    push_key(word, &mut out);
    out
}

/// Appends the [`key`] of `word` to `out` (many keys in one buffer spare an allocation each).
pub(super) fn push_key(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    for c in word.chars().flat_map(char::to_lowercase) {
        match transliterated(c) {
            Some(latin) => latin.chars().for_each(|l| crate::text::ascii_fold(l, out)),
            None => crate::text::ascii_fold(c, out),
        }
    }
}

/// Cyrillic and Greek lowercase letters in Latin letters (a plain, lossy scheme), so
/// "Соколов" meets "Sokolov" in the lists.
fn transliterated(c: char) -> Option<&'static str> {
    let latin = match c {
        'а' | 'α' => "a",
        'б' | 'β' => "b",
        'в' => "v",
        'г' | 'ґ' | 'γ' => "g",
        'д' | 'δ' => "d",
        'е' | 'є' | 'ε' | 'η' => "e",
        'ё' => "yo",
        'ж' => "zh",
        'з' | 'ζ' => "z",
        'и' | 'і' | 'ι' => "i",
        'ї' => "yi",
        'й' => "y",
        'к' | 'κ' => "k",
        'л' | 'λ' => "l",
        'м' | 'μ' => "m",
        'н' | 'ν' => "n",
        'о' | 'ο' | 'ω' => "o",
        'п' | 'π' => "p",
        'р' | 'ρ' => "r",
        'с' | 'σ' | 'ς' => "s",
        'т' | 'τ' => "t",
        'у' | 'υ' => "u",
        'ф' | 'φ' => "f",
        'х' | 'χ' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        'ъ' | 'ь' => "",
        'θ' => "th",
        'ξ' => "x",
        'ψ' => "ps",
        'ά' => "a",
        'έ' | 'ή' => "e",
        'ί' | 'ϊ' | 'ΐ' => "i",
        'ό' | 'ώ' => "o",
        'ύ' | 'ϋ' | 'ΰ' => "y",
        _ => return None,
    };
    Some(latin)
}

/// What the lists say about one word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct WordClass {
    pub given: bool,
    pub surname: bool,
    /// An ordinary word that is capitalised at sentence starts and in titles.
    pub common: bool,
    pub place: bool,
    /// An organisation, brand or product word, or a legal form (`Ltd`, `GmbH`).
    pub org: bool,
    pub particle: bool,
    pub placeholder: bool,
}

impl WordClass {
    pub fn name(self) -> bool {
        self.given || self.surname
    }

    /// A name-list word that is also an ordinary word, a place or a brand (Will, Rose,
    /// Jordan, Ford).
    pub fn ambiguous(self) -> bool {
        self.name() && (self.common || self.place || self.org)
    }

    fn from_bits(bits: u8) -> Self {
        Self {
            given: bits & GIVEN_BIT != 0,
            surname: bits & SURNAME_BIT != 0,
            common: bits & COMMON_BIT != 0,
            place: bits & PLACE_BIT != 0,
            org: bits & ORG_BIT != 0,
            particle: bits & PARTICLE_BIT != 0,
            placeholder: bits & PLACEHOLDER_BIT != 0,
        }
    }
}

const GIVEN_BIT: u8 = 1;
const SURNAME_BIT: u8 = 2;
const COMMON_BIT: u8 = 4;
const PLACE_BIT: u8 = 8;
const ORG_BIT: u8 = 16;
const PARTICLE_BIT: u8 = 32;
const PLACEHOLDER_BIT: u8 = 64;

pub(super) struct Lexicon {
    /// Every listed word (as a key) and the lists it is on.
    words: FastMap<String, u8>,
    /// Multi-word organisations, brands and places made of name-like words, keyed by their
    /// words joined with single spaces.
    phrases: FastSet<String>,
    /// The first word of every phrase: a run that holds none of them is never one, and is
    /// spared joining its words to look.
    phrase_openers: FastSet<String>,
}

impl Lexicon {
    fn load() -> Self {
        let mut lexicon = Self { words: FastMap::default(), phrases: FastSet::default(), phrase_openers: FastSet::default() };
        for particle in PARTICLES {
            lexicon.mark(particle, PARTICLE_BIT);
        }
        for placeholder in PLACEHOLDERS {
            lexicon.mark(placeholder, PLACEHOLDER_BIT);
        }
        for (text, bit) in
            [(GIVEN, GIVEN_BIT), (SURNAMES, SURNAME_BIT), (COMMON, COMMON_BIT), (PLACES, PLACE_BIT), (ORGANISATIONS, ORG_BIT)]
        {
            for entry in entries(text) {
                let words: Vec<String> = entry.split([' ', '\u{a0}']).filter(|w| !w.is_empty()).map(key).collect();
                match words.len() {
                    0 => {}
                    1 => lexicon.mark(&words[0], bit),
                    // Names written with particles ("de Vries", "Ní Bhriain") count each
                    // real part; multi-word places and brands are phrases.
                    _ if bit == GIVEN_BIT || bit == SURNAME_BIT => {
                        for word in words.iter().filter(|w| !PARTICLES.contains(&w.as_str())) {
                            lexicon.mark(word, bit);
                        }
                    }
                    _ => {
                        lexicon.phrase_openers.insert(words[0].clone());
                        lexicon.phrases.insert(words.join(" "));
                    }
                }
            }
        }
        lexicon
    }

    fn mark(&mut self, key: &str, bit: u8) {
        *self.words.entry(key.to_owned()).or_insert(0) |= bit;
    }

    /// The class of a word given as a key; a hyphenated word ("Okafor-Bennett",
    /// "Jean-Baptiste") is a name when the whole or every part is one.
    pub fn classify(&self, key: &str) -> WordClass {
        let mut class = self.classify_one(key);
        if !class.name() && key.contains(['-', '\'']) {
            let mut parts = 0;
            let (mut all_names, mut given, mut surname, mut org, mut placeholder) = (true, false, false, false, false);
            for part in key.split(['-', '\'']).filter(|p| p.len() > 1) {
                let part_class = self.classify_one(part);
                parts += 1;
                all_names &= part_class.name();
                given |= part_class.given;
                surname |= part_class.surname;
                org |= part_class.org && !part_class.name();
                placeholder |= part_class.placeholder;
            }
            if parts > 0 {
                if all_names {
                    class.given = given;
                    class.surname = surname;
                    class.common = false;
                    class.place = false;
                }
                class.org |= org;
                class.placeholder |= placeholder;
            }
        }
        class
    }

    fn classify_one(&self, key: &str) -> WordClass {
        WordClass::from_bits(self.words.get(key).copied().unwrap_or(0))
    }

    /// Whether words joined by single spaces (as keys) form a listed organisation, brand
    /// or place phrase.
    pub fn is_phrase(&self, joined: &str) -> bool {
        self.phrases.contains(joined)
    }

    /// Whether some listed phrase starts with this word (as a key).
    pub fn opens_phrase(&self, key: &str) -> bool {
        self.phrase_openers.contains(key)
    }

    #[cfg(test)]
    pub fn sizes(&self) -> [usize; 5] {
        let count = |bit: u8| self.words.values().filter(|b| *b & bit != 0).count();
        [count(GIVEN_BIT), count(SURNAME_BIT), count(COMMON_BIT), count(PLACE_BIT), count(ORG_BIT) + self.phrases.len()]
    }
}

/// The entries of a data file: non-empty lines that are not `#` comments.
fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'))
}

pub(super) static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::load);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_files_load_with_thousands_of_names() {
        let [given, surnames, common, places, orgs] = LEXICON.sizes();
        assert!(given > 3000 && surnames > 2000, "{given} given names, {surnames} surnames");
        assert!(common > 1000 && places > 500 && orgs > 300, "{common} {places} {orgs}");
    }

    #[test]
    fn words_are_looked_up_folded_and_in_any_case() {
        assert!(LEXICON.classify(&key("SØREN")).given);
        assert!(LEXICON.classify(&key("Nguyễn")).surname);
        assert!(LEXICON.classify(&key("Соколов")).surname, "Cyrillic is transliterated");
        assert!(LEXICON.classify(&key("Παπαδόπουλος")).surname, "Greek is transliterated");
        assert!(LEXICON.classify(&key("Thorvaldsdóttir")).surname);
        assert!(LEXICON.classify(&key("Vries")).surname, "a part of \"de Vries\"");
        assert!(LEXICON.classify(&key("Jean-Baptiste")).given);
        assert!(LEXICON.classify(&key("Rose")).ambiguous());
        assert!(LEXICON.classify(&key("GmbH")).org);
        assert!(LEXICON.classify(&key("Doe")).placeholder);
        assert!(LEXICON.is_phrase("morgan stanley"));
        assert_eq!(LEXICON.classify(""), WordClass::default());
    }
}
