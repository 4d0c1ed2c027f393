//! The store's contract, run against SQLite and against PostgreSQL: each test body is one
//! async fn taking a `Store`; the macro at the bottom runs it on both databases.

use assay_core::{
    ClaimedJob, Counts, DetectionRecord, EvaluationState, Finding, Id, JobResult, JobSlice, KeySecret, Message, NewJob, Plan,
    ProviderKeyInput, TargetKind, TargetSettings, TeamName, TrustEvaluationFilter, TrustSettings, TrustSort, Verdict,
};
use assay_store::{BucketShape, CredentialChange, Error, ResultFilter, SealedChange, Store, testing, unix_millis};

fn name(raw: &str) -> TeamName {
    TeamName::parse(raw).expect("valid team name")
}

async fn migrations_are_idempotent(store: Store) {
    assert_eq!(store.migrate().await.expect("re-running migrations"), 0);
    store.ping().await.expect("ping");
}

async fn a_team_is_created_with_its_owner_and_found_by_id_and_name(store: Store) {
    let (team, owner) = store.create_team(&name("acme"), Plan::Pro).await.expect("create team");
    assert_eq!(team.plan, Plan::Pro);
    assert_eq!(owner.team_id, team.id);
    assert_eq!(store.team(&team.id).await.expect("by id"), Some(team.clone()));
    assert_eq!(store.team_by_name(&name("acme")).await.expect("by name"), Some(team.clone()));
    assert_eq!(store.team_owner(&team.id).await.expect("owner"), Some(owner.clone()));
    assert_eq!(store.user(&team.id, &owner.id).await.expect("user"), Some(owner));
    assert_eq!(store.team(&Id::generate()).await.expect("missing"), None);
}

async fn a_duplicate_team_name_is_a_conflict_and_leaves_no_orphan_user(store: Store) {
    store.create_team(&name("dup"), Plan::Free).await.expect("first");
    let second = store.create_team(&name("dup"), Plan::Free).await;
    assert!(matches!(second, Err(Error::Conflict(_))), "{second:?}");
    assert_eq!(store.list_teams().await.expect("list").len(), 1);
    let team = store.team_by_name(&name("dup")).await.expect("lookup").expect("exists");
    assert_eq!(store.list_users(&team.id).await.expect("users").len(), 1);
}

async fn a_team_plan_can_be_changed(store: Store) {
    let (team, _) = store.create_team(&name("planned"), Plan::Free).await.expect("create");
    assert!(store.set_team_plan(&team.id, Plan::Pro).await.expect("set"));
    assert_eq!(store.team(&team.id).await.expect("get").map(|t| t.plan), Some(Plan::Pro));
    assert!(!store.set_team_plan(&Id::generate(), Plan::Pro).await.expect("set missing"));
}

async fn a_team_can_be_renamed_but_not_onto_a_taken_name(store: Store) {
    let (team, _) = store.create_team(&name("old"), Plan::Free).await.expect("create");
    store.create_team(&name("taken"), Plan::Free).await.expect("other");
    let renamed = store.rename_team(&team.id, &name("new")).await.expect("rename").expect("exists");
    assert_eq!(renamed.name, "new");
    let clash = store.rename_team(&team.id, &name("taken")).await;
    assert!(matches!(clash, Err(Error::Conflict(_))), "{clash:?}");
    assert_eq!(store.team(&team.id).await.expect("get").map(|t| t.name), Some("new".to_owned()));
    assert_eq!(store.rename_team(&Id::generate(), &name("x")).await.expect("missing"), None);
}

async fn users_of_another_team_are_invisible(store: Store) {
    let (a, _) = store.create_team(&name("team-a"), Plan::Free).await.expect("a");
    let (_, b_owner) = store.create_team(&name("team-b"), Plan::Free).await.expect("b");
    assert_eq!(store.user(&a.id, &b_owner.id).await.expect("lookup"), None);
}

async fn a_key_authenticates_until_revoked_and_only_its_hash_is_stored(store: Store) {
    let (team, owner) = store.create_team(&name("keyed"), Plan::Free).await.expect("team");
    let secret = KeySecret::generate();
    let key = store.create_api_key(&team.id, &owner.id, "ci", &secret).await.expect("key");
    let principal = store.authenticate(secret.expose()).await.expect("auth").expect("live key");
    assert_eq!(
        (principal.key_id, principal.team_id, principal.user_id, principal.plan),
        (key.id.clone(), team.id.clone(), owner.id, Plan::Free)
    );
    assert_eq!(store.authenticate("assay_wrong").await.expect("auth"), None);

    let listed = store.list_api_keys(Some(&team.id)).await.expect("list");
    assert_eq!(listed, vec![key.clone()]);
    assert!(!format!("{listed:?}").contains(&secret.expose()[12..]));

    assert!(store.revoke_api_key(&key.id).await.expect("revoke"));
    assert!(!store.revoke_api_key(&key.id).await.expect("revoke twice"), "second revoke reports nothing done");
    assert_eq!(store.authenticate(secret.expose()).await.expect("auth"), None);
    let revoked = store.list_api_keys(None).await.expect("list all");
    assert!(revoked[0].revoked_at.is_some());
}

async fn keys_are_listed_per_team(store: Store) {
    let (a, a_owner) = store.create_team(&name("list-a"), Plan::Free).await.expect("a");
    let (b, b_owner) = store.create_team(&name("list-b"), Plan::Free).await.expect("b");
    store.create_api_key(&a.id, &a_owner.id, "a1", &KeySecret::generate()).await.expect("a1");
    store.create_api_key(&b.id, &b_owner.id, "b1", &KeySecret::generate()).await.expect("b1");
    store.create_api_key(&b.id, &b_owner.id, "b2", &KeySecret::generate()).await.expect("b2");
    assert_eq!(store.list_api_keys(Some(&a.id)).await.expect("a").len(), 1);
    assert_eq!(store.list_api_keys(Some(&b.id)).await.expect("b").len(), 2);
    assert_eq!(store.list_api_keys(None).await.expect("all").len(), 3);
}

async fn a_closed_store_reports_itself_unavailable(store: Store) {
    store.close().await;
    let error = store.ping().await.expect_err("closed pool must fail");
    assert!(error.is_unavailable(), "{error:?}");
}

fn contract_settings(url: &str) -> TargetSettings {
    serde_json::from_value(serde_json::json!({"kind": "contract", "base_url": url, "limits": {"max_retries": 1}})).expect("settings")
}

async fn targets_keep_settings_and_a_sealed_credential_per_team(store: Store) {
    let (a, _) = store.create_team(&name("t-a"), Plan::Free).await.expect("a");
    let (b, _) = store.create_team(&name("t-b"), Plan::Free).await.expect("b");
    let settings = contract_settings("http://127.0.0.1:9/");
    let target = store.create_target(&a.id, "bot", &settings, Some("sk-123")).await.expect("create");
    assert!(target.has_credential);
    assert_eq!(store.target(&a.id, &target.id).await.expect("get"), Some(target.clone()));
    assert_eq!(store.list_targets(&a.id).await.expect("list"), vec![target.clone()]);
    assert_eq!(store.target_credential(&a.id, &target.id).await.expect("cred").as_deref(), Some("sk-123"));
    // Another team sees nothing, and the same name is free for it.
    assert_eq!(store.target(&b.id, &target.id).await.expect("get"), None);
    assert_eq!(store.target_credential(&b.id, &target.id).await.expect("cred"), None);
    store.create_target(&b.id, "bot", &settings, None).await.expect("same name, other team");
    let duplicate = store.create_target(&a.id, "bot", &settings, None).await;
    assert!(matches!(duplicate, Err(Error::Conflict(_))), "{duplicate:?}");
    assert!(!store.delete_target(&b.id, &target.id).await.expect("delete other team's"), "cannot delete another team's target");
}

