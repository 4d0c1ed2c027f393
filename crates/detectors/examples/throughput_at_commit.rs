//! Measures one rule detector's throughput ratio on the replies of a labelled-set JSONL file
//! the way `assay bench detectors` does (alternating rounds with the substring baseline over
//! the same replies, medians), printing the median of five such runs. It uses only the
//! public API that every commit since the rule detectors has, so the same file builds in a
//! worktree of an older commit: that is how `eval/throughput_previous.tsv` is measured, the
//! old detector on today's replies.
//!
//! `cargo run --example throughput_at_commit -p assay-detectors -- SET.jsonl DETECTOR`

use std::time::{Duration, Instant};

use assay_core::{DetectionInput, Detector};
use assay_detectors::Registry;
use serde_json::Value;

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(detector)) = (args.next(), args.next()) else {
        return Err("usage: throughput_at_commit SET.jsonl DETECTOR".to_owned());
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let inputs = text.lines().filter(|l| !l.trim().is_empty()).map(input_of).collect::<Result<Vec<_>, _>>()?;
    let registry = Registry::new(None);
    let measured = registry.build(&detector, &Value::Null).map_err(|e| e.to_string())?;
    let params = serde_json::json!({"strings": ["assay-throughput-baseline"]});
    let baseline = registry.build("substring", &params).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread().build().map_err(|e| e.to_string())?;
    let mut medians = runtime.block_on(async {
        timed(measured.as_ref(), &inputs, 1).await;
        let one_pass = timed(baseline.as_ref(), &inputs, 1).await.as_secs_f64().max(1e-6);
        let passes = (0.005 / one_pass).ceil().clamp(1.0, 10_000.0) as u32;
        let mut medians = Vec::new();
        for _ in 0..5 {
            let mut ratios = Vec::new();
            for _ in 0..9 {
                let spent = timed(measured.as_ref(), &inputs, passes).await.as_secs_f64().max(1e-9);
                let baseline_spent = timed(baseline.as_ref(), &inputs, passes).await.as_secs_f64();
                ratios.push(baseline_spent / spent);
            }
            ratios.sort_by(f64::total_cmp);
            medians.push(ratios[ratios.len() / 2]);
        }
        medians
    });
    medians.sort_by(f64::total_cmp);
    println!("{detector}\t{:.4}\t(runs: {medians:.4?})", medians[medians.len() / 2]);
    Ok(())
}

/// What the bench gives a detector for one line of a set (see `evaluation::Item`).
fn input_of(line: &str) -> Result<DetectionInput, String> {
    let item: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
    let triggers: Vec<String> =
        item.get("triggers").and_then(Value::as_array).into_iter().flatten().filter_map(|t| t.as_str().map(str::to_owned)).collect();
    Ok(DetectionInput {
        output: text("output").unwrap_or_default(),
        input: text("input").or_else(|| text("goal")),
        expected: None,
        schema: item.get("schema").cloned(),
        triggers: (!triggers.is_empty()).then_some(triggers),
        context: text("injected"),
    })
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
