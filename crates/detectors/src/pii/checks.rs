//! Validity checks that turn "looks like a number" into "is one": Luhn for cards, ISO 7064
//! mod-97 for IBANs, the SSA's rules for SSNs, and the placeholder tests that keep
//! documentation values (`example.com`, `sk-xxxx…`, `AKIA…EXAMPLE`) out of the findings.

/// Luhn checksum over the digits of `digits` (other characters ignored).
pub(super) fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    let mut count = 0usize;
    for (i, d) in digits.chars().rev().filter_map(|c| c.to_digit(10)).enumerate() {
        let d = if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d };
        sum += d;
        count += 1;
    }
    count > 0 && sum.is_multiple_of(10)
}

/// Card numbers start 2–6 (Mastercard 2-series, Amex/Diners/JCB, Visa, Mastercard, Discover/
/// UnionPay/Maestro). Requiring it halves the long numbers Luhn alone would let through.
pub(super) fn card_prefix_plausible(digits: &str) -> bool {
    digits.as_bytes().first().is_some_and(|b| (b'2'..=b'6').contains(b))
}

/// All characters the same digit (`0000 0000 0000 0000`, `111-11-1111`): a placeholder.
pub(super) fn all_same_digit(text: &str) -> bool {
    let mut digits = text.chars().filter(char::is_ascii_digit);
    let Some(first) = digits.next() else { return false };
    digits.all(|d| d == first)
}

/// The IBAN length for a country (ISO 13616 registry), for the countries that use IBANs.
pub(super) fn iban_length(country: &str) -> Option<usize> {
    let length = match country {
        "NO" => 15,
        "BE" => 16,
        "DK" | "FI" | "FO" | "GL" | "NL" => 18,
        "MK" | "SI" => 19,
        "AT" | "BA" | "EE" | "KZ" | "LT" | "LU" | "XK" => 20,
        "CH" | "HR" | "LI" | "LV" => 21,
        "BG" | "BH" | "CR" | "DE" | "GB" | "GE" | "IE" | "ME" | "RS" | "VA" => 22,
        "AE" | "GI" | "IL" | "IQ" | "TL" => 23,
        "AD" | "CZ" | "ES" | "MD" | "PK" | "RO" | "SA" | "SE" | "SK" | "TN" | "VG" => 24,
        "PT" | "ST" => 25,
        "IS" | "TR" => 26,
        "FR" | "GR" | "IT" | "MC" | "MR" | "SM" => 27,
        "AL" | "AZ" | "BY" | "CY" | "DO" | "GT" | "HU" | "LB" | "PL" | "SV" => 28,
        "BR" | "EG" | "PS" | "QA" | "UA" => 29,
        "JO" | "KW" | "MU" => 30,
        "MT" | "SC" => 31,
        "LC" => 32,
        _ => return None,
    };
    Some(length)
}