async fn target_updates_change_only_what_is_given(store: Store) {
    let (team, _) = store.create_team(&name("upd"), Plan::Free).await.expect("team");
    let target = store.create_target(&team.id, "bot", &contract_settings("http://a"), Some("one")).await.expect("create");
    let renamed =
        store.update_target(&team.id, &target.id, Some("bot2"), None, CredentialChange::Keep).await.expect("update").expect("exists");
    assert_eq!((renamed.name.as_str(), &renamed.settings), ("bot2", &target.settings));
    assert_eq!(store.target_credential(&team.id, &target.id).await.expect("cred").as_deref(), Some("one"));
    let new_settings = TargetSettings { kind: TargetKind::Mock, ..contract_settings("http://b") };
    store.update_target(&team.id, &target.id, None, Some(&new_settings), CredentialChange::Set("two".into())).await.expect("update");
    assert_eq!(store.target_credential(&team.id, &target.id).await.expect("cred").as_deref(), Some("two"));
    let cleared = store.update_target(&team.id, &target.id, None, None, CredentialChange::Clear).await.expect("update").expect("exists");
    assert_eq!((cleared.settings.kind, cleared.has_credential), (TargetKind::Mock, false));
    assert_eq!(store.update_target(&team.id, &Id::generate(), Some("x"), None, CredentialChange::Keep).await.expect("missing"), None);
    assert!(store.delete_target(&team.id, &target.id).await.expect("delete"));
    assert_eq!(store.target(&team.id, &target.id).await.expect("get"), None);
}

async fn credentials_are_refused_without_a_secret_key(store: Store) {
    let (team, _) = store.create_team(&name("nokey"), Plan::Free).await.expect("team");
    let keyless = testing::without_secret_key(&store);
    let refused = keyless.create_target(&team.id, "bot", &contract_settings("http://a"), Some("s")).await;
    assert!(matches!(refused, Err(Error::NoSecretKey)), "{refused:?}");
    keyless.create_target(&team.id, "bot", &contract_settings("http://a"), None).await.expect("no credential, no key needed");
}

async fn contract_sessions_keep_history_until_ended(store: Store) {
    let (team, _) = store.create_team(&name("sess"), Plan::Free).await.expect("team");
    let (other, _) = store.create_team(&name("sess-other"), Plan::Free).await.expect("other");
    let target = store.create_target(&team.id, "bot", &contract_settings("http://a"), None).await.expect("target");
    let session = store.create_contract_session(&team.id, Some(&target.id), Some("sys")).await.expect("create");
    let history = vec![Message::user("hi"), Message::assistant("hello")];
    assert!(store.save_contract_session(&team.id, &session.id, None, &history).await.expect("save"));
    let found = store.live_contract_session(&team.id, Some(&target.id), &session.id).await.expect("get").expect("live");
    assert_eq!((found.messages, found.system.as_deref()), (history, Some("sys")));
    // Not visible through another target, the default target, or another team.
    assert_eq!(store.live_contract_session(&team.id, None, &session.id).await.expect("get"), None);
    assert_eq!(store.live_contract_session(&other.id, Some(&target.id), &session.id).await.expect("get"), None);
    assert!(!store.end_contract_session(&other.id, &session.id).await.expect("end other"));
    assert!(store.end_contract_session(&team.id, &session.id).await.expect("end"));
    assert_eq!(store.live_contract_session(&team.id, Some(&target.id), &session.id).await.expect("get"), None);
    assert!(!store.save_contract_session(&team.id, &session.id, None, &[]).await.expect("save ended"));
    assert!(!store.end_contract_session(&team.id, &session.id).await.expect("end twice"));
    // Default-target sessions have no target id.
    let root = store.create_contract_session(&team.id, None, None).await.expect("root");
    assert!(store.live_contract_session(&team.id, None, &root.id).await.expect("get").is_some());
}

fn ingest_batch(run_id: &str, results: &[&str]) -> assay_core::ingest::IngestPayload {
    let evaluations: Vec<serde_json::Value> = results
        .iter()
        .enumerate()
        .map(|(i, result)| {
            serde_json::json!({
                "assertion_type": if i == 0 { "pii" } else { "schema" }, "test_name": format!("t{i}"), "input_text": "q",
                "result": result, "score": if *result == "inconclusive" { serde_json::Value::Null } else { serde_json::json!(0.5) },
                "reasoning": "r", "judge_model": "m", "judge_latency_ms": 10, "judge_cost_usd": 0.5, "fallback_used": false, "threshold": 0.5
            })
        })
        .collect();
    serde_json::from_value(serde_json::json!({
        "project_slug": "app", "run_id": run_id, "run": {"started_at": "2026-11-23"}, "evaluations": evaluations
    }))
    .expect("payload")
}

async fn ingested_batches_append_once_each_within_the_monthly_quota(store: Store) {
    let (team, _) = store.create_team(&name("ingest"), Plan::Free).await.expect("team");
    let project = store.create_project(&team.id, "app", "App").await.expect("project");
    assert!(matches!(store.create_project(&team.id, "app", "Again").await, Err(Error::Conflict(_))));
    let run = "5f0c8a52-3c1e-4b8e-9d59-0c6a9f1e2b7a";
    let store_batch = |payload: assay_core::ingest::IngestPayload, quota: u64| {
        let (store, project) = (store.clone(), project.clone());
        async move {
            let bodies = payload.bodies();
            let digest = assay_core::ingest::IngestPayload::batch_digest(&bodies);
            store.ingest(&project, &payload, &bodies, &digest, quota).await.expect("ingest")
        }
    };
    use assay_core::ingest::IngestOutcome;
    use assay_store::IngestWrite;
    let first = ingest_batch(run, &["pass", "fail", "inconclusive"]);
    assert_eq!(store_batch(first.clone(), 10).await, IngestWrite::Done(IngestOutcome::Stored { accepted: 3 }));
    assert_eq!(store_batch(first, 10).await, IngestWrite::Done(IngestOutcome::Duplicate));
    assert_eq!(store_batch(ingest_batch(run, &["pass"; 8]), 10).await, IngestWrite::QuotaExceeded);
    assert_eq!(store_batch(ingest_batch(run, &["pass", "pass"]), 10).await, IngestWrite::Done(IngestOutcome::Stored { accepted: 2 }));

    let (runs, total) = store.ingested_runs(&project, 10, 0).await.expect("runs");
    assert_eq!(total, 1);
    assert_eq!((runs[0].total, runs[0].passed, runs[0].failed, runs[0].inconclusive), (5, 3, 1, 1));
    assert!((runs[0].judge_cost_usd - 2.5).abs() < 1e-9);
    let (evaluations, count) = store.ingested_evaluations(&project, run, Some("pass"), None, 10, 0).await.expect("evaluations");
    assert_eq!((count, evaluations.len()), (3, 3));
    let (pii, count) = store.ingested_evaluations(&project, run, None, Some("pii"), 1, 1).await.expect("page");
    assert_eq!((count, pii.len()), (2, 1));
    assert!(store.set_team_disabled(&team.id, true).await.expect("disable"));
    assert!(store.team_disabled(&team.id).await.expect("read"));
}

/// Generates `mod NAME { sqlite, postgres }` for each contract test.
fn jobs(count: i64) -> impl Iterator<Item = NewJob> {
    (0..count).map(|seq| NewJob { seq, target_index: 0, item: format!("{{\"n\":{seq}}}"), slice: None })
}

fn result_for(job: &ClaimedJob, passed: Option<bool>) -> JobResult {
    JobResult {
        evaluation_id: job.evaluation_id.clone(),
        seq: job.seq,
        target_index: job.target_index,
        probe_id: format!("probe-{}", job.seq % 2),
        harness: "security".into(),
        scenario: "injection".into(),
        converter: None,
        prompt: job.item.clone(),
        messages: vec![Message::user(job.item.clone()), Message::assistant("no")],
        passed,
        score: passed.map(|p| if p { 1.0 } else { 0.0 }),
        latency_ms: 3,
        prompt_tokens: 5,
        completion_tokens: 1,
        error: passed.is_none().then(|| "timeout".to_owned()),
        detections: vec![DetectionRecord {
            detector: "refusal".into(),
            version: 1,
            hit: passed == Some(true),
            passed: passed == Some(true),
            score: 0.9,
            reasoning: "because".into(),
            findings: vec![Finding { kind: "REFUSAL".into(), value: "no".into(), start: Some(0), end: Some(2) }],
            unscorable: false,
            confidence: if passed == Some(true) { 0.9 } else { 0.1 },
        }],
        created_at: 0,
        outcome: None,
    }
}

