//! One scanner per PII type that is matched on the ASCII-folded reply (person names are
//! found on the reply as written, see [`super::person`]). Each finds candidates with a regex
//! compiled once, then keeps those that pass the type's check and are not glued to a longer
//! number or word.

use std::net::Ipv6Addr;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::PiiType;
use super::checks::{
    all_same_digit, card_prefix_plausible, iban_length, iban_valid, luhn_valid, placeholder_email_domain, placeholder_email_local,
    ssn_valid,
};
use crate::cues::{ascii_alternation, ascii_pattern};
use crate::text::floor_boundary;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Candidate {
    pub ty: PiiType,
    pub range: Range<usize>,
}

/// What one pass over the reply's bytes tells the number scanners: whether there is a digit
/// or a colon at all, and the most digits in one stretch of digits and each type's
/// separators. A reply whose stretches are all shorter than a type's shortest match is spared
/// that type's patterns.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct DigitRuns {
    any_digit: bool,
    any_colon: bool,
    /// Digits with ` .-()+/` between them (phone numbers).
    phone: usize,
    /// Digits with ` -` between them (SSNs, card numbers).
    spaced: usize,
}

impl DigitRuns {
    pub fn of(text: &str) -> Self {
        let mut runs = Self::default();
        let (mut phone, mut spaced) = (0, 0);
        for b in text.bytes() {
            if b.is_ascii_digit() {
                runs.any_digit = true;
                phone += 1;
                spaced += 1;
                runs.phone = runs.phone.max(phone);
                runs.spaced = runs.spaced.max(spaced);
                continue;
            }
            runs.any_colon |= b == b':';
            if !matches!(b, b' ' | b'-') {
                spaced = 0;
            }
            if !matches!(b, b' ' | b'.' | b'-' | b'(' | b')' | b'+' | b'/') {
                phone = 0;
            }
        }
        runs
    }

    /// Whether the reply may hold a match of `ty` as far as its digits tell.
    pub fn may_hold(&self, ty: PiiType) -> bool {
        match ty {
            // Every pattern of these types has a digit in it.
            PiiType::Iban | PiiType::DateOfBirth | PiiType::StreetAddress => self.any_digit,
            // IPv6 may have only colons.
            PiiType::IpAddress => self.any_digit || self.any_colon,
            // The fewest digits each pattern can match within one stretch.
            PiiType::Phone => self.phone >= 8,
            PiiType::UsSsn => self.spaced >= 9,
            PiiType::CreditCard => self.spaced >= 13,
            PiiType::Email | PiiType::ApiKeyOrSecret | PiiType::PersonName => true,
        }
    }
}

/// Candidates of `ty` in `text` (the ASCII-folded reply); `digits` is [`DigitRuns::of`] it.
pub(super) fn scan(ty: PiiType, text: &str, digits: &DigitRuns, out: &mut Vec<Candidate>) {
    if !digits.may_hold(ty) {
        return;
    }
    let mut push = |range: Range<usize>| out.push(Candidate { ty, range });
    match ty {
        PiiType::Email => emails(text, &mut push),
        PiiType::Phone => phones(text, &mut push),
        PiiType::UsSsn => ssns(text, &mut push),
        PiiType::CreditCard => cards(text, &mut push),
        PiiType::Iban => ibans(text, &mut push),
        PiiType::IpAddress => ip_addresses(text, &mut push),
        PiiType::ApiKeyOrSecret => super::secrets::secrets(text, &mut push),
        PiiType::DateOfBirth => dates_of_birth(text, &mut push),
        PiiType::StreetAddress => super::address::street_addresses(text, &mut push),
        // Names are read on the unfolded reply, where capitals of every script survive.
        PiiType::PersonName => {}
    }
}

