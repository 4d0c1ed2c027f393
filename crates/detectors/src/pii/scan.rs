//! One scanner per PII type. Each finds candidates with a regex compiled once, then keeps
//! those that pass the type's check and are not glued to a longer number or word.

use std::net::Ipv6Addr;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::PiiType;
use super::checks::{
    all_same_digit, card_prefix_plausible, iban_length, iban_valid, luhn_valid, placeholder_email_domain, placeholder_secret, ssn_valid,
};
use super::names::{GIVEN, NOT_SURNAME};
use crate::cues::{alternation, pattern};
use crate::text::shannon_entropy;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Candidate {
    pub ty: PiiType,
    pub range: Range<usize>,
}

pub(super) fn scan(ty: PiiType, text: &str, out: &mut Vec<Candidate>) {
    let mut push = |range: Range<usize>| out.push(Candidate { ty, range });
    match ty {
        PiiType::Email => emails(text, &mut push),
        PiiType::Phone => phones(text, &mut push),
        PiiType::UsSsn => ssns(text, &mut push),
        PiiType::CreditCard => cards(text, &mut push),
        PiiType::Iban => ibans(text, &mut push),
        PiiType::IpAddress => ip_addresses(text, &mut push),
        PiiType::ApiKeyOrSecret => secrets(text, &mut push),
        PiiType::DateOfBirth => dates_of_birth(text, &mut push),
        PiiType::StreetAddress => street_addresses(text, &mut push),
        PiiType::PersonName => person_names(text, &mut push),
    }
}

fn char_before(text: &str, at: usize) -> Option<char> {
    text.get(..at).and_then(|s| s.chars().next_back())
}

fn two_chars_before(text: &str, at: usize) -> (Option<char>, Option<char>) {
    let mut chars = text.get(..at).map(|s| s.chars().rev()).into_iter().flatten();
    (chars.next(), chars.next())
}

fn two_chars_after(text: &str, at: usize) -> (Option<char>, Option<char>) {
    let mut chars = text.get(at..).map(str::chars).into_iter().flatten();
    (chars.next(), chars.next())
}

/// Whether a number at `range` continues a longer one: a digit or letter touching it, or a
/// `-`, `.` or `/` with a digit behind it (`12-415-555-0132`, `1.2.3.4.5`).
fn glued_to_number(text: &str, range: &Range<usize>) -> bool {
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    let joiner = |c: Option<char>| c.is_some_and(|c| matches!(c, '-' | '.' | '/'));
    let (b1, b2) = two_chars_before(text, range.start);
    let (a1, a2) = two_chars_after(text, range.end);
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    alnum(b1) || alnum(a1) || (joiner(b1) && digit(b2)) || (joiner(a1) && digit(a2))
}

fn digits_of(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

// ---------------------------------------------------------------------------------------
// Email

static EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})\b")
});

fn emails(text: &str, push: &mut impl FnMut(Range<usize>)) {
    for caps in EMAIL_RE.captures_iter(text) {
        let (Some(whole), Some(domain)) = (caps.get(0), caps.get(1)) else { continue };
        // A masked local part (`j***n@…`) leaves the match starting after the mask.
        let masked = char_before(text, whole.start()).is_some_and(|c| c.is_alphanumeric() || "._%+-*@".contains(c));
        if !masked && !placeholder_email_domain(domain.as_str()) {
            push(whole.range());
        }
    }
}

// ---------------------------------------------------------------------------------------
// Phone

/// North American numbers, separators required: `(415) 555-0132`, `415-555-0132`,
/// `415.555.0132`, `+1 415 555 0132`, `1-800-555-0199`. Bare ten-digit runs are too often
/// something else (ids, amounts) to call phones.
static US_PHONE_RE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?:\+1[ .-]?|\b1[ .-])?(?:\(\d{3}\)[ .-]?|\b\d{3}[ .-])\d{3}[ .-]\d{4}\b"));
/// International numbers with a `+` and a country code other than 1.
static INTL_PHONE_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\+[2-9]\d{0,2}(?:[ .-]?\(?\d{1,5}\)?){1,7}"));