async fn an_evaluation_is_created_with_all_its_jobs_at_once(store: Store) {
    let (team, _) = store.create_team(&name("evals"), Plan::Free).await.expect("team");
    let suite = serde_json::json!({ "harnesses": ["security"] });
    let evaluation = store.create_evaluation(&team.id, "scan", &suite, &["mock".to_owned()], jobs(600), None).await.expect("create");
    assert_eq!(evaluation.state, EvaluationState::Pending);
    assert_eq!(evaluation.counts.total, 600);
    assert_eq!(evaluation.suite, suite);
    assert_eq!(store.unfinished_jobs(&evaluation.id).await.expect("count"), 600);
    assert_eq!(store.active_evaluations(None).await.expect("active"), vec![evaluation.id.clone()]);
    let empty = store.create_evaluation(&team.id, "empty", &suite, &[], jobs(0), None).await.expect("empty");
    assert_eq!(empty.state, EvaluationState::Completed, "nothing to run is complete at once");
    let other = store.create_team(&name("other"), Plan::Free).await.expect("other").0;
    assert_eq!(store.team_evaluation(&other.id, &evaluation.id).await.expect("lookup"), None);
    assert_eq!(store.list_evaluations(&team.id, 10).await.expect("list").len(), 2);
}

async fn a_pinned_evaluation_is_seen_only_by_its_runner_scope(store: Store) {
    let (team, _) = store.create_team(&name("pins"), Plan::Free).await.expect("team");
    let suite = serde_json::json!({ "harnesses": ["security"] });
    let targets = ["mock".to_owned()];
    let shared = store.create_evaluation(&team.id, "shared", &suite, &targets, jobs(3), None).await.expect("shared");
    let pinned = store.create_evaluation(&team.id, "scan", &suite, &targets, jobs(3), Some("scan-a")).await.expect("pinned");
    assert_eq!((shared.runner.as_deref(), pinned.runner.as_deref()), (None, Some("scan-a")));
    assert_eq!(store.active_evaluations(None).await.expect("shared"), vec![shared.id.clone()]);
    assert_eq!(store.active_evaluations(Some("scan-a")).await.expect("a"), vec![pinned.id.clone()]);
    assert!(store.active_evaluations(Some("scan-b")).await.expect("b").is_empty());
    // A resumed scan takes the evaluation over under its own scope; a finished one cannot be.
    assert!(store.pin_evaluation(&pinned.id, "scan-b").await.expect("repin"));
    assert!(store.active_evaluations(Some("scan-a")).await.expect("a").is_empty());
    assert_eq!(store.active_evaluations(Some("scan-b")).await.expect("b"), vec![pinned.id.clone()]);
    store.cancel_evaluation(&pinned.id).await.expect("cancel");
    assert!(!store.pin_evaluation(&pinned.id, "scan-c").await.expect("finished"));
    assert_eq!(store.evaluation(&pinned.id).await.expect("read").and_then(|e| e.runner), Some("scan-b".to_owned()));
}

async fn a_shared_rate_bucket_never_spends_a_token_twice_under_concurrent_takers(store: Store) {
    // Ten requests per hour: the first ten go at once, every later one waits its turn, each a
    // tenth of an hour behind the one before. Forty takers at once, on the pool's connections.
    let shape = BucketShape::per_interval(10, std::time::Duration::from_secs(3600));
    let bucket = format!("test:{}", Id::generate());
    let now = unix_millis();
    let mut takers = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let (store, bucket) = (store.clone(), bucket.clone());
        takers.spawn(async move { store.take_rate_token(&bucket, shape, now).await.expect("take") });
    }
    let mut waits: Vec<u64> = takers.join_all().await.into_iter().map(|wait| wait.as_secs_f64().round() as u64).collect();
    waits.sort_unstable();
    assert_eq!(waits.iter().filter(|wait| **wait == 0).count(), 10, "{waits:?}");
    let queued: Vec<u64> = (1..=30).map(|turn| turn * 360).collect();
    assert_eq!(waits[10..], queued[..], "each later taker is one token (360 s) behind the one before");
    // An hour on, ten tokens have come back against the thirty owed: the next taker is the
    // twenty-first in line.
    let later = store.take_rate_token(&bucket, shape, now + 3_600_000).await.expect("later");
    assert_eq!(later.as_secs_f64().round() as u64, 21 * 360);
}

