//! `assay bench detectors`: precision, recall, F1 and the confusion counts of each rule
//! detector on its labelled set (`crates/detectors/eval/`), for the `dev` split and the
//! held-apart `test` split, and per PII type; unscorable verdicts counted apart; with
//! `--misses`, the ids of the items missed. With `--judge SPEC`, the sets' judge detectors
//! too (optionally on one split and a few items: the embedded model is slow). Then each rule
//! detector's replies per second, next to a baseline measured in the same run and to the
//! ratio recorded for an earlier version.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use assay_core::Target;
use assay_detectors::Registry;
use assay_detectors::evaluation::{
    BASELINE, Confusion, LabelledSet, Report, SETS, WITH_CLASSIFIER, measure_detector, measure_detector_with, parse, previous_ratio,
    select, throughput,
};
use assay_targets::{Policy, Reliable, TargetSpec};
use futures_util::StreamExt;

use crate::args::{BenchDetectorsArgs, Cli};

pub async fn detectors(args: BenchDetectorsArgs) -> anyhow::Result<()> {
    let judges = args.judge.iter().map(|spec| Ok((spec.as_str(), judge_target(spec)?))).collect::<anyhow::Result<Vec<_>>>()?;
    header();
    for set in &SETS {
        for detector in set.rule_detectors() {
            let report = measure_detector(set, detector, &Registry::new(None), None, None).await.map_err(anyhow::Error::msg)?;
            print_report(set, detector, &report, args.misses);
            if WITH_CLASSIFIER.contains(&detector) {
                let rules_only = serde_json::json!({"classifier": false});
                let report = measure_detector_with(set, detector, &rules_only, &Registry::new(None), None, None)
                    .await
                    .map_err(anyhow::Error::msg)?;
                print_report(set, &format!("{detector} (rules alone)"), &report, args.misses);
            }
        }
        let Some(id) = set.judge else { continue };
        if !judges.is_empty() && (args.split.is_some() || args.limit.is_some()) {
            // The rules on exactly the items the judges get, so the figures compare.
            let registry = Registry::new(None);
            let report =
                measure_detector(set, set.detector, &registry, args.split.as_deref(), args.limit).await.map_err(anyhow::Error::msg)?;
            print_report(set, &format!("{} (judges' items)", set.detector), &report, args.misses);
        }
        for (spec, judge) in &judges {
            // In-process models have two workers; remote judges take more at once.
            let concurrency = args.concurrency.unwrap_or(if spec.starts_with("local") { 2 } else { 8 }).max(1);
            let report = measure_judged(set, id, judge.clone(), args.split.as_deref(), args.limit, concurrency).await?;
            let label = if judges.len() > 1 { format!("{id} @{}", judge_label(spec)) } else { id.to_owned() };
            print_report(set, &label, &report, args.misses);
        }
    }
    if args.classifier {
        crate::bench_classifier::measure(&data_dir()?).await?;
    }
    print_throughput(args.rounds).await
}

/// A short name for a judge spec in the table: the model file's stem, the model name, or the spec.
fn judge_label(spec: &str) -> String {
    if spec == "local" {
        return "SmolLM2-135M".to_owned();
    }
    if let Some(path) = spec.strip_prefix("local:") {
        return std::path::Path::new(path).file_stem().map_or_else(|| path.to_owned(), |stem| stem.to_string_lossy().into_owned());
    }
    spec.rsplit_once('#').map_or(spec, |(_, model)| model).to_owned()
}

/// The judge target of `spec`, as `assay detect --judge` builds it.
fn judge_target(spec: &str) -> anyhow::Result<Arc<dyn Target>> {
    let target = TargetSpec::parse(spec)?.build(None, &data_dir()?, |line| eprintln!("model: {line}")).context("the judge target")?;
    Ok(Arc::new(Reliable::new(target, Policy { timeout: Duration::from_secs(300), ..Policy::default() })))
}

/// Where the embedded models live. The shared flags (`--data-dir`) are parsed with the command
/// line; read them again here rather than widen this command's signature.
fn data_dir() -> anyhow::Result<std::path::PathBuf> {
    <Cli as clap::Parser>::try_parse().map_err(anyhow::Error::from).and_then(|cli| cli.global.data_dir())
}

