//! Queue and runner metrics in the Prometheus text format: jobs in the queue per state (read
//! from the database when scraped, so every node shows the same queue), and, per runner, claim
//! latency, job duration, jobs claimed, results written and target errors by kind. The server
//! serves them on `/metrics` beside its HTTP metrics; a worker on its health port.
//!
//! Results written per second is `rate(assay_results_written_total[1m])`: a counter, as
//! Prometheus wants rates derived at query time rather than computed by the process.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use assay_store::Store;

/// The `Content-Type` of the Prometheus text exposition format served on `/metrics`.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Upper bounds (seconds) of the latency buckets, from a millisecond claim to a slow model.
pub const BUCKETS: [f64; 13] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 30.0, 120.0];

/// A Prometheus histogram over [`BUCKETS`].
#[derive(Debug, Default, Clone)]
pub struct Histogram {
    /// Observations at or under each bound (made cumulative when rendered).
    per_bucket: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

impl Histogram {
    pub fn observe(&mut self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        if let Some(bucket) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            self.per_bucket[bucket] += 1;
        }
        self.count += 1;
        self.sum_seconds += seconds;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// Appends the `_bucket`, `_sum` and `_count` lines of metric `name` with `labels`
    /// (already escaped, `key="value"` pairs joined by commas).
    pub fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (bound, in_bucket) in BUCKETS.iter().zip(self.per_bucket) {
            cumulative += in_bucket;
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", self.sum_seconds);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", self.count);
    }
}

/// A label value escaped for the text format.
pub fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Appends the `# HELP` and `# TYPE` lines of a metric.
pub fn describe(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// What one runner observed since it started.
#[derive(Debug)]
pub struct RunnerMetrics {
    runner: String,
    /// The runner loop has started: an API-only node (`serve --no-runner`) shows no runner
    /// series.
    started: AtomicBool,
    claim: Mutex<Histogram>,
    job: Mutex<Histogram>,
    claimed: AtomicU64,
    written: AtomicU64,
    target_errors: Mutex<BTreeMap<&'static str, u64>>,
}

impl RunnerMetrics {
    pub fn new(runner: &str) -> Self {
        Self {
            runner: runner.to_owned(),
            started: AtomicBool::new(false),
            claim: Mutex::default(),
            job: Mutex::default(),
            claimed: AtomicU64::new(0),
            written: AtomicU64::new(0),
            target_errors: Mutex::default(),
        }
    }

    /// The runner loop starts.
    pub fn start(&self) {
        self.started.store(true, Ordering::Relaxed);
    }

    pub fn started(&self) -> bool {
        self.started.load(Ordering::Relaxed)
    }

    /// One claim query took `elapsed` and returned `jobs` jobs.
    pub fn claimed(&self, elapsed: Duration, jobs: usize) {
        self.claim.lock().unwrap_or_else(PoisonError::into_inner).observe(elapsed);
        self.claimed.fetch_add(u64::try_from(jobs).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// One job ran (target call and detectors) in `elapsed`.
    pub fn job_ran(&self, elapsed: Duration) {
        self.job.lock().unwrap_or_else(PoisonError::into_inner).observe(elapsed);
    }

    /// A write transaction committed `results` results.
    pub fn written(&self, results: usize) {
        self.written.fetch_add(u64::try_from(results).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// A call to a target failed with an error of `kind` ([`assay_core::TargetError::kind`]).
    pub fn target_error(&self, kind: &'static str) {
        *self.target_errors.lock().unwrap_or_else(PoisonError::into_inner).entry(kind).or_default() += 1;
    }

    /// The runner these series are labelled with.
    pub fn runner(&self) -> &str {
        &self.runner
    }

    pub fn results_written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// This runner's series, labelled with its name.
    pub fn render(&self, out: &mut String) {
        let runner = format!("runner=\"{}\"", escape(&self.runner));
        describe(out, "assay_queue_claim_duration_seconds", "histogram", "Time of one claim of jobs from the queue, per runner.");
        self.claim.lock().unwrap_or_else(PoisonError::into_inner).render(out, "assay_queue_claim_duration_seconds", &runner);
        describe(out, "assay_job_duration_seconds", "histogram", "Time to run one job (target call and detectors), per runner.");
        self.job.lock().unwrap_or_else(PoisonError::into_inner).render(out, "assay_job_duration_seconds", &runner);
        describe(out, "assay_jobs_claimed_total", "counter", "Jobs claimed from the queue, per runner.");
        let _ = writeln!(out, "assay_jobs_claimed_total{{{runner}}} {}", self.claimed.load(Ordering::Relaxed));
        describe(out, "assay_results_written_total", "counter", "Results committed to the database, per runner.");
        let _ = writeln!(out, "assay_results_written_total{{{runner}}} {}", self.results_written());
        describe(out, "assay_target_errors_total", "counter", "Failed calls to targets by kind of error, per runner.");
        for (kind, count) in self.target_errors.lock().unwrap_or_else(PoisonError::into_inner).iter() {
            let _ = writeln!(out, "assay_target_errors_total{{{runner},kind=\"{kind}\"}} {count}");
        }
    }
}

/// The queue's depth per job state, as the database holds it now.
pub async fn render_queue(store: &Store, out: &mut String) -> crate::Result<()> {
    let counts = store.job_counts_by_state().await?;
    describe(out, "assay_queue_jobs", "gauge", "Jobs of unfinished evaluations in the queue, by state (pending, running).");
    for state in ["pending", "running"] {
        let count = counts.iter().find(|(s, _)| s == state).map_or(0, |(_, n)| *n);
        let _ = writeln!(out, "assay_queue_jobs{{state=\"{state}\"}} {count}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runner_series_carry_the_runner_and_render_cumulative_buckets() {
        let metrics = RunnerMetrics::new("worker-\"1\"");
        metrics.claimed(Duration::from_millis(3), 64);
        metrics.claimed(Duration::from_millis(40), 0);
        metrics.job_ran(Duration::from_millis(60));
        metrics.written(64);
        metrics.target_error("timeout");
        metrics.target_error("timeout");
        metrics.target_error("rate_limited");
        let mut text = String::new();
        metrics.render(&mut text);
        let runner = r#"runner="worker-\"1\"""#;
        assert!(text.contains(&format!("assay_queue_claim_duration_seconds_bucket{{{runner},le=\"0.001\"}} 0\n")), "{text}");
        assert!(text.contains(&format!("assay_queue_claim_duration_seconds_bucket{{{runner},le=\"0.005\"}} 1\n")));
        assert!(text.contains(&format!("assay_queue_claim_duration_seconds_bucket{{{runner},le=\"+Inf\"}} 2\n")));
        assert!(text.contains(&format!("assay_job_duration_seconds_count{{{runner}}} 1\n")));
        assert!(text.contains(&format!("assay_jobs_claimed_total{{{runner}}} 64\n")));
        assert!(text.contains(&format!("assay_results_written_total{{{runner}}} 64\n")));
        assert!(text.contains(&format!("assay_target_errors_total{{{runner},kind=\"timeout\"}} 2\n")));
        assert!(text.contains(&format!("assay_target_errors_total{{{runner},kind=\"rate_limited\"}} 1\n")));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