async fn claimed_jobs_are_leased_to_one_runner_and_come_back_when_the_lease_expires(store: Store) {
    let (team, _) = store.create_team(&name("queue"), Plan::Free).await.expect("team");
    let evaluation = store.create_evaluation(&team.id, "q", &serde_json::json!({}), &[], jobs(10), None).await.expect("create");
    let now = unix_millis();
    let first = store.claim_jobs(&evaluation.id, "runner-a", now + 60_000, 4, false).await.expect("claim a");
    assert_eq!(first.iter().map(|j| j.seq).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    assert!(first.iter().all(|j| j.attempts == 1));
    let second = store.claim_jobs(&evaluation.id, "runner-b", now + 60_000, 100, false).await.expect("claim b");
    assert_eq!(second.len(), 6, "the other runner gets only what is left");
    assert!(store.claim_jobs(&evaluation.id, "runner-c", now + 60_000, 100, false).await.expect("claim c").is_empty());
    assert_eq!(store.evaluation(&evaluation.id).await.expect("get").map(|e| e.state), Some(EvaluationState::Running));
    // runner-a dies: its leases run out, its jobs return to the queue. runner-b extends the
    // leases of the jobs it still works on, not of seq 9, which it gave up on; naming
    // runner-a's jobs extends nothing, for they are not runner-b's.
    let held_by_b: Vec<i64> = second.iter().map(|j| j.seq).filter(|seq| *seq != 9).collect();
    assert_eq!(store.extend_leases("runner-b", now + 120_000, &evaluation.id, &held_by_b).await.expect("extend"), 5);
    assert_eq!(store.extend_leases("runner-b", now + 120_000, &evaluation.id, &[0, 1]).await.expect("not b's"), 0);
    assert_eq!(store.requeue_expired(now + 90_000).await.expect("requeue"), 5);
    let again = store.claim_jobs(&evaluation.id, "runner-c", now + 60_000, 100, false).await.expect("reclaim");
    assert_eq!(again.iter().map(|j| (j.seq, j.attempts)).collect::<Vec<_>>(), vec![(0, 2), (1, 2), (2, 2), (3, 2), (9, 2)]);
    assert_eq!(store.release_jobs("runner-c").await.expect("release"), 5);
    assert_eq!(store.claim_jobs(&evaluation.id, "runner-d", now + 60_000, 2, false).await.expect("after release").len(), 2);
}

async fn claimed_items_come_back_byte_for_byte_whatever_they_hold(store: Store) {
    let (team, _) = store.create_team(&name("items"), Plan::Free).await.expect("team");
    // Commas, newlines, non-ASCII text, and (in a text no version writes) a raw record separator.
    let items = ["{\"a\":\"1,2,3\"}".to_owned(), "line one\nline two, ünïcode".to_owned(), "x\u{1e}7,0,y".to_owned(), String::new()];
    let new_jobs = items.iter().enumerate().map(|(seq, item)| NewJob {
        seq: seq as i64,
        target_index: seq as u32 % 2,
        item: item.clone(),
        slice: None,
    });
    let evaluation = store.create_evaluation(&team.id, "items", &serde_json::json!({}), &[], new_jobs, None).await.expect("create");
    let claimed = store.claim_jobs(&evaluation.id, "runner", unix_millis() + 60_000, 100, false).await.expect("claim");
    let got: Vec<(i64, u32, &str)> = claimed.iter().map(|job| (job.seq, job.target_index, job.item.as_str())).collect();
    let want: Vec<(i64, u32, &str)> = items.iter().enumerate().map(|(seq, item)| (seq as i64, seq as u32 % 2, item.as_str())).collect();
    assert_eq!(got, want);
    // Without the odd item, the rest come back the same way.
    let clean = items.iter().filter(|item| !item.contains('\u{1e}')).cloned().collect::<Vec<_>>();
    let new_jobs = clean.iter().enumerate().map(|(seq, item)| NewJob { seq: seq as i64, target_index: 0, item: item.clone(), slice: None });
    let evaluation = store.create_evaluation(&team.id, "clean", &serde_json::json!({}), &[], new_jobs, None).await.expect("create");
    let claimed = store.claim_jobs(&evaluation.id, "runner", unix_millis() + 60_000, 100, false).await.expect("claim");
    assert_eq!(claimed.iter().map(|job| job.item.as_str()).collect::<Vec<_>>(), clean.iter().map(String::as_str).collect::<Vec<_>>());
}

async fn a_large_evaluation_is_claimed_in_blocks_and_a_job_is_done_when_its_result_exists(store: Store) {
    let (team, _) = store.create_team(&name("blocks"), Plan::Free).await.expect("team");
    let evaluation = store.create_evaluation(&team.id, "b", &serde_json::json!({}), &[], jobs(6_400), None).await.expect("create");
    let now = unix_millis();
    // 6,400 jobs make blocks of 32: a claim of about 64 jobs leases two blocks.
    let claimed = store.claim_jobs(&evaluation.id, "runner-a", now + 60_000, 64, false).await.expect("claim");
    assert_eq!(claimed.iter().map(|j| j.seq).collect::<Vec<_>>(), (0..64).collect::<Vec<_>>());
    assert_eq!(claimed.iter().map(|j| j.block).collect::<std::collections::BTreeSet<_>>(), [0, 32].into());
    assert_eq!(store.job_counts_by_state().await.expect("counts"), vec![("pending".to_owned(), 6_336), ("running".to_owned(), 64)]);
    // The first block's results all written: it is closed; of the second, half.
    let written: Vec<JobResult> = claimed[..48].iter().map(|job| result_for(job, Some(true))).collect();
    assert_eq!(store.write_results(&written).await.expect("write").inserted, 48);
    let page = store.jobs_page(&evaluation.id, &[], &[], 30, 36).await.expect("page");
    let states: Vec<(i64, &str)> = page.iter().map(|job| (job.seq, job.state.as_str())).collect();
    assert_eq!(states[..4], [(30, "done"), (31, "done"), (32, "done"), (33, "done")]);
    assert_eq!([states[17], states[18], states[33], states[34]], [(47, "done"), (48, "running"), (63, "running"), (64, "pending")]);
    assert_eq!(store.jobs_page(&evaluation.id, &["running"], &[], 0, 100).await.expect("running").len(), 16);
    assert_eq!(store.job_counts_by_state().await.expect("counts"), vec![("pending".to_owned(), 6_336), ("running".to_owned(), 16)]);
    assert_eq!(store.unfinished_jobs(&evaluation.id).await.expect("unfinished"), 6_352);
    // runner-a dies holding the second block: it comes back, with only its unwritten jobs.
    assert_eq!(store.extend_leases("runner-a", now + 120_000, &evaluation.id, &[0, 32]).await.expect("extend"), 1, "block 0 is done");
    assert_eq!(store.requeue_expired(now + 180_000).await.expect("requeue"), 1);
    let again = store.claim_jobs(&evaluation.id, "runner-b", now + 60_000, 32, false).await.expect("reclaim");
    assert_eq!(
        again.iter().map(|j| (j.seq, j.attempts, j.block)).collect::<Vec<_>>(),
        (48..64).map(|seq| (seq, 2, 32)).collect::<Vec<_>>()
    );
    let rest: Vec<JobResult> = again.iter().map(|job| result_for(job, Some(false))).collect();
    store.write_results(&rest).await.expect("write rest");
    assert_eq!(store.jobs_page(&evaluation.id, &["done"], &[], 0, 100).await.expect("done").len(), 64);
    // Results that land after their block went back to the queue close it all the same.
    let late = store.claim_jobs(&evaluation.id, "runner-c", now + 1_000, 32, true).await.expect("claim");
    assert_eq!(store.requeue_expired(now + 2_000).await.expect("requeue"), 1);
    let late: Vec<JobResult> = late.iter().map(|job| result_for(job, Some(true))).collect();
    store.write_results(&late).await.expect("write late");
    assert_eq!(store.job_counts_by_state().await.expect("counts"), vec![("pending".to_owned(), 6_304), ("running".to_owned(), 0)]);
    let next = store.claim_jobs(&evaluation.id, "runner-d", now + 60_000, 1, true).await.expect("next");
    assert_eq!((next.len(), next[0].seq, next[0].attempts), (32, 96, 1));
}

async fn a_replayed_result_is_not_written_twice_and_the_last_one_completes_the_evaluation(store: Store) {
    let (team, _) = store.create_team(&name("results"), Plan::Free).await.expect("team");
    let evaluation = store.create_evaluation(&team.id, "r", &serde_json::json!({}), &[], jobs(3), None).await.expect("create");
    let claimed = store.claim_jobs(&evaluation.id, "runner", unix_millis() + 60_000, 10, false).await.expect("claim");
    let first = vec![result_for(&claimed[0], Some(true)), result_for(&claimed[1], Some(false))];
    let outcome = store.write_results(&first).await.expect("write");
    assert_eq!(outcome.inserted, 2);
    assert!(outcome.completed.is_empty());
    let replay = store.write_results(&first).await.expect("replay");
    assert_eq!(replay.inserted, 0, "a replay writes nothing");
    // A job's result twice in one batch (its runner died after sending it, and the replay's
    // landed beside it): one row, counted once.
    let last = store.write_results(&[result_for(&claimed[2], None), result_for(&claimed[2], None)]).await.expect("last");
    assert_eq!(last.inserted, 1, "the second copy in the batch is the replay");
    assert_eq!(last.completed, vec![evaluation.id.clone()]);
    let done = store.evaluation(&evaluation.id).await.expect("get").expect("exists");
    assert_eq!(done.state, EvaluationState::Completed);
    assert_eq!(done.counts, Counts { total: 3, done: 3, passed: 1, failed: 1, errored: 1, unscorable: 0 });
    assert!(done.finished_at.is_some());
    assert_eq!(store.unfinished_jobs(&evaluation.id).await.expect("unfinished"), 0);

    let page = store.results_page(&evaluation.id, -1, 2, false).await.expect("page");
    assert_eq!(page.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![0, 1]);
    assert_eq!(page[0].detections.len(), 1);
    assert_eq!(page[0].detections[0].findings[0].kind, "REFUSAL");
    assert_eq!(page[1].reply(), Some("no"));
    let rest = store.results_page(&evaluation.id, 1, 10, false).await.expect("rest");
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].error.as_deref(), Some("timeout"));
    let failed = store.results_page(&evaluation.id, -1, 10, true).await.expect("failed only");
    assert_eq!(failed.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![1]);

    let summary = store.evaluation_summary(&evaluation.id).await.expect("summary");
    assert_eq!(summary.len(), 1);
    assert_eq!((summary[0].total, summary[0].passed, summary[0].failed, summary[0].errored), (3, 1, 1, 1));
    assert_eq!(summary[0].worst_probe, Some(("probe-1".to_owned(), 1)));

    let events = store.events_after(&evaluation.id, 0, 100).await.expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, vec!["evaluation.created", "evaluation.running", "results.created", "results.created", "evaluation.completed"]);
    let announced = |event: &assay_core::Event| -> Vec<i64> {
        event.data["results"].as_array().expect("a list").iter().filter_map(|r| r["seq"].as_i64()).collect()
    };
    assert_eq!(announced(&events[2]), vec![0, 1], "one event lists a batch's new results; the replay announced nothing");
    assert_eq!(announced(&events[3]), vec![2]);
    assert!(events.windows(2).all(|w| w[0].id < w[1].id));
}

async fn an_unscorable_result_is_counted_apart_from_pass_fail_and_error(store: Store) {
    let (team, _) = store.create_team(&name("unscorable"), Plan::Free).await.expect("team");
    let sliced = jobs(3).map(|job| {
        let probe_id = format!("probe-{}", job.seq % 2);
        NewJob { slice: Some(JobSlice { probe_id, harness: "security".into(), scenario: "injection".into() }), ..job }
    });
    let evaluation = store.create_evaluation(&team.id, "u", &serde_json::json!({}), &[], sliced, None).await.expect("create");
    let claimed = store.claim_jobs(&evaluation.id, "runner", unix_millis() + 60_000, 10, false).await.expect("claim");
    // A reply no detector could decide on: no verdict, no error, an unscorable detection.
    let mut unscorable = result_for(&claimed[2], Some(true));
    unscorable.passed = None;
    unscorable.score = None;
    unscorable.detections[0].unscorable = true;
    unscorable.detections[0].hit = false;
    unscorable.detections[0].passed = false;
    unscorable.detections[0].score = 0.5;
    store.write_results(&[result_for(&claimed[0], Some(true)), result_for(&claimed[1], None), unscorable]).await.expect("write");
    let done = store.evaluation(&evaluation.id).await.expect("get").expect("exists");
    assert_eq!(done.counts, Counts { total: 3, done: 3, passed: 1, failed: 0, errored: 1, unscorable: 1 });
    assert_eq!(done.state, EvaluationState::Completed);
    assert_eq!(done.counts.score(), Some(1.0), "unscorable results stay out of the score");
    let summary = store.evaluation_summary(&evaluation.id).await.expect("summary");
    assert_eq!((summary[0].passed, summary[0].failed, summary[0].errored, summary[0].unscorable), (1, 0, 1, 1));
    let filter = ResultFilter { unscorable: true, ..ResultFilter::default() };
    let only = store.results_after(&evaluation.id, &filter, -1, 10, false).await.expect("unscorable only");
    assert_eq!(only.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![2]);
    assert_eq!(only[0].verdict(), Verdict::Unscorable);
    let detection = &only[0].detections[0];
    assert!(detection.unscorable && detection.confidence == 0.0, "{detection:?}");
    let counts = store.probe_counts(&evaluation.id).await.expect("probe counts");
    assert_eq!(counts.iter().map(|c| c.counts.unscorable).sum::<i64>(), 1);
    let events = store.events_after(&evaluation.id, 0, 100).await.expect("events");
    let announced: Vec<&serde_json::Value> =
        events.iter().filter(|e| e.kind == "results.created").flat_map(|e| e.data["results"].as_array().into_iter().flatten()).collect();
    assert!(announced.iter().any(|r| r["verdict"] == "unscorable"), "{events:?}");
}

