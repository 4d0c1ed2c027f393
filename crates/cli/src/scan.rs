//! `assay scan`: red-teams one target with the probe library, in-process on the embedded
//! store (no server). Shows progress, then a summary per harness and scenario, writes the
//! reports asked for, and fails under `--fail-under`. Ctrl-C stops cleanly; `--resume`
//! continues the same evaluation later, as does a restart after a crash.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use assay_core::{Evaluation, Id, Plan, SliceSummary, TeamName};
use assay_engine::{Engine, EngineConfig, SpecResolver, Suite, TargetResolver, report};
use assay_probes::Harness;
use assay_server::LOCAL_TEAM;
use assay_store::Store;
use assay_targets::Policy;
use tokio::sync::watch;

use crate::args::{Global, ScanArgs};

/// Calls at once to the embedded model: it runs two inference workers.
const LOCAL_CONCURRENCY: usize = 2;
/// Calls at once to a remote target unless `--max-concurrency` says otherwise.
const REMOTE_CONCURRENCY: usize = 16;

pub async fn run(global: &Global, args: ScanArgs) -> anyhow::Result<()> {
    if let Some(threshold) = args.fail_under.filter(|t| !(0.0..=1.0).contains(t)) {
        bail!("--fail-under takes a pass rate between 0 and 1 (e.g. 0.8), not {threshold}");
    }
    let data_dir = global.data_dir()?;
    // Two SQLite connections (the writer and the rest): each one more is a thread whose
    // malloc arena keeps its own high-water mark, which a 100k-test scan feels.
    let store = crate::keys::open_store_with(global, 2).await?;
    let team = store.team_or_create(&TeamName::parse(LOCAL_TEAM)?, Plan::Pro).await?;
    // This scan's jobs are pinned to this process: a server or worker on the same database
    // cannot open its target spec and key, so must not claim them; nor does it claim theirs.
    let scope = format!("scan-{}", Id::generate());
    let evaluation = match &args.resume {
        Some(raw) => resumable(&store, raw, &scope).await?,
        None => None,
    };
    let targets: Vec<String> = evaluation.as_ref().map_or_else(|| vec![args.target.clone()], |e| e.targets.clone());
    let concurrency =
        args.max_concurrency.unwrap_or(if targets.iter().any(|t| t == "local") { LOCAL_CONCURRENCY } else { REMOTE_CONCURRENCY }).max(1);
    let policy = Policy { timeout: Duration::from_secs(args.timeout_secs), max_concurrency: concurrency, ..Policy::default() };
    let resolver = Arc::new(SpecResolver::new(data_dir, args.key.clone(), policy, |line| eprintln!("model: {line}")));
    let engine = Engine::new(store.clone(), resolver.clone(), EngineConfig { concurrency, scope: Some(scope), ..EngineConfig::default() });

    for reference in &targets {
        let target = resolver.resolve(&team.id, reference).await.map_err(|e| anyhow::anyhow!("target {reference:?}: {e}"))?;
        target.warm_up().await.with_context(|| format!("{reference} is not ready"))?;
    }
    let evaluation = match evaluation {
        Some(evaluation) => evaluation,
        None => {
            let suite = suite_from(&args)?;
            let name = format!("scan {} ({})", args.target, args.harness);
            engine.create_evaluation(&team.id, &name, &suite, &targets).await?
        }
    };
    eprintln!("evaluation {}: {} tests on {}", evaluation.id, evaluation.counts.total, targets.join(", "));

    let (stop, stopped) = watch::channel(false);
    let runner = tokio::spawn({
        let engine = engine.clone();
        async move { engine.run(stopped).await }
    });
    let interrupted = watch_progress(&store, &evaluation, args.quiet).await?;
    let _ = stop.send(true);
    runner.await.context("the runner panicked")??;

    let evaluation = store.evaluation(&evaluation.id).await?.context("the evaluation vanished")?;
    let summary = store.evaluation_summary(&evaluation.id).await?;
    print_summary(&evaluation, &summary);
    write_reports(&store, &evaluation, &summary, &args).await?;
    store.close().await;

    if interrupted {
        bail!("interrupted; continue with `assay scan --resume {}`", evaluation.id);
    }
    if let Some(reason) = &evaluation.error {
        bail!("the evaluation failed: {reason}");
    }
    if let (Some(threshold), Some(score)) = (args.fail_under, evaluation.counts.score())
        && score < threshold
    {
        bail!("score {score:.3} is under --fail-under {threshold}");
    }
    Ok(())
}

/// The evaluation to resume, pinned to this process's `scope`; its leased jobs go back to the
/// queue (their runner is gone).
async fn resumable(store: &Store, raw: &str, scope: &str) -> anyhow::Result<Option<Evaluation>> {
    let id = Id::parse(raw)?;
    let evaluation = store.evaluation(&id).await?.with_context(|| format!("no evaluation {id}"))?;
    if evaluation.state.is_finished() || !store.pin_evaluation(&id, scope).await? {
        bail!("evaluation {id} is already {}", evaluation.state.as_str());
    }
    store.requeue_evaluation(&id).await?;
    Ok(Some(evaluation))
}