fn phones(text: &str, push: &mut impl FnMut(Range<usize>)) {
    for m in US_PHONE_RE.find_iter(text) {
        let digits = digits_of(m.as_str());
        let national = digits.strip_prefix('1').filter(|_| digits.len() == 11).unwrap_or(&digits);
        let bytes = national.as_bytes();
        // NANP: area code and exchange both start 2–9.
        let plausible = bytes.len() == 10 && (b'2'..=b'9').contains(&bytes[0]) && (b'2'..=b'9').contains(&bytes[3]);
        if plausible && !all_same_digit(national) && !glued_to_number(text, &m.range()) {
            push(m.range());
        }
    }
    for m in INTL_PHONE_RE.find_iter(text) {
        if let Some(end) = e164_end(m.as_str()) {
            let range = m.start()..m.start() + end;
            if !glued_to_number(text, &range) && !all_same_digit(&m.as_str()[1..end]) {
                push(range);
            }
        }
    }
}

/// The end of the longest prefix of a `+…` match that ends a digit group and holds 8–15
/// digits (E.164's maximum), so a year or count after the number is left out.
fn e164_end(candidate: &str) -> Option<usize> {
    let bytes = candidate.as_bytes();
    let mut digits = 0;
    let mut best = None;
    for (i, b) in bytes.iter().enumerate() {
        if b.is_ascii_digit() {
            digits += 1;
            let group_ends = bytes.get(i + 1).is_none_or(|n| !n.is_ascii_digit());
            if group_ends && digits <= 15 {
                best = Some((i + 1, digits));
            }
        }
    }
    // A closing parenthesis right after the last digit belongs to the number.
    best.filter(|(_, d)| *d >= 8).map(|(end, _)| if bytes.get(end) == Some(&b')') { end + 1 } else { end })
}

// ---------------------------------------------------------------------------------------
// US SSN

static SSN_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b(\d{3})([- ])(\d{2})([- ])(\d{4})\b"));
/// Nine digits without separators count only right after an SSN label.
static SSN_LABELLED_RE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b(?:ssn|social security(?: number| no\.?)?|soc\.? sec\.?)\b[^0-9\n]{0,20}\b(\d{3})(\d{2})(\d{4})\b"));