pub(super) fn char_before(text: &str, at: usize) -> Option<char> {
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

/// Whether a number at `range` is the tail of a longer run of digit groups ("DE89 3704 0044
/// 0532…", "1234 5678 9012"): a space and a digit right before it.
fn in_digit_groups(text: &str, range: &Range<usize>) -> bool {
    let (b1, b2) = two_chars_before(text, range.start);
    if b1 != Some(' ') {
        return false;
    }
    if b2.is_some_and(|c| c.is_ascii_digit()) {
        return true;
    }
    // A four-character group of capitals and digits before it: an IBAN or account number.
    let before = &text[..range.start - 1];
    let token = before.rsplit(' ').next().unwrap_or("");
    token.len() == 4 && token.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn digits_of(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

// ---------------------------------------------------------------------------------------
// Email

static EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})\b",
    )
});

/// The cheap test run first: an `[at]`, `(at)` or `{@}` somewhere.
static OBFUSCATED_AT_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"(?i)[\[(\{<] ?(?:at|@) ?[\])\}>]"));
static OBFUSCATED_DOT_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"(?i) ?[\[(\{<] ?(?:dot|\.) ?[\])\}>] ?"));

/// Addresses written to dodge scrapers: `priya.r [at] protonmail [dot] com`.
static OBFUSCATED_EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)\b[a-z0-9](?:[a-z0-9._%+-]{0,62}[a-z0-9_%+-])? ?[\[(\{<] ?(?:at|@) ?[\])\}>] ?((?:[a-z0-9-]{1,63} ?[\[(\{<] ?(?:dot|\.) ?[\])\}>] ?)+[a-z]{2,24})\b",
    )
});

