//! Street addresses on the ASCII-folded reply: number + street name + street type (English,
//! French, Spanish, Portuguese, Italian), street compounds + number (German, Dutch, Nordic),
//! post-office boxes, UK-style lines that end in a postcode, and the value after an address
//! label. Stand-in addresses (`Musterstraße 1`, `123 Example Street`) are left out.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::cues::ascii_alternation;

/// UK postcodes: `M19 2LL`, `OX14 4RA`, `SW1A 1AA`.
const UK_POSTCODE: &str = r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}";

static ADDRESS_RE: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"(?:[A-Z][A-Za-z'-]*|\d{1,3}(?:st|nd|rd|th))";
    // Abbreviations may take a full stop; full words may not (it ends the sentence).
    let suffix = r"(?:(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Place|Terrace|Way|Circle|Parkway|Highway|Square|Trail|Alley|Crescent|Close|Row|Plaza|Loop|Cottages|Mews|Gardens|Grove|Walk|Rise|Hill|Green|Parade|View|Wharf|Quay|Yard|Gate|Causeway|Esplanade|Promenade|Embankment|Broadway|Turnpike|Pike|Expressway|Freeway|Run|Ridge|Path|Point|Pass|Commons|Crossing|Bend|Heights|Meadows|Village)\b|(?:St|Ave|Av|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Cir|Pkwy|Hwy|Sq|Trl|Cres|Gdns|Gr|Tce|Pde|Expy|Fwy)\b\.?)";
    ascii_alternation(&[
        // US/UK: "1600 Pennsylvania Ave NW, Washington, DC 20500", "10 Downing Street".
        &format!(
            r"\b\d{{1,6}}[A-Za-z]?(?:-\d{{1,4}}[A-Za-z]?)?,?(?: (?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?)? (?:{word} ){{1,4}}{suffix}(?: (?:NE|NW|SE|SW|N|S|E|W)\b)?(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Flat|Room|Rm|#)\.? ?[A-Za-z0-9-]+)?(?:, [A-Z][a-z]+(?: [A-Z][a-z]+){{0,2}})?(?:,? [A-Z]{{2}}\b)?(?: \d{{5}}(?:-\d{{4}})?\b| {UK_POSTCODE}\b)?"
        ),
        // UK lines without a street type that end in a postcode: "88 Kingsway, Manchester M19 2LL".
        &format!(r"\b\d{{1,5}}[A-Za-z]? (?:[A-Z][a-z]+ ){{0,3}}[A-Z][a-z]+,(?: [A-Z][a-z]+){{1,3}},? {UK_POSTCODE}\b"),
        // German, Austrian, Swiss, Dutch, Nordic compounds: "Hauptstraße 5, 10115 Berlin",
        // "Prinsengracht 412-II, 1016 JK Amsterdam", "Nørrebrogade 62, 2200 København N".
        r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|steig|pfad|markt|graben|zeile|kai|straat|laan|plein|gracht|kade|singel|dijk|dreef|steeg|gade|gaden|gatan|gata|vej|vejen|vagen|veien|veg|vegen|gate|gaten|grand|alle|torget|straede|tie|katu)\.? \d{1,4}(?:[a-z]|-[A-Z]{1,3}|-\d{1,3}| [A-Z]\b)?\b(?:, (?:\d{4,5}|\d{3} \d{2}|\d{4} ?[A-Z]{2}) [A-Z][a-z]+(?: [A-Z]\b)?)?",
        // Separate-word German and Dutch streets: "Lange Straße 12", "Am Markt 3".
        r"\b[A-Z][a-z]+ (?:Strasse|Str\.|Weg|Platz|Allee|Gasse|Ring|Straat|Laan|Plein|Gracht|Kade) \d{1,4}[a-z]?\b",
        // French: "12 rue de Rivoli, 75001 Paris", "8 bis avenue Jean-Jaures".
        r"\b\d{1,4}(?: ?(?:bis|ter|[A-D]\b))?,? (?i:rue|avenue|av\.|boulevard|bd|blvd|place|pl\.|chemin|allee|impasse|quai|route|cours|square|passage|villa|cite|residence|rond-point|faubourg|fg|sentier|voie|promenade|esplanade|lieu-dit) (?:de la |de l'|du |des |de |d'|la |le |les )?[A-Z][\w'-]+(?: [A-Z][\w'-]+)*(?:, \d{5} [A-Z][\w'-]+(?: [A-Z][\w'-]+)*)?",
        // Belgian and Swiss French, type first and number last: "Rue Neuve 123".
        r"\b(?:Rue|Avenue|Chemin|Route|Boulevard|Quai|Allee|Impasse) (?:de la |de l'|du |des |de |d')?[A-Z][\w'-]+(?: [A-Z][\w'-]+)* \d{1,4}[a-z]?\b",
        // Polish, Czech, Turkish: "ul. Marszałkowska 10", "Atatürk Cad. No: 12".
        r"\b(?:ul\.|ulica|al\.|aleja|os\.|pl\.) [A-Z][\w-]+(?: [A-Z][\w-]+)* \d{1,4}[a-z]?(?:/\d{1,4})?\b",
        r"\b[A-Z][\w-]+(?: [A-Z][\w-]+)* (?:Cad\.|Caddesi|Cd\.|Sok\.|Sokak|Sokagi|Bulvari|Blv\.)(?:,? No:? ?\d{1,4}(?:/\d{1,3})?)",
        // Spanish, Portuguese, Italian: "Calle de Alcalá 42", "C/ Mallorca 274", "Via Roma 12",
        // "Rua Augusta, 100".
        r"(?:\b(?:Calle|Carrer|Avinguda|Passeig|Placa|Travessera|Avenida|Avda\.?|Av\.|Plaza|Pza\.?|Paseo|Camino|Carrera|Carretera|Ctra\.?|Ronda|Rambla|Travesia|Glorieta|Via|Viale|Piazza|Piazzale|Corso|Vicolo|Largo|Rua|Travessa|Praca|Alameda|Estrada|Rodovia|Calzada|Callejon|Pasaje|Diagonal|Transversal|Jiron|Jr\.)|\bC/) ?(?:de (?:la |los |las )?|del |da |do |dos |das |di |della |dei |delle )?[A-Z]\w+(?: (?:de |del |la |da |do |di )?[A-Z]\w+)*,? (?:n[xo]\.? ?|No\.? ?)?\d{1,4}\b",
        // Post-office boxes: "P.O. Box 4412", "Postfach 12 34", "Apartado de correos 123".
        r"(?i)\b(?:p\.? ?o\.? box|post office box|postfach|postbus|apartado(?: de correos)?|apartado postal|caixa postal|casella postale|case postale|boite postale) \d{1,6}(?: \d{2,4})?\b",
    ])
});