async fn a_judge_answer_is_kept_once_per_request(store: Store) {
    assert_eq!(store.judge_answer("k1").await.expect("read"), None);
    store.keep_judge_answer("k1", "local", "{\"pass\": true}").await.expect("keep");
    store.keep_judge_answer("k1", "local", "{\"pass\": false}").await.expect("keep again");
    assert_eq!(store.judge_answer("k1").await.expect("read").as_deref(), Some("{\"pass\": true}"), "the first answer stays");
    assert_eq!(store.judge_answer("k2").await.expect("read"), None);
}

async fn a_cancelled_evaluation_is_no_longer_claimed_but_keeps_results_in_flight(store: Store) {
    let (team, _) = store.create_team(&name("cancel"), Plan::Free).await.expect("team");
    let evaluation = store.create_evaluation(&team.id, "c", &serde_json::json!({}), &[], jobs(5), None).await.expect("create");
    let claimed = store.claim_jobs(&evaluation.id, "runner", unix_millis() + 60_000, 2, false).await.expect("claim");
    assert_eq!(store.cancel_evaluation(&evaluation.id).await.expect("cancel"), Some(true));
    assert_eq!(store.cancel_evaluation(&evaluation.id).await.expect("again"), Some(false));
    assert_eq!(store.cancel_evaluation(&Id::generate()).await.expect("missing"), None);
    assert!(store.active_evaluations(None).await.expect("active").is_empty());
    store.write_results(&[result_for(&claimed[0], Some(true))]).await.expect("in-flight result");
    let aborted = store.evaluation(&evaluation.id).await.expect("get").expect("exists");
    assert_eq!(aborted.state, EvaluationState::Aborted, "a late result does not revive it");
    assert_eq!(aborted.counts.done, 1);
    assert!(!store.fail_evaluation(&evaluation.id, "late").await.expect("fail after abort"));
}

// Prompts, revisions and evaluation templates.

use assay_core::{AccessMode, CaseDefinition, EvaluationDefinition, NewTemplate, RevisionText, TemplateChange};
use assay_store::{RevisionDeletion, TemplateUpdate};

async fn refs_after(store: &Store, team_id: &Id, after: i64) -> Vec<Vec<String>> {
    store.notifications_after(team_id, after, 100).await.expect("notifications").into_iter().map(|n| n.refs).collect()
}

fn template_on(prompt_id: &Id, name: &str, models: &[&str]) -> NewTemplate {
    NewTemplate {
        prompt_id: prompt_id.clone(),
        name: name.to_owned(),
        definition: EvaluationDefinition {
            cases: vec![CaseDefinition {
                title: "Refund".into(),
                scenario: "asks for a refund".into(),
                expected_result: "refund issued".into(),
                response_threshold: 5,
            }],
            models: models.iter().map(|m| (*m).to_owned()).collect(),
            access_mode: AccessMode::Team,
            ..EvaluationDefinition::default()
        },
    }
}

async fn a_prompt_is_created_with_its_first_revision_and_later_revisions_are_numbered_after_the_latest(store: Store) {
    let (team, _) = store.create_team(&name("prompts"), Plan::Free).await.expect("team");
    let created = store.create_prompt(&team.id, "Story", "Writes stories", &RevisionText::plain("Write a story.")).await.expect("create");
    let prompt_id = created.prompt.id.clone();
    assert_eq!((created.revisions.len(), created.revisions[0].number), (1, 1));
    let second = RevisionText { content: "Write a short story.".into(), notes: "shorter".into(), remarks: "be brief".into() };
    let second = store.create_revision(&team.id, &prompt_id, &second).await.expect("second").expect("prompt exists");
    let third = store.create_revision(&team.id, &prompt_id, &RevisionText::plain("v3")).await.expect("third").expect("prompt exists");
    assert_eq!((second.number, third.number), (2, 3));
    assert_eq!((second.notes.as_str(), second.remarks.as_str()), ("shorter", "be brief"));

    let found = store.prompt(&team.id, &prompt_id).await.expect("get").expect("exists");
    assert_eq!(found.revisions.iter().map(|r| r.number).collect::<Vec<_>>(), vec![1, 2, 3], "oldest first");
    assert_eq!(found.prompt, created.prompt);
    assert_eq!(store.latest_revision(&team.id, &prompt_id).await.expect("latest"), Some(third.clone()));
    assert_eq!(store.revision(&team.id, &second.id).await.expect("revision"), Some(second.clone()));

    let page = store.list_revisions(&team.id, &prompt_id, 2, 1).await.expect("list").expect("prompt exists");
    assert_eq!((page.total, page.items), (3, vec![second.clone(), third.clone()]));
    assert_eq!(store.list_revisions(&team.id, &Id::generate(), 50, 0).await.expect("list"), None);
    assert_eq!(store.create_revision(&team.id, &Id::generate(), &RevisionText::plain("x")).await.expect("unknown"), None);
}

async fn prompts_and_revisions_of_another_team_are_invisible_and_untouchable(store: Store) {
    let (a, _) = store.create_team(&name("p-a"), Plan::Free).await.expect("a");
    let (b, _) = store.create_team(&name("p-b"), Plan::Free).await.expect("b");
    let created = store.create_prompt(&b.id, "B", "", &RevisionText::plain("b's prompt")).await.expect("create");
    let (prompt_id, revision_id) = (&created.prompt.id, &created.revisions[0].id);
    assert_eq!(store.prompt(&a.id, prompt_id).await.expect("get"), None);
    assert_eq!(store.revision(&a.id, revision_id).await.expect("revision"), None);
    assert_eq!(store.latest_revision(&a.id, prompt_id).await.expect("latest"), None);
    assert_eq!(store.list_revisions(&a.id, prompt_id, 50, 0).await.expect("list"), None);
    assert_eq!(store.list_prompts(&a.id, None, 50, 0).await.expect("list").total, 0);
    assert_eq!(store.update_prompt(&a.id, prompt_id, "mine", None).await.expect("update"), None);
    assert_eq!(store.update_revision(&a.id, revision_id, "mine", None).await.expect("update"), None);
    assert_eq!(store.create_revision(&a.id, prompt_id, &RevisionText::plain("mine")).await.expect("create"), None);
    assert_eq!(store.delete_revision(&a.id, revision_id).await.expect("delete"), RevisionDeletion::NotFound);
    assert!(!store.delete_prompt(&a.id, prompt_id).await.expect("delete"));
    assert_eq!(store.create_template(&a.id, &template_on(prompt_id, "t", &[])).await.expect("template"), None);
    let untouched = store.prompt(&b.id, prompt_id).await.expect("get").expect("still there");
    assert_eq!((untouched.prompt.name.as_str(), untouched.revisions.len()), ("B", 1));
    assert_eq!(refs_after(&store, &a.id, 0).await, Vec::<Vec<String>>::new(), "nothing happened in team a");
}

