//! The runner: a named loop that claims jobs under a lease, runs them with bounded
//! concurrency and hands their results to one batching writer.
//!
//! Each [`Runner::tick`]:
//! 1. now and then, puts jobs with expired leases back in the queue (a runner died);
//! 2. for every active evaluation whose in-flight jobs fell to ¾ of its budget, claims enough
//!    jobs to refill the budget and spawns them (a target's own concurrency limit, inside its
//!    `Reliable` wrapper, decides how many really call at once);
//! 3. reports whether it dispatched anything, so the loop either ticks again or sleeps until
//!    a job finishes, an evaluation is enqueued ([`Engine::wake`]) or the poll interval passes.
//!
//! Jobs are claimed in blocks of consecutive jobs (one lease row each; see the store's
//! queue). Beside the loop, a heartbeat extends the leases of the blocks with a job still
//! held (claimed, and not yet written or given up by the writer), and the writer commits
//! results in batches (one transaction per batch). A job task that panics becomes that
//! job's error result. A job is "running" only while its block's lease is live, so a crash
//! leaves nothing half-marked: its blocks come back when the leases expire, only their jobs
//! without a result run again, and the results' unique key drops any replayed result.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use assay_core::{Evaluation, Id, JobResult};
use assay_store::{Store, unix_millis};
use tokio::sync::{Notify, mpsc, watch};

use crate::execute::{EvaluationRuntime, run_job_caught};
use crate::metrics::RunnerMetrics;
use crate::resolve::TargetResolver;
use crate::suite::Suite;
use crate::{Error, Result};

/// How a runner behaves; the defaults suit a server and a CLI scan alike.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Names this runner's leases; unique per process.
    pub runner_name: String,
    /// A claimed job is this runner's until the lease ends; heartbeats extend it.
    pub lease: Duration,
    /// Sleep between ticks when there is nothing to do (an enqueue wakes it sooner).
    pub poll_interval: Duration,
    /// Calls at once per target (the `Reliable` wrapper enforces it); the runner holds four
    /// times as many jobs per target so the next ones are ready when a slot frees.
    pub concurrency: usize,
    /// Results per write transaction at most.
    pub write_batch: usize,
    /// A job claimed this many times without a result is given up with an error.
    pub max_attempts: u32,
    /// Which evaluations this runner claims. `None`: the shared ones, whose targets are stored
    /// and open in any server or worker. `Some(scope)`: only those pinned to `scope`, and
    /// every evaluation this engine creates is pinned to it. A CLI scan runs pinned, because
    /// its target spec, key and limits live only in its process: no server on the same
    /// database claims (and fails) its jobs, and it claims none of the server's.
    pub scope: Option<String>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            runner_name: format!("runner-{}", Id::generate()),
            lease: Duration::from_secs(30),
            poll_interval: Duration::from_millis(500),
            concurrency: 16,
            write_batch: 512,
            max_attempts: 3,
            scope: None,
        }
    }
}

/// What a tick did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// Claimed and spawned this many jobs.
    Dispatched(usize),
    /// Nothing to claim, or every budget is full.
    Idle,
}

/// The engine: creates evaluations and runs their jobs.
#[derive(Clone)]
pub struct Engine {
    store: Store,
    resolver: Arc<dyn TargetResolver>,
    config: EngineConfig,
    wake: Arc<Notify>,
    metrics: Arc<RunnerMetrics>,
}

impl Engine {
    pub fn new(store: Store, resolver: Arc<dyn TargetResolver>, config: EngineConfig) -> Self {
        let metrics = Arc::new(RunnerMetrics::new(&config.runner_name));
        Self { store, resolver, config, wake: Arc::new(Notify::new()), metrics }
    }

    /// What this engine's runner observed: claims, job durations, results written, target
    /// errors.
    pub fn metrics(&self) -> &RunnerMetrics {
        &self.metrics
    }

    /// The queue's depth per state and, once its runner has started, this runner's series,
    /// in the Prometheus text format (see [`crate::metrics`]).
    pub async fn render_metrics(&self) -> Result<String> {
        let mut out = String::new();
        crate::metrics::render_queue(&self.store, &mut out).await?;
        if self.metrics.started() {
            self.metrics.render(&mut out);
        }
        Ok(out)
    }

    /// Validates the suite, writes the evaluation with all its jobs (pinned to this engine's
    /// scope, if it has one), wakes the runner.
    pub async fn create_evaluation(&self, team_id: &Id, name: &str, suite: &Suite, targets: &[String]) -> Result<Evaluation> {
        if targets.is_empty() {
            return Err(Error::InvalidSuite("name at least one target".into()));
        }
        let count = u32::try_from(targets.len()).map_err(|_| Error::InvalidSuite("too many targets".into()))?;
        let jobs = suite.jobs(count)?;
        let suite_json = serde_json::to_value(suite).map_err(|e| Error::InvalidSuite(e.to_string()))?;
        let evaluation = self.store.create_evaluation(team_id, name, &suite_json, targets, jobs, self.config.scope.as_deref()).await?;
        self.wake();
        Ok(evaluation)
    }

