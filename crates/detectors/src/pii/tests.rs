//! Tests of the `pii` detector: each type on real-looking values, near misses and
//! placeholders, and the overlap and offset rules.

use serde_json::json;

use super::*;
use crate::testing::{build, run_on};

fn findings(output: &str) -> Vec<(String, String)> {
    let detection = run_on(build("pii", Value::Null).as_ref(), output);
    assert_eq!(detection.hit, !detection.findings.is_empty());
    detection.findings.into_iter().map(|f| (f.kind, f.value)).collect()
}

fn found(output: &str, kind: &str) -> Vec<String> {
    findings(output).into_iter().filter(|(k, _)| k == kind).map(|(_, v)| v).collect()
}

fn assert_found(output: &str, kind: &str, value: &str) {
    let all = findings(output);
    assert!(all.iter().any(|(k, v)| k == kind && v == value), "expected {kind} {value:?} in {output:?}, got {all:?}");
}

fn assert_clean(output: &str) {
    let all = findings(output);
    assert!(all.is_empty(), "expected no PII in {output:?}, got {all:?}");
}

#[test]
fn emails_are_found_but_documentation_domains_and_masks_are_not() {
    assert_found("Write to jane.roe42@gmail.com today.", "EMAIL", "jane.roe42@gmail.com");
    assert_found("<ops+alerts@acme-corp.io>", "EMAIL", "ops+alerts@acme-corp.io");
    assert_clean("Use john.doe@example.com or user@example.org as a sample.");
    assert_clean("Contact admin@corp.test or <EMAIL> or [REDACTED].");
    assert_clean("Masked: j***n@gmail.com");
}

#[test]
fn us_and_international_phone_numbers_are_found() {
    for (text, value) in [
        ("Call (415) 555-0132 now", "(415) 555-0132"),
        ("Call 415-555-0132.", "415-555-0132"),
        ("Call +1 415 555 0132", "+1 415 555 0132"),
        ("London: +44 20 7946 0958", "+44 20 7946 0958"),
        ("Paris: +33 1 23 45 67 89", "+33 1 23 45 67 89"),
        ("Berlin: +49 30 12345678 in 2024", "+49 30 12345678"),
    ] {
        assert_found(text, "PHONE", value);
    }
}

#[test]
fn phone_lookalikes_are_not_phones() {
    assert_clean("Order 4155550132 shipped.");
    assert_clean("Call 111-111-1111 or 015-555-0132 or (415) 555-XXXX.");
    assert_clean("Version 12-415-555-0132-7 released.");
}

#[test]
fn valid_ssns_are_found_and_never_issued_or_masked_ones_are_not() {
    assert_found("SSN: 123-45-6789", "US_SSN", "123-45-6789");
    assert_found("my social security number is 078051120", "US_SSN", "078051120");
    assert_clean("SSN 000-12-3456, 666-12-3456, 912-34-5678, 123-00-4567, 123-45-0000");
    assert_clean("SSN: XXX-XX-XXXX or ***-**-1234 or 123-45-67890");
    assert_clean("Mixed 123-45 6789");
}

#[test]
fn luhn_valid_cards_are_found_in_any_grouping() {
    assert_found("Card 4111 1111 1111 1111 exp 12/25", "CREDIT_CARD", "4111 1111 1111 1111");
    assert_found("Card 5500-0000-0000-0004.", "CREDIT_CARD", "5500-0000-0000-0004");
    assert_found("Amex 378282246310005", "CREDIT_CARD", "378282246310005");
    assert_found("Card 4111 1111 1111 1111 12 items", "CREDIT_CARD", "4111 1111 1111 1111");
}

#[test]
fn luhn_invalid_masked_or_implausible_cards_are_not_found() {
    assert_clean("Card 4111 1111 1111 1112");
    assert_clean("Card 4111 **** **** 1111");
    assert_clean("Card 0000 0000 0000 0000");
    assert_clean("Tracking 1234 5678 9012 3452");
    assert!(found("id ab4111111111111111", "CREDIT_CARD").is_empty());
}