/// ISO 7064 mod-97-10 over an IBAN without spaces: the first four characters move to the
/// end, letters become 10..35, and the number must leave remainder 1.
pub(super) fn iban_valid(iban: &str) -> bool {
    if iban.len() < 5 || !iban.is_ascii() {
        return false;
    }
    let (head, tail) = iban.split_at(4);
    let mut remainder = 0u32;
    for c in tail.chars().chain(head.chars()) {
        let value = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        // Two-digit values (letters) shift by 100, digits by 10.
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    remainder == 1
}

/// The SSA never issues area 000, 666 or 900–999, group 00 or serial 0000.
pub(super) fn ssn_valid(area: &str, group: &str, serial: &str) -> bool {
    let (Ok(area_n), Ok(group_n), Ok(serial_n)) = (area.parse::<u32>(), group.parse::<u32>(), serial.parse::<u32>()) else {
        return false;
    };
    area_n != 0 && area_n != 666 && area_n < 900 && group_n != 0 && serial_n != 0
}

/// Domains reserved for documentation (RFC 2606, RFC 6761) and the usual stand-ins.
pub(super) fn placeholder_email_domain(domain: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    let reserved_tld = [".example", ".test", ".invalid", ".localhost", ".local"].iter().any(|tld| domain.ends_with(tld));
    let reserved_domain = [
        "example.com",
        "example.org",
        "example.net",
        "domain.com",
        "domain.tld",
        "mydomain.com",
        "company.com",
        "mycompany.com",
        "email.com",
        "test.com",
        "foo.com",
        "bar.com",
        "foobar.com",
        "sample.com",
        "website.com",
        "acme.com",
    ]
    .iter()
    .any(|d| domain == *d || domain.ends_with(&format!(".{d}")));
    reserved_tld || reserved_domain || domain.starts_with("your") || domain == "localhost"
}

/// Local parts that stand for "an address goes here": `name@`, `firstname.lastname@`,
/// `you@`, `someone@`.
pub(super) fn placeholder_email_local(local: &str) -> bool {
    const STAND_INS: &[&str] = &[
        "name",
        "username",
        "user.name",
        "user",
        "email",
        "e-mail",
        "mail",
        "you",
        "your.name",
        "yourname",
        "your_name",
        "youremail",
        "your.email",
        "your_email",
        "someone",
        "somebody",
        "nobody",
        "firstname",
        "lastname",
        "first.last",
        "firstname.lastname",
        "first_last",
        "firstname_lastname",
        "name.surname",
        "vorname.nachname",
        "prenom.nom",
        "nombre.apellido",
        "test",
        "foo",
        "xxx",
    ];
    STAND_INS.contains(&local.to_ascii_lowercase().as_str())
}

/// A secret-shaped value that is obviously not a real one: `sk-xxxx…`, `AKIA…EXAMPLE`,
/// `ghp_your_token_here`, one character repeated, a counting sequence.
pub(super) fn placeholder_secret(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    const MARKERS: &[&str] = &[
        "xxxx",
        "****",
        "...",
        "…",
        "your",
        "example",
        "placeholder",
        "redacted",
        "dummy",
        "fake",
        "sample",
        "<",
        "insert",
        "here",
        "0000000",
        "1234567",
        "abcdefg",
    ];
    if MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    // The part after a known prefix (`sk-`, `ghp_`) must vary; tokens with inner dashes
    // (JWTs, base64url) are judged whole.
    let body = value.rsplit(['-', '_']).next().filter(|body| body.len() >= 12).unwrap_or(value);
    let mut chars = body.chars();
    let repeated = chars.next().is_some_and(|first| chars.all(|c| c == first));
    repeated || crate::text::shannon_entropy(body) < 2.5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_test_cards_and_rejects_one_digit_off() {
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("5500-0000-0000-0004"));
        assert!(luhn_valid("378282246310005"));
        assert!(!luhn_valid("4111 1111 1111 1112"));
        assert!(!luhn_valid(""));
    }

    #[test]
    fn mod_97_accepts_real_ibans_and_rejects_a_changed_digit() {
        assert!(iban_valid("DE89370400440532013000"));
        assert!(iban_valid("GB82WEST12345698765432"));
        assert!(iban_valid("FR1420041010050500013M02606"));
        assert!(!iban_valid("DE89370400440532013001"));
        assert!(!iban_valid("DE8"));
        assert_eq!(iban_length("DE"), Some(22));
        assert_eq!(iban_length("US"), None);
    }

    #[test]
    fn ssn_rules_reject_never_issued_numbers() {
        assert!(ssn_valid("123", "45", "6789"));
        assert!(!ssn_valid("000", "45", "6789"));
        assert!(!ssn_valid("666", "45", "6789"));
        assert!(!ssn_valid("912", "45", "6789"));
        assert!(!ssn_valid("123", "00", "6789"));
        assert!(!ssn_valid("123", "45", "0000"));
    }

    #[test]
    fn documentation_values_are_placeholders() {
        assert!(placeholder_email_domain("example.com"));
        assert!(placeholder_email_domain("mail.example.org"));
        assert!(placeholder_email_domain("corp.test"));
        assert!(!placeholder_email_domain("gmail.com"));
        assert!(!placeholder_email_domain("myexample.com"));
        assert!(placeholder_email_domain("company.com") && placeholder_email_local("firstname.lastname"));
        assert!(!placeholder_email_local("camille.berthier"));
        assert!(placeholder_secret("sk-xxxxxxxxxxxxxxxxxxxxxxxx"));
        assert!(placeholder_secret("AKIAIOSFODNN7EXAMPLE"));
        assert!(placeholder_secret("ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assert!(!placeholder_secret("sk-proj-Zq8vL2mX9pR4tK7wB1nC5yH3"));
        assert!(all_same_digit("0000 0000 0000 0000"));
        assert!(!all_same_digit("4111 1111 1111 1111"));
    }
}
