//! Files uploaded to assay: announced (name, type, size, MD5), then sent once to a one-time
//! URL, and kept with the object they belong to.

use serde::Serialize;

use crate::Id;

/// What a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadOwner {
    Agent,
    HarnessStage,
}

impl UploadOwner {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agent => "agent",
            Self::HarnessStage => "harness_stage",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Agent, Self::HarnessStage].into_iter().find(|owner| owner.as_str() == raw)
    }
}

/// A file as announced, and whether its bytes have arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upload {
    pub id: Id,
    pub team_id: Id,
    pub owner: UploadOwner,
    pub owner_id: Id,
    pub file_name: String,
    pub file_type: String,
    /// Bytes, as announced (the upload must match).
    pub file_size: i64,
    /// Base64 of the MD5 of the bytes, as announced (empty: none announced).
    pub checksum: String,
    /// Unix seconds after which the upload URL no longer takes the bytes.
    pub expires_at: i64,
    /// Unix seconds; `None` until the bytes arrived.
    pub uploaded_at: Option<i64>,
    pub created_by: Id,
    pub created_at: i64,
}