fn ssns(text: &str, push: &mut impl FnMut(Range<usize>)) {
    for caps in SSN_RE.captures_iter(text) {
        let (Some(whole), Some(area), Some(sep1), Some(group), Some(sep2), Some(serial)) =
            (caps.get(0), caps.get(1), caps.get(2), caps.get(3), caps.get(4), caps.get(5))
        else {
            continue;
        };
        let consistent = sep1.as_str() == sep2.as_str();
        if consistent
            && ssn_valid(area.as_str(), group.as_str(), serial.as_str())
            && !all_same_digit(whole.as_str())
            && !glued_to_number(text, &whole.range())
        {
            push(whole.range());
        }
    }
    for caps in SSN_LABELLED_RE.captures_iter(text) {
        let (Some(area), Some(group), Some(serial)) = (caps.get(1), caps.get(2), caps.get(3)) else { continue };
        let range = area.start()..serial.end();
        if ssn_valid(area.as_str(), group.as_str(), serial.as_str()) && !all_same_digit(&text[range.clone()]) {
            push(range);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Payment card

/// Digit groups joined by single spaces or dashes; which groups form a card is decided after.
static CARD_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\d(?:[ -]?\d){12,}"));

fn cards(text: &str, push: &mut impl FnMut(Range<usize>)) {
    for m in CARD_RE.find_iter(text) {
        if char_before(text, m.start()).is_some_and(char::is_alphanumeric) {
            continue;
        }
        // Groups of digits (byte ranges in `text`) between separators.
        let groups: Vec<Range<usize>> = m
            .as_str()
            .split([' ', '-'])
            .scan(m.start(), |at, group| {
                let range = *at..*at + group.len();
                *at = range.end + 1;
                Some(range)
            })
            .collect();
        let mut first = 0;
        while first < groups.len() {
            match card_in(text, &groups[first..]) {
                Some(taken) => {
                    let range = groups[first].start..groups[first + taken - 1].end;
                    if !text[range.end..].starts_with(char::is_alphanumeric) {
                        push(range);
                    }
                    first += taken;
                }
                None => first += 1,
            }
        }
    }
}

/// How many leading groups form a valid card (13–19 digits, plausible prefix, Luhn), longest
/// first, so "4111 1111 1111 1111 12" yields the card and leaves the 12.
fn card_in(text: &str, groups: &[Range<usize>]) -> Option<usize> {
    let mut digits = String::new();
    let mut valid = None;
    for (i, group) in groups.iter().enumerate() {
        digits.push_str(&text[group.clone()]);
        if digits.len() > 19 {
            break;
        }
        if digits.len() >= 13 && card_prefix_plausible(&digits) && luhn_valid(&digits) && !all_same_digit(&digits) {
            valid = Some(i + 1);
        }
    }
    valid
}

// ---------------------------------------------------------------------------------------
// IBAN

static IBAN_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b([A-Z]{2})\d{2}(?: ?[A-Z0-9]){11,30}"));

fn ibans(text: &str, push: &mut impl FnMut(Range<usize>)) {
    for caps in IBAN_RE.captures_iter(text) {
        let (Some(whole), Some(country)) = (caps.get(0), caps.get(1)) else { continue };
        let Some(length) = iban_length(country.as_str()) else { continue };
        // Take exactly the country's length in characters; the rest is the next word.
        let mut compact = String::with_capacity(length);
        let mut end = whole.start();
        for (at, c) in whole.as_str().char_indices() {
            if compact.len() == length {
                break;
            }
            if c != ' ' {
                compact.push(c);
                end = whole.start() + at + c.len_utf8();
            }
        }
        let glued = text[end..].starts_with(char::is_alphanumeric);
        if compact.len() == length && !glued && iban_valid(&compact) {
            push(whole.start()..end);
        }
    }
}

// ---------------------------------------------------------------------------------------
// IP address

static IPV4_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"));
static IPV6_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}"));
/// "version 1.2.3.4", "v10.0.0.1": software versions, not addresses.
static VERSION_CUE_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?i)\b(?:v|ver|version|release|build|rev|revision)\.?\s*$"));

fn ip_addresses(text: &str, push: &mut impl FnMut(Range<usize>)) {
    for m in IPV4_RE.find_iter(text) {
        let octets: Vec<&str> = m.as_str().split('.').collect();
        let in_range = octets.iter().all(|o| o.parse::<u16>().is_ok_and(|n| n <= 255) && !(o.len() > 1 && o.starts_with('0')));
        let prefix_start = floor_boundary(text, m.start().saturating_sub(24));
        let versioned = VERSION_CUE_RE.is_match(&text[prefix_start..m.start()]);
        if in_range && !versioned && !glued_to_number(text, &m.range()) && !reserved_ipv4(&octets) {
            push(m.range());
        }
    }
    for m in IPV6_RE.find_iter(text) {
        let candidate = m.as_str().trim_end_matches([':', '.']);
        let candidate = if m.as_str().ends_with("::") && !candidate.ends_with("::") { m.as_str() } else { candidate };
        let range = m.start()..m.start() + candidate.len();
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == ':' || c == '.');
        if glued(char_before(text, range.start)) || text[range.end..].starts_with(|c: char| c.is_alphanumeric() || c == ':') {
            continue;
        }
        let hex_digits = candidate.chars().filter(char::is_ascii_hexdigit).count();
        let groups = candidate.split(':').filter(|g| !g.is_empty()).count();
        let Ok(address) = candidate.parse::<Ipv6Addr>() else { continue };
        let documentation = address.segments()[..2] == [0x2001, 0x0db8];
        if hex_digits >= 4 && groups >= 2 && !address.is_unspecified() && !address.is_loopback() && !documentation {
            push(range);
        }
    }
}