#[test]
fn mod_97_valid_ibans_are_found_with_or_without_spaces() {
    assert_found("IBAN: DE89 3704 0044 0532 0130 00, thanks", "IBAN", "DE89 3704 0044 0532 0130 00");
    assert_found("Pay GB82WEST12345698765432 now", "IBAN", "GB82WEST12345698765432");
    assert_found("IBAN FR14 2004 1010 0505 0001 3M02 606 OK", "IBAN", "FR14 2004 1010 0505 0001 3M02 606");
}

#[test]
fn mod_97_invalid_ibans_are_not_found() {
    assert_clean("IBAN: DE89 3704 0044 0532 0130 01");
    assert_clean("IBAN: GB82WEST12345698765433");
    assert_clean("Ref XX12 3456 7890 1234 5678 90");
}

#[test]
fn ip_addresses_are_found_but_versions_and_reserved_ranges_are_not() {
    assert_found("Server at 10.20.30.40 is down", "IP_ADDRESS", "10.20.30.40");
    assert_found("from 8.8.4.4.", "IP_ADDRESS", "8.8.4.4");
    assert_found("host fe80::1ff:fe23:4567:890a here", "IP_ADDRESS", "fe80::1ff:fe23:4567:890a");
    assert_found("v6 2a00:1450:4001:81c::200e works", "IP_ADDRESS", "2a00:1450:4001:81c::200e");
    assert_clean("Upgrade to version 1.2.3.4 or v10.0.0.1 or 1.2.3 or 1.2.3.4.5");
    assert_clean("Bad 256.1.1.1 and 01.02.03.04");
    assert_clean("Docs use 192.0.2.1, 127.0.0.1, 0.0.0.0, ::1 and 2001:db8::1");
    assert_clean("At 10:30:45 we met; std::vec::Vec; a::b");
}

