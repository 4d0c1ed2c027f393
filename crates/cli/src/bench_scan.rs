//! `assay bench scan`: the engine's speed and memory on a mock contract target over loopback.
//!
//! 1. A scan of `--tests` probes against a zero-latency mock, tests/s next to `wrk` driving
//!    the same mock in the same run (the raw loopback limit of that target), and next to two
//!    ceilings: assay's own target client sending as many requests with nothing else to do,
//!    and the store path alone (the scan's results claimed and written back, no calls). A
//!    scan needs both on the same cores, so it stays under the lower of the two.
//! 2. A scan at 50 ms latency and concurrency 64, tests/s next to the ideal 64 / 0.05 s.
//! 3. The real `assay scan` command as a child process on 2,000 and 20,000 probes
//!    (`--cpu-tests`): its CPU time (user + system) per test.
//! 4. The real `assay scan` command as a child process on `--rss-tests` probes: its peak RSS.
//!
//! Every test goes the whole way: claimed from the SQLite queue, sent over HTTP, judged by
//! the probe's detectors, written back with its detections and event.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use assay_core::{ChatRequest, EvaluationState, Id, Message, Plan, TeamName};
use assay_engine::{Engine, EngineConfig, SpecResolver, Suite, TargetResolver};
use assay_probes::{CONVERTERS, Harness};
use assay_store::{DatabaseUrl, Store};
use assay_targets::Policy;
use assay_targets::mock::{Behavior, ReplyMode};
use assay_targets::mock_server::{MockServer, MockServerOptions};
use tokio::sync::watch;

use crate::args::BenchScanArgs;

/// Concurrency of both scans and of wrk.
const CONCURRENCY: usize = 64;

pub async fn scan(args: BenchScanArgs) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;

    let fast = SeparateMock::start(Duration::ZERO)?;
    let (rate, setup, evaluation) = run_scan(dir.path(), "fast", &fast, args.tests).await?;
    println!(
        "1. {} tests, zero-latency mock, concurrency {CONCURRENCY} (expanding into jobs took {:.2} s)",
        args.tests,
        setup.as_secs_f64()
    );
    println!("   assay scan           : {rate:>9.0} tests/s");
    let client = client_alone(dir.path(), &fast, args.tests).await?;
    println!("   client alone         : {client:>9.0} req/s  (assay's target client, {CONCURRENCY} at once: no queue, judging or storage)");
    let store = store_alone(dir.path(), &evaluation, args.tests).await?;
    println!("   store alone          : {store:>9.0} tests/s  (the same results claimed and written back, no calls or judging)");
    let wrk = match crate::bench::run_wrk(&fast.url, CONCURRENCY, args.wrk_seconds) {
        Ok(wrk) => {
            println!("   wrk (same mock)      : {wrk:>9.0} req/s");
            println!("   ratio scan / wrk     : {:>9.2}  (goal >= 0.50)", rate / wrk);
            println!("   ratio client / wrk   : {:>9.2}  (the most a scan through this client could reach)", client / wrk);
            println!("   ratio store / wrk    : {:>9.2}  (the most a scan through this store could reach)", store / wrk);
            Some(wrk)
        }
        Err(error) => {
            println!("   wrk baseline skipped: {error:#} (install Debian's `wrk`)");
            None
        }
    };

    if args.slow_tests > 0 {
        let slow = SeparateMock::start(Duration::from_millis(50))?;
        let (rate, _, _) = run_scan(dir.path(), "slow", &slow, args.slow_tests).await?;
        let ideal = CONCURRENCY as f64 / 0.050;
        println!("2. {} tests, 50 ms mock, concurrency {CONCURRENCY}", args.slow_tests);
        println!("   assay scan           : {rate:>9.0} tests/s");
        println!("   ideal 64 / 50 ms     : {ideal:>9.0} tests/s");
        println!("   ratio scan / ideal   : {:>9.2}  (goal >= 0.95)", rate / ideal);
    }

    // `--cpu-tests 0` skips this part.
    if args.cpu_tests.iter().any(|tests| *tests > 0) {
        println!("3. CPU of the `assay scan` process (user + system) per test, zero-latency mock, start-up and expansion included");
        for &tests in args.cpu_tests.iter().filter(|tests| **tests > 0) {
            let run = child_scan(dir.path(), &format!("cpu-{tests}"), &fast, tests).await?;
            let per_test = run.cpu.as_secs_f64() / tests as f64;
            let goal = if tests >= 20_000 { "goal >= 10,000" } else { "goal >= 7,000 at 2,000" };
            println!(
                "   {tests:>7} tests      : {:>7.0} µs/test, {:>7.0} tests per CPU-second ({goal}); {:.1} CPU-s over {:.1} s",
                per_test * 1e6,
                1.0 / per_test.max(1e-9),
                run.cpu.as_secs_f64(),
                run.elapsed.as_secs_f64()
            );
        }
        if let Some(wrk) = wrk {
            println!(
                "   (wrk drove the same mock at {wrk:.0} req/s above; promptfoo measured 64 and garak 212 tests per CPU-second on such a mock)"
            );
        }
    }

    if args.rss_tests == 0 {
        return Ok(());
    }
    let run = child_scan(dir.path(), "rss", &fast, args.rss_tests).await?;
    println!("4. `assay scan` child process, {} tests, zero-latency mock", args.rss_tests);
    println!(
        "   peak RSS             : {:>9.1} MB  (goal < 100 MB); {:.0} tests/s including start-up and expansion",
        run.peak_rss as f64 / 1_048_576.0,
        args.rss_tests as f64 / run.elapsed.as_secs_f64()
    );
    Ok(())
}