/// Addresses that identify no one: unspecified, broadcast, loopback and the documentation
/// ranges of RFC 5737.
fn reserved_ipv4(octets: &[&str]) -> bool {
    matches!(
        octets,
        ["0", "0", "0", "0"]
            | ["255", "255", "255", "255"]
            | ["127", ..]
            | ["192", "0", "2", _]
            | ["198", "51", "100", _]
            | ["203", "0", "113", _]
    )
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

// ---------------------------------------------------------------------------------------
// API keys and secrets

/// Keys with a vendor prefix: OpenAI, Anthropic, Stripe, AWS, GitHub, Slack, Google, GitLab,
/// JWTs.
static KEY_RE: LazyLock<Regex> = LazyLock::new(|| {
    alternation(&[
        r"sk-ant-[A-Za-z0-9_-]{20,}",
        r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",
        r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
        r"(?:AKIA|ASIA)[0-9A-Z]{16}\b",
        r"gh[pousr]_[A-Za-z0-9]{30,}",
        r"github_pat_[A-Za-z0-9_]{22,}",
        r"xox[bpasr]-[A-Za-z0-9-]{10,}",
        r"AIza[0-9A-Za-z_-]{35}",
        r"glpat-[A-Za-z0-9_-]{20,}",
        r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*",
    ])
});
static PRIVATE_KEY_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"));
/// A long token of key-like characters; a secret only when a key word precedes it.
static TOKEN_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"[A-Za-z0-9][A-Za-z0-9_+/=-]{19,}"));
static KEY_WORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)(?:api[_ -]?key|apikey|access[_ -]?key|secret|token|password|passwd|pwd|credential|auth|bearer|private[_ -]?key|client[_ -]?secret)",
    )
});
/// Bits per character a generic token needs to look random (a 20-character base62 secret
/// scores about 4; English words about 3).
const MIN_TOKEN_ENTROPY: f64 = 3.5;

fn secrets(text: &str, push: &mut impl FnMut(Range<usize>)) {
    let key_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    for m in KEY_RE.find_iter(text) {
        if !char_before(text, m.start()).is_some_and(key_char) && !placeholder_secret(m.as_str()) {
            push(m.range());
        }
    }
    for m in PRIVATE_KEY_RE.find_iter(text) {
        if let Some(range) = private_key_block(text, m.start(), m.end()) {
            push(range);
        }
    }
    for m in TOKEN_RE.find_iter(text) {
        if generic_secret(text, m.range()) {
            push(m.range());
        }
    }
}

/// A PEM private key: the header with at least 40 base64 characters of body, up to its END
/// line when there is one. A bare header in an explanation is not a key.
fn private_key_block(text: &str, start: usize, header_end: usize) -> Option<Range<usize>> {
    let rest = &text[header_end..];
    let (body, end) = match rest.find("-----END ") {
        Some(at) => {
            let close = rest[at + 9..].find("-----").map_or(rest.len(), |c| at + 9 + c + 5);
            (&rest[..at], header_end + close)
        }
        None => {
            let run = rest.find(|c: char| !(c.is_ascii_alphanumeric() || "+/=".contains(c) || c.is_whitespace())).unwrap_or(rest.len());
            let body = &rest[..run];
            (body, header_end + body.trim_end().len())
        }
    };
    let base64 = body.chars().filter(|c| c.is_ascii_alphanumeric() || "+/=".contains(*c)).count();
    (base64 >= 40 && !placeholder_secret(body.trim())).then_some(start..end)
}

fn generic_secret(text: &str, range: Range<usize>) -> bool {
    let token = &text[range.clone()];
    let has_digit = token.chars().any(|c| c.is_ascii_digit());
    let has_letter = token.chars().any(|c| c.is_ascii_alphabetic());
    // Paths and URLs are long and varied too; they are not secrets.
    let path_like = token.contains("//") || char_before(text, range.start).is_some_and(|c| c == '/' || c == '.');
    if !has_digit || !has_letter || path_like || shannon_entropy(token) < MIN_TOKEN_ENTROPY || placeholder_secret(token) {
        return false;
    }
    // The key word must sit on the same line, shortly before the token.
    let window_start = floor_boundary(text, range.start.saturating_sub(40));
    let window = &text[window_start..range.start];
    let window = window.rsplit('\n').next().unwrap_or(window);
    KEY_WORD_RE.is_match(window)
}