    /// Writes a workbench evaluation with its case jobs ([`crate::case::case_jobs`]) in one
    /// transaction and wakes the runner.
    pub async fn create_workbench_evaluation(&self, new: &assay_store::NewWorkbenchEvaluation) -> Result<assay_core::WorkbenchEvaluation> {
        let evaluation = self.store.create_workbench_evaluation(new).await?;
        self.wake();
        Ok(evaluation)
    }

    /// The store the engine writes to.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Tells the runner there may be new work.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs the runner until `stop` turns true: then it stops claiming, lets the jobs in
    /// flight finish, writes their results and gives back any lease it still holds.
    pub async fn run(&self, mut stop: watch::Receiver<bool>) -> Result<()> {
        self.metrics.start();
        let (results, receiver) = mpsc::channel::<JobResult>(self.config.write_batch);
        let held = HeldJobs::default();
        let writer = tokio::spawn(write_results(self.store.clone(), receiver, self.config.write_batch, held.clone(), self.metrics.clone()));
        let heartbeat = tokio::spawn(heartbeat(self.store.clone(), self.config.runner_name.clone(), self.config.lease, held.clone()));
        let mut runner = Runner {
            engine: self.clone(),
            results,
            evaluations: HashMap::new(),
            job_done: Arc::new(Notify::new()),
            in_flight: Arc::new(AtomicUsize::new(0)),
            held,
            last_requeue: None,
            unopened: HashMap::new(),
        };
        tracing::info!(runner = %self.config.runner_name, "runner started");
        let mut stopping = false;
        while !stopping && !*stop.borrow() {
            let tick = match runner.tick().await {
                Ok(tick) => tick,
                Err(error) => {
                    tracing::warn!(error = %error, "runner tick failed; retrying");
                    Tick::Idle
                }
            };
            if tick == Tick::Idle {
                tokio::select! {
                    // A dropped sender means nobody can stop us any more: stop now.
                    changed = stop.changed() => stopping = changed.is_err(),
                    () = self.wake.notified() => {}
                    () = runner.job_done.notified() => {}
                    () = tokio::time::sleep(self.config.poll_interval) => {}
                }
            }
        }
        // Let the jobs in flight finish (their calls are bounded by the targets' timeouts).
        while runner.in_flight.load(Ordering::Acquire) > 0 {
            tokio::select! {
                () = runner.job_done.notified() => {}
                () = tokio::time::sleep(Duration::from_millis(50)) => {}
            }
        }
        drop(runner);
        let _ = writer.await;
        heartbeat.abort();
        if let Err(error) = self.store.release_jobs(&self.config.runner_name).await {
            tracing::warn!(error = %error, "could not release leases; they will expire");
        }
        tracing::info!(runner = %self.config.runner_name, "runner stopped");
        Ok(())
    }
}

struct Runner {
    engine: Engine,
    results: mpsc::Sender<JobResult>,
    evaluations: HashMap<Id, Arc<Slot>>,
    /// Notified when an evaluation's in-flight count falls to its refill mark, or to zero.
    job_done: Arc<Notify>,
    in_flight: Arc<AtomicUsize>,
    held: HeldJobs,
    last_requeue: Option<Instant>,
    /// Evaluations whose targets this process cannot open (see [`Unopened`]), with when it
    /// last tried: their jobs are left to other runners, and retried here now and then.
    unopened: HashMap<Id, Instant>,
}

/// How long a runner leaves an evaluation it could not open before trying again.
const REOPEN_AFTER: Duration = Duration::from_secs(30);

/// Why a runner could not open an evaluation's targets.
struct Unopened {
    reason: String,
    /// The fault is this process's (its secret key, its database connection), not the
    /// evaluation's: the evaluation stays queued for a runner that can open it.
    runner_fault: bool,
}

/// The jobs this runner holds, per evaluation: claimed, and neither written nor given up by
/// the writer, each with the block it was claimed in. Only those blocks' leases are extended.
#[derive(Clone, Default)]
struct HeldJobs(Arc<Mutex<HashMap<Id, BTreeMap<i64, i64>>>>);

