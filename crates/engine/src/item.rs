//! A job's item: everything needed to run one test on one target and judge it, stored as the
//! job's JSON so a resumed job runs exactly what was planned.

use assay_probes::{DetectorUse, Probe, Strategy};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// `D` is how each detector is held: [`DetectorUse`] where items are planned, [`StoredDetector`]
/// where the runner reads them back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestItem<D = DetectorUse> {
    pub probe_id: String,
    pub harness: String,
    pub scenario: String,
    /// The prompt as sent (after the converter).
    pub prompt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub converter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    pub detectors: Vec<D>,
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

/// A stored item's detector as the runner reads it: a [`DetectorUse`] whose parameters stay
/// the JSON text they were stored as. A probe's detector is built once per evaluation from
/// its first job, so parsing every job's parameters (long regex lists, rubrics) into values
/// was work thrown away on every other job.
#[derive(Debug, Deserialize)]
pub struct StoredDetector {
    pub id: String,
    /// `None` for absent or `null` parameters.
    #[serde(default)]
    pub params: Option<Box<RawValue>>,
    #[serde(default)]
    pub hit_means: Option<assay_core::HitMeans>,
}

impl StoredDetector {
    /// The parameters as a value, as [`DetectorUse::params`] holds them (`null` when none).
    pub fn params(&self) -> Result<serde_json::Value, serde_json::Error> {
        self.params.as_deref().map_or(Ok(serde_json::Value::Null), |raw| serde_json::from_str(raw.get()))
    }
}

/// A job's item as the runner reads it back (see [`StoredDetector`]).
pub type StoredItem = TestItem<StoredDetector>;

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

/// The stored JSON of a probe's test items, written without building a [`TestItem`] each: the
/// fields after the prompt (the system prompt, detectors with their parameters, triggers, the
/// planted context, the expected behaviour) are the same for every test of a probe, so they
/// are encoded once per probe and only the prompt's own fields per test. The text is the
/// one `serde_json` writes for the [`TestItem`] (a test compares them over the library).
pub struct ProbeItemJson {
    harness: String,
    /// `,"detectors":…}` and the other shared fields, with the probe's own triggers.
    tail: String,
    /// The converted prompt joins the triggers (see [`TestItem::from_probe`]).
    echoes_prompt: bool,
}

/// The fields of a [`TestItem`] up to its converter, in its order and spelling.
#[derive(Serialize)]
struct ItemHead<'a> {
    probe_id: &'a str,
    harness: &'a str,
    scenario: &'a str,
    prompt: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    converter: Option<&'a str>,
}

/// The fields of a [`TestItem`] after its converter, in its order and spelling.
#[derive(Serialize)]
struct ItemTail<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<&'a str>,
    detectors: &'a [DetectorUse],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    triggers: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    crescendo_turns: Option<u32>,
}

impl ProbeItemJson {
    /// The encoder of `probe`'s items, stored under `harness`.
    pub fn new(probe: &Probe, harness: &str) -> serde_json::Result<Self> {
        let echoes_prompt = probe.detectors.iter().any(|d| d.id == "encoding-echo");
        let tail = Self::tail(probe, &probe.triggers)?;
        Ok(Self { harness: harness.to_owned(), tail, echoes_prompt })
    }

    fn tail(probe: &Probe, triggers: &[String]) -> serde_json::Result<String> {
        let crescendo_turns = match probe.strategy {
            Strategy::SingleTurn => None,
            Strategy::Crescendo { max_turns } => Some(max_turns),
        };
        let tail = ItemTail {
            system: probe.system.as_deref(),
            detectors: &probe.detectors,
            triggers,
            context: probe.context.as_deref(),
            expected: Some(probe.safe_behaviour.as_str()).filter(|s| !s.is_empty()),
            crescendo_turns,
        };
        // `{"detectors":…}` (never empty: the detectors are always written) as `,"detectors":…}`.
        let mut json = serde_json::to_string(&tail)?;
        json.replace_range(..1, ",");
        Ok(json)
    }

    /// The item of one prompt of `probe` (the probe this encoder was made for), converted by
    /// `converter` when given: its JSON, as `serde_json::to_string` writes the
    /// [`TestItem::from_probe`] with the harness set.
    pub fn item(&self, probe: &Probe, prompt: &str, converter: Option<&dyn assay_probes::Converter>) -> serde_json::Result<String> {
        let converted = converter.map(|c| c.convert(prompt));
        let head = ItemHead {
            probe_id: &probe.id,
            harness: &self.harness,
            scenario: &probe.scenario,
            prompt: converted.as_deref().unwrap_or(prompt),
            converter: converter.map(|c| c.name()),
        };
        let mut json = serde_json::to_string(&head)?;
        json.pop();
        let triggers = &probe.triggers;
        if converter.is_some() && self.echoes_prompt && !triggers.iter().any(|t| t == prompt) {
            let mut with_prompt = triggers.clone();
            with_prompt.push(prompt.to_owned());
            json.push_str(&Self::tail(probe, &with_prompt)?);
        } else {
            json.push_str(&self.tail);
        }
        Ok(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_item_reads_back_each_detectors_parameters_as_they_were_planned() {
        let detectors = vec![
            DetectorUse {
                id: "regex".into(),
                params: serde_json::json!({"patterns": [r"(?i)\bno\b", "é\"x"]}),
                hit_means: Some(assay_core::HitMeans::Pass),
            },
            DetectorUse { id: "refusal".into(), params: serde_json::Value::Null, hit_means: None },
        ];
        let planned = TestItem {
            probe_id: "p".into(),
            harness: "h".into(),
            scenario: "s".into(),
            prompt: "hi".into(),
            converter: None,
            system: None,
            detectors: detectors.clone(),
            triggers: Vec::new(),
            context: None,
            expected: None,
            crescendo_turns: None,
        };
        let stored: StoredItem = serde_json::from_str(&serde_json::to_string(&planned).expect("json")).expect("read back");
        assert_eq!(stored.detectors.len(), 2);
        for (read, planned) in stored.detectors.iter().zip(&detectors) {
            assert_eq!(read.id, planned.id);
            assert_eq!(read.hit_means, planned.hit_means);
            assert_eq!(read.params().expect("params"), planned.params);
        }
        // Parameters left out read as `null`, as `DetectorUse` reads them.
        let bare: StoredDetector = serde_json::from_str(r#"{"id": "refusal"}"#).expect("bare");
        assert_eq!(bare.params().expect("params"), serde_json::Value::Null);
    }
}