async fn prompts_are_listed_newest_first_with_revision_counts_search_and_pages(store: Store) {
    let (team, _) = store.create_team(&name("listing"), Plan::Free).await.expect("team");
    let mut ids = Vec::new();
    for (prompt_name, description) in
        [("Story writer", "fiction"), ("Support bot", "answers tickets about STORY points"), ("100%_off", "sale")]
    {
        ids.push(store.create_prompt(&team.id, prompt_name, description, &RevisionText::plain("text")).await.expect("create").prompt.id);
    }
    let latest = store.create_revision(&team.id, &ids[0], &RevisionText::plain("v2")).await.expect("revise").expect("exists");

    let all = store.list_prompts(&team.id, None, 50, 0).await.expect("all");
    assert_eq!(all.total, 3);
    // Newest first; prompts of the same second in id order, so pages never overlap.
    let mut expected: Vec<(i64, Id)> = all.items.iter().map(|s| (s.prompt.created_at, s.prompt.id.clone())).collect();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(
        all.items.iter().map(|s| s.prompt.id.clone()).collect::<Vec<_>>(),
        expected.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    );
    let story = all.items.iter().find(|s| s.prompt.id == ids[0]).expect("story listed");
    assert_eq!(story.revision_count, 2);
    assert_eq!(story.latest_revision.as_ref().map(|l| (&l.id, l.created_at)), Some((&latest.id, latest.created_at)));

    let searched = store.list_prompts(&team.id, Some("sToRy"), 50, 0).await.expect("search");
    assert_eq!(searched.total, 2, "name or description, any case");
    assert_eq!(store.list_prompts(&team.id, Some("%_"), 50, 0).await.expect("wildcards").total, 1, "wildcards match themselves");
    let page = store.list_prompts(&team.id, None, 1, 1).await.expect("page");
    assert_eq!((page.items.len(), page.total), (1, 3), "the total ignores the page");
    assert_eq!(page.items[0].prompt.id, all.items[1].prompt.id);
}

async fn a_revision_can_be_changed_and_deleted_but_never_the_last_one(store: Store) {
    let (team, _) = store.create_team(&name("revs"), Plan::Free).await.expect("team");
    let created = store.create_prompt(&team.id, "P", "d", &RevisionText::plain("v1")).await.expect("create");
    let (prompt_id, first) = (created.prompt.id.clone(), created.revisions[0].clone());
    let noted = RevisionText { notes: "kept".into(), ..RevisionText::plain("v2") };
    let second = store.create_revision(&team.id, &prompt_id, &noted).await.expect("second").expect("exists");

    let (changed, parent) = store.update_revision(&team.id, &second.id, "v2 edited", None).await.expect("update").expect("exists");
    assert_eq!((changed.content.as_str(), changed.notes.as_str(), changed.number), ("v2 edited", "kept", 2), "notes kept when not given");
    assert_eq!(parent.id, prompt_id);
    let (changed, _) = store.update_revision(&team.id, &second.id, "v2", Some("")).await.expect("update").expect("exists");
    assert_eq!(changed.notes, "");
    assert_eq!(store.update_revision(&team.id, &Id::generate(), "x", None).await.expect("unknown"), None);

    assert_eq!(
        store.delete_revision(&team.id, &second.id).await.expect("delete"),
        RevisionDeletion::Deleted { prompt_id: prompt_id.clone() }
    );
    assert_eq!(store.delete_revision(&team.id, &second.id).await.expect("again"), RevisionDeletion::NotFound);
    assert_eq!(store.delete_revision(&team.id, &first.id).await.expect("last"), RevisionDeletion::LastRevision);
    assert_eq!(store.prompt(&team.id, &prompt_id).await.expect("get").expect("exists").revisions, vec![first]);
    // Numbers continue after the highest remaining one.
    let next = store.create_revision(&team.id, &prompt_id, &RevisionText::plain("v2 again")).await.expect("next").expect("exists");
    assert_eq!(next.number, 2);
}

async fn a_prompt_update_changes_only_what_is_given(store: Store) {
    let (team, _) = store.create_team(&name("prompt-upd"), Plan::Free).await.expect("team");
    let created = store.create_prompt(&team.id, "Old", "kept", &RevisionText::plain("v1")).await.expect("create");
    let id = &created.prompt.id;
    let (renamed, latest) = store.update_prompt(&team.id, id, "New", None).await.expect("update").expect("exists");
    assert_eq!((renamed.name.as_str(), renamed.description.as_str()), ("New", "kept"));
    assert_eq!(latest, Some(created.revisions[0].clone()));
    let (described, _) = store.update_prompt(&team.id, id, "New", Some("changed")).await.expect("update").expect("exists");
    assert_eq!(described.description, "changed");
    assert_eq!(store.update_prompt(&team.id, &Id::generate(), "x", None).await.expect("unknown"), None);
}

async fn deleting_a_prompt_removes_its_revisions_and_templates(store: Store) {
    let (team, _) = store.create_team(&name("prompt-del"), Plan::Free).await.expect("team");
    let doomed = store.create_prompt(&team.id, "Doomed", "", &RevisionText::plain("v1")).await.expect("create");
    let kept = store.create_prompt(&team.id, "Kept", "", &RevisionText::plain("v1")).await.expect("create");
    let revision = store.create_revision(&team.id, &doomed.prompt.id, &RevisionText::plain("v2")).await.expect("v2").expect("exists");
    let template = store.create_template(&team.id, &template_on(&doomed.prompt.id, "t", &[])).await.expect("template").expect("prompt");
    let other = store.create_template(&team.id, &template_on(&kept.prompt.id, "t2", &[])).await.expect("template").expect("prompt");
    let before = store.latest_notification_id(&team.id).await.expect("latest");

    assert!(store.delete_prompt(&team.id, &doomed.prompt.id).await.expect("delete"));
    assert_eq!(store.prompt(&team.id, &doomed.prompt.id).await.expect("get"), None);
    assert_eq!(store.revision(&team.id, &revision.id).await.expect("revision"), None);
    assert_eq!(store.template(&team.id, &template.id).await.expect("template"), None);
    assert_eq!(store.template(&team.id, &other.id).await.expect("other template"), Some(other));
    assert_eq!(
        refs_after(&store, &team.id, before).await,
        vec![vec![format!("Prompt:{}", doomed.prompt.id), format!("EvaluationTemplate:{}", template.id)]]
    );
    assert!(!store.delete_prompt(&team.id, &doomed.prompt.id).await.expect("twice"));
}

async fn templates_keep_their_definition_and_change_in_parts(store: Store) {
    let (team, _) = store.create_team(&name("templates"), Plan::Free).await.expect("team");
    let (other, _) = store.create_team(&name("templates-b"), Plan::Free).await.expect("other");
    let first = store.create_prompt(&team.id, "P1", "", &RevisionText::plain("v1")).await.expect("p1").prompt;
    let second = store.create_prompt(&team.id, "P2", "", &RevisionText::plain("v1")).await.expect("p2").prompt;
    let foreign = store.create_prompt(&other.id, "F", "", &RevisionText::plain("v1")).await.expect("foreign").prompt;

    let template =
        store.create_template(&team.id, &template_on(&first.id, "Refunds", &["mock-echo"])).await.expect("create").expect("prompt");
    assert_eq!(store.template(&team.id, &template.id).await.expect("get"), Some(template.clone()));
    assert_eq!(store.template(&other.id, &template.id).await.expect("other team"), None);
    assert_eq!(store.create_template(&team.id, &template_on(&Id::generate(), "x", &[])).await.expect("no prompt"), None);

    let change = TemplateChange { name: Some("Renamed".into()), models: Some(vec![]), ..TemplateChange::default() };
    let TemplateUpdate::Updated(updated) = store.update_template(&team.id, &template.id, &change).await.expect("update") else {
        panic!("the template exists")
    };
    assert_eq!((updated.name.as_str(), updated.definition.models.len()), ("Renamed", 0));
    assert_eq!(updated.definition.cases, template.definition.cases, "cases kept when not given");
    assert_eq!((updated.definition.access_mode, &updated.prompt_id), (AccessMode::Team, &first.id));

    let move_to = |prompt_id: &Id| TemplateChange { prompt_id: Some(prompt_id.clone()), ..TemplateChange::default() };
    let moved = store.update_template(&team.id, &template.id, &move_to(&second.id)).await.expect("move");
    assert!(matches!(&moved, TemplateUpdate::Updated(t) if t.prompt_id == second.id), "{moved:?}");
    assert_eq!(store.update_template(&team.id, &template.id, &move_to(&foreign.id)).await.expect("foreign"), TemplateUpdate::NoPrompt);
    assert_eq!(store.update_template(&other.id, &template.id, &change).await.expect("other team"), TemplateUpdate::NoTemplate);

    assert!(!store.delete_template(&other.id, &template.id).await.expect("other team delete"));
    assert!(store.delete_template(&team.id, &template.id).await.expect("delete"));
    assert_eq!(store.template(&team.id, &template.id).await.expect("gone"), None);
}

