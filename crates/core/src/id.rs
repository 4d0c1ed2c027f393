//! Object ids: strings that are safe in URLs and sort by creation time.
//!
//! assay mints 24-hex-digit ids (the form the workbench API documents, e.g.
//! `687514635616db903d042808`): 4 bytes of Unix seconds then 8 random bytes, so ids created
//! later sort later. Clients of the trust-platform API send their own UUIDs, so a hyphenated
//! UUID is accepted too. Both forms are normalised to lower case.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::Error;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Id(String);

impl Id {
    /// A new time-ordered 24-hex id.
    pub fn generate() -> Self {
        let secs = u32::try_from(crate::unix_now()).unwrap_or(u32::MAX);
        let mut bytes = [0u8; 12];
        bytes[..4].copy_from_slice(&secs.to_be_bytes());
        crate::tenancy::fill_random(&mut bytes[4..]);
        Self(hex::encode(bytes))
    }

    /// Parses a 24-hex id or a hyphenated UUID (any case); anything else is refused.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let is_hex24 = raw.len() == 24 && raw.bytes().all(|b| b.is_ascii_hexdigit());
        let is_uuid = raw.len() == 36 && uuid::Uuid::try_parse(raw).is_ok();
        if is_hex24 || is_uuid { Ok(Self(raw.to_ascii_lowercase())) } else { Err(Error::InvalidId(raw.to_owned())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Id {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_24_lowercase_hex_digits_and_parse_back() {
        let id = Id::generate();
        assert_eq!(id.as_str().len(), 24);
        assert!(id.as_str().bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_eq!(Id::parse(id.as_str()), Ok(id));
    }

    #[test]
    fn generated_ids_differ() {
        assert_ne!(Id::generate(), Id::generate());
    }

    #[test]
    fn uuids_are_accepted_and_lowercased() {
        let id = Id::parse("3F2504E0-4F89-11D3-9A0C-0305E82C3301").expect("uuid parses");
        assert_eq!(id.as_str(), "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in
            ["", "abc", "687514635616db903d04280", "687514635616db903d04280g", "../etc/passwd", "3f2504e0-4f89-11d3-9a0c-0305e82c330"]
        {
            assert_eq!(Id::parse(bad), Err(Error::InvalidId(bad.to_owned())), "{bad}");
        }
    }
}
