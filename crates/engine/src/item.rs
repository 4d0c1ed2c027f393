//! A job's item: everything needed to run one test on one target and judge it, stored as the
//! job's JSON so a resumed job runs exactly what was planned.

use assay_probes::{DetectorUse, Probe, Strategy};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestItem {
    pub probe_id: String,
    pub harness: String,
    pub scenario: String,
    /// The prompt as sent (after the converter).
    pub prompt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub converter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    pub detectors: Vec<DetectorUse>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// Run as a crescendo: the prompt is the attacker's goal, reached over this many turns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crescendo_turns: Option<u32>,
}

impl TestItem {
    /// The item for one prompt of a probe, converted by `converter` when given.
    pub fn from_probe(probe: &Probe, prompt: &str, converter: Option<&dyn assay_probes::Converter>) -> Self {
        let crescendo_turns = match probe.strategy {
            Strategy::SingleTurn => None,
            Strategy::Crescendo { max_turns } => Some(max_turns),
        };
        // A converter hides the payload: the original prompt becomes something the reply may
        // echo once decoded, which `encoding-echo` looks for.
        let mut triggers = probe.triggers.clone();
        if converter.is_some() && probe.detectors.iter().any(|d| d.id == "encoding-echo") && !triggers.iter().any(|t| t == prompt) {
            triggers.push(prompt.to_owned());
        }
        Self {
            probe_id: probe.id.clone(),
            harness: probe.harness.as_str().to_owned(),
            scenario: probe.scenario.clone(),
            prompt: converter.map_or_else(|| prompt.to_owned(), |c| c.convert(prompt)),
            converter: converter.map(|c| c.name().to_owned()),
            system: probe.system.clone(),
            detectors: probe.detectors.clone(),
            triggers,
            context: probe.context.clone(),
            expected: Some(probe.safe_behaviour.clone()).filter(|s| !s.is_empty()),
            crescendo_turns,
        }
    }
}