// ---------------------------------------------------------------------------------------
// Date of birth

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let en = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
    let fr = "(?:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre)";
    let de = "(?:januar|jänner|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember)";
    let es = "(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)";
    alternation(&[
        r"\b\d{4}-\d{1,2}-\d{1,2}\b",
        r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b",
        &format!(r"(?i)\b{en}\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}\b"),
        &format!(r"(?i)\b\d{{1,2}}(?:st|nd|rd|th)?(?: of)? {en}\.?,? \d{{4}}\b"),
        &format!(r"(?i)\b\d{{1,2}}(?:er)? {fr} \d{{4}}\b"),
        &format!(r"(?i)\b\d{{1,2}}\.? {de} \d{{4}}\b"),
        &format!(r"(?i)\b\d{{1,2}} de {es} de \d{{4}}\b"),
    ])
});
static BIRTH_CUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)(?:\bborn\b|\bbirth\s?date\b|\bdate of birth\b|\bd\.?o\.?b\b|\bbirthday\b|\bb-day\b|\bnée? (?:le|en)\b|\bdate de naissance\b|\bgeboren\b|\bgeburtsdatum\b|\bgeburtstag\b|\bfecha de nacimiento\b|\bnacid[oa]\b|\bcumpleaños\b)",
    )
});

fn dates_of_birth(text: &str, push: &mut impl FnMut(Range<usize>)) {
    for m in DATE_RE.find_iter(text) {
        if !plausible_date(m.as_str()) {
            continue;
        }
        // "born on", "DOB:" within the same line just before the date.
        let window_start = floor_boundary(text, m.start().saturating_sub(48));
        let window = &text[window_start..m.start()];
        let window = window.rsplit('\n').next().unwrap_or(window);
        if BIRTH_CUE_RE.is_match(window) {
            push(m.range());
        }
    }
}

/// Numeric dates need a month 1–12 and a day 1–31 in some order and, with four digits, a year
/// 1900–2099. Named-month dates only need a day 1–31 and the year.
fn plausible_date(date: &str) -> bool {
    let numbers: Vec<u32> = date.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
    let year = |y: u32| y < 100 || (1900..=2099).contains(&y);
    let day = |d: u32| (1..=31).contains(&d);
    let month = |m: u32| (1..=12).contains(&m);
    if date.chars().any(char::is_alphabetic) {
        return matches!(numbers.as_slice(), [d, y] if day(*d) && year(*y));
    }
    match numbers.as_slice() {
        [y, m, d] if *y >= 1000 => year(*y) && month(*m) && day(*d),
        [a, b, y] => year(*y) && ((month(*a) && day(*b)) || (day(*a) && month(*b))),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// Street address

static ADDRESS_RE: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"(?:[A-Z][A-Za-z'-]*|\d{1,3}(?:st|nd|rd|th))";
    // Abbreviations may take a full stop; full words may not (it ends the sentence).
    let suffix = r"(?:(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Place|Terrace|Way|Circle|Parkway|Highway|Square|Trail|Alley|Crescent|Close|Row|Plaza|Loop)\b|(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Cir|Pkwy|Hwy|Sq|Trl)\b\.?)";
    alternation(&[
        // US/UK: "1600 Pennsylvania Ave NW, Washington, DC 20500", "10 Downing Street".
        &format!(
            r"\b\d{{1,6}}[A-Za-z]?(?: (?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?)? (?:{word} ){{1,4}}{suffix}(?: (?:NE|NW|SE|SW|N|S|E|W)\b)?(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|#)\.? ?[A-Za-z0-9-]+)?(?:, [A-Z][a-z]+(?: [A-Z][a-z]+){{0,2}})?(?:,? [A-Z]{{2}}\b)?(?: \d{{5}}(?:-\d{{4}})?\b)?"
        ),
        // German: "Hauptstraße 5, 10115 Berlin".
        r"\b[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer) \d{1,4}[a-z]?\b(?:, \d{5} [A-ZÄÖÜ][a-zäöüß]+)?",
        // French: "12 rue de Rivoli, 75001 Paris".
        r"\b\d{1,4}(?: ?(?:bis|ter))?,? (?:rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai|route|cours) (?:de la |de l'|du |des |de |d')?\p{Lu}[\w'-]+(?: \p{Lu}[\w'-]+)*(?:, \d{5} \p{Lu}[\w'-]+(?: \p{Lu}[\w'-]+)*)?",
        // Spanish: "Calle de Alcalá 42", "Calle Mayor, 5".
        r"\b(?:Calle|Avenida|Avda\.|Plaza|Paseo|Camino|Carrera|Carretera) (?:de (?:la |los |las )?|del )?\p{Lu}\w+(?: \p{Lu}\w+)*,? (?:n[º°o]\.? ?)?\d{1,4}\b",
    ])
});