/// The mock system under test on a runtime (and threads) of its own, as a real target is a
/// process of its own: the scan's work then cannot delay the mock's timers and sockets.
pub(crate) struct SeparateMock {
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SeparateMock {
    pub fn start(latency: Duration) -> anyhow::Result<Self> {
        let (ready, url) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
                Ok(runtime) => runtime,
                Err(error) => {
                    let _ = ready.send(Err(anyhow::Error::from(error)));
                    return;
                }
            };
            runtime.block_on(async move {
                match MockServer::start(Behavior::new(latency, ReplyMode::Echo), MockServerOptions::default()).await {
                    Ok(server) => {
                        let _ = ready.send(Ok(server.url()));
                        let _ = stopped.await;
                    }
                    Err(error) => {
                        let _ = ready.send(Err(error.into()));
                    }
                }
            });
        });
        let url = url.recv().context("the mock's thread ended")??;
        Ok(Self { url, stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for SeparateMock {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A suite of exactly `tests` probes: every harness, every converter, repeated as needed.
pub(crate) fn suite_of(tests: u64) -> anyhow::Result<Suite> {
    let base = Suite { converters: CONVERTERS.iter().map(|c| (*c).to_owned()).collect(), ..Suite::new(Harness::ALL.to_vec()) };
    let per_repeat = base.count()?.max(1);
    let repeat = u32::try_from(tests.div_ceil(per_repeat)).context("too many tests")?;
    Ok(Suite { repeat, limit: Some(tests), ..base })
}

/// Runs one scan in-process into `{dir}/{name}.db`; returns tests/s of the run, how long
/// expansion took, and the evaluation's id.
async fn run_scan(dir: &Path, name: &str, server: &SeparateMock, tests: u64) -> anyhow::Result<(f64, Duration, Id)> {
    let store = Store::open_and_migrate(&DatabaseUrl::Sqlite(dir.join(format!("{name}.db")))).await?;
    let team = store.team_or_create(&TeamName::parse("bench")?, Plan::Pro).await?;
    let policy = Policy { max_concurrency: CONCURRENCY, max_retries: 0, ..Policy::default() };
    let resolver = Arc::new(SpecResolver::new(dir.to_owned(), None, policy, |_| {}));
    let engine = Engine::new(store.clone(), resolver, EngineConfig { concurrency: CONCURRENCY, ..EngineConfig::default() });
    let target = format!("contract+{}/chat", server.url);
    let started = Instant::now();
    let evaluation = engine.create_evaluation(&team.id, name, &suite_of(tests)?, &[target]).await?;
    let setup = started.elapsed();
    let (stop, stopped) = watch::channel(false);
    let started = Instant::now();
    let runner = tokio::spawn({
        let engine = engine.clone();
        async move { engine.run(stopped).await }
    });
    let finished = wait_finished(&store, &evaluation.id).await?;
    let elapsed = started.elapsed();
    let _ = stop.send(true);
    runner.await.context("runner panicked")??;
    store.close().await;
    if finished.state != EvaluationState::Completed || finished.counts.done != i64::try_from(tests)? {
        bail!("the {name} scan did not complete: {:?} {:?}", finished.state, finished.counts);
    }
    if finished.counts.errored > 0 {
        bail!("{} tests errored against a fault-free mock", finished.counts.errored);
    }
    Ok((tests as f64 / elapsed.as_secs_f64(), setup, evaluation.id))
}

/// Tests/s of the scan's storage path alone: the fast scan's results, read back, written into
/// a fresh evaluation of the same suite the way the runner does (claim a batch of jobs, write
/// their results with detections, events and counters), with no calls and no judging.
async fn store_alone(dir: &Path, scanned: &Id, tests: u64) -> anyhow::Result<f64> {
    const BATCH: i64 = 128;
    let source = Store::open(&DatabaseUrl::Sqlite(dir.join("fast.db"))).await?;
    let mut results = Vec::new();
    loop {
        let page = source.results_page(scanned, results.last().map_or(-1, |r: &assay_core::JobResult| r.seq), 1000, false).await?;
        if page.is_empty() {
            break;
        }
        results.extend(page);
    }
    source.close().await;
    let store = Store::open_and_migrate(&DatabaseUrl::Sqlite(dir.join("store-alone.db"))).await?;
    let team = store.team_or_create(&TeamName::parse("bench")?, Plan::Pro).await?;
    let suite = suite_of(tests)?;
    let evaluation = store
        .create_evaluation(&team.id, "store-alone", &serde_json::to_value(&suite)?, &["mock".to_owned()], suite.jobs(1)?, None)
        .await?;
    let mut results: std::collections::HashMap<i64, assay_core::JobResult> = results.into_iter().map(|r| (r.seq, r)).collect();
    let started = Instant::now();
    let mut written = 0;
    loop {
        let jobs = store.claim_jobs(&evaluation.id, "bench", assay_store::unix_millis() + 60_000, BATCH, written > 0).await?;
        if jobs.is_empty() {
            break;
        }
        let batch: Vec<assay_core::JobResult> = jobs
            .iter()
            .filter_map(|job| results.remove(&job.seq))
            .map(|result| assay_core::JobResult { evaluation_id: evaluation.id.clone(), ..result })
            .collect();
        written += store.write_results(&batch).await?.inserted;
    }
    let elapsed = started.elapsed();
    store.close().await;
    if written as u64 != tests {
        bail!("store alone wrote {written} of {tests} results");
    }
    Ok(tests as f64 / elapsed.as_secs_f64())
}

/// Requests/s of the scan's own target client (the contract target in its reliability
/// wrapper, as a scan resolves it) sending `requests` prompts, `CONCURRENCY` at once, with
/// nothing else: the ceiling a scan through that client can reach on this machine.
async fn client_alone(dir: &Path, server: &SeparateMock, requests: u64) -> anyhow::Result<f64> {
    let policy = Policy { max_concurrency: CONCURRENCY, max_retries: 0, ..Policy::default() };
    let resolver = SpecResolver::new(dir.to_owned(), None, policy, |_| {});
    let target = resolver.resolve(&Id::generate(), &format!("contract+{}/chat", server.url)).await?;
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut senders = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (target, next) = (target.clone(), next.clone());
        senders.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < requests {
                let request = ChatRequest { messages: vec![Message::user("What is the capital of France?")], ..ChatRequest::default() };
                target.chat(&request).await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(sent) = senders.join_next().await {
        sent.context("a sender panicked")??;
    }
    Ok(requests as f64 / started.elapsed().as_secs_f64())
}

pub(crate) async fn wait_finished(store: &Store, id: &Id) -> anyhow::Result<assay_core::Evaluation> {
    loop {
        let evaluation = store.evaluation(id).await?.context("the evaluation vanished")?;
        if evaluation.state.is_finished() {
            return Ok(evaluation);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What one `assay scan` child process cost.
struct ChildRun {
    /// High-water RSS, in bytes.
    peak_rss: u64,
    elapsed: Duration,
    /// User plus system CPU time of the child.
    cpu: Duration,
}

/// Runs `assay scan` of `tests` probes as a child (into `{dir}/{name}`), sampling its
/// high-water RSS (VmHWM) until it exits; its CPU time is what its reaping added to this
/// process's children's times.
async fn child_scan(dir: &Path, name: &str, server: &SeparateMock, tests: u64) -> anyhow::Result<ChildRun> {
    let suite = suite_of(tests)?;
    let exe = std::env::current_exe().context("own path")?;
    let cpu_before = children_cpu()?;
    // Its stderr ("evaluation …: N tests", any warnings) goes to a file beside its data, so it
    // cannot interleave with the table; a failed run shows its end.
    let log_path = dir.join(format!("{name}.stderr"));
    let log = std::fs::File::create(&log_path).with_context(|| format!("cannot create {}", log_path.display()))?;
    let started = Instant::now();
    let mut child = tokio::process::Command::new(exe)
        .arg("--data-dir")
        .arg(dir.join(name))
        .args(["scan", "--quiet", "--harness", "all", "--max-concurrency", &CONCURRENCY.to_string()])
        .args(["--target", &format!("contract+{}/chat", server.url)])
        .args(["--converters", &suite.converters.join(",")])
        .args(["--repeat", &suite.repeat.to_string(), "--limit", &tests.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .context("cannot start assay scan")?;
    let pid = child.id().context("child pid")?;
    let mut peak_rss = 0;
    let status = loop {
        if let Some(hwm) = high_water_rss(pid) {
            peak_rss = peak_rss.max(hwm);
        }
        tokio::select! {
            status = child.wait() => break status?,
            () = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
    };
    let elapsed = started.elapsed();
    if !status.success() {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(5).collect();
        bail!("assay scan exited with {status}: {}", tail.into_iter().rev().collect::<Vec<_>>().join(" / "));
    }
    let cpu = children_cpu()?.saturating_sub(cpu_before);
    Ok(ChildRun { peak_rss, elapsed, cpu })
}

/// User plus system time of this process's reaped children (`cutime` + `cstime` of
/// `/proc/self/stat`, in the kernel's fixed 100 ticks per second).
fn children_cpu() -> anyhow::Result<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").context("cannot read /proc/self/stat (Linux only)")?;
    // Fields after the command name, which is in brackets and may hold spaces.
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).context("unexpected /proc/self/stat")?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // cutime and cstime are fields 16 and 17 of the line, 14 and 15 after the name.
    let ticks = |at: usize| fields.get(at).and_then(|f| f.parse::<u64>().ok()).context("unexpected /proc/self/stat");
    Ok(Duration::from_millis((ticks(13)? + ticks(14)?) * 10))
}

/// VmHWM of a live process, in bytes (Linux).
fn high_water_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: u64 = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024)
}