impl HeldJobs {
    fn hold(&self, evaluation_id: &Id, jobs: impl Iterator<Item = (i64, i64)>) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).entry(evaluation_id.clone()).or_default().extend(jobs);
    }

    fn let_go(&self, results: &[JobResult]) {
        let mut held = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        for result in results {
            if let Some(jobs) = held.get_mut(&result.evaluation_id) {
                jobs.remove(&result.seq);
                if jobs.is_empty() {
                    held.remove(&result.evaluation_id);
                }
            }
        }
    }

    /// The blocks with a job still held, per evaluation.
    fn snapshot(&self) -> Vec<(Id, Vec<i64>)> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(id, jobs)| (id.clone(), jobs.values().copied().collect::<BTreeSet<i64>>().into_iter().collect()))
            .collect()
    }
}

/// One job in flight; dropping it (the task ended, by returning or by unwinding) frees the
/// job's place in its evaluation's budget and in the runner's count, so a lost task can never
/// keep the runner from refilling or from shutting down.
struct InFlight {
    slot: Arc<Slot>,
    total: Arc<AtomicUsize>,
    done: Arc<Notify>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let left = self.slot.in_flight.fetch_sub(1, Ordering::AcqRel) - 1;
        self.total.fetch_sub(1, Ordering::AcqRel);
        if left == self.slot.refill_mark() || left == 0 {
            self.done.notify_one();
        }
    }
}

/// One active evaluation as the runner holds it.
struct Slot {
    runtime: EvaluationRuntime,
    in_flight: AtomicUsize,
    /// Jobs held at most: four per call slot of its targets. SQLite has one writer, so a
    /// claim can wait behind a result batch; the jobs already held keep the target busy.
    budget: usize,
    /// The evaluation is known to be running (its first claim moved it there).
    started: AtomicBool,
}

impl Slot {
    fn refill_mark(&self) -> usize {
        self.budget - self.budget / 4
    }
}

impl Runner {
    async fn tick(&mut self) -> Result<Tick> {
        let store = self.engine.store.clone();
        let lease = self.engine.config.lease;
        if self.last_requeue.is_none_or(|at| at.elapsed() >= lease / 2) {
            let requeued = store.requeue_expired(unix_millis()).await?;
            if requeued > 0 {
                tracing::info!(jobs = requeued, "requeued jobs whose lease expired");
            }
            self.last_requeue = Some(Instant::now());
        }
        let active = store.active_evaluations(self.engine.config.scope.as_deref()).await?;
        self.evaluations.retain(|id, _| active.contains(id));
        let mut dispatched = 0;
        self.unopened.retain(|id, _| active.contains(id));
        for id in active {
            if self.unopened.get(&id).is_some_and(|tried| tried.elapsed() < REOPEN_AFTER) {
                continue;
            }
            let slot = match self.slot(&id).await {
                Ok(slot) => {
                    self.unopened.remove(&id);
                    slot
                }
                Err(Unopened { reason, runner_fault: true }) => {
                    if self.unopened.insert(id.clone(), Instant::now()).is_none() {
                        tracing::warn!(evaluation = %id, reason = %reason, "cannot open this evaluation's targets here; its jobs are left to other runners");
                    }
                    continue;
                }
                Err(Unopened { reason, runner_fault: false }) => {
                    tracing::warn!(evaluation = %id, reason = %reason, "evaluation failed");
                    store.fail_evaluation(&id, &reason).await?;
                    continue;
                }
            };
            let held = slot.in_flight.load(Ordering::Acquire);
            // Refill once a quarter of the budget is free, so claims come in batches, not one
            // by one, while the jobs still held cover a claim that waits on the writer.
            if held > slot.refill_mark() {
                continue;
            }
            let want = i64::try_from(slot.budget - held).unwrap_or(i64::MAX);
            let known_running = slot.started.swap(true, Ordering::AcqRel);
            let claiming = Instant::now();
            let jobs = store.claim_jobs(&id, &self.engine.config.runner_name, unix_millis() + millis(lease), want, known_running).await?;
            self.engine.metrics.claimed(claiming.elapsed(), jobs.len());
            if jobs.is_empty() && !known_running {
                slot.started.store(false, Ordering::Release);
            }
            dispatched += jobs.len();
            self.held.hold(&id, jobs.iter().map(|job| (job.seq, job.block)));
            for job in jobs {
                slot.in_flight.fetch_add(1, Ordering::AcqRel);
                self.in_flight.fetch_add(1, Ordering::AcqRel);
                let in_flight = InFlight { slot: slot.clone(), total: self.in_flight.clone(), done: self.job_done.clone() };
                let results = self.results.clone();
                let max_attempts = self.engine.config.max_attempts;
                let metrics = self.engine.metrics.clone();
                tokio::spawn(async move {
                    let running = Instant::now();
                    let result = run_job_caught(&in_flight.slot.runtime, &job, max_attempts).await;
                    metrics.job_ran(running.elapsed());
                    // The writer may lag; waiting here is the back-pressure that keeps memory flat.
                    let _ = results.send(result).await;
                    drop(in_flight);
                });
            }
        }
        Ok(if dispatched > 0 { Tick::Dispatched(dispatched) } else { Tick::Idle })
    }

