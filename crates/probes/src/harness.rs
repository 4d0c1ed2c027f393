//! [`Harness`]: the eight families probes are grouped into, and how a list of them is parsed.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// A family of probes judged together: what a trust evaluation reports a score for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Harness {
    Security,
    Privacy,
    Hallucination,
    Robustness,
    Toxicity,
    Stereotype,
    Fairness,
    Ethics,
}

impl Harness {
    /// Every harness, in report order.
    pub const ALL: [Harness; 8] = [
        Self::Security,
        Self::Privacy,
        Self::Hallucination,
        Self::Robustness,
        Self::Toxicity,
        Self::Stereotype,
        Self::Fairness,
        Self::Ethics,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Security => "security",
            Self::Privacy => "privacy",
            Self::Hallucination => "hallucination",
            Self::Robustness => "robustness",
            Self::Toxicity => "toxicity",
            Self::Stereotype => "stereotype",
            Self::Fairness => "fairness",
            Self::Ethics => "ethics",
        }
    }

    /// Parses `"security,privacy"` or `"all"` (names trimmed, any ASCII case). Duplicates are
    /// dropped, keeping the first position; `all` adds every harness not yet listed. A list
    /// naming no harness at all (`""`, `" , "`) is an error, as is any unknown name.
    pub fn parse_list(s: &str) -> Result<Vec<Harness>, Error> {
        let mut out: Vec<Harness> = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let found: Vec<Harness> = if part.eq_ignore_ascii_case("all") { Self::ALL.to_vec() } else { vec![part.parse()?] };
            for harness in found {
                if !out.contains(&harness) {
                    out.push(harness);
                }
            }
        }
        if out.is_empty() {
            return Err(Error::UnknownHarness(s.trim().to_owned()));
        }
        Ok(out)
    }
}

impl FromStr for Harness {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Self::ALL.into_iter().find(|h| h.as_str().eq_ignore_ascii_case(wanted)).ok_or_else(|| Error::UnknownHarness(wanted.to_owned()))
    }
}

impl fmt::Display for Harness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The valid names, for error messages.
pub(crate) fn names() -> String {
    Harness::ALL.map(Harness::as_str).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_from_str_and_display() {
        for harness in Harness::ALL {
            assert_eq!(harness.to_string().parse::<Harness>(), Ok(harness));
            assert_eq!(serde_json::to_string(&harness).ok(), Some(format!("\"{}\"", harness.as_str())));
        }
    }

    #[test]
    fn a_list_is_trimmed_case_insensitive_and_deduplicated_in_order() {
        assert_eq!(Harness::parse_list(" privacy , Security,privacy"), Ok(vec![Harness::Privacy, Harness::Security]));
    }

    #[test]
    fn all_selects_every_harness_after_those_already_named() {
        assert_eq!(Harness::parse_list("all"), Ok(Harness::ALL.to_vec()));
        let list = Harness::parse_list("ethics,all").unwrap_or_default();
        assert_eq!(list.first(), Some(&Harness::Ethics));
        assert_eq!(list.len(), 8);
    }

    #[test]
    fn an_unknown_name_is_an_error_listing_the_valid_names() {
        let err = Harness::parse_list("security,jailbreak").err();
        assert_eq!(err, Some(Error::UnknownHarness("jailbreak".into())));
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("jailbreak") && message.contains("security, privacy") && message.contains("ethics"), "{message}");
    }

    #[test]
    fn an_empty_list_is_an_error() {
        assert!(Harness::parse_list("").is_err());
        assert!(Harness::parse_list(" , ").is_err());
    }
}