fn suite_from(args: &ScanArgs) -> anyhow::Result<Suite> {
    let split = |list: &str| list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    let suite = Suite {
        harnesses: Harness::parse_list(&args.harness)?,
        converters: split(&args.converters),
        probes: args.probes.as_deref().map(split).unwrap_or_default(),
        repeat: args.repeat,
        limit: args.limit,
        judge: args.judge.clone(),
        attacker: args.attacker.clone(),
        max_tokens: Some(args.max_tokens),
        temperature: None,
        top_p: None,
        per_probe: None,
        variants: Vec::new(),
        custom: Vec::new(),
    };
    suite.validate()?;
    Ok(suite)
}

/// Redraws the progress line until the evaluation finishes; true when Ctrl-C stopped it.
async fn watch_progress(store: &Store, evaluation: &Evaluation, quiet: bool) -> anyhow::Result<bool> {
    let terminal = std::io::stderr().is_terminal() && !quiet;
    let started = Instant::now();
    let done_at_start = evaluation.counts.done;
    let mut last_line = Instant::now();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            _ = &mut ctrl_c => {
                eprintln!("\nstopping: the calls in flight finish first…");
                return Ok(true);
            }
            () = tokio::time::sleep(Duration::from_millis(200)) => {}
        }
        let now = store.evaluation(&evaluation.id).await?.context("the evaluation vanished")?;
        let line = progress_line(&now, now.counts.done - done_at_start, started.elapsed());
        if terminal {
            eprint!("\r{line}\x1b[K");
        } else if !quiet && last_line.elapsed() >= Duration::from_secs(5) {
            eprintln!("{line}");
            last_line = Instant::now();
        }
        if now.state.is_finished() {
            if terminal {
                eprintln!();
            }
            return Ok(false);
        }
    }
}

/// `[#####-----] 1234/20000  6.2%  812/s  errors 3  ETA 23s`
fn progress_line(evaluation: &Evaluation, done_this_run: i64, elapsed: Duration) -> String {
    let counts = &evaluation.counts;
    let fraction = if counts.total > 0 { counts.done as f64 / counts.total as f64 } else { 1.0 };
    let filled = (fraction * 30.0).round() as usize;
    let bar = format!("{}{}", "#".repeat(filled.min(30)), "-".repeat(30 - filled.min(30)));
    let rate = done_this_run as f64 / elapsed.as_secs_f64().max(0.001);
    let remaining = (counts.total - counts.done).max(0) as f64;
    let eta = if rate > 0.0 { format!("{:.0}s", remaining / rate) } else { "?".to_owned() };
    format!("[{bar}] {}/{} {:5.1}%  {rate:.0}/s  errors {}  ETA {eta}", counts.done, counts.total, fraction * 100.0, counts.errored)
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

fn print_summary(evaluation: &Evaluation, summary: &[SliceSummary]) {
    let width = summary.iter().map(|s| s.scenario.chars().count()).max().unwrap_or(8).max(8);
    println!(
        "{:<13} {:<width$} {:>6} {:>9} {:>6} {:>10} {:>6}  most failing probe",
        "harness", "scenario", "tests", "pass rate", "failed", "unscorable", "errors"
    );
    for slice in summary {
        let worst = slice.worst_probe.as_ref().map_or_else(String::new, |(probe, n)| format!("{probe} ({n})"));
        println!(
            "{:<13} {:<width$} {:>6} {:>9} {:>6} {:>10} {:>6}  {worst}",
            slice.harness,
            slice.scenario,
            slice.total,
            percent(slice.pass_rate()),
            slice.failed,
            slice.unscorable,
            slice.errored
        );
    }
    let counts = &evaluation.counts;
    let score = counts.score().map_or_else(|| "–".to_owned(), |s| format!("{s:.3} ({:.1}%)", s * 100.0));
    println!(
        "score {score}: {} passed, {} failed, {} unscorable, {} errors of {} tests ({} of {} run) · evaluation {} {}",
        counts.passed,
        counts.failed,
        counts.unscorable,
        counts.errored,
        counts.done,
        counts.done,
        counts.total,
        evaluation.id,
        evaluation.state.as_str()
    );
}

async fn write_reports(store: &Store, evaluation: &Evaluation, summary: &[SliceSummary], args: &ScanArgs) -> anyhow::Result<()> {
    if let Some(path) = &args.json {
        let mut out = create(path)?;
        report::write_json(store, evaluation, summary, &mut out).await.with_context(|| format!("writing {}", path.display()))?;
        eprintln!("JSON report: {}", path.display());
    }
    if let Some(path) = &args.junit {
        let mut out = create(path)?;
        report::write_junit(store, evaluation, &mut out).await.with_context(|| format!("writing {}", path.display()))?;
        eprintln!("JUnit report: {}", path.display());
    }
    if let Some(path) = &args.html {
        let mut out = create(path)?;
        report::write_html(store, evaluation, summary, &mut out).await.with_context(|| format!("writing {}", path.display()))?;
        eprintln!("HTML report: {}", path.display());
    }
    Ok(())
}

fn create(path: &Path) -> anyhow::Result<std::io::BufWriter<std::fs::File>> {
    let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(std::io::BufWriter::new(file))
}
