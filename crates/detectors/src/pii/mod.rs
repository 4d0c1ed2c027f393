//! `pii`: personal data and secrets in the reply — emails, phone numbers, US SSNs, payment
//! cards, IBANs, IP addresses, API keys and private keys, dates of birth, street addresses
//! and person names — each found by a pattern and confirmed by a check (Luhn, mod-97, SSA
//! rules, octet ranges, entropy, context words), names by a recogniser over capitalised
//! words, multilingual name lists and context. Placeholders (`john.doe@example.com`,
//! `XXX-XX-XXXX`, `4111 **** **** 1111`, `sk-xxxx…`, `John Doe`) are not findings.

mod address;
mod checks;
mod names;
mod person;
mod scan;
mod secrets;

use std::sync::Arc;

use assay_core::{Detection, DetectionInput, Detector, DetectorError, DetectorInfo, HitMeans};
use serde::Deserialize;
use serde_json::Value;

use crate::params::{invalid, parse};
use crate::text::{FoldOptions, Folded, Span, to_findings};
use scan::Candidate;

pub(crate) static INFO: DetectorInfo = DetectorInfo {
    id: "pii",
    version: 1,
    description: "Personal data or secrets in the reply: email, phone, SSN, card, IBAN, IP, API key, date of birth, address, name.",
    hit_means: HitMeans::Fail,
};

/// Every PII finding type, as findings spell it.
pub const TYPES: [&str; 10] = [
    "EMAIL",
    "PHONE",
    "US_SSN",
    "CREDIT_CARD",
    "IBAN",
    "IP_ADDRESS",
    "API_KEY_OR_SECRET",
    "DATE_OF_BIRTH",
    "STREET_ADDRESS",
    "PERSON_NAME",
];

/// The kinds of PII, in the spelling of finding types and of the `types` param.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum PiiType {
    Email,
    Phone,
    UsSsn,
    CreditCard,
    Iban,
    IpAddress,
    ApiKeyOrSecret,
    DateOfBirth,
    StreetAddress,
    PersonName,
}

impl PiiType {
    /// Most specific first: when two findings overlap, the earlier type here wins (a card
    /// number is not also a phone number, a key is not also an email).
    const BY_PRIORITY: [Self; 10] = [
        Self::ApiKeyOrSecret,
        Self::Email,
        Self::Iban,
        Self::CreditCard,
        Self::UsSsn,
        Self::IpAddress,
        Self::Phone,
        Self::DateOfBirth,
        Self::StreetAddress,
        Self::PersonName,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Email => "EMAIL",
            Self::Phone => "PHONE",
            Self::UsSsn => "US_SSN",
            Self::CreditCard => "CREDIT_CARD",
            Self::Iban => "IBAN",
            Self::IpAddress => "IP_ADDRESS",
            Self::ApiKeyOrSecret => "API_KEY_OR_SECRET",
            Self::DateOfBirth => "DATE_OF_BIRTH",
            Self::StreetAddress => "STREET_ADDRESS",
            Self::PersonName => "PERSON_NAME",
        }
    }

    #[cfg(test)]
    pub(crate) fn all() -> [Self; 10] {
        Self::BY_PRIORITY
    }

    fn priority(self) -> usize {
        Self::BY_PRIORITY.iter().position(|t| *t == self).unwrap_or(usize::MAX)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Params {
    types: Option<Vec<PiiType>>,
}

pub(crate) fn build(params: &Value) -> crate::Result<Arc<dyn Detector>> {
    let params: Params = parse(&INFO, params)?;
    let types = match params.types {
        Some(types) if types.is_empty() => return Err(invalid(&INFO, "types must name at least one PII type (or be left out for all)")),
        Some(types) => PiiType::BY_PRIORITY.into_iter().filter(|t| types.contains(t)).collect(),
        None => PiiType::BY_PRIORITY.to_vec(),
    };
    Ok(Arc::new(Pii { types }))
}

struct Pii {
    types: Vec<PiiType>,
}

#[async_trait::async_trait]
impl Detector for Pii {
    fn info(&self) -> &DetectorInfo {
        &INFO
    }

    async fn detect(&self, input: &DetectionInput) -> Result<Detection, DetectorError> {
        let output = &input.output;
        // Scanners match on an ASCII transliteration (case kept): fast, and "zoë@gmail.com"
        // reads like its ASCII kin; their ranges map back to the reply. Names are read on the
        // reply itself, so the capitals of every script survive. Overlaps are settled on
        // byte ranges of the reply.
        let folded = Folded::new(output, FoldOptions::ASCII);
        let digits = scan::DigitRuns::of(folded.as_str());
        let mut candidates = Vec::new();
        for ty in &self.types {
            if *ty == PiiType::PersonName {
                person::person_names(output, &mut |range| candidates.push(Candidate { ty: *ty, range }));
                continue;
            }
            let first = candidates.len();
            scan::scan(*ty, folded.as_str(), &digits, &mut candidates);
            for candidate in &mut candidates[first..] {
                candidate.range = folded.source_range(candidate.range.clone());
            }
        }
        let kept = resolve_overlaps(candidates);
        if kept.is_empty() {
            return Ok(Detection::miss("no PII found"));
        }
        let mut kinds: Vec<&str> = kept.iter().map(|c| c.ty.label()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        let reasoning = format!("{} PII finding(s): {}", kept.len(), kinds.join(", "));
        let spans = kept.into_iter().map(|c| Span::new(c.ty.label(), c.range)).collect();
        Ok(Detection::hit(1.0, reasoning, to_findings(output, spans)))
    }
}

/// Keeps one finding per stretch of text: the most specific type, then the longest match.
fn resolve_overlaps(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    candidates.sort_by_key(|c| (c.ty.priority(), std::cmp::Reverse(c.range.len()), c.range.start));
    let mut kept: Vec<Candidate> = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        if !kept.iter().any(|k| k.range.start < candidate.range.end && candidate.range.start < k.range.end) {
            kept.push(candidate);
        }
    }
    kept.sort_by_key(|c| c.range.start);
    kept
}

#[cfg(test)]
mod tests;
