//! `assay bench detectors`: precision, recall, F1 and the confusion counts of each rule
//! detector on its labelled set (`crates/detectors/eval/`), for the `dev` split and the
//! held-apart `test` split, and per PII type; with `--misses`, the ids of the items missed.

use assay_detectors::evaluation::{Confusion, SETS, measure};

use crate::args::BenchDetectorsArgs;

pub async fn detectors(args: BenchDetectorsArgs) -> anyhow::Result<()> {
    println!(
        "{:<14} {:<17} {:>5} {:>5} {:>4} {:>4} {:>5} {:>4} {:>9} {:>7} {:>6} {:>8}",
        "set", "detector", "split", "n", "tp", "fp", "fn", "tn", "precision", "recall", "f1", "accuracy"
    );
    for set in &SETS {
        let report = measure(set).await.map_err(anyhow::Error::msg)?;
        for (split, confusion) in &report.by_split {
            row(set.name, set.detector, split, confusion);
        }
        if args.misses {
            for (split, ids) in &report.misses {
                println!("    missed in {split}: {}", ids.join(" "));
            }
        }
        if !report.by_type.is_empty() {
            println!("  per PII type:");
            for ((kind, split), confusion) in &report.by_type {
                row("", kind, split, confusion);
            }
        }
    }
    Ok(())
}

fn row(set: &str, detector: &str, split: &str, c: &Confusion) {
    let n = c.tp + c.fp + c.fn_ + c.tn;
    let errors = if c.errors > 0 { format!("  ({} could not be judged: counted as no hit)", c.errors) } else { String::new() };
    println!(
        "{set:<14} {detector:<17} {split:>5} {n:>5} {:>4} {:>4} {:>5} {:>4} {:>9.3} {:>7.3} {:>6.3} {:>8.3}{errors}",
        c.tp,
        c.fp,
        c.fn_,
        c.tn,
        c.precision(),
        c.recall(),
        c.f1(),
        c.accuracy()
    );
}