/// An address label and the value after it on the same line: "address 88 Kingsway, …".
static LABELLED_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"(?i)\b(?:address|adresse|adres|adresa|direccion|domicilio|indirizzo|anschrift|wohnort|endereco|morada|ship to|deliver to|delivery to|mailing to|lives at|living at|resides at|residing at|demeurant|domicilie|domiciliada|domiciliado|wohnhaft)\b\s*[:\-]?\s*([^\n]{6,90})",
    ])
});

/// A street number then a capitalised word, or a capitalised word then a number: the shape
/// of a street line at the start of a labelled value.
static STREET_START_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{1,5}[A-Za-z]?(?:-\d{1,4})?,? [A-Z][A-Za-z'-]+|[A-Z][a-z]+(?: [A-Za-z][a-z]+){0,2} \d{1,4}[a-z]?\b)")
        .expect("street start")
});

/// Words that make an address a stand-in.
const PLACEHOLDER_WORDS: &[&str] = &[
    "muster",
    "example",
    "sample",
    "beispiel",
    "anytown",
    "anystreet",
    "fake",
    "dummy",
    "placeholder",
    "exemple",
    "ejemplo",
    "esempio",
    "voorbeeld",
    "nowhere",
    "somewhere",
    "foo",
    "fictional",
];

pub(super) fn street_addresses(text: &str, push: &mut impl FnMut(Range<usize>)) {
    for m in ADDRESS_RE.find_iter(text) {
        let range = m.start()..m.start() + m.as_str().trim_end_matches([',', ' ']).len();
        if !placeholder_address(&text[range.clone()]) {
            push(range);
        }
    }
    for caps in LABELLED_RE.captures_iter(text) {
        let (Some(label), Some(value)) = (caps.get(0), caps.get(1)) else { continue };
        // "email address", "IP address", "MAC address" name other things. The word before
        // the label is read here rather than in the pattern, so the pattern opens with its
        // literal label words and the search skips ahead to them.
        let qualifier = word_before(text, label.start()).to_ascii_lowercase();
        if [
            "email", "e-mail", "ip", "mac", "web", "wallet", "memory", "server", "return", "url", "bitcoin", "ethereum", "contract",
            "network", "ipv4", "ipv6",
        ]
        .contains(&qualifier.as_str())
        {
            continue;
        }
        let value_text = value.as_str();
        let Some(street) = STREET_START_RE.find(value_text) else { continue };
        let end = labelled_value_end(value_text);
        let trimmed = trim_trailing_prose(value_text[..end].trim_end_matches([',', ' ', '.']));
        if trimmed.len() < street.end() || !trimmed.chars().any(|c| c.is_ascii_digit()) || placeholder_address(trimmed) {
            continue;
        }
        push(value.start()..value.start() + trimmed.len());
    }
}

