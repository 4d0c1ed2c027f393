//! Measuring the detectors on the labelled sets kept in `crates/detectors/eval/` (JSON Lines,
//! written for assay, each item in the `dev` split, which rules may be tuned on, or the
//! held-apart `test` split, which they never are): confusion counts, precision, recall and F1
//! per detector and split, and per PII type; items a detector could not score are counted
//! apart. Also how many replies per second each rule detector judges, next to a baseline
//! measured in the same run ([`throughput`]) and the ratio recorded for an earlier version
//! ([`PREVIOUS_THROUGHPUT`]).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use assay_core::{Detection, DetectionInput, Detector, DetectorError};
use serde::Deserialize;
use serde_json::Value;

use crate::Registry;

/// A labelled set: its name, the detectors it measures, and its lines.
pub struct LabelledSet {
    pub name: &'static str,
    /// The rule detector the set was written for.
    pub detector: &'static str,
    /// Other rule detectors measured on the same items.
    pub also: &'static [&'static str],
    /// The judge detector measured on it when a judge target is given.
    pub judge: Option<&'static str>,
    pub text: &'static str,
}

impl LabelledSet {
    /// The rule detectors measured on this set, its own first.
    pub fn rule_detectors(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(self.detector).chain(self.also.iter().copied())
    }
}

/// Every set kept in the repository.
pub const SETS: [LabelledSet; 5] = [
    LabelledSet {
        name: "refusal",
        detector: "refusal",
        also: &[],
        judge: Some("judge.refusal"),
        text: include_str!("../eval/refusal.jsonl"),
    },
    LabelledSet { name: "pii", detector: "pii", also: &[], judge: None, text: include_str!("../eval/pii.jsonl") },
    LabelledSet {
        name: "injection",
        detector: "injection-outcome",
        // The trigger-string detector, kept for comparison: most injected goals are behaviours.
        also: &["prompt-injection"],
        judge: Some("judge.injection-outcome"),
        text: include_str!("../eval/injection.jsonl"),
    },
    LabelledSet { name: "toxicity", detector: "toxicity", also: &[], judge: None, text: include_str!("../eval/toxicity.jsonl") },
    LabelledSet { name: "json-schema", detector: "json-schema", also: &[], judge: None, text: include_str!("../eval/json_schema.jsonl") },
];

