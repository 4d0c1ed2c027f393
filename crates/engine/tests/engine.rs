//! The engine end to end on a real SQLite file (and PostgreSQL where it matters): runs to
//! completion, survives a killed runner, cancels, records target faults per job.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use assay_core::{Evaluation, EvaluationState, Id, Plan, Target, TeamName};
use assay_engine::{Engine, EngineConfig, FixedResolver, Suite};
use assay_probes::Harness;
use assay_store::{DatabaseUrl, Store, testing};
use assay_targets::mock::{Behavior, Fault, MockTarget, ReplyMode};
use assay_targets::{Policy, Reliable};
use tokio::sync::watch;

fn mock(latency_ms: u64, policy: Policy) -> Arc<dyn Target> {
    let target = MockTarget { behavior: Behavior::new(Duration::from_millis(latency_ms), ReplyMode::Echo) };
    Arc::new(Reliable::new(Arc::new(target), policy))
}

fn quick_policy() -> Policy {
    Policy { timeout: Duration::from_millis(500), max_retries: 0, max_concurrency: 8, ..Policy::default() }
}

fn engine(store: Store, target: Arc<dyn Target>, lease: Duration) -> Engine {
    let resolver = Arc::new(FixedResolver::default().with("mock", target));
    let config = EngineConfig { lease, poll_interval: Duration::from_millis(50), concurrency: 8, ..EngineConfig::default() };
    Engine::new(store, resolver, config)
}

fn suite(limit: u64) -> Suite {
    Suite { limit: Some(limit), ..Suite::new(vec![Harness::Security, Harness::Privacy]) }
}

async fn team(store: &Store) -> Id {
    store.team_or_create(&TeamName::parse("local").expect("name"), Plan::Pro).await.expect("team").id
}

