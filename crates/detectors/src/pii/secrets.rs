//! API keys and secrets: tokens with a vendor prefix, PEM private-key blocks, high-entropy
//! tokens next to a key word, passwords after a password label, and the password part of
//! URLs with credentials. Placeholders (`sk-xxxx`, `<your-key>`, `****`, `${VAR}`) are left
//! out.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::checks::placeholder_secret;
use super::scan::char_before;
use crate::cues::{ascii_alternation, ascii_pattern};
use crate::text::floor_boundary;
use crate::text::shannon_entropy;

/// Keys with a vendor prefix: OpenAI, Anthropic, Stripe, AWS, GitHub, Slack, Google, GitLab,
/// npm, PyPI, Hugging Face, Shopify, SendGrid, Square, DigitalOcean, Mailgun, Twilio, Notion,
/// Groq, Replicate, Databricks, Atlassian, Tailscale, and JWTs.
static KEY_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"sk-ant-[A-Za-z0-9_-]{20,}",
        r"sk-(?:proj-|svcacct-|admin-|or-v1-)?[A-Za-z0-9_-]{20,}",
        r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
        r"whsec_[A-Za-z0-9]{24,}",
        r"(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b",
        r"gh[pousr]_[A-Za-z0-9]{30,}",
        r"github_pat_[A-Za-z0-9_]{22,}",
        r"xox[bpasre]-[A-Za-z0-9-]{10,}",
        r"xapp-\d-[A-Za-z0-9-]{20,}",
        r"AIza[0-9A-Za-z_-]{35}",
        r"ya29\.[0-9A-Za-z_-]{20,}",
        r"gl(?:pat|rt|dt|ptt)-[A-Za-z0-9_-]{20,}",
        r"npm_[A-Za-z0-9]{36}\b",
        r"pypi-AgE[A-Za-z0-9_-]{40,}",
        r"hf_[A-Za-z0-9]{30,}",
        r"shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b",
        r"SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{20,}",
        r"sq0(?:atp|csp)-[A-Za-z0-9_-]{22,}",
        r"dop_v1_[a-f0-9]{64}\b",
        r"key-[0-9a-f]{32}\b",
        r"SK[0-9a-f]{32}\b",
        r"(?:secret|ntn)_[A-Za-z0-9]{40,}",
        r"gsk_[A-Za-z0-9]{40,}",
        r"r8_[A-Za-z0-9]{30,}",
        r"dapi[a-f0-9]{32}\b",
        r"ATATT3x[A-Za-z0-9_=-]{30,}",
        r"tskey-(?:auth|api|client)-[A-Za-z0-9-]{20,}",
        r"lin_api_[A-Za-z0-9]{30,}",
        r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*",
    ])
});
static PRIVATE_KEY_RE: LazyLock<Regex> = LazyLock::new(|| ascii_pattern(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"));
/// The shortest generic token read as a possible secret (see [`long_tokens`]).
const MIN_TOKEN_LEN: usize = 20;
static KEY_WORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r"(?i)(?:api[_ -]?key|apikey|access[_ -]?key|secret|token|password|passwd|pwd|credential|auth|bearer|private[_ -]?key|client[_ -]?secret|(?:account|shared ?access|signing|encryption|master|session|app|consumer|license|licence)[_ -]?key)",
    )
});
/// A password label and its value: `password: X`, `DB_PASSWORD=X`, `"smtp_password": "X"`,
/// `the password is X`, in several languages.
static PASSWORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(
        r#"(?i)(?:^|[^A-Za-z])[A-Za-z_]*(?:password|passwd|passwort|passphrase|passcode|pwd|mot de passe|mdp|contrase(?:n|ñ)a|clave|kennwort|wachtwoord|senha|l(?:o|ö)senord|passord|adgangskode|salasana|has(?:l|ł)o|sifre|şifre|parola|wifi key|wi-fi key|wpa key)[A-Za-z_]*["'`]?\s*(?:[:=]|=>|:=|\bis\b|\bwas\b|\best\b|\bes\b|\bist\b)\s*["'`]?([^\s"'`,;]{6,64})"#,
    )
});
/// `scheme://user:password@host`.
static URL_CREDENTIALS_RE: LazyLock<Regex> =
    LazyLock::new(|| ascii_pattern(r"\b[a-z][a-z0-9+.-]{1,15}://[^\s:/@]{1,64}:([^\s@/]{4,128})@[A-Za-z0-9.-]+"));
/// Bits per character a generic token needs to look random (a 20-character base62 secret
/// scores about 4; English words about 3).
const MIN_TOKEN_ENTROPY: f64 = 3.5;