fn emails(text: &str, push: &mut impl FnMut(Range<usize>)) {
    // No `@`, no plain address: the regex has no literal prefix to skip ahead with.
    for caps in EMAIL_RE.captures_iter(if text.contains('@') { text } else { "" }) {
        let (Some(whole), Some(domain)) = (caps.get(0), caps.get(1)) else { continue };
        // A masked local part (`j***n@…`) leaves the match starting after the mask.
        let masked = char_before(text, whole.start()).is_some_and(|c| c.is_alphanumeric() || "._%+-*@!#$&".contains(c));
        // `postgres://user:password@host` holds credentials, not an address.
        let token_start = text[..whole.start()].rfind(|c: char| c.is_whitespace() || "\"'`<(".contains(c)).map_or(0, |p| p + 1);
        let in_url = text[token_start..whole.start()].contains("://");
        let local = whole.as_str().split('@').next().unwrap_or("");
        if !masked && !in_url && !placeholder_email_domain(domain.as_str()) && !placeholder_email_local(local) {
            push(whole.range());
        }
    }
    if text.contains(['[', '(', '{', '<']) && OBFUSCATED_AT_RE.is_match(text) {
        for caps in OBFUSCATED_EMAIL_RE.captures_iter(text) {
            let (Some(whole), Some(domain)) = (caps.get(0), caps.get(1)) else { continue };
            let plain = OBFUSCATED_DOT_RE.replace_all(domain.as_str(), ".").to_ascii_lowercase();
            if !placeholder_email_domain(&plain) {
                push(whole.range());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Phone

/// North American numbers, separators required: `(415) 555-0132`, `415-555-0132`,
/// `415.555.0132`, `+1 415 555 0132`, `1-800-555-0199`. Bare ten-digit runs are too often
/// something else (ids, amounts) to call phones.
static US_PHONE_RE: LazyLock<Regex> =
    LazyLock::new(|| ascii_pattern(r"(?:\+1[ .-]?|\b1[ .-])?(?:\(\d{3}\)[ .-]?|\b\d{3}[ .-])\d{3}[ .-]\d{4}\b"));
/// International numbers with a `+` and a country code other than 1.
static INTL_PHONE_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"\+[2-9]\d{0,2}(?:[ .-]?\(?\d{1,5}\)?){1,7}"));

/// National numbers with a leading trunk 0 in groups: `07834 612905`, `0161 496 7321`,
/// `06 58 21 74 90`, `070-482 61 93`, `0171 4938826`.
static NATIONAL_PHONE_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"\b0\d{1,4}(?:[ .-]\d{2,8}){1,4}\b"));
/// Numbers without a trunk 0 (Spain, Poland, Italy mobiles): `612 48 93 07`, `601 284 937`.
static PLAIN_PHONE_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"\b[1-9]\d{1,3}(?:[ .-]\d{2,4}){2,4}\b"));
/// International numbers dialled with `00` instead of `+`: `0044 20 7946 0958`.
static DOUBLE_ZERO_PHONE_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"\b00[1-9]\d{0,2}(?:[ .-]?\(?\d{1,5}\)?){2,7}"));
/// An area code in brackets, then the subscriber number: `(11) 98765-4321`, `(02) 9876 5432`,
/// `(030) 1234567`.
static AREA_CODE_PHONE_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"\(0?\d{1,4}\)[ .-]?\d{2,5}(?:[ .-]?\d{2,5}){1,3}\b"));
/// `+16468293317`, `tel:+4930123456`: E.164 written without separators.
static COMPACT_E164_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"\+1\d{10}\b"));
/// Shapes that read as phone numbers without a cue: French pairs, UK mobiles and
/// geographic numbers.
static NATIONAL_SHAPE_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(r"^(?:0[1-9](?:[ .]\d{2}){4}|07\d{3} ?\d{6}|07\d{3} \d{3} \d{3}|0\d{3} \d{3} \d{4}|0\d{2} \d{4} \d{4}|0\d{4} \d{6})$")
});
/// A note right after a number that says it is a phone: `(mobile)`, `(cell)`, `ext. 14`.
static PHONE_CUE_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)^[\s,]*(?:\(?(?:mobile|mob|cell|cellphone|home|work|office|landline|fax|whatsapp|tel|phone|móvil|movil|portable|handy|mobil)\b|ext\.?\s*\d|x\d{1,5}\b)",
    )
});
/// An identifier label right before a number: "Order number 0123 4567 89", "Ref: 0612…".
static ID_CUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)\b(?:order|invoice|ticket|reference|ref|tracking|account|acct|policy|case|serial|confirmation|booking|transaction|shipment|consignment|parcel|voucher|coupon|card|passport|licen[cs]e|vat|tax|isbn|sku|part|model|batch|lot|customer|client|member|employee|student|patient)\b\.?(?:\s*(?:no\.?|number|nr\.?|#|id|code|ref))?\s*[:#]?\s*$",
    )
});
/// The North American 3-3-4 grouping with a leading 0: an invalid NANP number, not a
/// national one.
static NANP_LOOKALIKE_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"^0\d{2}[ .-]\d{3}[ .-]\d{4}$"));
/// Words that announce a phone number shortly before it, in several languages.
static PHONE_CUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)\b(?:tel|tél|tlf|tfn|ph|phone|phones|telephone|téléphone|telefon|telefone|teléfono|telefono|telefoon|puhelin|mobile|mob|móvil|movil|mobil|mobiel|handy|cell|cellphone|celular|cel|portable|portátil|gsm|whatsapp|signal|telegram|fax|call|calls|calling|ring|text|sms|dial|reach|contact|hotline|helpline|switchboard|extension|numéro|numero|número|numer|nummer|rufnummer|llámame|llamame|llamar|appelle|appeler|appelez|anrufen|ruf|chiama|chiamami|bel|ligue|ligar|zadzwoń|zadzwon|dzwoń|dzwon|ara|arayın|arayin)\b[^\n]{0,40}$",
    )
});

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
    for m in COMPACT_E164_RE.find_iter(text) {
        let national = &m.as_str()[2..];
        let bytes = national.as_bytes();
        if (b'2'..=b'9').contains(&bytes[0]) && (b'2'..=b'9').contains(&bytes[3]) && !glued_to_number(text, &m.range()) {
            push(m.range());
        }
    }
    for m in DOUBLE_ZERO_PHONE_RE.find_iter(text) {
        let digits = digits_of(m.as_str());
        if (10..=15).contains(&digits.len())
            && !all_same_digit(&digits)
            && !glued_to_number(text, &m.range())
            && !in_digit_groups(text, &m.range())
        {
            push(m.range());
        }
    }
    let cued = |range: &Range<usize>| {
        let window_start = floor_boundary(text, range.start.saturating_sub(60));
        PHONE_CUE_RE.is_match(&text[window_start..range.start]) || PHONE_CUE_AFTER_RE.is_match(&text[range.end..])
    };
    let identifier = |range: &Range<usize>| {
        let window_start = floor_boundary(text, range.start.saturating_sub(32));
        ID_CUE_RE.is_match(&text[window_start..range.start])
    };
    for m in AREA_CODE_PHONE_RE.find_iter(text) {
        let digits = digits_of(m.as_str());
        let before = char_before(text, m.start());
        let inside_number = before.is_some_and(|c| c.is_ascii_digit() || c == '+');
        // "(415) 555-0132" is North American: the NANP checks above decide it.
        let north_american = digits.len() == 10 && m.as_str().starts_with('(') && m.as_str().get(4..5) == Some(")");
        if north_american {
            continue;
        }
        if (9..=12).contains(&digits.len())
            && !all_same_digit(&digits)
            && !inside_number
            && !text[m.end()..].starts_with(char::is_alphanumeric)
        {
            push(m.range());
        }
    }
    for m in NATIONAL_PHONE_RE.find_iter(text) {
        let digits = digits_of(m.as_str());
        let plus = char_before(text, m.start()).is_some_and(|c| c == '+' || c == ')');
        let length_ok = (10..=11).contains(&digits.len()) || (digits.len() == 12 && cued(&m.range()));
        if plus || !length_ok || all_same_digit(&digits) || glued_to_number(text, &m.range()) || identifier(&m.range()) {
            continue;
        }
        // Three or more groups after a trunk 0 (`0412 345 678`, `090-1234-5678`) read as a
        // phone; two groups need a known shape or a cue.
        let groups = m.as_str().split([' ', '.', '-']).count();
        let shaped = groups >= 3 || NATIONAL_SHAPE_RE.is_match(m.as_str());
        if !in_digit_groups(text, &m.range()) && !NANP_LOOKALIKE_RE.is_match(m.as_str()) && (shaped || cued(&m.range())) {
            push(m.range());
        }
    }
    for m in PLAIN_PHONE_RE.find_iter(text) {
        let digits = digits_of(m.as_str());
        let before = char_before(text, m.start());
        let money =
            before.is_some_and(|c| "$€£¥+".contains(c)) || text[..m.start()].ends_with("EUR ") || text[..m.start()].ends_with("USD ");
        let clean = !all_same_digit(&digits) && !glued_to_number(text, &m.range()) && !in_digit_groups(text, &m.range());
        if (9..=11).contains(&digits.len()) && clean && !money && !identifier(&m.range()) && cued(&m.range()) {
            push(m.range());
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

static SSN_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"\b(\d{3})([- ])(\d{2})([- ])(\d{4})\b"));
/// Nine digits without separators count only right after an SSN label.
static SSN_LABELLED_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(r"(?i)\b(?:ssn|social security(?: number| no\.?)?|soc\.? sec\.?)\b[^0-9\n]{0,20}\b(\d{3})(\d{2})(\d{4})\b")
});

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
static CARD_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"\d(?:[ -]?\d){12,}"));

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
                    if !text[range.end..].starts_with(char::is_alphanumeric) && !test_card_context(text, &range) {
                        push(range);
                    }
                    first += taken;
                }
                None => first += 1,
            }
        }
    }
}

