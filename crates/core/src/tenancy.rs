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

/// What a user may do in their team. Each role may do everything the one below it may:
///
/// | role     | read | write (evaluations, targets, keys, prompts, ingest…) | manage the team (rename, invites, roles) | delete the team, grant `owner` |
/// |----------|------|------------------------------------------------------|------------------------------------------|--------------------------------|
/// | `viewer` | yes  | no                                                   | no                                       | no                             |
/// | `member` | yes  | yes                                                  | no                                       | no                             |
/// | `admin`  | yes  | yes                                                  | yes                                      | no                             |
/// | `owner`  | yes  | yes                                                  | yes                                      | yes                            |
///
/// The trust-platform API names two roles, `admin` and `user`; `user` is read as `member`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TeamRole {
    Viewer,
    Member,
    Admin,
    Owner,
}

impl TeamRole {
    pub const ALL: [TeamRole; 4] = [Self::Owner, Self::Admin, Self::Member, Self::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
            Self::Viewer => "viewer",
        }
    }

    /// May create, change and delete the team's objects.
    pub fn can_write(self) -> bool {
        self >= Self::Member
    }

    /// May rename the team, invite people and change members' roles.
    pub fn can_manage_team(self) -> bool {
        self >= Self::Admin
    }

    /// May delete the team and make or unmake owners.
    pub fn can_own(self) -> bool {
        self == Self::Owner
    }
}

impl std::str::FromStr for TeamRole {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "owner" => Ok(Self::Owner),
            "admin" => Ok(Self::Admin),
            "member" | "user" => Ok(Self::Member),
            "viewer" => Ok(Self::Viewer),
            _ => Err(Error::UnknownTeamRole(s.to_owned())),
        }
    }
}

impl fmt::Display for TeamRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
    pub description: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: Id,
    pub team_id: Id,
    pub name: String,
    pub email: Option<String>,
    pub role: TeamRole,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Where an invite stands. It is answered once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum InviteStatus {
    Pending,
    Accepted,
    Declined,
}

impl InviteStatus {
    pub const ALL: [InviteStatus; 3] = [Self::Pending, Self::Accepted, Self::Declined];

    /// The stored and served form, uppercase like the API's other statuses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Accepted => "ACCEPTED",
            Self::Declined => "DECLINED",
        }
    }

    /// Any case of a status name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str().eq_ignore_ascii_case(raw.trim()))
    }
}

/// An invitation of an email address into a team, with the role the person will have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invite {
    pub id: Id,
    pub team_id: Id,
    pub email: String,
    pub role: TeamRole,
    pub status: InviteStatus,
    /// The member the acceptance made; `None` until then.
    pub user_id: Option<Id>,
    pub created_at: i64,
    pub created_by: Id,
    pub updated_at: i64,
    pub updated_by: Id,
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

/// The authenticated caller of a request: the key used, the team and user it acts for, and
/// that user's role in the team (read afresh on every request, so a role change takes effect
/// at once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub key_id: Id,
    pub team_id: Id,
    pub user_id: Id,
    pub plan: Plan,
    pub role: TeamRole,
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

    #[test]
    fn team_roles_parse_the_api_names_and_rank_their_powers() {
        assert_eq!("user".parse::<TeamRole>(), Ok(TeamRole::Member), "the /v1 API's name for a member");
        assert_eq!(" Admin ".parse::<TeamRole>(), Ok(TeamRole::Admin));
        assert!("root".parse::<TeamRole>().is_err());
        for role in TeamRole::ALL {
            assert_eq!(role.as_str().parse::<TeamRole>(), Ok(role));
        }
        let powers = |r: TeamRole| (r.can_write(), r.can_manage_team(), r.can_own());
        assert_eq!(powers(TeamRole::Viewer), (false, false, false));
        assert_eq!(powers(TeamRole::Member), (true, false, false));
        assert_eq!(powers(TeamRole::Admin), (true, true, false));
        assert_eq!(powers(TeamRole::Owner), (true, true, true));
    }
}
