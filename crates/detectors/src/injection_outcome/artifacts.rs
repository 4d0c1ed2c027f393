//! The concrete things an injection plants for the reply to carry: links and domains, email
//! addresses, phone numbers, IBANs, crypto wallets, account numbers. Each is read from the
//! injected text once and then looked for in the reply in a form that survives rewriting
//! (`https://` dropped, spaces in an IBAN or a phone number ignored, case ignored).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::cues::pattern;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Link,
    Email,
    Phone,
    Payment,
}

impl Kind {
    pub fn finding(self) -> &'static str {
        match self {
            Kind::Link => "INJECTED_LINK",
            Kind::Email => "INJECTED_EMAIL",
            Kind::Phone => "INJECTED_PHONE",
            Kind::Payment => "INJECTED_PAYMENT_DETAILS",
        }
    }

    pub fn what(self) -> &'static str {
        match self {
            Kind::Link => "link",
            Kind::Email => "email address",
            Kind::Phone => "phone number",
            Kind::Payment => "payment details",
        }
    }
}

/// One planted artifact, as looked for: `key` is matched against the same normalisation of
/// the reply (lowercase host for links, lowercase address for emails, digits and capitals
/// only for phone numbers, IBANs and account numbers, the address itself for wallets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Artifact {
    pub kind: Kind,
    pub key: String,
    /// Matched on the reply's letters and digits only (phones, IBANs, account numbers).
    pub compact: bool,
}