pub(super) fn secrets(text: &str, push: &mut impl FnMut(Range<usize>)) {
    let key_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    // `sk-proj-8fK2...Lq9`: a key shown with its middle cut out is masked.
    let cut_after = |end: usize| ["...", "***", "\u{2026}"].iter().any(|mark| text[end..].starts_with(mark));
    // Every key pattern spells a run of key characters of at least MIN_KEY_LEN: searching
    // only such runs spares the prefilter the "sk", "gh", "hf" of ordinary words.
    for run in key_runs(text) {
        for m in KEY_RE.find_iter(&text[run.clone()]) {
            let range = run.start + m.start()..run.start + m.end();
            if !char_before(text, range.start).is_some_and(key_char) && !placeholder_secret(m.as_str()) && !cut_after(range.end) {
                push(range);
            }
        }
    }
    // Cheap substring gates spare most replies the patterns below that have no literal to
    // skip ahead with.
    let private_keys = if text.contains("PRIVATE KEY") { text } else { "" };
    for m in PRIVATE_KEY_RE.find_iter(private_keys) {
        if let Some(range) = private_key_block(text, m.start(), m.end()) {
            push(range);
        }
    }
    for token in long_tokens(text) {
        // `AccountKey=…`, `token=…`: the label and the value were read as one token.
        let range = match text[token.clone()].split_once('=') {
            Some((label, value))
                if !value.is_empty() && !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                token.start + label.len() + 1..token.end
            }
            _ => token,
        };
        if generic_secret(text, range.clone()) && !cut_after(range.end) {
            push(range);
        }
    }
    let passwords = if mentions_password(text) { text } else { "" };
    for caps in PASSWORD_RE.captures_iter(passwords) {
        let Some(value) = caps.get(1) else { continue };
        let prose = caps.get(0).is_some_and(|whole| {
            let lower = whole.as_str().to_ascii_lowercase();
            [" is ", " was ", " est ", " es ", " ist "].iter().any(|w| lower.contains(w))
        });
        let value_text = value.as_str().trim_end_matches(['.', ')', ']', '}', '!', '?']);
        if password_like(value_text, prose) {
            push(value.start()..value.start() + value_text.len());
        }
    }
    let urls = if text.contains("://") { text } else { "" };
    for caps in URL_CREDENTIALS_RE.captures_iter(urls) {
        let Some(password) = caps.get(1) else { continue };
        if !password_placeholder(password.as_str()) && !placeholder_secret(password.as_str()) {
            push(password.range());
        }
    }
}

/// The shortest match of [`KEY_RE`] (`xoxb-` and ten characters).
const MIN_KEY_LEN: usize = 15;

/// Maximal runs of the characters [`KEY_RE`]'s patterns are made of (`[A-Za-z0-9_.=-]`) of
/// [`MIN_KEY_LEN`] or more: every match lies inside one, and the characters around a run
/// are not word characters, so `\b` reads the same in the run as in the whole text.
fn key_runs(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let key_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'=' | b'-');
    byte_runs(text, key_byte, key_byte, MIN_KEY_LEN)
}

/// Maximal runs of `text` that open with a byte `opens` accepts and go on with bytes
/// `continues` accepts, of `min_len` bytes or more, in order: one pass over the bytes.
/// Generic over the byte tests so each caller's tests are inlined into the loop.
fn byte_runs<'a>(
    text: &'a str,
    opens: impl Fn(u8) -> bool + 'a,
    continues: impl Fn(u8) -> bool + 'a,
    min_len: usize,
) -> impl Iterator<Item = Range<usize>> + 'a {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            if !opens(bytes[at]) {
                at += 1;
                continue;
            }
            let start = at;
            while at < bytes.len() && continues(bytes[at]) {
                at += 1;
            }
            if at - start >= min_len {
                return Some(start..at);
            }
        }
        None
    })
}

/// Runs of key-like characters (`[A-Za-z0-9_+/=-]`) of [`MIN_TOKEN_LEN`] or more, from their
/// first letter or digit: what the pattern `[A-Za-z0-9][A-Za-z0-9_+/=-]{19,}` finds, in one
/// pass over the bytes instead of a regex search with no literal to skip ahead with.
fn long_tokens(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let token_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'/' | b'=' | b'-');
    byte_runs(text, |b: u8| b.is_ascii_alphanumeric(), token_byte, MIN_TOKEN_LEN)
}