/// The word right before `at` when one space separates them ("email" in "email address").
fn word_before(text: &str, at: usize) -> &str {
    let Some(before) = text[..at].strip_suffix(' ') else { return "" };
    let start = before.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).map_or(0, |p| p + 1);
    &before[start..]
}

/// Where a labelled address ends: at a field separator, or at a comma that opens another
/// field ("…, tel 0161 496 7321", "…, Phone: …").
fn labelled_value_end(value: &str) -> usize {
    let mut end = value.find([';', '|', '\t']).unwrap_or(value.len());
    if let Some(dash) = value[..end].find(" — ").or_else(|| value[..end].find(" - ")) {
        end = dash;
    }
    let mut from = 0;
    while let Some(at) = value[from..end].find(", ") {
        let comma = from + at;
        let next = &value[comma + 2..end];
        let word: String = next.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        let lower = word.to_ascii_lowercase();
        let field = word.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            || ["tel", "phone", "mobile", "email", "fax", "dob", "ssn", "iban", "born", "date"].contains(&lower.as_str());
        if field {
            return comma;
        }
        from = comma + 2;
    }
    end
}

/// Drops lowercase words after the last part of an address ("…, CA 94043 please").
fn trim_trailing_prose(value: &str) -> &str {
    let mut value = value;
    while let Some(space) = value.rfind(' ') {
        let last = &value[space + 1..];
        let prose = !last.is_empty()
            && last.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '!' || c == '?')
            && !matches!(last, "bis" | "ter");
        if !prose {
            break;
        }
        value = value[..space].trim_end_matches([',', ' ', '.']);
    }
    value
}

fn placeholder_address(address: &str) -> bool {
    let lower = address.to_ascii_lowercase();
    PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        street_addresses(text, &mut |r| out.push(r));
        out.into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn labelled_values_need_a_street_shape() {
        assert!(found("Home address: 14 Larkspur Rise, Exeter").contains(&"14 Larkspur Rise, Exeter"));
        assert!(found("address 88 Kingsway, Manchester M19 2LL, tel 0161 496 7321").contains(&"88 Kingsway, Manchester M19 2LL"));
        assert!(found("IP address: 10.0.0.1").is_empty());
        assert!(found("email address: see the form").is_empty());
        assert!(found("Musterstrasse 1, 12345 Musterstadt").is_empty());
    }
}