/// Polls until `done` says the evaluation is where the test wants it.
async fn wait_for(store: &Store, id: &Id, what: &str, done: impl Fn(&Evaluation) -> bool) -> Evaluation {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let evaluation = store.evaluation(id).await.expect("read").expect("exists");
        if done(&evaluation) {
            return evaluation;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}: {evaluation:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs the engine until the evaluation finishes, then stops it cleanly.
async fn run_to_the_end(engine: &Engine, store: &Store, id: &Id) -> Evaluation {
    let (stop, stopped) = watch::channel(false);
    let runner = tokio::spawn({
        let engine = engine.clone();
        async move { engine.run(stopped).await }
    });
    let finished = wait_for(store, id, "completion", |e| e.state.is_finished()).await;
    stop.send(true).expect("stop");
    runner.await.expect("join").expect("runner");
    finished
}

/// Every result of the evaluation, by paging: their seqs must be exactly 0..total.
async fn result_seqs(store: &Store, id: &Id) -> Vec<i64> {
    let mut seqs = Vec::new();
    let mut after = -1;
    loop {
        let page = store.results_page(id, after, 100, false).await.expect("page");
        let Some(last) = page.last() else { return seqs };
        after = last.seq;
        seqs.extend(page.iter().map(|r| r.seq));
    }
}

async fn sqlite(dir: &Path) -> Store {
    Store::open_and_migrate(&DatabaseUrl::Sqlite(dir.join("assay.db"))).await.expect("store")
}

#[tokio::test]
async fn an_evaluation_runs_to_completion_with_a_verdict_for_every_job() {
    let dir = tempfile::tempdir().expect("dir");
    let store = sqlite(dir.path()).await;
    let engine = engine(store.clone(), mock(0, quick_policy()), Duration::from_secs(30));
    let evaluation = engine.create_evaluation(&team(&store).await, "run", &suite(120), &["mock".to_owned()]).await.expect("create");
    assert_eq!(evaluation.counts.total, 120);
    let finished = run_to_the_end(&engine, &store, &evaluation.id).await;
    assert_eq!(finished.state, EvaluationState::Completed);
    assert_eq!(finished.counts.done, 120);
    assert_eq!(finished.counts.passed + finished.counts.failed, 120, "the echo target answers every probe: {finished:?}");
    assert_eq!(result_seqs(&store, &evaluation.id).await, (0..120).collect::<Vec<_>>());
    let results = store.results_page(&evaluation.id, -1, 500, false).await.expect("results");
    assert!(results.iter().all(|r| !r.detections.is_empty() && r.reply().is_some_and(|reply| reply.starts_with("echo: "))));
    let summary = store.evaluation_summary(&evaluation.id).await.expect("summary");
    // The suite runs harnesses in order; the first 120 tests are all security probes.
    assert_eq!(summary.iter().map(|s| s.harness.as_str()).collect::<BTreeSet<_>>(), BTreeSet::from(["security"]));
    assert_eq!(summary.iter().map(|s| s.total).sum::<i64>(), 120);
}

#[test]
fn a_killed_runner_s_evaluation_finishes_on_restart_with_the_same_counts_and_no_duplicates() {
    let dir = tempfile::tempdir().expect("dir");
    let main = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let total = 300;
    let evaluation = main.block_on(async {
        let store = sqlite(dir.path()).await;
        let engine = engine(store.clone(), mock(5, quick_policy()), Duration::from_millis(800));
        let evaluation = engine.create_evaluation(&team(&store).await, "crash", &suite(total), &["mock".to_owned()]).await.expect("create");
        store.close().await;
        evaluation
    });

    // The first runner lives in a runtime of its own, with its own store: shutting that
    // runtime down kills it mid-evaluation with no chance to release its leases, as a
    // killed process would.
    let doomed = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("doomed runtime");
    let path = dir.path().to_owned();
    let (_keep, stopped) = watch::channel(false);
    doomed.spawn(async move {
        let store = sqlite(&path).await;
        let engine = engine(store, mock(5, quick_policy()), Duration::from_millis(800));
        let _ = engine.run(stopped).await;
    });
    let store = main.block_on(sqlite(dir.path()));
    let partial = main.block_on(wait_for(&store, &evaluation.id, "some progress", |e| e.counts.done >= 40));
    doomed.shutdown_background();
    let at_kill = main.block_on(store.evaluation(&evaluation.id)).expect("read").expect("exists");
    assert!(at_kill.counts.done < i64::try_from(total).expect("total"), "killed before the end: {partial:?}");

    main.block_on(async {
        let engine = engine(store.clone(), mock(0, quick_policy()), Duration::from_millis(800));
        let finished = run_to_the_end(&engine, &store, &evaluation.id).await;
        let total = i64::try_from(total).expect("total");
        assert_eq!(finished.state, EvaluationState::Completed);
        assert_eq!(finished.counts.done, total);
        assert_eq!(finished.counts.passed + finished.counts.failed + finished.counts.errored, total);
        assert_eq!(result_seqs(&store, &evaluation.id).await, (0..total).collect::<Vec<_>>(), "one result per job, none twice");
    });
}

#[tokio::test]
async fn a_cancelled_evaluation_stops_claiming_and_keeps_what_was_in_flight() {
    let dir = tempfile::tempdir().expect("dir");
    let store = sqlite(dir.path()).await;
    let slow = Policy { max_concurrency: 2, ..quick_policy() };
    let engine = engine(store.clone(), mock(100, slow), Duration::from_secs(30));
    let evaluation = engine.create_evaluation(&team(&store).await, "cancel", &suite(200), &["mock".to_owned()]).await.expect("create");
    let (stop, stopped) = watch::channel(false);
    let runner = tokio::spawn({
        let engine = engine.clone();
        async move { engine.run(stopped).await }
    });
    wait_for(&store, &evaluation.id, "first results", |e| e.counts.done >= 4).await;
    assert_eq!(store.cancel_evaluation(&evaluation.id).await.expect("cancel"), Some(true));
    // Jobs already claimed finish and are written; no new job is claimed.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let settled = store.evaluation(&evaluation.id).await.expect("read").expect("exists");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let later = store.evaluation(&evaluation.id).await.expect("read").expect("exists");
    stop.send(true).expect("stop");
    runner.await.expect("join").expect("runner");
    assert_eq!(later.state, EvaluationState::Aborted);
    assert_eq!(later.counts.done, settled.counts.done, "nothing runs after the in-flight jobs");
    assert!(later.counts.done < 200, "{later:?}");
    assert_eq!(result_seqs(&store, &evaluation.id).await.len() as i64, later.counts.done);
    assert!(store.unfinished_jobs(&evaluation.id).await.expect("unfinished") > 0);
}

#[tokio::test]
async fn target_faults_are_recorded_per_job_and_the_run_still_completes() {
    let dir = tempfile::tempdir().expect("dir");
    let store = sqlite(dir.path()).await;
    let target = MockTarget { behavior: Behavior::new(Duration::ZERO, ReplyMode::Echo) };
    target.behavior.push_faults([
        Fault::Status(500),
        Fault::Status(503),
        Fault::Garbage,
        Fault::Hang,
        Fault::RateLimit { retry_after_secs: 1 },
    ]);
    let policy = Policy { timeout: Duration::from_millis(300), max_retries: 0, max_concurrency: 1, ..Policy::default() };
    let engine = engine(store.clone(), Arc::new(Reliable::new(Arc::new(target), policy)), Duration::from_secs(30));
    let evaluation = engine.create_evaluation(&team(&store).await, "faults", &suite(40), &["mock".to_owned()]).await.expect("create");
    // Before any runner: the queue holds all 40, and no runner series is shown.
    let waiting = engine.render_metrics().await.expect("metrics");
    assert!(waiting.contains("assay_queue_jobs{state=\"pending\"} 40\n"), "{waiting}");
    assert!(!waiting.contains("assay_results_written_total"), "{waiting}");
    let finished = run_to_the_end(&engine, &store, &evaluation.id).await;
    assert_eq!(finished.state, EvaluationState::Completed);
    assert_eq!(finished.counts.done, 40);
    assert_eq!(finished.counts.errored, 5, "{finished:?}");
    let results = store.results_page(&evaluation.id, -1, 100, false).await.expect("results");
    let errors: Vec<&str> = results.iter().filter_map(|r| r.error.as_deref()).collect();
    assert_eq!(errors.len(), 5);
    assert!(errors.iter().all(|e| e.starts_with("target: ")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("did not answer within")), "the hang timed out: {errors:?}");
    assert!(errors.iter().any(|e| e.contains("rate limited")), "{errors:?}");
    assert!(results.iter().filter(|r| r.error.is_some()).all(|r| r.passed.is_none() && r.detections.is_empty()));
    // The runner's metrics count the same: every result written, the errors by kind.
    let text = engine.render_metrics().await.expect("metrics");
    let runner = format!("runner=\"{}\"", engine.metrics().runner());
    for line in [
        "assay_queue_jobs{state=\"pending\"} 0\n".to_owned(),
        "assay_queue_jobs{state=\"running\"} 0\n".to_owned(),
        format!("assay_results_written_total{{{runner}}} 40\n"),
        format!("assay_jobs_claimed_total{{{runner}}} 40\n"),
        format!("assay_job_duration_seconds_count{{{runner}}} 40\n"),
        format!("assay_target_errors_total{{{runner},kind=\"server\"}} 2\n"),
        format!("assay_target_errors_total{{{runner},kind=\"malformed_reply\"}} 1\n"),
        format!("assay_target_errors_total{{{runner},kind=\"timeout\"}} 1\n"),
        format!("assay_target_errors_total{{{runner},kind=\"rate_limited\"}} 1\n"),
    ] {
        assert!(text.contains(&line), "{line:?} missing from:\n{text}");
    }
    assert!(text.contains(&format!("assay_queue_claim_duration_seconds_count{{{runner}}} ")), "{text}");
}

/// Echoes, but panics on every fourth call: a bug in a target adapter, a detector or a
/// converter must cost only its own job.
struct PanicsEveryFourth {
    calls: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl Target for PanicsEveryFourth {
    async fn chat(&self, request: &assay_core::ChatRequest) -> Result<assay_core::ChatReply, assay_core::TargetError> {
        let call = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        assert!(call % 4 != 3, "adapter bug on call {call}");
        let text = request.messages.last().map(|m| m.content.clone()).unwrap_or_default();
        Ok(assay_core::ChatReply { text, usage: None, latency: Duration::ZERO, session_id: None, model: None })
    }

    fn describe(&self) -> assay_core::TargetDescription {
        assay_core::TargetDescription { kind: "mock".into(), model: None, sessions: false, multi_turn: true, system_prompt: true }
    }
}

#[tokio::test]
async fn a_job_that_panics_is_recorded_as_its_error_and_the_runner_still_finishes_and_stops() {
    let dir = tempfile::tempdir().expect("dir");
    let store = sqlite(dir.path()).await;
    let target = Arc::new(PanicsEveryFourth { calls: std::sync::atomic::AtomicUsize::new(0) });
    let engine = engine(store.clone(), target, Duration::from_secs(30));
    let evaluation = engine.create_evaluation(&team(&store).await, "panics", &suite(20), &["mock".to_owned()]).await.expect("create");
    // Before the guard, a panicked task kept its place in flight forever: the evaluation never
    // finished and the runner's shutdown waited on it.
    let finished = tokio::time::timeout(Duration::from_secs(60), run_to_the_end(&engine, &store, &evaluation.id)).await.expect("stops");
    assert_eq!(finished.state, EvaluationState::Completed);
    assert_eq!((finished.counts.done, finished.counts.errored), (20, 5), "{finished:?}");
    let results = store.results_page(&evaluation.id, -1, 100, false).await.expect("results");
    let errors: Vec<&str> = results.iter().filter_map(|r| r.error.as_deref()).collect();
    assert!(errors.iter().all(|e| e.starts_with("the job panicked: adapter bug on call")), "{errors:?}");
    assert!(results.iter().filter(|r| r.error.is_some()).all(|r| !r.probe_id.is_empty() && !r.prompt.is_empty()), "the item is kept");
}

#[tokio::test]
async fn two_runners_share_one_postgres_queue_without_duplicates() {
    let Some(admin) = testing::postgres_admin_url() else { return };
    let url = testing::fresh_postgres_url(&admin).await.expect("database");
    let store = Store::open_and_migrate(&url).await.expect("store");
    let first = engine(store.clone(), mock(2, quick_policy()), Duration::from_secs(30));
    let second_store = Store::open_and_migrate(&url).await.expect("second store");
    let second = Engine::new(
        second_store,
        Arc::new(FixedResolver::default().with("mock", mock(2, quick_policy()))),
        EngineConfig { poll_interval: Duration::from_millis(50), concurrency: 8, ..EngineConfig::default() },
    );
    let evaluation = first.create_evaluation(&team(&store).await, "shared", &suite(400), &["mock".to_owned()]).await.expect("create");
    let (stop, stopped) = watch::channel(false);
    let runners: Vec<_> = [first, second]
        .into_iter()
        .map(|engine| {
            let stopped = stopped.clone();
            tokio::spawn(async move { engine.run(stopped).await })
        })
        .collect();
    let finished = wait_for(&store, &evaluation.id, "completion", |e| e.state.is_finished()).await;
    stop.send(true).expect("stop");
    for runner in runners {
        runner.await.expect("join").expect("runner");
    }
    assert_eq!(finished.counts.done, 400);
    assert_eq!(result_seqs(&store, &evaluation.id).await, (0..400).collect::<Vec<_>>());
}

/// Jobs whose only detector is a judge, and a judge that never gives a readable verdict: every
/// result is unscorable, counted apart, and shown so in the JSON, JUnit and HTML reports; a
/// second evaluation of the same replies asks the judge nothing (its answers are kept).
#[tokio::test]
async fn a_reply_no_detector_can_decide_on_is_unscorable_in_the_counts_and_every_report() {
    let dir = tempfile::tempdir().expect("dir");
    let store = sqlite(dir.path()).await;
    let target = MockTarget { behavior: Behavior::new(Duration::ZERO, ReplyMode::Fixed("Paris is the capital.".into())) };
    let judge_behavior =
        Arc::new(MockTarget { behavior: Behavior::new(Duration::ZERO, ReplyMode::Fixed("Hard to say, honestly.".into())) });
    let resolver = Arc::new(
        FixedResolver::default()
            .with("mock", Arc::new(Reliable::new(Arc::new(target), quick_policy())))
            .with("judge", judge_behavior.clone()),
    );
    let config = EngineConfig { poll_interval: Duration::from_millis(50), concurrency: 4, ..EngineConfig::default() };
    let engine = Engine::new(store.clone(), resolver, config);
    let team = team(&store).await;
    let item = |n: i64| assay_core::NewJob {
        seq: n,
        target_index: 0,
        item: serde_json::json!({
            "probe_id": "custom.capital", "harness": "hallucination", "scenario": "facts", "prompt": format!("Capital of France? ({n})"),
            "detectors": [{ "id": "llm-judge", "params": { "rubric": "The reply names Paris.", "max_attempts": 2 } }],
        })
        .to_string(),
        slice: None,
    };
    let suite = serde_json::json!({ "harnesses": [], "judge": "judge" });
    let evaluation =
        store.create_evaluation(&team, "undecidable", &suite, &["mock".to_owned()], (0..3).map(item), None).await.expect("create");
    let finished = run_to_the_end(&engine, &store, &evaluation.id).await;
    assert_eq!(finished.state, EvaluationState::Completed);
    assert_eq!((finished.counts.unscorable, finished.counts.passed, finished.counts.failed, finished.counts.errored), (3, 0, 0, 0));
    assert_eq!(finished.counts.score(), None, "no verdict, no score");
    let results = store.results_page(&evaluation.id, -1, 10, false).await.expect("results");
    assert!(results.iter().all(|r| r.verdict() == assay_core::Verdict::Unscorable && r.detections[0].unscorable), "{results:?}");
    let judge_calls = judge_behavior.behavior.calls();
    assert_eq!(judge_calls, 6, "two attempts per reply");

    let summary = store.evaluation_summary(&evaluation.id).await.expect("summary");
    let mut json = Vec::new();
    assay_engine::report::write_json(&store, &finished, &summary, &mut json).await.expect("json");
    let json: serde_json::Value = serde_json::from_slice(&json).expect("json parses");
    assert_eq!(json["evaluation"]["counts"]["unscorable"], 3);
    assert_eq!(json["summary"][0]["unscorable"], 3);
    assert_eq!(json["results"][0]["verdict"], "unscorable");
    assert_eq!(json["results"][0]["detections"][0]["unscorable"], true);
    assert_eq!(json["results"][0]["detections"][0]["confidence"], 0.0);
    let mut junit = Vec::new();
    assay_engine::report::write_junit(&store, &finished, &mut junit).await.expect("junit");
    let junit = String::from_utf8(junit).expect("utf-8");
    assert_eq!(junit.matches("<skipped message=\"unscorable: llm-judge").count(), 3, "{junit}");
    assert!(junit.contains("failures=\"0\" errors=\"0\" skipped=\"3\""), "{junit}");
    let mut html = Vec::new();
    assay_engine::report::write_html(&store, &finished, &summary, &mut html).await.expect("html");
    let html = String::from_utf8(html).expect("utf-8");
    assert!(html.contains("0 passed, 0 failed, 3 unscorable, 0 errors"), "{html}");

    // The same grading requests again: answered from the kept answers, the same verdict.
    let again = store.create_evaluation(&team, "again", &suite, &["mock".to_owned()], (0..3).map(item), None).await.expect("create");
    let finished = run_to_the_end(&engine, &store, &again.id).await;
    assert_eq!(finished.counts.unscorable, 3);
    assert_eq!(judge_behavior.behavior.calls(), judge_calls, "a re-run asks the judge nothing new");
}

/// Two processes on one database, each with its own secret key: the one whose key did not
/// seal a stored target's credential cannot open it, so it leaves that evaluation queued (not
/// failed) and goes on running the evaluations it can open; the process whose key sealed it
/// then runs it to the end.
#[tokio::test]
async fn a_runner_that_cannot_open_a_credential_leaves_the_evaluation_to_one_that_can() {
    use assay_engine::stored::{STORED_PREFIX, StoredResolver};
    use assay_store::SecretKey;
    use assay_targets::factory::LocalModel;

    let dir = tempfile::tempdir().expect("dir");
    let url = DatabaseUrl::Sqlite(dir.path().join("assay.db"));
    let owner = Store::open_and_migrate(&url).await.expect("store").with_secret_key(SecretKey::generate());
    let stranger = Store::open(&url).await.expect("store").with_secret_key(SecretKey::generate());
    let team = team(&owner).await;
    let settings: assay_core::TargetSettings = serde_json::from_value(serde_json::json!({"kind": "mock"})).expect("settings");
    let target = owner.create_target(&team, "sealed-bot", &settings, Some("sk-sealed")).await.expect("target");
    let local = LocalModel { data_dir: dir.path().to_owned(), progress: |_| {} };
    let config = EngineConfig { poll_interval: Duration::from_millis(20), concurrency: 8, ..EngineConfig::default() };
    let shared_engine = |store: &Store| {
        let resolver = Arc::new(StoredResolver::new(store.clone(), local.clone(), Arc::default()));
        Engine::new(store.clone(), resolver, EngineConfig { runner_name: format!("runner-{}", Id::generate()), ..config.clone() })
    };

    let sealed = shared_engine(&owner)
        .create_evaluation(&team, "sealed", &suite(6), &[format!("{STORED_PREFIX}{}", target.id)])
        .await
        .expect("create sealed");
    let open = shared_engine(&owner).create_evaluation(&team, "open", &suite(6), &["mock".to_owned()]).await.expect("create open");

    // The stranger runs the evaluation it can open; its first tick already tried both, so by
    // the time that one is done it has met the sealed one.
    let stranger_engine = shared_engine(&stranger);
    let finished = run_to_the_end(&stranger_engine, &stranger, &open.id).await;
    assert_eq!(finished.state, EvaluationState::Completed, "{finished:?}");
    let waiting = owner.evaluation(&sealed.id).await.expect("read").expect("exists");
    assert_eq!(waiting.state, EvaluationState::Pending, "the stranger must not fail or start it: {waiting:?}");
    assert!(waiting.error.is_none(), "{waiting:?}");
    assert_eq!(waiting.counts.done, 0, "{waiting:?}");

    let finished = run_to_the_end(&shared_engine(&owner), &owner, &sealed.id).await;
    assert_eq!(finished.state, EvaluationState::Completed, "{finished:?}");
    assert_eq!(finished.counts.done, finished.counts.total);
    assert_eq!(finished.counts.errored, 0, "the owner's key opens the credential: {finished:?}");
}