/// The rule detectors that consult an n-gram classifier where their rules find nothing; the
/// bench also measures them with `{"classifier": false}`.
pub const WITH_CLASSIFIER: [&str; 2] = ["refusal", "toxicity"];

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

    /// What the detectors are given for this item.
    pub fn detection_input(&self) -> DetectionInput {
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

/// The items of a set to measure: those of `split` (all when `None`), at most `limit` of them,
/// in file order.
pub fn select(items: Vec<Item>, split: Option<&str>, limit: Option<usize>) -> Vec<Item> {
    items.into_iter().filter(|item| split.is_none_or(|split| item.split == split)).take(limit.unwrap_or(usize::MAX)).collect()
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
    /// Items the detector said it could not score: in none of the four cells above, since
    /// unscorable is a verdict of its own; see [`Confusion::unscorable_as_wrong`].
    pub unscorable: u32,
    /// Of the unscorable items, those that should have been hits.
    pub unscorable_positive: u32,
}

impl Confusion {
    /// Counts one detection of an item whose expected verdict is `expected`.
    pub fn add_detection(&mut self, expected: bool, detection: &Detection) {
        if detection.unscorable {
            self.unscorable += 1;
            self.unscorable_positive += u32::from(expected);
        } else {
            self.add(expected, detection.hit);
        }
    }

    /// The counts with every unscorable item taken as a wrong verdict (a missed hit or a false
    /// alarm): the figure a detector cannot improve by declining to answer.
    pub fn unscorable_as_wrong(&self) -> Confusion {
        Confusion {
            fn_: self.fn_ + self.unscorable_positive,
            fp: self.fp + (self.unscorable - self.unscorable_positive),
            unscorable: 0,
            unscorable_positive: 0,
            ..*self
        }
    }

    /// Items with a verdict.
    pub fn scored(&self) -> u32 {
        self.tp + self.fp + self.fn_ + self.tn
    }

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

/// A set's figures for one detector: per split, and per PII type when the set has types.
#[derive(Debug, Default)]
pub struct Report {
    pub by_split: BTreeMap<String, Confusion>,
    pub by_type: BTreeMap<(String, String), Confusion>,
    /// Ids of the items the detector got wrong, per split (unscorable ones included).
    pub misses: BTreeMap<String, Vec<String>>,
    /// Per split, how many items a judge decided (the rest a rule pass decided alone).
    pub judged: BTreeMap<String, u32>,
}

impl Report {
    /// Counts the outcome of detecting `item` (set `set`).
    pub fn add(&mut self, set: &LabelledSet, item: &Item, outcome: Result<Detection, DetectorError>) {
        let confusion = self.by_split.entry(item.split.clone()).or_default();
        let detection = match outcome {
            Ok(detection) => detection,
            // A detector that cannot judge an item (no triggers to look for) finds nothing,
            // which is what a scan records as safe: it counts as no hit, and apart.
            Err(_) => {
                confusion.errors += 1;
                Detection::miss("could not judge")
            }
        };
        confusion.add_detection(item.expected(), &detection);
        if detection.unscorable || item.expected() != detection.hit {
            self.misses.entry(item.split.clone()).or_default().push(item.id.clone());
        }
        // The hybrid judges say in their reasoning whether the judge was asked.
        if detection.reasoning.contains("so the judge decided") {
            *self.judged.entry(item.split.clone()).or_default() += 1;
        }
        if set.name == "pii" {
            let found: Vec<&str> = detection.findings.iter().map(|f| f.kind.as_str()).collect();
            for kind in crate::pii::TYPES {
                let entry = self.by_type.entry((kind.to_string(), item.split.clone())).or_default();
                entry.add(item.types.iter().any(|t| t == kind), found.contains(&kind));
            }
        }
    }
}

/// Runs the set's own rule detector on every item.
pub async fn measure(set: &LabelledSet) -> Result<Report, String> {
    measure_detector(set, set.detector, &Registry::new(None), None, None).await
}

/// Runs `detector` (built by `registry`) on the set's items of `split` (all when `None`), at
/// most `limit` of them, one after the other.
pub async fn measure_detector(
    set: &LabelledSet,
    detector: &str,
    registry: &Registry,
    split: Option<&str>,
    limit: Option<usize>,
) -> Result<Report, String> {
    measure_detector_with(set, detector, &Value::Null, registry, split, limit).await
}

/// [`measure_detector`] with the detector built from `params` (`{"classifier": false}`: the
/// rules alone).
pub async fn measure_detector_with(
    set: &LabelledSet,
    detector: &str,
    params: &Value,
    registry: &Registry,
    split: Option<&str>,
    limit: Option<usize>,
) -> Result<Report, String> {
    let items = select(parse(set)?, split, limit);
    let detector = registry.build(detector, params).map_err(|e| e.to_string())?;
    let mut report = Report::default();
    for item in &items {
        report.add(set, item, detector.detect(&item.detection_input()).await);
    }
    Ok(report)
}

/// Throughput ratios recorded for the detectors as they were at an earlier commit, measured
/// as [`throughput`] measures them: `set`, `detector`, `ratio` (replies per second of the
/// detector over those of the baseline), tab-separated, `#` lines are notes.
pub const PREVIOUS_THROUGHPUT: &str = include_str!("../eval/throughput_previous.tsv");

/// The ratio [`PREVIOUS_THROUGHPUT`] holds for `detector` on `set`.
pub fn previous_ratio(set: &str, detector: &str) -> Option<f64> {
    PREVIOUS_THROUGHPUT.lines().filter(|line| !line.starts_with('#')).find_map(|line| {
        let mut fields = line.split('\t');
        let (s, d, ratio) = (fields.next()?, fields.next()?, fields.next()?);
        (s == set && d == detector).then(|| ratio.trim().parse().ok()).flatten()
    })
}

/// The baseline every detector's speed is put next to: `substring` looking for one string
/// that occurs nowhere, over the same replies (a pass over each reply and nothing more).
pub const BASELINE: (&str, &str) = ("substring", r#"{"strings": ["assay-throughput-baseline"]}"#);

/// Replies per second of a detector and of the baseline, over the same inputs.
#[derive(Debug, Clone, Copy)]
pub struct Throughput {
    pub replies_per_second: f64,
    pub baseline_per_second: f64,
    /// The median over rounds of the detector's speed as a share of the baseline's (1.0: as
    /// fast as a substring search).
    pub ratio: f64,
}

/// Measures `detector` (a rule detector) over every reply of `set` and the baseline over the
/// same replies, alternating the two for `rounds` rounds after a warm-up, so both see the same
/// machine load; the figures are medians over the rounds (other work on the machine only ever
/// slows a round down). A round runs over the replies as many times as makes the baseline's
/// share last a few milliseconds: one pass of a fast detector is too short to time.
pub async fn throughput(set: &LabelledSet, detector: &str, rounds: u32) -> Result<Throughput, String> {
    let inputs: Vec<DetectionInput> = parse(set)?.iter().map(Item::detection_input).collect();
    let registry = Registry::new(None);
    let measured = registry.build(detector, &Value::Null).map_err(|e| e.to_string())?;
    let params: Value = serde_json::from_str(BASELINE.1).map_err(|e| e.to_string())?;
    let baseline = registry.build(BASELINE.0, &params).map_err(|e| e.to_string())?;
    // The warm-up compiles patterns and fills caches: paid once per process, not per reply.
    timed(measured.as_ref(), &inputs, 1).await;
    let one_pass = timed(baseline.as_ref(), &inputs, 1).await.as_secs_f64().max(1e-6);
    let passes = (0.005 / one_pass).ceil().clamp(1.0, 10_000.0) as u32;
    let replies = inputs.len() as f64 * f64::from(passes);
    let (mut rates, mut baseline_rates, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds.max(1) {
        let spent = timed(measured.as_ref(), &inputs, passes).await.as_secs_f64().max(1e-9);
        let baseline_spent = timed(baseline.as_ref(), &inputs, passes).await.as_secs_f64().max(1e-9);
        rates.push(replies / spent);
        baseline_rates.push(replies / baseline_spent);
        ratios.push(baseline_spent / spent);
    }
    Ok(Throughput { replies_per_second: median(rates), baseline_per_second: median(baseline_rates), ratio: median(ratios) })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

async fn timed(detector: &dyn Detector, inputs: &[DetectionInput], passes: u32) -> Duration {
    let started = Instant::now();
    for _ in 0..passes {
        for input in inputs {
            let _ = std::hint::black_box(detector.detect(std::hint::black_box(input)).await);
        }
    }
    started.elapsed()
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

    #[test]
    fn unscorable_items_are_counted_apart_and_as_wrong_on_request() {
        let mut c = Confusion::default();
        c.add_detection(true, &Detection::hit(0.9, "found", Vec::new()));
        c.add_detection(false, &Detection::miss("clean"));
        c.add_detection(true, &Detection::unscorable("cannot tell"));
        c.add_detection(false, &Detection::unscorable("cannot tell"));
        assert_eq!((c.tp, c.fp, c.fn_, c.tn, c.unscorable, c.unscorable_positive), (1, 0, 0, 1, 2, 1));
        assert_eq!(c.scored(), 2);
        assert!((c.f1() - 1.0).abs() < 1e-12);
        let strict = c.unscorable_as_wrong();
        assert_eq!((strict.tp, strict.fp, strict.fn_, strict.tn, strict.unscorable), (1, 1, 1, 1, 0));
        assert!((strict.f1() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn select_keeps_one_split_and_at_most_the_limit() {
        let items = parse(&SETS[2]).expect("parses");
        let dev = select(items.clone(), Some("dev"), Some(5));
        assert_eq!(dev.len(), 5);
        assert!(dev.iter().all(|i| i.split == "dev"));
        assert_eq!(select(items.clone(), None, None).len(), items.len());
    }

    #[test]
    fn the_previous_throughput_figures_parse_for_every_set() {
        for set in &SETS {
            assert!(previous_ratio(set.name, set.detector).is_some() || set.detector == "injection-outcome", "{}", set.name);
        }
        assert!(previous_ratio("injection", "prompt-injection").is_some_and(|r| r > 0.0));
        assert_eq!(previous_ratio("injection", "no-such-detector"), None);
    }
}