async fn templates_are_listed_by_prompt_and_by_a_search_of_name_or_prompt_id(store: Store) {
    let (team, _) = store.create_team(&name("template-list"), Plan::Free).await.expect("team");
    let first = store.create_prompt(&team.id, "P1", "", &RevisionText::plain("v1")).await.expect("p1").prompt;
    let second = store.create_prompt(&team.id, "P2", "", &RevisionText::plain("v1")).await.expect("p2").prompt;
    for (prompt, template_name) in [(&first, "Refund flow"), (&first, "Greeting"), (&second, "refunds again")] {
        store.create_template(&team.id, &template_on(&prompt.id, template_name, &[])).await.expect("create").expect("prompt");
    }
    let all = store.list_templates(&team.id, None, None, 50, 0).await.expect("all");
    assert_eq!((all.total, all.items.len()), (3, 3));
    assert_eq!(store.list_templates(&team.id, Some(&first.id), None, 50, 0).await.expect("by prompt").total, 2);
    assert_eq!(store.list_templates(&team.id, None, Some("REFUND"), 50, 0).await.expect("by name").total, 2);
    assert_eq!(store.list_templates(&team.id, None, Some(&second.id.as_str()[8..]), 50, 0).await.expect("by prompt id").total, 1);
    assert_eq!(store.list_templates(&team.id, Some(&first.id), Some("refund"), 50, 0).await.expect("both").total, 1);
    let page = store.list_templates(&team.id, None, None, 2, 2).await.expect("page");
    assert_eq!((page.items.len(), page.total), (1, 3));
}

async fn every_prompt_revision_and_template_change_writes_its_notification(store: Store) {
    let (team, _) = store.create_team(&name("notify"), Plan::Free).await.expect("team");
    let created = store.create_prompt(&team.id, "P", "", &RevisionText::plain("v1")).await.expect("create");
    let (p, r1) = (created.prompt.id.clone(), created.revisions[0].id.clone());
    store.update_prompt(&team.id, &p, "P2", None).await.expect("update").expect("exists");
    let r2 = store.create_revision(&team.id, &p, &RevisionText::plain("v2")).await.expect("revise").expect("exists").id;
    store.update_revision(&team.id, &r2, "v2!", None).await.expect("update").expect("exists");
    store.delete_revision(&team.id, &r2).await.expect("delete");
    let t = store.create_template(&team.id, &template_on(&p, "t", &[])).await.expect("template").expect("prompt").id;
    store.update_template(&team.id, &t, &TemplateChange::default()).await.expect("update");
    store.delete_template(&team.id, &t).await.expect("delete");
    // Refused changes announce nothing.
    store.delete_revision(&team.id, &r1).await.expect("last");
    store.delete_template(&team.id, &t).await.expect("gone");

    let prompt = format!("Prompt:{p}");
    let template = format!("EvaluationTemplate:{t}");
    assert_eq!(
        refs_after(&store, &team.id, 0).await,
        vec![
            vec![prompt.clone(), format!("PromptRevision:{r1}")],
            vec![prompt.clone()],
            vec![prompt.clone(), format!("PromptRevision:{r2}")],
            vec![prompt.clone(), format!("PromptRevision:{r2}")],
            vec![prompt.clone(), format!("PromptRevision:{r2}")],
            vec![template.clone()],
            vec![template.clone()],
            vec![template],
        ]
    );
}

