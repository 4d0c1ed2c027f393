//! Tenancy: teams (with their plan), users and assay's own API keys.
//!
//! Every stored object belongs to exactly one team. API keys are random 192-bit secrets shown
//! once at creation; only their SHA-256 is stored (a slow password hash buys nothing for a
//! secret with this much entropy, and would cost a hash per request).

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Id};

/// Fills `buf` from the operating system's CSPRNG.
/// `bytes` random bytes as lowercase hex: for one-time tokens (e.g. privacy-mode sessions).
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    fill_random(&mut buf);
    hex::encode(buf)
}

pub(crate) fn fill_random(buf: &mut [u8]) {
    // The OS generator failing is not recoverable and never happens on a supported system.
    getrandom::fill(buf).expect("the operating system's random generator is available");
}

/// A team's subscription plan; it sets the per-key request rate (the workbench API's plans).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    #[default]
    Free,
    Pro,
}

impl Plan {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Pro => "pro",
        }
    }

    /// Requests per hour per API key, as the workbench API documents its plans.
    pub fn default_requests_per_hour(self) -> u32 {
        match self {
            Self::Free => 1_000,
            Self::Pro => 10_000,
        }
    }
}

impl std::str::FromStr for Plan {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "free" => Ok(Self::Free),
            "pro" => Ok(Self::Pro),
            other => Err(Error::UnknownPlan(other.to_owned())),
        }
    }
}

/// A team name: 1-64 of `[A-Za-z0-9._-]`, unique across the installation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct TeamName(String);

impl TeamName {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let ok = (1..=64).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if ok { Ok(Self(raw.to_owned())) } else { Err(Error::InvalidTeamName(raw.to_owned())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TeamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Team {
    pub id: Id,
    pub name: String,
    pub plan: Plan,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: Id,
    pub team_id: Id,
    pub name: String,
    pub email: Option<String>,
    pub role: String,
    pub created_at: i64,
}

/// An API key as stored and listed: never the secret, only its display prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKey {
    pub id: Id,
    pub team_id: Id,
    pub user_id: Id,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// The authenticated caller of a request: the key used, and the team and user it acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub key_id: Id,
    pub team_id: Id,
    pub user_id: Id,
    pub plan: Plan,
}

/// A freshly minted API key secret. It exists in memory only until it is shown once.
pub struct KeySecret(String);

impl KeySecret {
    const PREFIX: &'static str = "assay_";
    /// Characters of the secret kept (in clear) to tell keys apart in listings.
    const DISPLAY_LEN: usize = 12;

    pub fn generate() -> Self {
        let mut bytes = [0u8; 24];
        fill_random(&mut bytes);
        Self(format!("{}{}", Self::PREFIX, hex::encode(bytes)))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored and looked up: the hex SHA-256 of the presented key.
    pub fn hash_of(presented: &str) -> String {
        hex::encode(Sha256::digest(presented.as_bytes()))
    }

    pub fn hash(&self) -> String {
        Self::hash_of(&self.0)
    }

    pub fn display_prefix(&self) -> String {
        self.0[..Self::DISPLAY_LEN].to_owned()
    }
}

impl fmt::Debug for KeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeySecret({}…)", self.display_prefix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_secrets_are_random_prefixed_and_hash_deterministically() {
        let a = KeySecret::generate();
        let b = KeySecret::generate();
        assert_ne!(a.expose(), b.expose());
        assert!(a.expose().starts_with("assay_"));
        assert_eq!(a.expose().len(), 6 + 48);
        assert_eq!(a.hash(), KeySecret::hash_of(a.expose()));
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash().len(), 64);
        assert!(a.expose().starts_with(&a.display_prefix()));
        assert!(!format!("{a:?}").contains(&a.expose()[12..]), "Debug must not print the secret");
    }

    #[test]
    fn team_names_are_validated() {
        assert!(TeamName::parse("acme-prod_1.eu").is_ok());
        for bad in ["", "a b", "x/y", &"a".repeat(65)] {
            assert!(TeamName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plans_parse_and_carry_the_documented_rates() {
        assert_eq!("pro".parse::<Plan>(), Ok(Plan::Pro));
        assert!("gold".parse::<Plan>().is_err());
        assert_eq!(Plan::Free.default_requests_per_hour(), 1_000);
        assert_eq!(Plan::Pro.default_requests_per_hour(), 10_000);
    }
}
