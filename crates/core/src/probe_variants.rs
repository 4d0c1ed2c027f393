//! A team's own variant of a library probe (`PUT /v1/probe-configs/{id}`): its prompts, its
//! detectors, or the probe switched off. The team's evaluations run the variant.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeVariant {
    /// The library probe's id (`security.injection.direct-override`).
    pub probe_id: String,
    /// False: the team's evaluations leave the probe out.
    pub enabled: bool,
    /// In place of the library's prompts, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts: Option<Vec<String>>,
    /// Detector ids in place of the library's, when set (a detector the probe already uses
    /// keeps its parameters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detectors: Option<Vec<String>>,
    /// Unix seconds.
    #[serde(default)]
    pub updated_at: i64,
}