/// Cards said to be for testing ("use test card 4242…", "in sandbox mode"): documentation
/// numbers, not someone's card.
static TEST_CARD_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)\b(?:test(?:ing)? (?:card|number|mode|environment|pan)|sandbox|dummy|sample card|example card|fake card|placeholder|demo card|card for testing)\b",
    )
});

fn test_card_context(text: &str, range: &Range<usize>) -> bool {
    let start = floor_boundary(text, range.start.saturating_sub(48));
    let end = floor_boundary(text, (range.end + 48).min(text.len()));
    let line_start = text[..range.start].rfind('\n').map_or(0, |p| p + 1).max(start);
    let line_end = text[range.end..].find('\n').map_or(text.len(), |p| range.end + p).min(end);
    TEST_CARD_RE.is_match(&text[line_start..line_end])
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

static IBAN_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"\b([A-Z]{2})\d{2}(?: ?[A-Z0-9]){11,30}"));

fn ibans(text: &str, push: &mut impl FnMut(Range<usize>)) {
    // Two capitals then two digits open every IBAN: most replies have no such four bytes.
    let opens = text
        .as_bytes()
        .windows(4)
        .any(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase() && w[2].is_ascii_digit() && w[3].is_ascii_digit());
    if !opens {
        return;
    }
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

static IPV4_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"));
static IPV6_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}"));
/// "version 1.2.3.4", "Kernel 5.15.0.105", "section 10.0.0.1", "OID 2.5.4.3": dotted numbers
/// that name a version, a part of a document or an object, not a host.
static VERSION_CUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)\b(?:v|ver|vers|version|versions|versión|versao|release|releases|build|builds|rev|revision|kernel|firmware|fw|bios|patch|hotfix|update|sdk|api|jdk|python|java|php|ruby|ubuntu|debian|ios|android|windows|macos|chrome|firefox|edge|package|pkg|library|lib|module|plugin|driver|engine|edition|upgrade|upgraded|downgrade|downgraded|installed|install|tag|section|sections|sect|sec|clause|clauses|article|art|chapter|ch|paragraph|para|par|table|figure|fig|step|steps|rule|item|appendix|annex|requirement|req|control|controls|standard|spec|specification|rfc|iso|isbn|oid|oids|mib|arc|snmp|schema|model|part|claim|verse|exhibit|abschnitt|kapitel|artikel|apartado|capitulo|capítulo|articulo|artículo|seccion|sección)\.?\s*(?:[:#]\s*)?(?:(?:is|was|to|of|no\.?|nr\.?|number|from|at|object|objects|identifier|id|arc|node|string|value|code|the|a|an|now|currently|still|latest|new|old|stable|lts|series|level)\s+){0,3}$",
    )
});
/// What follows a dotted number that names a part of a document or a release:
/// "10.0.0.1 of the spec", "1.2.3.4 release notes".
static VERSION_CUE_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)^\s*(?:(?:of|in) (?:the |this |that )?(?:spec|specification|standard|rfc|document|manual|guide|handbook|policy|contract|agreement|report|regulation|act|code|framework|protocol|draft)\b|(?:release|version|update|patch|build|firmware|edition|changelog|release notes)\b)",
    )
});
/// Example or default addresses in instructions: "e.g. 192.168.1.1", "the default gateway".
static EXAMPLE_CUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)\b(?:e\.g\.|eg|for example|for instance|such as|like|default|defaults|usually|typically|commonly|often|placeholder|example|sample)\b[^\n]{0,30}$",
    )
});
static EXAMPLE_AFTER_RE: LazyLock<Regex> =
    LazyLock::new(|| ascii_pattern(r"(?i)^\s*[(,-]?\s*(?:by default|default|e\.g\.|for example|example|typically|usually)\b"));