fn trust_settings(tags: &[&str]) -> TrustSettings {
    TrustSettings {
        hub: "custom".into(),
        model: Some("m".into()),
        url: None,
        api_key_id: None,
        harness_config_ids: vec!["assay.harnesses.security".into()],
        version: "1.0.0".into(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        request: serde_json::json!({"sample_size": 1}),
        created_by: None,
        agent_configuration_id: None,
    }
}

/// Jobs over two probes, with the slices the per-probe counters are kept by.
fn sliced_jobs(count: i64) -> impl Iterator<Item = NewJob> {
    (0..count).map(|seq| NewJob {
        seq,
        target_index: 0,
        item: format!("{{\"probe_id\":\"probe-{}\"}}", seq % 2),
        slice: Some(JobSlice { probe_id: format!("probe-{}", seq % 2), harness: "security".into(), scenario: "injection".into() }),
    })
}

async fn a_trust_evaluation_keeps_its_id_settings_and_per_probe_counters(store: Store) {
    let (team, _) = store.create_team(&name("trust"), Plan::Free).await.expect("team");
    let id = Id::parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301").expect("uuid");
    let suite = serde_json::json!({ "harnesses": ["security"] });
    let settings = trust_settings(&["nightly"]);
    let created =
        store.create_trust_evaluation(&id, &team.id, "t", &suite, &["mock".into()], sliced_jobs(6), &settings).await.expect("create");
    assert_eq!((created.id.clone(), created.counts.total), (id.clone(), 6));
    let again = store.create_trust_evaluation(&id, &team.id, "t", &suite, &["mock".into()], sliced_jobs(1), &settings).await;
    assert!(matches!(again, Err(Error::Conflict(_))), "a taken id: {again:?}");
    let counts = store.probe_counts(&id).await.expect("counts");
    assert_eq!(counts.iter().map(|c| (c.probe_id.as_str(), c.counts.total)).collect::<Vec<_>>(), [("probe-0", 3), ("probe-1", 3)]);

    let jobs = store.claim_jobs(&id, "r", unix_millis() + 30_000, 6, false).await.expect("claim");
    let results: Vec<JobResult> = jobs
        .iter()
        .map(|j| {
            result_for(
                j,
                match j.seq {
                    0 => None,
                    1 | 3 => Some(false),
                    _ => Some(true),
                },
            )
        })
        .collect();
    store.write_results(&results).await.expect("write");
    let counts = store.probe_counts(&id).await.expect("counts");
    // probe-0: seq 0 (error), 2, 4 (passed); probe-1: seq 1, 3 (failed), 5 (passed).
    assert_eq!(counts[0].counts, Counts { total: 3, done: 3, passed: 2, failed: 0, errored: 1, unscorable: 0 });
    assert_eq!(counts[1].counts, Counts { total: 3, done: 3, passed: 1, failed: 2, errored: 0, unscorable: 0 });
    store.write_results(&results).await.expect("a replay");
    assert_eq!(store.probe_counts(&id).await.expect("counts")[1].counts.done, 3, "a replay counts nothing");

    let trust = store.trust_evaluation(&team.id, &id).await.expect("read").expect("exists");
    assert_eq!((trust.settings.tags.clone(), trust.evaluation.state), (vec!["nightly".to_owned()], EvaluationState::Completed));
    let (other, _) = store.create_team(&name("trust-other"), Plan::Free).await.expect("other");
    assert_eq!(store.trust_evaluation(&other.id, &id).await.expect("read"), None);

    let page = store.results_at(&id, &ResultFilter::default(), 2, 2, false).await.expect("page");
    assert_eq!(page.iter().map(|r| r.seq).collect::<Vec<_>>(), [2, 3]);
    let newest = store.results_at(&id, &ResultFilter::default(), 0, 2, true).await.expect("page");
    assert_eq!(newest.iter().map(|r| r.seq).collect::<Vec<_>>(), [5, 4]);
    let probe = ResultFilter { probe_id: Some("probe-1".into()), ..ResultFilter::default() };
    assert_eq!(store.results_at(&id, &probe, 1, 5, false).await.expect("page").iter().map(|r| r.seq).collect::<Vec<_>>(), [3, 5]);
    assert_eq!(store.result_errors(&id, 10).await.expect("errors"), [("timeout".to_owned(), 1)]);
    let tests = store.jobs_page(&id, &["done"], &["probe-1".to_owned()], 0, 10).await.expect("jobs");
    assert_eq!(tests.iter().map(|j| j.seq).collect::<Vec<_>>(), [1, 3, 5]);
}

async fn trust_evaluations_are_listed_by_their_filters_and_deleted_whole(store: Store) {
    let (team, _) = store.create_team(&name("listing"), Plan::Free).await.expect("team");
    let suite = serde_json::json!({ "harnesses": ["security"] });
    let mut ids = Vec::new();
    for (name_, tags) in [("alpha run", vec!["a", "b"]), ("beta run", vec!["b"]), ("gamma_%", vec![])] {
        let id = Id::generate();
        store
            .create_trust_evaluation(&id, &team.id, name_, &suite, &["mock".into()], sliced_jobs(2), &trust_settings(&tags))
            .await
            .expect("create");
        ids.push(id);
    }
    let all = TrustEvaluationFilter { limit: 10, descending: false, sort: TrustSort::Name, ..TrustEvaluationFilter::default() };
    let names = |list: Vec<assay_core::TrustEvaluation>| list.into_iter().map(|t| t.evaluation.name).collect::<Vec<_>>();
    assert_eq!(names(store.list_trust_evaluations(&team.id, &all).await.expect("list")), ["alpha run", "beta run", "gamma_%"]);
    let tagged = TrustEvaluationFilter { tags: vec!["b".into()], ..all.clone() };
    assert_eq!(store.count_trust_evaluations(&team.id, &tagged).await.expect("count"), 2);
    let both = TrustEvaluationFilter { tags: vec!["a".into(), "b".into()], ..all.clone() };
    assert_eq!(names(store.list_trust_evaluations(&team.id, &both).await.expect("list")), ["alpha run"]);
    let literal = TrustEvaluationFilter { name: Some("A_%".into()), ..all.clone() };
    assert_eq!(names(store.list_trust_evaluations(&team.id, &literal).await.expect("list")), ["gamma_%"], "LIKE wildcards are literal");
    let paged = TrustEvaluationFilter { limit: 1, offset: 1, ..all.clone() };
    assert_eq!(names(store.list_trust_evaluations(&team.id, &paged).await.expect("list")), ["beta run"]);
    store.cancel_evaluation(&ids[0]).await.expect("cancel");
    let cancelled = TrustEvaluationFilter { states: vec![EvaluationState::Aborted], ..all.clone() };
    assert_eq!(names(store.list_trust_evaluations(&team.id, &cancelled).await.expect("list")), ["alpha run"]);
    assert!(store.update_trust_evaluation(&team.id, &ids[1], Some("renamed"), Some(&["x".to_owned()])).await.expect("update"));
    assert_eq!(
        store.trust_evaluation(&team.id, &ids[1]).await.expect("read").map(|t| (t.evaluation.name, t.settings.tags)),
        Some(("renamed".into(), vec!["x".into()]))
    );

    // A deleted evaluation takes everything with it; its results still in flight are dropped
    // without failing the batch they share with another evaluation's.
    let jobs = store.claim_jobs(&ids[2], "r", unix_millis() + 30_000, 2, false).await.expect("claim");
    let other_jobs = store.claim_jobs(&ids[1], "r", unix_millis() + 30_000, 2, false).await.expect("claim");
    assert!(store.delete_evaluation(&ids[2]).await.expect("delete"));
    let mixed: Vec<JobResult> = jobs.iter().chain(&other_jobs).map(|j| result_for(j, Some(true))).collect();
    let outcome = store.write_results(&mixed).await.expect("a batch with a deleted evaluation's results");
    assert_eq!(outcome.inserted, 2);
    assert_eq!(store.evaluation(&ids[2]).await.expect("read"), None);
    assert!(store.probe_counts(&ids[2]).await.expect("counts").is_empty());
    assert!(!store.delete_evaluation(&ids[2]).await.expect("delete again"));
}

async fn provider_keys_seal_their_secret_and_config_per_team(store: Store) {
    let (team, _) = store.create_team(&name("providers"), Plan::Free).await.expect("team");
    let (other, _) = store.create_team(&name("providers-b"), Plan::Free).await.expect("other");
    let id = Id::generate();
    let input =
        ProviderKeyInput { name: "k".into(), hub: "bedrock".into(), url: None, rate_limit_per_interval: 60, rate_limit_interval: 10 };
    let config: serde_json::Map<String, serde_json::Value> =
        serde_json::from_value(serde_json::json!({"region": "r", "secret_access_key": "SK"})).expect("map");
    let key = store.create_provider_key(&id, &team.id, &input, Some("sk-secret"), Some(&config)).await.expect("create");
    assert_eq!((key.has_secret, key.hub_config_fields.clone()), (true, vec!["region".to_owned(), "secret_access_key".to_owned()]));
    let taken = store.create_provider_key(&Id::generate(), &team.id, &input, None, None).await;
    assert!(matches!(taken, Err(Error::Conflict(_))), "{taken:?}");
    store.create_provider_key(&Id::generate(), &other.id, &input, None, None).await.expect("the same name in another team");
    let opened = store.open_provider_key(&team.id, &id).await.expect("open").expect("exists");
    assert_eq!((opened.secret.as_deref(), opened.hub_config.get("secret_access_key")), (Some("sk-secret"), Some(&serde_json::json!("SK"))));
    assert!(store.open_provider_key(&other.id, &id).await.expect("open").is_none());
    let renamed = ProviderKeyInput { name: "k2".into(), ..input.clone() };
    store
        .update_provider_key(&team.id, &id, &renamed, SealedChange::Set("sk-new".into()), SealedChange::Keep)
        .await
        .expect("update")
        .expect("exists");
    let opened = store.open_provider_key(&team.id, &id).await.expect("open").expect("exists");
    assert_eq!((opened.key.name.as_str(), opened.secret.as_deref(), opened.hub_config.len()), ("k2", Some("sk-new"), 2));
    assert!(!store.delete_provider_key(&other.id, &id).await.expect("other team"));
    assert!(store.delete_provider_key(&team.id, &id).await.expect("delete"));
    assert_eq!(store.list_provider_keys(&team.id).await.expect("list"), []);
}

macro_rules! on_both_databases {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            #[tokio::test]
            async fn on_sqlite() {
                let dir = tempfile::tempdir().expect("temp dir");
                let store = super::testing::sqlite_store(dir.path()).await.expect("sqlite store");
                super::$test(store).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                if let Some(store) = super::testing::postgres_store().await.expect("postgres store") {
                    super::$test(store).await;
                }
            }
        }
    )*};
}

on_both_databases!(
    migrations_are_idempotent,
    a_team_is_created_with_its_owner_and_found_by_id_and_name,
    a_duplicate_team_name_is_a_conflict_and_leaves_no_orphan_user,
    a_team_plan_can_be_changed,
    a_team_can_be_renamed_but_not_onto_a_taken_name,
    users_of_another_team_are_invisible,
    a_key_authenticates_until_revoked_and_only_its_hash_is_stored,
    keys_are_listed_per_team,
    a_closed_store_reports_itself_unavailable,
    targets_keep_settings_and_a_sealed_credential_per_team,
    target_updates_change_only_what_is_given,
    credentials_are_refused_without_a_secret_key,
    contract_sessions_keep_history_until_ended,
    an_evaluation_is_created_with_all_its_jobs_at_once,
    a_pinned_evaluation_is_seen_only_by_its_runner_scope,
    a_shared_rate_bucket_never_spends_a_token_twice_under_concurrent_takers,
    claimed_jobs_are_leased_to_one_runner_and_come_back_when_the_lease_expires,
    claimed_items_come_back_byte_for_byte_whatever_they_hold,
    a_large_evaluation_is_claimed_in_blocks_and_a_job_is_done_when_its_result_exists,
    a_replayed_result_is_not_written_twice_and_the_last_one_completes_the_evaluation,
    an_unscorable_result_is_counted_apart_from_pass_fail_and_error,
    a_judge_answer_is_kept_once_per_request,
    a_cancelled_evaluation_is_no_longer_claimed_but_keeps_results_in_flight,
    a_prompt_is_created_with_its_first_revision_and_later_revisions_are_numbered_after_the_latest,
    prompts_and_revisions_of_another_team_are_invisible_and_untouchable,
    prompts_are_listed_newest_first_with_revision_counts_search_and_pages,
    a_revision_can_be_changed_and_deleted_but_never_the_last_one,
    a_prompt_update_changes_only_what_is_given,
    deleting_a_prompt_removes_its_revisions_and_templates,
    templates_keep_their_definition_and_change_in_parts,
    templates_are_listed_by_prompt_and_by_a_search_of_name_or_prompt_id,
    every_prompt_revision_and_template_change_writes_its_notification,
    ingested_batches_append_once_each_within_the_monthly_quota,
    a_trust_evaluation_keeps_its_id_settings_and_per_probe_counters,
    trust_evaluations_are_listed_by_their_filters_and_deleted_whole,
    provider_keys_seal_their_secret_and_config_per_team,
);