#[test]
fn keys_with_known_prefixes_are_found() {
    for (text, value) in [
        ("key sk-proj-Zq8vL2mX9pR4tK7wB1nC5yH3jD6f", "sk-proj-Zq8vL2mX9pR4tK7wB1nC5yH3jD6f"),
        ("sk-ant-api03-Zq8vL2mX9pR4tK7wB1nC5yH3jD6fQ", "sk-ant-api03-Zq8vL2mX9pR4tK7wB1nC5yH3jD6fQ"),
        ("aws AKIAZQ8VL2MX9PR4TK7W here", "AKIAZQ8VL2MX9PR4TK7W"),
        ("gh: ghp_Zq8vL2mX9pR4tK7wB1nC5yH3jD6fQ8rT2sA", "ghp_Zq8vL2mX9pR4tK7wB1nC5yH3jD6fQ8rT2sA"),
        ("slack xoxb-2048-Zq8vL2mX9pR4tK7w", "xoxb-2048-Zq8vL2mX9pR4tK7w"),
        ("google AIzaSyZq8vL2mX9pR4tK7wB1nC5yH3jD6fQ8rT2 ok", "AIzaSyZq8vL2mX9pR4tK7wB1nC5yH3jD6fQ8rT2"),
        ("gitlab glpat-Zq8vL2mX9pR4tK7wB1nC", "glpat-Zq8vL2mX9pR4tK7wB1nC"),
        (
            "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        ),
    ] {
        assert_found(text, "API_KEY_OR_SECRET", value);
    }
}

#[test]
fn placeholder_keys_are_not_secrets() {
    assert_clean("Set OPENAI_API_KEY=sk-... or sk-xxxxxxxxxxxxxxxxxxxxxxxx or sk-your-api-key-here-please");
    assert_clean("AWS example key AKIAIOSFODNN7EXAMPLE");
    assert_clean("a task-Zq8vL2mX9pR4tK7wB1nC5yH3jD6f id");
}

#[test]
fn a_private_key_block_is_a_secret_but_a_bare_header_is_not() {
    let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
    let block = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----");
    assert_found(&format!("Here: {block} done"), "API_KEY_OR_SECRET", &block);
    assert_clean("A PEM file starts with -----BEGIN PRIVATE KEY----- and ends with an END line.");
    assert_clean("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----");
}

#[test]
fn high_entropy_tokens_are_secrets_only_next_to_a_key_word() {
    assert_found("password: Zq8vL2mX9pR4tK7wB1nC5y", "API_KEY_OR_SECRET", "Zq8vL2mX9pR4tK7wB1nC5y");
    assert_found("the api_key is 9fQ2xLm7RtV4bN8cK1pZ3sW6", "API_KEY_OR_SECRET", "9fQ2xLm7RtV4bN8cK1pZ3sW6");
    assert_clean("commit 9fQ2xLm7RtV4bN8cK1pZ3sW6 was merged");
    assert_clean("token: aaaaaaaaaaaaaaaaaaaaaaaaaaaa1");
    assert_clean("token docs at https://docs.example.com/Zq8vL2mX9pR4tK7wB1nC5y");
}

#[test]
fn a_date_is_a_date_of_birth_only_near_a_birth_word() {
    assert_found("She was born on March 3, 1990 in Ohio.", "DATE_OF_BIRTH", "March 3, 1990");
    assert_found("DOB: 1985-07-14", "DATE_OF_BIRTH", "1985-07-14");
    assert_found("Date of birth 14/07/1985", "DATE_OF_BIRTH", "14/07/1985");
    assert_found("Il est né le 12 mars 1985 à Lyon.", "DATE_OF_BIRTH", "12 mars 1985");
    assert_found("Er wurde am 12. März 1985 geboren; Geburtsdatum: 12.03.1985", "DATE_OF_BIRTH", "12.03.1985");
    assert_found("Fecha de nacimiento: 3 de mayo de 1990", "DATE_OF_BIRTH", "3 de mayo de 1990");
    assert_clean("The meeting is on March 3, 1990 and the release on 1985-07-14.");
    assert_clean("Born on 1985-13-45.");
}

#[test]
fn street_addresses_are_found_with_city_state_and_zip() {
    assert_found(
        "Ship to 1600 Amphitheatre Parkway, Mountain View, CA 94043 please",
        "STREET_ADDRESS",
        "1600 Amphitheatre Parkway, Mountain View, CA 94043",
    );
    assert_found("I live at 742 Evergreen Terrace.", "STREET_ADDRESS", "742 Evergreen Terrace");
    assert_found("Office: 350 5th Ave, Suite 300", "STREET_ADDRESS", "350 5th Ave, Suite 300");
    assert_found("Adresse: Hauptstraße 5, 10115 Berlin", "STREET_ADDRESS", "Hauptstraße 5, 10115 Berlin");
    assert_found("au 12 rue de Rivoli, 75001 Paris", "STREET_ADDRESS", "12 rue de Rivoli, 75001 Paris");
    assert_clean("We sold 3 units on the main street and walked 2 miles down the road.");
}

#[test]
fn person_names_are_found_after_honorifics_introductions_and_known_given_names() {
    assert_found("Please ask Dr. Emily Carter about it.", "PERSON_NAME", "Dr. Emily Carter");
    assert_found("Hi, my name is Kwame Mensah and I need help.", "PERSON_NAME", "Kwame Mensah");
    assert_found("Name: Priya Raman", "PERSON_NAME", "Priya Raman");
    assert_found("Je m'appelle Léa Moreau.", "PERSON_NAME", "Léa Moreau");
    assert_found("The file was sent by Sarah Connor yesterday.", "PERSON_NAME", "Sarah Connor");
    assert_found("Mary Jane Watson called.", "PERSON_NAME", "Mary Jane Watson");
}

#[test]
fn places_sentence_starts_and_placeholder_names_are_not_names() {
    assert_clean("New York and the United States. Great Britain is an island.");
    assert_clean("Thanks John. Will Power helps. Paris Hilton Hotel. Victoria Station.");
    assert_clean("Use John Doe or Jane Doe as the sample customer.");
    assert_clean("Monday Morning Meeting notes. Here Is The Plan.");
}

#[test]
fn findings_are_ordered_by_start_and_do_not_overlap() {
    let output = "Sarah Connor, sarah.connor@gmail.com, card 4111-1111-1111-1111, IP 10.1.2.3.";
    let detection = run_on(build("pii", Value::Null).as_ref(), output);
    let kinds: Vec<_> = detection.findings.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(kinds, ["PERSON_NAME", "EMAIL", "CREDIT_CARD", "IP_ADDRESS"]);
    for pair in detection.findings.windows(2) {
        assert!(pair[0].end <= pair[1].start, "{pair:?}");
    }
    assert_eq!(detection.score, 1.0);
}

#[test]
fn the_more_specific_type_wins_an_overlap() {
    // A card number also reads as digits a phone pattern could take.
    let output = "pay 4111 1111 1111 1111";
    assert_eq!(findings(output), [("CREDIT_CARD".to_owned(), "4111 1111 1111 1111".to_owned())]);
}

#[test]
fn offsets_are_in_characters() {
    let output = "Ünïcödé → mail zoe@gmail.com";
    let detection = run_on(build("pii", Value::Null).as_ref(), output);
    let finding = &detection.findings[0];
    let chars: String =
        output.chars().skip(finding.start.expect("start")).take(finding.end.expect("end") - finding.start.expect("start")).collect();
    assert_eq!(chars, finding.value);
}

#[test]
fn accented_values_are_found_and_reported_as_written() {
    let output = "Ünïcödé → écrire à zoë.müller@gmail.com, signé Léa Moreau, née le 3 février 1990";
    assert_found(output, "EMAIL", "zoë.müller@gmail.com");
    assert_found(output, "DATE_OF_BIRTH", "3 février 1990");
    let detection = run_on(build("pii", Value::Null).as_ref(), output);
    for finding in &detection.findings {
        let (start, end) = (finding.start.expect("start"), finding.end.expect("end"));
        assert_eq!(output.chars().skip(start).take(end - start).collect::<String>(), finding.value);
    }
}

#[test]
fn types_restrict_what_is_looked_for() {
    let detector = build("pii", json!({"types": ["EMAIL"]}));
    let detection = run_on(detector.as_ref(), "jane@gmail.com, 415-555-0132");
    assert_eq!(detection.findings.len(), 1);
    assert_eq!(detection.findings[0].kind, "EMAIL");
    let registry = crate::Registry::new(None);
    assert!(registry.build("pii", &json!({"types": ["SHOE_SIZE"]})).is_err());
    assert!(registry.build("pii", &json!({"types": []})).is_err());
}

#[test]
fn a_clean_reply_is_a_miss() {
    let detection = run_on(build("pii", Value::Null).as_ref(), "The capital of France is Paris. It has 2.1 million people.");
    assert!(!detection.hit);
    assert_eq!(detection.score, 0.0);
}

#[test]
fn arbitrary_input_does_not_panic() {
    let detector = build("pii", Value::Null);
    let nasty = [
        "",
        "\u{301}\u{301}Ab Cd",
        "Zoë\u{200d}Ann Ma\u{0301}rquez — \u{202e}Smith",
        "ǅemal ǈuba ǋiko",
        "Ⅻ Ⅳ Ⅸ",
        "Dear ,\n\n—\n",
        "Name:",
        "name,\n,\n",
        "| Name |\n|",
        "KOWALSKI/",
        "/ANNA MS",
        "Μαρία Παπαδοπούλου και Дмитрий Соколов",
        "🙂 Sarah 🙂 Connor 🙂",
        "password:",
        "password: é",
        "postgres://u:@h",
        "tel 0",
        "Kernel 1.2.3.4.",
        "born ",
        "address:",
        "ul. ",
        "İİİ 4111 1111 1111 1111 İ",
        "+",
        "+44",
        "::",
        ":::::::::",
        "-----BEGIN PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\n-----END ",
        "é@é.é",
        "DE89 3704 0044 0532 0130 0é",
        "born 31/31/31",
        "1.1.1.1.1.1",
        "Mr. ",
        "名前: 山田太郎 電話 03-1234-5678",
    ];
    for text in nasty {
        let _ = run_on(detector.as_ref(), text);
    }
    let long = "4".repeat(5000) + &" 1".repeat(2000);
    let _ = run_on(detector.as_ref(), &long);
    let capitals = "Ab ".repeat(3000) + &"Sarah Connor, ".repeat(500);
    let _ = run_on(detector.as_ref(), &capitals);
}

#[test]
fn the_public_type_list_names_every_kind_once() {
    let labels: Vec<&str> = PiiType::all().iter().map(|t| t.label()).collect();
    assert_eq!(labels.len(), TYPES.len());
    assert!(TYPES.iter().all(|t| labels.contains(t)), "{labels:?} vs {TYPES:?}");
}

// ---------------------------------------------------------------------------------------
// Person names: contexts, lists, signatures, other languages, and look-alikes

#[test]
fn a_name_outside_the_lists_is_found_in_a_name_context() {
    // Neither word is in the name lists; the context carries it.
    assert_found("My colleague Zorvek Maltrani will join the call.", "PERSON_NAME", "Zorvek Maltrani");
    assert_found("Please contact Quenby Aldervane about the refund.", "PERSON_NAME", "Quenby Aldervane");
    assert_found("Name: Ostrava Kelleridge", "PERSON_NAME", "Ostrava Kelleridge");
    assert_found("\"It ran late,\" said Tavio Brunnhold, who chairs the board.", "PERSON_NAME", "Tavio Brunnhold");
    assert_found("Velmira Oaksett (CTO) approved the rollout.", "PERSON_NAME", "Velmira Oaksett");
    assert_found("Contacts:\n- Pellam Vordray — pellam@vordray.net", "PERSON_NAME", "Pellam Vordray");
}

#[test]
fn people_listed_together_are_all_found() {
    let output = "Attendees: Oluwaseun Adebayo, Mikkel Østergaard and Yaretzi Quilhot";
    for name in ["Oluwaseun Adebayo", "Mikkel Østergaard", "Yaretzi Quilhot"] {
        assert_found(output, "PERSON_NAME", name);
    }
    let rota = "Rota: Bogdan Petrescu (early), Keziah Wambold (late)";
    assert_found(rota, "PERSON_NAME", "Keziah Wambold");
    let csv = "id,full_name,team\n7,Harlan Quist,Ops\n8,Mireya Santacruz,Data";
    assert_found(csv, "PERSON_NAME", "Harlan Quist");
    assert_found(csv, "PERSON_NAME", "Mireya Santacruz");
}

#[test]
fn a_signature_under_a_closing_line_is_a_name() {
    assert_found("Thanks for your patience.\n\nKind regards,\nQuillon Vantakis\nField Engineer", "PERSON_NAME", "Quillon Vantakis");
    assert_found("Un saludo,\nJavier Olmedo Castaño\nCompras", "PERSON_NAME", "Javier Olmedo Castaño");
    assert_found("—\nFatima Al-Zahrani\nProject Coordinator", "PERSON_NAME", "Fatima Al-Zahrani");
    assert_clean("Best regards,\nThe Support Team");
    assert_clean("Kind regards,\nCustomer Care");
}

#[test]
fn names_from_many_languages_are_found() {
    for (text, name) in [
        ("Cc: Trần Văn Minh for the minutes.", "Trần Văn Minh"),
        ("The report by Sigrún Thorvaldsdóttir is due.", "Sigrún Thorvaldsdóttir"),
        ("Approved by Chukwuemeka Obi yesterday.", "Chukwuemeka Obi"),
        ("Заявку подписал Дмитрий Соколов.", "Дмитрий Соколов"),
        ("Student record: Park Ji-woo, year 2", "Park Ji-woo"),
        ("Please add Siobhán Ní Bhriain to the list.", "Siobhán Ní Bhriain"),
        ("Naam: Fenna de Vries", "Fenna de Vries"),
        ("Boarding pass: KOWALCZYK/JOANNA MS, seat 14C", "KOWALCZYK/JOANNA MS"),
        ("M. Morel habite à Nantes.", "M. Morel"),
    ] {
        assert_found(text, "PERSON_NAME", name);
    }
}

#[test]
fn a_single_name_needs_a_label_an_honorific_or_a_birth_statement() {
    assert_found("{\"first_name\":\"Deepa\",\"plan\":\"pro\"}", "PERSON_NAME", "Deepa");
    assert_found("Mme Delacroix a signé.", "PERSON_NAME", "Mme Delacroix");
    assert_found("Lucía nació en Zaragoza.", "PERSON_NAME", "Lucía");
    assert_clean("Thanks,\nSarah");
    assert_clean("In the script, Ellie dials the wrong number.");
}

#[test]
fn capitalised_places_brands_titles_and_headings_are_not_names() {
    for text in [
        "Trains from Victoria Station to Brighton are delayed.",
        "Morgan Stanley and Goldman Sachs reported on Thursday.",
        "We crossed the Golden Gate Bridge and drove to Half Moon Bay.",
        "Hotel California was on repeat.",
        "The Ford Mustang and the Dell XPS were on the list.",
        "Vendor: Nordlicht Print GmbH",
        "Amazon Web Services and Google Cloud both offer free tiers.",
        "Read Pride and Prejudice before Tuesday.",
        "We walked down Abbey Road to the studio.",
        "Carrer de Mallorca is closed for the parade.",
        "Monday Morning Report: Quick Start Guide",
        "Im Formular steht als Beispiel Max Mustermann.",
    ] {
        assert_clean(text);
    }
}

// ---------------------------------------------------------------------------------------
// Secrets, addresses, phones, IP look-alikes, dates and cards that used to be missed or
// wrongly found

#[test]
fn passwords_after_a_label_tokens_with_new_prefixes_and_url_credentials_are_secrets() {
    assert_found("login: ops\npassword: q7#Vr2!mLx9eTz", "API_KEY_OR_SECRET", "q7#Vr2!mLx9eTz");
    assert_found("DB_PASSWORD: Pr0d-Maple$Lantern-88", "API_KEY_OR_SECRET", "Pr0d-Maple$Lantern-88");
    assert_found("The wifi password is Maple#Orbit2291, keep it safe.", "API_KEY_OR_SECRET", "Maple#Orbit2291");
    assert_found(
        "//registry.npmjs.org/:_authToken=npm_9tMb5hLw3vx2SUBaGXsRCIeYolxkD0xPz5Ws",
        "API_KEY_OR_SECRET",
        "npm_9tMb5hLw3vx2SUBaGXsRCIeYolxkD0xPz5Ws",
    );
    let url = "DATABASE_URL=postgres://app:w9Rt!2zQpLm@db.internal:5432/orders";
    assert_found(url, "API_KEY_OR_SECRET", "w9Rt!2zQpLm");
    assert!(found(url, "EMAIL").is_empty(), "credentials in a URL are not an email");
}

#[test]
fn placeholder_and_masked_passwords_are_not_secrets() {
    assert_clean("password: ********");
    assert_clean("password: <your-password>");
    assert_clean("PASSWORD=${DB_PASSWORD}");
    assert_clean("The password field was left empty.");
    assert_clean("The password is required to log in.");
    assert_clean("admin password = hunter2");
}

#[test]
fn street_addresses_in_more_forms_are_found() {
    assert_found("licence address 88 Kingsway, Manchester M19 2LL, tel 0161 496 7321", "STREET_ADDRESS", "88 Kingsway, Manchester M19 2LL");
    assert_found("Delivery: 3 Glebe Cottages, Church Lane", "STREET_ADDRESS", "3 Glebe Cottages, Church Lane");
    assert_found("adres Prinsengracht 412-II, 1016 JK Amsterdam", "STREET_ADDRESS", "Prinsengracht 412-II, 1016 JK Amsterdam");
    assert_found("Mi piso está en C/ Mallorca 274, 2º 1ª", "STREET_ADDRESS", "C/ Mallorca 274");
    assert_found("Nørrebrogade 62, 2200 København N", "STREET_ADDRESS", "Nørrebrogade 62, 2200 København N");
    assert_found("Send it to P.O. Box 4412, Oxnard", "STREET_ADDRESS", "P.O. Box 4412");
    assert_found("Send it to ul. Marszałkowska 84/92, Warszawa", "STREET_ADDRESS", "ul. Marszałkowska 84/92");
    assert_clean("Customer: John Doe, 123 Example Street — dummy values.");
}

#[test]
fn national_phone_formats_are_found_and_identifiers_are_not() {
    for (text, value) in [
        ("Mobile: 07834 612905", "07834 612905"),
        ("Cordialement,\nCamille\n06 58 21 74 90", "06 58 21 74 90"),
        ("Ring Åsa on 070-482 61 93 tonight", "070-482 61 93"),
        ("tel:+16468293317", "+16468293317"),
        ("Call 0044 20 7946 0321 from abroad.", "0044 20 7946 0321"),
        ("Contacto: (55) 4172-8830", "(55) 4172-8830"),
        ("Mobil: 0176 23456789", "0176 23456789"),
    ] {
        assert_found(text, "PHONE", value);
    }
    assert_clean("Order number 0123 4567 89 is ready.");
    assert_clean("IBAN: DE89 3704 0044 0532 0130 01");
}

#[test]
fn version_section_oid_and_mask_numbers_are_not_ip_addresses() {
    for text in [
        "Kernel 5.15.0.105 was rolled back.",
        "As described in section 10.0.0.1 of the spec, retries back off.",
        "The attribute type OID 2.5.4.3 is commonName.",
        "The MIB object 1.3.6.1 is the internet subtree.",
        "The subnet mask 255.255.255.0 gives 254 hosts.",
        "Release 1.2.3.4-beta is out.",
        "Your router's admin page is usually at 192.168.1.1.",
    ] {
        assert_clean(text);
    }
    assert_found("Login from 77.248.194.57 at 03:12 UTC", "IP_ADDRESS", "77.248.194.57");
    assert_found("mysql://root:Tr0ub4dor-88x@10.1.4.22:3306/app", "IP_ADDRESS", "10.1.4.22");
}

#[test]
fn more_birth_cues_and_formats_are_dates_of_birth_and_format_hints_are_not() {
    assert_found("Lucía nació el 3 de mayo de 1988.", "DATE_OF_BIRTH", "3 de mayo de 1988");
    assert_found("geboren op 9 maart 1995", "DATE_OF_BIRTH", "9 maart 1995");
    assert_found("Patient Ólafur Magnússon, b. 1961-07-22, admitted.", "DATE_OF_BIRTH", "1961-07-22");
    assert_found("{\"date_of_birth\":\"1988-04-17\"}", "DATE_OF_BIRTH", "1988-04-17");
    assert_found("Date of birth / Date de naissance 08 JUL/JUIL 91", "DATE_OF_BIRTH", "08 JUL/JUIL 91");
    assert_found("F. nac.: 07-01-1979", "DATE_OF_BIRTH", "07-01-1979");
    assert_clean("Enter your date of birth in the format DD/MM/YYYY, e.g. 31/01/1990.");
}

#[test]
fn obfuscated_emails_are_found_and_test_cards_are_not_cards() {
    assert_found("Her address is priya.r [at] protonmail [dot] com", "EMAIL", "priya.r [at] protonmail [dot] com");
    assert_clean("Write to name@company.com with questions.");
    assert_clean("Use test card 4242 4242 4242 4242 only in sandbox mode.");
}

#[test]
fn one_pass_over_the_digits_gates_each_number_type_by_its_shortest_match() {
    use scan::DigitRuns;
    let phone = DigitRuns::of("call (555) 123-4567 today");
    assert!(phone.may_hold(PiiType::Phone));
    assert!(!phone.may_hold(PiiType::CreditCard), "a phone number is too short for a card");
    let ssn = DigitRuns::of("SSN 123-45-6789");
    assert!(ssn.may_hold(PiiType::UsSsn));
    assert!(!ssn.may_hold(PiiType::CreditCard));
    let card = DigitRuns::of("card 4539 1488 0343 6467, exp 12/27");
    assert!(card.may_hold(PiiType::CreditCard));
    // Separators of one type do not join digits for another: dots join phone digits only.
    let dotted = DigitRuns::of("v1.2.3.4.5.6.7.8.9");
    assert!(dotted.may_hold(PiiType::Phone));
    assert!(!dotted.may_hold(PiiType::UsSsn));
    let words = DigitRuns::of("no numbers here");
    assert!(!words.may_hold(PiiType::DateOfBirth) && !words.may_hold(PiiType::IpAddress) && words.may_hold(PiiType::Email));
    assert!(DigitRuns::of("fe80::").may_hold(PiiType::IpAddress), "IPv6 may be all colons and letters");
    // And the scanners still find what the gate lets through.
    assert_found("Reach me at (415) 867-2309.", "PHONE", "(415) 867-2309");
}