fn street_addresses(text: &str, push: &mut impl FnMut(Range<usize>)) {
    for m in ADDRESS_RE.find_iter(text) {
        let range = m.start()..m.start() + m.as_str().trim_end_matches([',', ' ']).len();
        push(range);
    }
}

// ---------------------------------------------------------------------------------------
// Person name

const NAME_WORD: &str = r"(?:Mc|Mac|O')?\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?";

static HONORIFIC_RE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(r"\b(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Sir|Dame|Mme|Mlle|Herr|Frau|Sra?|Srta)\.? ({NAME_WORD})(?: ({NAME_WORD}))?\b"))
});
static INTRO_RE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i:\b(?:my name is|my name's|i am called|call me|full name\s*:|name\s*:|je m'appelle|je m’appelle|mon nom est|ich heiße|ich heisse|mein name ist|me llamo|mi nombre es))\s+({NAME_WORD}(?: {NAME_WORD}){{0,2}})\b"
    ))
});
static CAPITALIZED_RE: LazyLock<Regex> = LazyLock::new(|| pattern(&format!(r"\b{NAME_WORD}\b")));

fn person_names(text: &str, push: &mut impl FnMut(Range<usize>)) {
    for caps in HONORIFIC_RE.captures_iter(text) {
        let (Some(whole), Some(first)) = (caps.get(0), caps.get(1)) else { continue };
        if NOT_SURNAME.contains(first.as_str()) {
            continue;
        }
        let end = match caps.get(2) {
            Some(second) if !NOT_SURNAME.contains(second.as_str()) => second.end(),
            _ => first.end(),
        };
        push(whole.start()..end);
    }
    for caps in INTRO_RE.captures_iter(text) {
        let Some(name) = caps.get(1) else { continue };
        // Keep the words up to the first that is not a name ("Name: Sarah Connor Street").
        let mut end = name.start();
        for word in CAPITALIZED_RE.find_iter(name.as_str()) {
            if NOT_SURNAME.contains(word.as_str()) {
                break;
            }
            end = name.start() + word.end();
        }
        if end > name.start() {
            push(name.start()..end);
        }
    }
    given_name_pairs(text, push);
}

/// A known given name followed by one or two capitalized words that are not place or
/// organisation words: "Sarah Connor", "Mary Jane Watson". "New York" and "United States"
/// never start with a given name, and a lone capitalized sentence start is one word.
fn given_name_pairs(text: &str, push: &mut impl FnMut(Range<usize>)) {
    let words: Vec<regex::Match<'_>> = CAPITALIZED_RE.find_iter(text).collect();
    let adjacent = |a: &regex::Match<'_>, b: &regex::Match<'_>| text.get(a.end()..b.start()) == Some(" ");
    let mut i = 0;
    while i + 1 < words.len() {
        let (first, second) = (&words[i], &words[i + 1]);
        if !(GIVEN.contains(first.as_str()) && adjacent(first, second) && !NOT_SURNAME.contains(second.as_str())) {
            i += 1;
            continue;
        }
        let mut last = i + 1;
        if let Some(third) = words.get(i + 2)
            && adjacent(second, third)
            && !NOT_SURNAME.contains(third.as_str())
        {
            last = i + 2;
        }
        push(first.start()..words[last].end());
        i = last + 1;
    }
}
