//! Measuring the detectors on the labelled sets kept in `crates/detectors/eval/` (JSON Lines,
//! written for assay, each item in the `dev` split, which rules may be tuned on, or the
//! held-apart `test` split, which they never are): confusion counts, precision, recall and F1
//! per detector and split, and per PII type.

use std::collections::BTreeMap;

use assay_core::DetectionInput;
use serde::Deserialize;
use serde_json::Value;

use crate::Registry;

/// A labelled set: its name, the detector it measures, and its lines.
pub struct LabelledSet {
    pub name: &'static str,
    pub detector: &'static str,
    pub text: &'static str,
}

/// Every set kept in the repository.
pub const SETS: [LabelledSet; 5] = [
    LabelledSet { name: "refusal", detector: "refusal", text: include_str!("../eval/refusal.jsonl") },
    LabelledSet { name: "pii", detector: "pii", text: include_str!("../eval/pii.jsonl") },
    LabelledSet { name: "injection", detector: "prompt-injection", text: include_str!("../eval/injection.jsonl") },
    LabelledSet { name: "toxicity", detector: "toxicity", text: include_str!("../eval/toxicity.jsonl") },
    LabelledSet { name: "json-schema", detector: "json-schema", text: include_str!("../eval/json_schema.jsonl") },
];

/// One labelled item (the fields each set uses; the rest are notes).
#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    pub id: String,
    pub split: String,
    #[serde(default)]
    pub input: Option<String>,
    #[serde(default)]
    pub output: String,
    /// Whether the detector should hit (absent in the PII set, where `types` says it).
    #[serde(default)]
    pub label: Option<bool>,
    /// PII types really present.
    #[serde(default)]
    pub types: Vec<String>,
    #[serde(default)]
    pub triggers: Vec<String>,
    #[serde(default)]
    pub schema: Option<Value>,
    #[serde(default)]
    pub goal: Option<String>,
    #[serde(default)]
    pub injected: Option<String>,
}

impl Item {
    /// Whether the detector should hit this item.
    pub fn expected(&self) -> bool {
        self.label.unwrap_or(!self.types.is_empty())
    }

    fn detection_input(&self) -> DetectionInput {
        DetectionInput {
            output: self.output.clone(),
            input: self.input.clone().or_else(|| self.goal.clone()),
            expected: None,
            schema: self.schema.clone(),
            triggers: (!self.triggers.is_empty()).then(|| self.triggers.clone()),
            context: self.injected.clone(),
        }
    }
}

/// Parses a set's lines; a bad line names its number.
pub fn parse(set: &LabelledSet) -> Result<Vec<Item>, String> {
    set.text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| serde_json::from_str::<Item>(line).map_err(|e| format!("{} line {}: {e}", set.name, n + 1)))
        .collect()
}

/// Confusion counts of a binary verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Confusion {
    pub tp: u32,
    pub fp: u32,
    pub fn_: u32,
    pub tn: u32,
    /// Items the detector could not judge (counted as no hit, and here).
    pub errors: u32,
}

impl Confusion {
    pub fn add(&mut self, expected: bool, predicted: bool) {
        match (expected, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }

    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }

    pub fn accuracy(&self) -> f64 {
        ratio(self.tp + self.tn, self.tp + self.tn + self.fp + self.fn_)
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 { 0.0 } else { f64::from(a) / f64::from(b) }
}

/// A set's figures: per split, and per PII type when the set has types.
#[derive(Debug, Default)]
pub struct Report {
    pub by_split: BTreeMap<String, Confusion>,
    pub by_type: BTreeMap<(String, String), Confusion>,
    /// Ids of the items the detector got wrong, per split.
    pub misses: BTreeMap<String, Vec<String>>,
}

/// Runs the set's detector (rule detectors: no judge) on every item.
pub async fn measure(set: &LabelledSet) -> Result<Report, String> {
    let items = parse(set)?;
    let detector = Registry::new(None).build(set.detector, &Value::Null).map_err(|e| e.to_string())?;
    let mut report = Report::default();
    for item in &items {
        let confusion = report.by_split.entry(item.split.clone()).or_default();
        let detection = match detector.detect(&item.detection_input()).await {
            Ok(detection) => detection,
            // A detector that cannot judge an item (no triggers to look for) finds nothing,
            // which is what a scan records as safe: it counts as no hit, and apart.
            Err(_) => {
                confusion.errors += 1;
                assay_core::Detection::miss("could not judge")
            }
        };
        confusion.add(item.expected(), detection.hit);
        if item.expected() != detection.hit {
            report.misses.entry(item.split.clone()).or_default().push(item.id.clone());
        }
        if set.name == "pii" {
            let found: Vec<&str> = detection.findings.iter().map(|f| f.kind.as_str()).collect();
            for kind in crate::pii::TYPES {
                let entry = report.by_type.entry((kind.to_string(), item.split.clone())).or_default();
                entry.add(item.types.iter().any(|t| t == kind), found.contains(&kind));
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_set_parses_with_at_least_300_items_in_both_splits_and_both_labels() {
        for set in &SETS {
            let items = parse(set).unwrap_or_else(|e| panic!("{e}"));
            assert!(items.len() >= 300, "{}: {} items", set.name, items.len());
            for split in ["dev", "test"] {
                let in_split: Vec<&Item> = items.iter().filter(|i| i.split == split).collect();
                assert!(in_split.len() >= 60, "{} {split}: {}", set.name, in_split.len());
                assert!(
                    in_split.iter().any(|i| i.expected()) && in_split.iter().any(|i| !i.expected()),
                    "{} {split}: one label only",
                    set.name
                );
            }
            let mut ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), items.len(), "{}: duplicate ids", set.name);
        }
    }

    #[test]
    fn confusion_figures_follow_their_definitions() {
        let mut c = Confusion::default();
        for (expected, predicted) in [(true, true), (true, true), (true, false), (false, true), (false, false)] {
            c.add(expected, predicted);
        }
        assert_eq!((c.tp, c.fn_, c.fp, c.tn), (2, 1, 1, 1));
        assert!((c.precision() - 2.0 / 3.0).abs() < 1e-12 && (c.recall() - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.f1() - 2.0 / 3.0).abs() < 1e-12 && (c.accuracy() - 0.6).abs() < 1e-12);
    }
}
