//! Runs one claimed job: send the item to its target (one turn, or a crescendo driven by the
//! attacker), judge the reply with the item's detectors, and shape the result. Never fails:
//! every problem becomes the result's `error`, so the job is done either way.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::Instant;

use assay_core::{
    ChatRequest, ClaimedJob, DetectionInput, DetectionRecord, Detector, GenerationParams, JobResult, Message, Role, Target, Usage, unix_now,
};
use assay_detectors::Registry;
use futures_util::FutureExt;

use crate::assist::Assistant;
use crate::case::{CaseJob, run_case};
use crate::item::{StoredDetector, StoredItem};
use crate::metrics::RunnerMetrics;

/// What one evaluation's jobs share: its live targets and its detectors, built once.
pub struct EvaluationRuntime {
    pub targets: Vec<Arc<dyn Target>>,
    pub attacker: Option<Arc<dyn Target>>,
    pub has_judge: bool,
    /// Case jobs: the simulated user (the attacker target) and the thread judge.
    simulator: Option<Assistant>,
    judge: Option<Assistant>,
    /// Sent with every call (the suite's `max_tokens`).
    pub params: GenerationParams,
    registry: Registry,
    /// Built detectors by (probe, position in the probe's list): a probe's detectors and their
    /// parameters are fixed by the library, so the key is cheap and needs no hashing of params.
    /// Each is built once: the jobs of a probe arrive together, and without the cell every
    /// job in flight would compile the probe's patterns itself.
    detectors: RwLock<HashMap<(String, usize), Arc<BuiltDetector>>>,
    /// Where failed target calls are counted by kind.
    metrics: Arc<RunnerMetrics>,
}

impl EvaluationRuntime {
    pub fn new(
        targets: Vec<Arc<dyn Target>>,
        judge: Option<Arc<dyn Target>>,
        attacker: Option<Arc<dyn Target>>,
        params: GenerationParams,
        metrics: Arc<RunnerMetrics>,
    ) -> Self {
        Self {
            metrics,
            targets,
            simulator: attacker.clone().map(Assistant::new),
            judge: judge.clone().map(Assistant::new),
            attacker,
            has_judge: judge.is_some(),
            params,
            registry: Registry::new(judge),
            detectors: RwLock::new(HashMap::new()),
        }
    }

    fn detector(&self, probe_id: &str, position: usize, detector: &StoredDetector) -> Result<Arc<dyn Detector>, String> {
        let key = (probe_id.to_owned(), position);
        let cell = self.detectors.read().unwrap_or_else(PoisonError::into_inner).get(&key).cloned();
        let cell = match cell {
            Some(cell) => cell,
            None => self.detectors.write().unwrap_or_else(PoisonError::into_inner).entry(key).or_default().clone(),
        };
        cell.get_or_init(|| {
            let params = detector.params().map_err(|e| format!("unreadable parameters: {e}"))?;
            self.registry.build(&detector.id, &params).map_err(|e| e.to_string())
        })
        .clone()
    }
}

/// One probe's detector, built by the first job that needs it (or its build error).
type BuiltDetector = OnceLock<Result<Arc<dyn Detector>, String>>;