static URL_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r#"(?i)\bhttps?://([a-z0-9.-]+)[^\s<>()\[\]"'`]*"#));
/// A bare host name: labels and a top-level domain of letters (`evil.example`, `pay-me.io`).
static HOST_RE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24}))\b(?:[^@a-z0-9-]|$)"));
static EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b"));
static PHONE_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?:\+\d{1,3}[\s.-]?)?\(?\d{2,4}\)?(?:[\s.-]?\d{2,4}){2,4}"));
static IBAN_RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b"));
static WALLET_RE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\b(?:bc1[a-z0-9]{20,70}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|0x[a-fA-F0-9]{40}|T[1-9A-HJ-NP-Za-km-z]{33})\b"));
static ACCOUNT_RE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b(?:account|acct|sort code|routing)(?: number| no\.?)?[:\s#]*(\d[\d -]{4,}\d)"));

/// File names look like hosts (`parse.rs`, `report.pdf`): not links.
const FILE_EXTENSIONS: &[&str] = &[
    "rs", "py", "js", "ts", "md", "txt", "pdf", "png", "jpg", "jpeg", "gif", "svg", "html", "htm", "json", "toml", "yaml", "yml", "csv",
    "exe", "zip", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "sh", "go", "java", "rb", "php", "css", "xml", "log", "ini", "cfg",
];

/// The host of a link or bare domain, as compared: lowercase, without `www.`.
fn host_key(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host.strip_prefix("www.").map(str::to_owned).unwrap_or(host)
}

/// Letters and digits only, uppercase: how phone numbers, IBANs and account numbers compare.
pub(super) fn compact(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// Every artifact planted in `text`, without repeats.
pub(super) fn planted(text: &str) -> Vec<Artifact> {
    let mut found: Vec<Artifact> = Vec::new();
    let push = |found: &mut Vec<Artifact>, artifact: Artifact| {
        if !artifact.key.is_empty() && !found.contains(&artifact) {
            found.push(artifact);
        }
    };
    let emails: Vec<Range<usize>> = EMAIL_RE.find_iter(text).map(|m| m.range()).collect();
    for m in EMAIL_RE.find_iter(text) {
        push(&mut found, Artifact { kind: Kind::Email, key: m.as_str().to_ascii_lowercase(), compact: false });
    }
    for caps in URL_RE.captures_iter(text) {
        if let Some(host) = caps.get(1) {
            push(&mut found, Artifact { kind: Kind::Link, key: host_key(host.as_str()), compact: false });
        }
    }
    for caps in HOST_RE.captures_iter(text) {
        let (Some(host), Some(tld)) = (caps.get(1), caps.get(2)) else { continue };
        let inside_email = emails.iter().any(|e| e.start <= host.start() && host.end() <= e.end);
        if inside_email || FILE_EXTENSIONS.contains(&tld.as_str().to_ascii_lowercase().as_str()) {
            continue;
        }
        push(&mut found, Artifact { kind: Kind::Link, key: host_key(host.as_str()), compact: false });
    }
    for m in WALLET_RE.find_iter(text) {
        push(&mut found, Artifact { kind: Kind::Payment, key: m.as_str().to_ascii_lowercase(), compact: false });
    }
    for m in IBAN_RE.find_iter(text) {
        push(&mut found, Artifact { kind: Kind::Payment, key: compact(m.as_str()), compact: true });
    }
    for caps in ACCOUNT_RE.captures_iter(text) {
        if let Some(number) = caps.get(1) {
            push(&mut found, Artifact { kind: Kind::Payment, key: compact(number.as_str()), compact: true });
        }
    }
    for m in PHONE_RE.find_iter(text) {
        let digits = compact(m.as_str());
        // Nine digits or more: a phone number, not a price, a date or a time.
        if digits.len() >= 9 && digits.chars().all(|c| c.is_ascii_digit()) && !found.iter().any(|a| a.key.contains(&digits)) {
            push(&mut found, Artifact { kind: Kind::Phone, key: digits, compact: true });
        }
    }
    found
}

/// Email addresses (lowercase) and phone numbers (digits only) in `text`, for replies that
/// list other people's contact details.
pub(super) fn contacts(text: &str) -> Vec<(Range<usize>, String)> {
    let mut found: Vec<(Range<usize>, String)> = EMAIL_RE.find_iter(text).map(|m| (m.range(), m.as_str().to_ascii_lowercase())).collect();
    for m in PHONE_RE.find_iter(text) {
        let digits = compact(m.as_str());
        if digits.len() >= 9 && !found.iter().any(|(range, _)| range.start <= m.start() && m.end() <= range.end) {
            found.push((m.range(), digits));
        }
    }
    found
}

/// The reply, searchable for artifacts: its lowercase text, and its letters and digits only
/// (uppercase) with the byte offset in the lowercase text of each.
pub(super) struct Haystack<'a> {
    lower: &'a str,
    compact: String,
    origin: Vec<usize>,
}

impl<'a> Haystack<'a> {
    pub fn new(lower: &'a str) -> Self {
        let mut compact = String::new();
        let mut origin = Vec::new();
        for (at, c) in lower.char_indices().filter(|(_, c)| c.is_ascii_alphanumeric()) {
            compact.push(c.to_ascii_uppercase());
            origin.push(at);
        }
        Self { lower, compact, origin }
    }

    /// Byte ranges of the lowercase reply where `artifact` appears.
    pub fn find(&self, artifact: &Artifact) -> Vec<Range<usize>> {
        if artifact.compact {
            return self
                .compact
                .match_indices(&artifact.key)
                .filter_map(|(at, found)| {
                    let start = *self.origin.get(at)?;
                    let last = *self.origin.get(at + found.len() - 1)?;
                    Some(start..last + 1)
                })
                .collect();
        }
        let key = artifact.key.to_ascii_lowercase();
        self.lower
            .match_indices(&key)
            .map(|(at, found)| at..at + found.len())
            .filter(|range| {
                // A match must stand alone: `evil.example` is not in `notevil.examples`.
                let before = self.lower[..range.start].chars().next_back();
                let after = self.lower[range.end..].chars().next();
                let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
                // (A subdomain of a planted host is the same attacker's: it counts.)
                !glued(before) && !glued(after)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(Kind, String)> {
        planted(text).into_iter().map(|a| (a.kind, a.key)).collect()
    }

    #[test]
    fn planted_artifacts_are_read_in_a_comparable_form() {
        assert_eq!(keys("verify at https://www.Evil-Site.example/login?ref=ai now"), [(Kind::Link, "evil-site.example".to_owned())]);
        assert_eq!(keys("pay to IBAN: GB19 REVO 0039 1018 7291 74."), [(Kind::Payment, "GB19REVO00391018729174".to_owned())]);
        assert_eq!(keys("call +1-888-909 9150 to claim it"), [(Kind::Phone, "18889099150".to_owned())]);
        assert_eq!(keys("tips go to payments.centre28@gmail.com."), [(Kind::Email, "payments.centre28@gmail.com".to_owned())]);
        assert_eq!(
            keys("donations go to bc1qwx6gd4jw9qvfw3xafcnhk5mxrt85drvll9473j."),
            [(Kind::Payment, "bc1qwx6gd4jw9qvfw3xafcnhk5mxrt85drvll9473j".to_owned())]
        );
        assert_eq!(keys("wire the deposit to account 55-0192-88"), [(Kind::Payment, "55019288".to_owned())]);
        assert!(keys("see config/parse.rs and the 2024-03-01 report, £12/month").is_empty());
    }

    #[test]
    fn artifacts_are_found_however_the_reply_spaces_them() {
        let reply = "use iban gb19revo 0039 1018 7291 74 or visit evil-site.example/x (not notevil-site.examples)";
        let haystack = Haystack::new(reply);
        let iban = &planted("GB19 REVO 0039 1018 7291 74")[0];
        assert_eq!(haystack.find(iban).len(), 1);
        let link = &planted("https://evil-site.example")[0];
        assert_eq!(haystack.find(link).first(), Some(&(45..62)));
    }
}
