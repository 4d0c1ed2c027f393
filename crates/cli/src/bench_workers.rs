//! `assay bench workers`: how the job queue scales out. For each number of workers N (1, 2
//! and 4), N runners share one PostgreSQL queue and run an evaluation of N × `--jobs-per-worker`
//! jobs against a mock target with 50 ms latency, each runner with its own database pool and
//! its own target client limited to `--concurrency` calls at once, as separate `assay worker`
//! processes would be. Jobs/s is printed next to the ideal N × concurrency / latency, the rate
//! if every call slot were always busy and nothing else took time.
//!
//! The runners share this process (and its cores) with the mock and PostgreSQL, so on a small
//! machine the ratio to the ideal falls as N grows: that is the figure to watch. The fresh
//! database the benchmark makes is dropped at the end.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use assay_core::{EvaluationState, Plan, TeamName};
use assay_engine::{Engine, EngineConfig, SpecResolver};
use assay_store::{DatabaseUrl, Store, testing};
use assay_targets::Policy;
use tokio::sync::watch;

use crate::args::BenchWorkersArgs;
use crate::bench_scan::{SeparateMock, suite_of, wait_finished};

pub async fn workers(args: BenchWorkersArgs) -> anyhow::Result<()> {
    if args.workers.is_empty() || args.workers.contains(&0) || args.concurrency == 0 || args.jobs_per_worker == 0 {
        bail!("--workers, --concurrency and --jobs-per-worker must all be at least 1");
    }
    let url = testing::fresh_postgres_url(&args.postgres_url).await.context("cannot create the benchmark's database")?;
    let store = Store::open_and_migrate(&url).await.context("cannot open the benchmark's database")?;
    let team = store.team_or_create(&TeamName::parse("bench-workers")?, Plan::Pro).await?;
    let latency = Duration::from_millis(args.latency_ms);
    let mock = SeparateMock::start(latency)?;
    let target = format!("contract+{}/chat", mock.url);
    let database = testing::postgres_database_name(&url).unwrap_or_default();
    println!(
        "workers on one PostgreSQL queue (database {database}, dropped at the end), {} ms mock, concurrency {} per worker, {} jobs per worker",
        args.latency_ms, args.concurrency, args.jobs_per_worker
    );
    println!("{:>7} {:>8} {:>9} {:>10} {:>10} {:>7}", "workers", "jobs", "seconds", "jobs/s", "ideal/s", "ratio");
    for &count in &args.workers {
        let jobs = args.jobs_per_worker * u64::try_from(count)?;
        let elapsed = run(&url, &store, &team.id, &target, count, jobs, args.concurrency).await?;
        let rate = jobs as f64 / elapsed.as_secs_f64();
        let ideal = (count * args.concurrency) as f64 / latency.as_secs_f64().max(1e-3);
        println!("{count:>7} {jobs:>8} {:>9.2} {rate:>10.0} {ideal:>10.0} {:>7.2}", elapsed.as_secs_f64(), rate / ideal);
    }
    store.close().await;
    testing::drop_fresh_postgres_database(&args.postgres_url, &url).await.context("cannot drop the benchmark's database")?;
    Ok(())
}

/// Runs one evaluation of `jobs` jobs with `count` runners; returns the time from the first
/// runner's start to the evaluation's completion.
async fn run(
    url: &DatabaseUrl,
    store: &Store,
    team: &assay_core::Id,
    target: &str,
    count: usize,
    jobs: u64,
    concurrency: usize,
) -> anyhow::Result<Duration> {
    // Each runner opens its own pool and its own target client, as a worker process does.
    let mut engines = Vec::with_capacity(count);
    for n in 0..count {
        let own = Store::open(url).await?;
        let policy = Policy { max_concurrency: concurrency, max_retries: 0, ..Policy::default() };
        let resolver = Arc::new(SpecResolver::new(std::env::temp_dir(), None, policy, |_| {}));
        let config = EngineConfig {
            runner_name: format!("bench-{count}-{n}"),
            concurrency,
            poll_interval: Duration::from_millis(50),
            ..EngineConfig::default()
        };
        engines.push(Engine::new(own, resolver, config));
    }
    let evaluation = engines[0].create_evaluation(team, &format!("{count} workers"), &suite_of(jobs)?, &[target.to_owned()]).await?;
    let (stop, stopped) = watch::channel(false);
    let started = Instant::now();
    let runners: Vec<_> = engines
        .iter()
        .map(|engine| {
            let (engine, stopped) = (engine.clone(), stopped.clone());
            tokio::spawn(async move { engine.run(stopped).await })
        })
        .collect();
    let finished = wait_finished(store, &evaluation.id).await?;
    let elapsed = started.elapsed();
    let _ = stop.send(true);
    for runner in runners {
        runner.await.context("a runner panicked")??;
    }
    for engine in &engines {
        engine.store().close().await;
    }
    if finished.state != EvaluationState::Completed || finished.counts.done != i64::try_from(jobs)? || finished.counts.errored > 0 {
        bail!("the run of {count} workers did not complete cleanly: {:?} {:?}", finished.state, finished.counts);
    }
    Ok(elapsed)
}