/// Words that make a dotted quad a subnet mask or a wildcard, not an address.
static MASK_CUE_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"(?i)\b(?:mask|netmask|subnet|wildcard)\b[^\n]{0,16}$"));

fn ip_addresses(text: &str, push: &mut impl FnMut(Range<usize>)) {
    // A digit, a dot and a digit for IPv4, two colons for IPv6: cheap passes that spare most
    // replies the patterns.
    let bytes = text.as_bytes();
    let dotted = bytes.windows(3).any(|w| w[1] == b'.' && w[0].is_ascii_digit() && w[2].is_ascii_digit());
    for m in IPV4_RE.find_iter(if dotted { text } else { "" }) {
        let octets: Vec<&str> = m.as_str().split('.').collect();
        let in_range = octets.iter().all(|o| o.parse::<u16>().is_ok_and(|n| n <= 255) && !(o.len() > 1 && o.starts_with('0')));
        let prefix_start = floor_boundary(text, m.start().saturating_sub(40));
        let prefix = &text[prefix_start..m.start()];
        let after = &text[m.end()..];
        let versioned =
            VERSION_CUE_RE.is_match(prefix) || VERSION_CUE_AFTER_RE.is_match(after) || version_suffix(after) || prefix.ends_with("==");
        let mask = netmask(&octets) || MASK_CUE_RE.is_match(prefix);
        let example = private_ipv4(&octets) && (EXAMPLE_CUE_RE.is_match(prefix) || EXAMPLE_AFTER_RE.is_match(after));
        if in_range && !versioned && !mask && !example && !glued_to_number(text, &m.range()) && !reserved_ipv4(&octets) {
            push(m.range());
        }
    }
    let colons = bytes.iter().filter(|b| **b == b':').count();
    for m in IPV6_RE.find_iter(if colons >= 2 { text } else { "" }) {
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

/// A contiguous run of one bits (`255.255.255.0`, `255.255.240.0`): a subnet mask.
fn netmask(octets: &[&str]) -> bool {
    let Ok(bytes) = octets.iter().map(|o| o.parse::<u8>()).collect::<Result<Vec<u8>, _>>() else { return false };
    let Ok(four) = <[u8; 4]>::try_from(bytes.as_slice()) else { return false };
    let value = u32::from_be_bytes(four);
    value != 0 && value.leading_ones() + value.trailing_zeros() == 32 && four[0] == 255
}

/// RFC 1918 private ranges: 10/8, 172.16/12, 192.168/16.
fn private_ipv4(octets: &[&str]) -> bool {
    let second = octets.get(1).and_then(|o| o.parse::<u8>().ok()).unwrap_or(0);
    matches!(octets.first(), Some(&"10"))
        || (octets.first() == Some(&"172") && (16..=31).contains(&second))
        || (octets.first() == Some(&"192") && second == 168)
}

/// `1.2.3.4-beta`, `5.15.0.105-generic`, `10.0.0.1 (build 7)`: a version's tail.
fn version_suffix(after: &str) -> bool {
    let mut chars = after.chars();
    matches!(chars.next(), Some('-' | '+' | '~')) && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
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

// ---------------------------------------------------------------------------------------
// Date of birth

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let en = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
    let fr = "(?:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre)";
    let de = "(?:januar|jänner|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember)";
    let es = "(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)";
    let nl = "(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)";
    let it = "(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre)";
    let pt = "(?:janeiro|fevereiro|março|marco|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro)";
    let short = "(?:jan|feb|fev|fév|mar|apr|avr|abr|may|mai|jun|juin|jul|juil|aug|aou|aoû|ago|sep|set|oct|out|okt|nov|dec|dez|dic|déc)";
    ascii_alternation(&[
        r"\b\d{4}-\d{1,2}-\d{1,2}\b",
        r"\b\d{4}[/.]\d{1,2}[/.]\d{1,2}\b",
        r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b",
        &format!(r"(?i)\b{en}\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}\b"),
        &format!(r"(?i)\b\d{{1,2}}(?:st|nd|rd|th)?(?: of)? {en}\.?,? \d{{4}}\b"),
        &format!(r"(?i)\b\d{{1,2}}(?:er)? {fr} \d{{4}}\b"),
        &format!(r"(?i)\b\d{{1,2}}\.? {de} \d{{4}}\b"),
        &format!(r"(?i)\b\d{{1,2}} de {es} de \d{{4}}\b"),
        &format!(r"(?i)\b\d{{1,2}} (?:{nl}|{it}) \d{{4}}\b"),
        &format!(r"(?i)\b\d{{1,2}} de {pt} de \d{{4}}\b"),
        // Passports and forms: "08 JUL/JUIL 91", "14 MAR 1987", "3-Mar-1990".
        &format!(r"(?i)\b\d{{1,2}}[ -]{short}(?:/{short})?[ -](?:\d{{4}}|\d{{2}})\b"),
    ])
});
static BIRTH_CUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)(?:\bborn\b|\bbirth[\s_-]?date\b|\bdate[\s_-]of[\s_-]birth\b|\bd\.?o\.?b\b|(?:^|[^a-z])dob(?:[^a-z]|$)|\bbirthday\b|\bb-day\b|\bnée? (?:le|en)\b|\bnée?\s*:|\bdate de naissance\b|\bné(?:e)? à\b|\bgeboren\b|\bgeb\.|\bgeburtsdatum\b|\bgeburtstag\b|\bfecha de nacimiento\b|\bf\.? ?(?:de )?nac\.|\bnacid[oa]\b|\bnaci[óo]\b|\bcumpleaños\b|\bdata di nascita\b|\bnat[oa] (?:il|a)\b|\bdata de nascimento\b|\bnascid[oa]\b|\bnasceu\b|\bgeboortedatum\b|\bgeboren op\b|\bf(?:ö|o)dd\b|\bf(?:ø|o)dt\b|\bf(?:ø|o)dselsdato\b|\bdata urodzenia\b|\burodzon[ya]\b|\bdo(?:ğ|g)um tarihi\b|\bsyntynyt\b)",
    )
});
/// A format hint or an example rather than someone's date: "DOB (e.g. 01/31/1990)",
/// "date of birth in the format DD/MM/YYYY".
static DATE_EXAMPLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)(?:\be\.g\.|\beg\b|\bi\.e\.|for example|for instance|such as|\bexample\b|\bformat\b|\bplaceholder\b|\bsample\b|dd[/.-]mm|mm[/.-]dd|yyyy)",
    )
});
/// A birthday that is an event, not a date of birth.
static BIRTHDAY_EVENT_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)^birthday\b.*\b(?:party|parties|celebration|celebrate|dinner|lunch|bash|event|sale|cake|gift|present|card|drinks|is on|falls on|will be)\b",
    )
});
/// "our 10th birthday", "the company's fifth birthday": an anniversary.
static ORDINAL_BIRTHDAY_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|twentieth|hundredth|company's|our)\s*$",
    )
});
/// The birth cue written after the date: "1985-07-14 (DOB)", "12/03/1990 (date of birth)".
static BIRTH_CUE_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)^\s*[(\[-]?\s*(?:dob|d\.o\.b\.?|date of birth|birth ?date|birthday|born|geburtsdatum|date de naissance|fecha de nacimiento)\b",
    )
});
/// "born in March 1990", "né en mars 1990": a month and a year after a birth word.
static BORN_MONTH_YEAR_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)\b(?:born|née?|nacid[oa]|naci[óo]|geboren) (?:in|en|im|on) ((?:jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|januar|februar|märz|juni|juli|oktober|dezember),? (?:de )?(?:19|20)\d{2})\b",
    )
});
/// `b. 1961-07-22`: the abbreviation right before the date.
static BORN_ABBREVIATION_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"(?:^|[\s(,;])b\.\s*$"));