/// The conversation a job had with its target.
struct Exchange {
    messages: Vec<Message>,
    reply: String,
    usage: Usage,
    latency_ms: u64,
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// [`run_job`], with a panic anywhere inside it (a detector, a converter, a target adapter)
/// caught and recorded as the job's error: the job is done, its slot is freed, and the rest of
/// the evaluation goes on.
pub async fn run_job_caught(runtime: &EvaluationRuntime, job: &ClaimedJob, max_attempts: u32) -> JobResult {
    let started = Instant::now();
    match AssertUnwindSafe(run_job(runtime, job, max_attempts)).catch_unwind().await {
        Ok(result) => result,
        Err(panic) => {
            let reason = panic.downcast_ref::<&str>().map(|s| (*s).to_owned()).or_else(|| panic.downcast_ref::<String>().cloned());
            let item = serde_json::from_str::<StoredItem>(&job.item).ok();
            let error = format!("the job panicked: {}", reason.as_deref().unwrap_or("no message"));
            tracing::error!(evaluation = %job.evaluation_id, seq = job.seq, error = %error, "job panicked");
            failed(job, item.as_ref(), Vec::new(), started, error)
        }
    }
}

/// Runs `job` to a result. `max_attempts` bounds replays of a job whose runner kept dying.
pub async fn run_job(runtime: &EvaluationRuntime, job: &ClaimedJob, max_attempts: u32) -> JobResult {
    let started = Instant::now();
    if CaseJob::is_case(&job.item) {
        return run_case_job(runtime, job, max_attempts, started).await;
    }
    let item: StoredItem = match serde_json::from_str(&job.item) {
        Ok(item) => item,
        Err(error) => return failed(job, None, Vec::new(), started, format!("unreadable job item: {error}")),
    };
    if let Some(reason) = abandoned(job, max_attempts) {
        return failed(job, Some(&item), Vec::new(), started, reason);
    }
    let exchange = match converse(runtime, job, &item).await {
        Ok(exchange) => exchange,
        Err((messages, error)) => return failed(job, Some(&item), messages, started, error),
    };
    let mut detections = Vec::with_capacity(item.detectors.len());
    let input = DetectionInput {
        output: exchange.reply.clone(),
        input: Some(item.prompt.clone()),
        expected: item.expected.clone(),
        schema: None,
        triggers: (!item.triggers.is_empty()).then(|| item.triggers.clone()),
        context: item.context.clone(),
    };
    for (position, detector_use) in item.detectors.iter().enumerate() {
        // Without a judge target, judge-based detectors sit out; the rule detectors decide.
        if assay_detectors::needs_judge(&detector_use.id) && !runtime.has_judge {
            continue;
        }
        let detector = match runtime.detector(&item.probe_id, position, detector_use) {
            Ok(detector) => detector,
            Err(error) => return failed(job, Some(&item), exchange.messages, started, format!("detector {}: {error}", detector_use.id)),
        };
        match detector.detect(&input).await {
            Ok(detection) => {
                let hit_means = detector_use.hit_means.unwrap_or(detector.info().hit_means);
                let confidence = detection.confidence();
                let passed = match hit_means {
                    assay_core::HitMeans::Pass => detection.hit,
                    assay_core::HitMeans::Fail => !detection.hit,
                };
                detections.push(DetectionRecord {
                    detector: detector_use.id.clone(),
                    version: detector.info().version,
                    hit: detection.hit,
                    passed: passed && !detection.unscorable,
                    score: detection.score,
                    reasoning: detection.reasoning,
                    findings: detection.findings,
                    unscorable: detection.unscorable,
                    confidence,
                });
            }
            Err(error) => return failed(job, Some(&item), exchange.messages, started, format!("detector {}: {error}", detector_use.id)),
        }
    }
    if detections.is_empty() {
        return failed(
            job,
            Some(&item),
            exchange.messages,
            started,
            "no detector could judge this reply (judge detectors need a judge target)".into(),
        );
    }
    // Unscorable detections sit out of the verdict; with none left, the result is unscorable.
    let deciding = detections.iter().filter(|d| !d.unscorable).count();
    let safe = detections.iter().filter(|d| !d.unscorable && d.passed).count();
    JobResult {
        evaluation_id: job.evaluation_id.clone(),
        seq: job.seq,
        target_index: job.target_index,
        probe_id: item.probe_id,
        harness: item.harness,
        scenario: item.scenario,
        converter: item.converter,
        prompt: item.prompt,
        messages: exchange.messages,
        passed: (deciding > 0).then_some(safe == deciding),
        score: (deciding > 0).then(|| safe as f64 / deciding as f64),
        latency_ms: exchange.latency_ms,
        prompt_tokens: exchange.usage.prompt_tokens,
        completion_tokens: exchange.usage.completion_tokens,
        error: None,
        detections,
        created_at: unix_now(),
        outcome: None,
    }
}

async fn run_case_job(runtime: &EvaluationRuntime, job: &ClaimedJob, max_attempts: u32, started: Instant) -> JobResult {
    let case: CaseJob = match serde_json::from_str(&job.item) {
        Ok(case) => case,
        Err(error) => return failed(job, None, Vec::new(), started, format!("unreadable case item: {error}")),
    };
    if let Some(reason) = abandoned(job, max_attempts) {
        return failed(job, None, Vec::new(), started, reason);
    }
    let Some(target) = runtime.targets.get(usize::try_from(job.target_index).unwrap_or(usize::MAX)) else {
        return failed(job, None, Vec::new(), started, format!("the evaluation has no target number {}", job.target_index));
    };
    run_case(target, runtime.simulator.as_ref(), runtime.judge.as_ref(), job, case.case).await
}

/// Why a job claimed more than `max_attempts` times is given up: its runner died each time.
fn abandoned(job: &ClaimedJob, max_attempts: u32) -> Option<String> {
    (job.attempts > max_attempts)
        .then(|| format!("abandoned after {} claims without a result (its runner stopped each time)", job.attempts - 1))
}

/// Talks to the target; on failure returns what was said so far and why it stopped.
async fn converse(runtime: &EvaluationRuntime, job: &ClaimedJob, item: &StoredItem) -> Result<Exchange, (Vec<Message>, String)> {
    let index = usize::try_from(job.target_index).unwrap_or(usize::MAX);
    let Some(target) = runtime.targets.get(index) else {
        return Err((Vec::new(), format!("the evaluation has no target number {}", job.target_index)));
    };
    let mut transcript: Vec<Message> = item.system.iter().map(|s| Message { role: Role::System, content: s.clone() }).collect();
    if let Some(turns) = item.crescendo_turns {
        let Some(attacker) = &runtime.attacker else {
            return Err((transcript, "a crescendo probe needs an attacker target".into()));
        };
        let outcome = assay_probes::crescendo::run(attacker.as_ref(), target.as_ref(), &item.prompt, turns, item.system.as_deref())
            .await
            .map_err(|error| {
            runtime.metrics.target_error(error.kind());
            (transcript.clone(), format!("target: {error}"))
        })?;
        let reply = outcome.messages.iter().rev().find(|m| m.role == Role::Assistant).map(|m| m.content.clone()).unwrap_or_default();
        transcript.extend(outcome.messages);
        return Ok(Exchange { messages: transcript, reply, usage: outcome.usage, latency_ms: millis(outcome.latency) });
    }
    let request = ChatRequest {
        system: item.system.clone(),
        messages: vec![Message::user(item.prompt.clone())],
        params: runtime.params.clone(),
        ..ChatRequest::default()
    };
    transcript.push(Message::user(item.prompt.clone()));
    match target.chat(&request).await {
        Ok(reply) => {
            transcript.push(Message::assistant(reply.text.clone()));
            Ok(Exchange {
                messages: transcript,
                reply: reply.text,
                usage: reply.usage.unwrap_or_default(),
                latency_ms: millis(reply.latency),
            })
        }
        Err(error) => {
            runtime.metrics.target_error(error.kind());
            Err((transcript, format!("target: {error}")))
        }
    }
}

fn failed(job: &ClaimedJob, item: Option<&StoredItem>, messages: Vec<Message>, started: Instant, error: String) -> JobResult {
    let field = |f: fn(&StoredItem) -> &str| item.map_or_else(String::new, |i| f(i).to_owned());
    JobResult {
        evaluation_id: job.evaluation_id.clone(),
        seq: job.seq,
        target_index: job.target_index,
        probe_id: field(|i| &i.probe_id),
        harness: field(|i| &i.harness),
        scenario: field(|i| &i.scenario),
        converter: item.and_then(|i| i.converter.clone()),
        prompt: field(|i| &i.prompt),
        messages,
        passed: None,
        score: None,
        latency_ms: millis(started.elapsed()),
        prompt_tokens: 0,
        completion_tokens: 0,
        error: Some(error),
        detections: Vec::new(),
        created_at: unix_now(),
        outcome: None,
    }
}