/// Runs the judge detector `id` over the selected items, `concurrency` at a time, reporting
/// progress on stderr.
async fn measure_judged(
    set: &LabelledSet,
    id: &str,
    judge: Arc<dyn Target>,
    split: Option<&str>,
    limit: Option<usize>,
    concurrency: usize,
) -> anyhow::Result<Report> {
    let items = select(parse(set).map_err(anyhow::Error::msg)?, split, limit);
    let detector = Registry::new(Some(judge)).build(id, &serde_json::Value::Null)?;
    let started = Instant::now();
    let total = items.len();
    let mut outcomes = futures_util::stream::iter(items.iter().map(|item| {
        let detector = detector.clone();
        async move { (item, detector.detect(&item.detection_input()).await) }
    }))
    .buffered(concurrency);
    let mut report = Report::default();
    let mut done = 0;
    while let Some((item, outcome)) = outcomes.next().await {
        report.add(set, item, outcome);
        done += 1;
        if done % 10 == 0 || done == total {
            eprintln!("{id}: {done}/{total} items in {:.0}s", started.elapsed().as_secs_f64());
        }
    }
    Ok(report)
}

fn header() {
    println!(
        "{:<12} {:<24} {:>5} {:>5} {:>4} {:>4} {:>4} {:>4} {:>5} {:>9} {:>7} {:>6} {:>8} {:>9}",
        "set", "detector", "split", "n", "tp", "fp", "fn", "tn", "unsc", "precision", "recall", "f1", "accuracy", "f1-strict"
    );
}

fn print_report(set: &LabelledSet, detector: &str, report: &Report, misses: bool) {
    for (split, confusion) in &report.by_split {
        row(set.name, detector, split, confusion, report.judged.get(split).copied());
    }
    if misses {
        for (split, ids) in &report.misses {
            println!("    missed in {split}: {}", ids.join(" "));
        }
    }
    if !report.by_type.is_empty() {
        println!("  per PII type:");
        for ((kind, split), confusion) in &report.by_type {
            row("", kind, split, confusion, None);
        }
    }
}

/// One line of figures. Precision, recall, F1 and accuracy are over the scored items;
/// `f1-strict` takes every unscorable item as a wrong verdict.
pub(crate) fn row(set: &str, detector: &str, split: &str, c: &Confusion, judged: Option<u32>) {
    let n = c.scored() + c.unscorable;
    let mut notes = Vec::new();
    if c.errors > 0 {
        notes.push(format!("{} could not be judged: counted as no hit", c.errors));
    }
    if let Some(judged) = judged {
        notes.push(format!("judge asked on {judged}, rules alone on {}", n - judged));
    }
    let notes = if notes.is_empty() { String::new() } else { format!("  ({})", notes.join("; ")) };
    println!(
        "{set:<12} {detector:<24} {split:>5} {n:>5} {:>4} {:>4} {:>4} {:>4} {:>5} {:>9.3} {:>7.3} {:>6.3} {:>8.3} {:>9.3}{notes}",
        c.tp,
        c.fp,
        c.fn_,
        c.tn,
        c.unscorable,
        c.precision(),
        c.recall(),
        c.f1(),
        c.accuracy(),
        c.unscorable_as_wrong().f1(),
    );
}

async fn print_throughput(rounds: u32) -> anyhow::Result<()> {
    println!();
    println!(
        "throughput: replies judged per second over all of a set's replies (median of {rounds} rounds after a warm-up), next to the baseline ({} with one absent string) over the same replies, alternating with it in the same run; ratio = detector / baseline (median per round); previous = the ratio of the detector as it was at 641b418 over the same replies (eval/throughput_previous.tsv)",
        BASELINE.0
    );
    println!("{:<12} {:<24} {:>10} {:>11} {:>7} {:>9}", "set", "detector", "replies/s", "baseline/s", "ratio", "previous");
    for set in &SETS {
        for detector in set.rule_detectors() {
            let measured = throughput(set, detector, rounds).await.map_err(anyhow::Error::msg)?;
            let previous = previous_ratio(set.name, detector).map_or_else(|| "new".to_owned(), |r| format!("{r:.3}"));
            println!(
                "{:<12} {detector:<24} {:>10.0} {:>11.0} {:>7.3} {previous:>9}",
                set.name, measured.replies_per_second, measured.baseline_per_second, measured.ratio
            );
        }
    }
    Ok(())
}