fn dates_of_birth(text: &str, push: &mut impl FnMut(Range<usize>)) {
    for m in DATE_RE.find_iter(text) {
        if !plausible_date(m.as_str()) {
            continue;
        }
        // "born on", "DOB:" within the same line just before the date, or "(DOB)" after it.
        let window_start = floor_boundary(text, m.start().saturating_sub(64));
        let window = &text[window_start..m.start()];
        let window = window.rsplit('\n').next().unwrap_or(window);
        let cue_before = BIRTH_CUE_RE.find_iter(window).last();
        let after = &text[m.end()..floor_boundary(text, (m.end() + 32).min(text.len()))];
        let cued = match cue_before {
            // The text between the cue and the date must not turn it into a format hint or
            // an event ("birthday party on …", "our 10th birthday").
            Some(cue) => {
                let between = &window[cue.start()..];
                let before_cue = &window[..cue.start()];
                !DATE_EXAMPLE_RE.is_match(between) && !BIRTHDAY_EVENT_RE.is_match(between) && !ORDINAL_BIRTHDAY_RE.is_match(before_cue)
            }
            None => BORN_ABBREVIATION_RE.is_match(window) || BIRTH_CUE_AFTER_RE.is_match(after),
        };
        if cued && !DATE_EXAMPLE_RE.is_match(after.split(['.', '\n']).next().unwrap_or("")) {
            push(m.range());
        }
    }
    for caps in BORN_MONTH_YEAR_RE.captures_iter(text) {
        if let Some(date) = caps.get(1) {
            push(date.range());
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
