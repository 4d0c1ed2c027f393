//! `assay detect` (score JSON Lines from stdin with one detector), `assay detectors` and
//! `assay probes` (what the registry and the library hold).

use std::io::{BufRead, Write};
use std::time::Duration;

use anyhow::{Context, bail};
use assay_core::{Detection, DetectionInput};
use assay_detectors::Registry;
use assay_probes::{CONVERTERS, Harness, Library};
use assay_targets::{Policy, Reliable, TargetSpec};
use futures_util::StreamExt;
use serde::Serialize;

use crate::args::{DetectArgs, Global};

/// One output line: the detection, or why this line could not be judged.
#[derive(Serialize)]
#[serde(untagged)]
enum Line {
    Judged(Detection),
    Failed { error: String },
}

pub async fn detect(global: &Global, args: DetectArgs) -> anyhow::Result<()> {
    let params: serde_json::Value = match &args.params {
        Some(raw) => serde_json::from_str(raw).context("--params is not JSON")?,
        None => serde_json::Value::Null,
    };
    let judge = match &args.judge {
        Some(spec) => {
            let target = TargetSpec::parse(spec)?.build(None, &global.data_dir()?, |line| eprintln!("model: {line}"))?;
            Some(std::sync::Arc::new(Reliable::new(target, Policy { timeout: Duration::from_secs(120), ..Policy::default() })) as _)
        }
        None => None,
    };
    let detector = Registry::new(judge).build(&args.detector, &params)?;
    let (lines, mut receiver) = tokio::sync::mpsc::channel::<std::io::Result<String>>(1024);
    // stdin is read on its own thread, a line at a time: 100k lines never sit in memory.
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            if lines.blocking_send(line).is_err() {
                break;
            }
        }
    });
    let inputs = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    let judged = inputs
        .map(|line| {
            let detector = detector.clone();
            async move {
                let line = match line {
                    Ok(line) => line,
                    Err(error) => return Line::Failed { error: format!("unreadable line: {error}") },
                };
                let input: DetectionInput = match serde_json::from_str(&line) {
                    Ok(input) => input,
                    Err(error) => return Line::Failed { error: format!("not a detection input ({{\"output\": …}}): {error}") },
                };
                match detector.detect(&input).await {
                    Ok(detection) => Line::Judged(detection),
                    Err(error) => Line::Failed { error: error.to_string() },
                }
            }
        })
        // In input order, `--concurrency` lines judged at once.
        .buffered(args.concurrency.max(1));
    tokio::pin!(judged);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failures = 0u64;
    while let Some(line) = judged.next().await {
        if matches!(line, Line::Failed { .. }) {
            failures += 1;
        }
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    if failures > 0 {
        bail!("{failures} line(s) could not be judged (see their \"error\")");
    }
    Ok(())
}

pub fn detectors() {
    for info in Registry::list() {
        let meaning = match info.hit_means {
            assay_core::HitMeans::Pass => "hit=safe",
            assay_core::HitMeans::Fail => "hit=unsafe",
        };
        println!("{:<18} v{:<3} {:<11} {}", info.id, info.version, meaning, info.description);
    }
}

pub fn probes() {
    let library = Library::builtin();
    for harness in Harness::ALL {
        let only = [harness];
        let probes: Vec<_> = library.select(&only).collect();
        let prompts: usize = probes.iter().map(|p| p.prompts.len()).sum();
        println!("{harness}: {} probes, {prompts} prompts", probes.len());
        for probe in probes {
            println!("  {:<48} {:<30} {:>4} prompts  {}", probe.id, probe.scenario, probe.prompts.len(), probe.owasp.join(","));
        }
    }
    println!("total: {} prompts", library.prompt_count());
    println!("converters: {}", CONVERTERS.join(", "));
}