/// The words of [`PASSWORD_RE`]'s labels, as stems in any ASCII case: a reply without any
/// of them has no password label. One literal search (no lowercased copy of the reply).
static PASSWORD_STEMS_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_pattern(r"(?i)pass|pwd|mdp|contrase|clave|kennwort|wachtwoord|senha|senord|adgangskode|salasana|hasl|ifre|parola|key")
});

fn mentions_password(text: &str) -> bool {
    PASSWORD_STEMS_RE.is_match(text)
}

/// Whether the value after a password label looks like a real password: long enough, mixing
/// kinds of characters, not a placeholder, a variable or an ordinary word.
fn password_like(value: &str, prose: bool) -> bool {
    let length = value.chars().count();
    if !(6..=64).contains(&length) || password_placeholder(value) {
        return false;
    }
    let lower = value.chars().any(|c| c.is_ascii_lowercase());
    let upper = value.chars().any(|c| c.is_ascii_uppercase());
    let digit = value.chars().any(|c| c.is_ascii_digit());
    let symbol = value.chars().any(|c| c.is_ascii_punctuation());
    let kinds = [lower, upper, digit, symbol].iter().filter(|k| **k).count();
    // Digits and dashes only ("481-927") are one-time codes and PINs, not passwords.
    if !lower && !upper {
        return false;
    }
    // In prose ("the password is …") demand more than two kinds, so sentences go unflagged.
    let needed = if prose { 3 } else { 2 };
    let entropy = shannon_entropy(value);
    kinds >= needed && (digit || symbol) && entropy >= 2.5 && !(placeholder_secret(value) && kinds < 3)
}

/// Stand-ins for a password: masks, variables, templates, and words that describe one.
fn password_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let templated =
        ["$", "%", "{", "<", "[", "*", "•", "#{", "@@", "process.env", "os.environ", "env("].iter().any(|p| lower.starts_with(p))
            || lower.ends_with('>')
            || lower.ends_with('}');
    const WORDS: &[&str] = &[
        "password",
        "passwd",
        "pass",
        "secret",
        "changeme",
        "change_me",
        "required",
        "optional",
        "none",
        "null",
        "empty",
        "hidden",
        "string",
        "true",
        "false",
        "yourpassword",
        "mypassword",
        "example",
        "redacted",
        "masked",
        "xxxxxx",
        "123456",
        "1234567",
        "12345678",
        "123456789",
        "qwerty",
        "letmein",
        "admin",
        "pass123",
        "password1",
        "password123",
        "hunter2",
        "p@ssw0rd",
        "passw0rd",
        "p@ssword",
        "tr0ub4dor&3",
        "correcthorsebatterystaple",
        "abc123",
        "iloveyou",
        "qwerty123",
        "admin123",
        "welcome1",
        "s3cr3t",
        "secret123",
        "changeit",
        "topsecret",
    ];
    templated || WORDS.iter().any(|w| lower == *w) || lower.chars().all(|c| c == lower.chars().next().unwrap_or('x'))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_tokens_are_what_the_token_pattern_finds() {
        let pattern = Regex::new(r"[A-Za-z0-9][A-Za-z0-9_+/=-]{19,}").expect("pattern");
        for text in [
            "token: a8F3kLq92XbV7mNpR4tZ and --__ab+/=cdefghijklmnopqrstu x",
            "short a8F3kLq92XbV7mNp, _-+/=_-+/=_-+/=_-+/=_-+/=z9 ünïcödé9aaaaaaaaaaaaaaaaaaaaaa",
            "AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==;EndpointSuffix",
            "",
        ] {
            let expected: Vec<Range<usize>> = pattern.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(long_tokens(text).collect::<Vec<_>>(), expected, "{text}");
        }
    }

    #[test]
    fn password_labels_in_other_languages_pass_the_gate() {
        // The scanners read the ASCII-folded reply: "Hasło" arrives as "Haslo".
        for text in ["Mot de passe : x", "Hasło: Zx9!", "şifre = a", "Kennwort ist", "WPA KEY: 1"] {
            let folded = crate::text::Folded::new(text, crate::text::FoldOptions::ASCII);
            assert!(mentions_password(folded.as_str()), "{text}");
        }
        assert!(!mentions_password("Call me on Tuesday about the report."));
    }

    #[test]
    fn passwords_need_mixed_characters_and_no_placeholder() {
        assert!(password_like("q7#Vr2!mLx9eTz", false));
        assert!(password_like("Birch-Falcon-7731", true));
        assert!(!password_like("required", false));
        assert!(!password_like("${DB_PASSWORD}", false));
        assert!(!password_like("********", false));
        assert!(!password_like("hunter", false));
        assert!(!password_like("password123", false));
    }
}