    /// The runtime of an evaluation, built on first sight: its targets, judge and attacker.
    async fn slot(&mut self, id: &Id) -> Result<Arc<Slot>, Unopened> {
        if let Some(slot) = self.evaluations.get(id) {
            return Ok(slot.clone());
        }
        let store = &self.engine.store;
        let evaluation = store
            .evaluation(id)
            .await
            .map_err(|e| Unopened { runner_fault: e.is_environmental(), reason: e.to_string() })?
            .ok_or_else(|| Unopened { reason: "the evaluation vanished".to_owned(), runner_fault: false })?;
        let suite: Suite = serde_json::from_value(evaluation.suite.clone())
            .map_err(|e| Unopened { reason: format!("unreadable suite: {e}"), runner_fault: false })?;
        let resolve = async |role: &str, reference: &str| {
            self.engine.resolver.resolve(&evaluation.team_id, reference).await.map_err(|error| {
                let runner_fault = error.is_runner_fault();
                let reason = match error {
                    Error::InvalidTarget(_, reason) => reason,
                    other => other.to_string(),
                };
                Unopened { reason: format!("{role} {reference:?}: {reason}"), runner_fault }
            })
        };
        let mut targets = Vec::with_capacity(evaluation.targets.len());
        for reference in &evaluation.targets {
            targets.push(resolve("target", reference).await?);
        }
        let judge = match &suite.judge {
            Some(reference) => Some(crate::judge_cache::CachedJudge::wrap(resolve("judge", reference).await?, reference, store.clone())),
            None => None,
        };
        let attacker = match &suite.attacker {
            Some(reference) => Some(resolve("attacker", reference).await?),
            None => None,
        };
        let budget = self.engine.config.concurrency.max(1) * 4 * targets.len().max(1);
        let slot = Arc::new(Slot {
            started: AtomicBool::new(false),
            runtime: EvaluationRuntime::new(targets, judge, attacker, suite.generation_params(), self.engine.metrics.clone()),
            in_flight: AtomicUsize::new(0),
            budget,
        });
        self.evaluations.insert(id.clone(), slot.clone());
        Ok(slot)
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Extends the leases of the blocks this runner holds a job of every third of a lease, so one missed
/// beat is harmless.
async fn heartbeat(store: Store, owner: String, lease: Duration, held: HeldJobs) {
    let mut interval = tokio::time::interval(lease / 3);
    loop {
        interval.tick().await;
        let until = unix_millis() + millis(lease);
        for (evaluation_id, blocks) in held.snapshot() {
            if let Err(error) = store.extend_leases(&owner, until, &evaluation_id, &blocks).await {
                tracing::warn!(error = %error, "heartbeat failed");
            }
        }
    }
}

/// Tries per batch before the writer gives it up (about half a minute of backoff).
const WRITE_ATTEMPTS: u32 = 10;

/// How long the writer waits for a batch to fill once its first result is in.
const WRITE_LINGER: Duration = Duration::from_millis(20);

/// Commits results in batches: waits for one, then up to [`WRITE_LINGER`] for more (until
/// half of `batch` is in), and writes them in one transaction. A commit's cost is mostly
/// per transaction and per page touched (the pages a batch shares with the one before it are
/// written again), so fuller batches cost less per result; a result waits at most the linger
/// longer to be seen. A failed write is retried, never dropped.
async fn write_results(store: Store, mut receiver: mpsc::Receiver<JobResult>, batch: usize, held: HeldJobs, metrics: Arc<RunnerMetrics>) {
    let mut pending: Vec<JobResult> = Vec::with_capacity(batch);
    while receiver.recv_many(&mut pending, batch).await > 0 {
        let deadline = tokio::time::Instant::now() + WRITE_LINGER;
        while pending.len() < batch / 2 {
            let room = batch - pending.len();
            match tokio::time::timeout_at(deadline, receiver.recv_many(&mut pending, room)).await {
                Ok(received) if received > 0 => {}
                _ => break,
            }
        }
        let mut delay = Duration::from_millis(50);
        for attempt in 1..=WRITE_ATTEMPTS {
            match store.write_results(&pending).await {
                Ok(_) => {
                    metrics.written(pending.len());
                    break;
                }
                // Given up, the jobs are let go below: their leases expire and they run again.
                Err(error) if attempt == WRITE_ATTEMPTS => {
                    tracing::error!(error = %error, results = pending.len(), "writing results failed; the jobs will be retried");
                }
                Err(error) => {
                    tracing::warn!(error = %error, results = pending.len(), "writing results failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
        held.let_go(&pending);
        pending.clear();
    }
}
