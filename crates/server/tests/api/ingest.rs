//! `POST /api/ingest` and the ingested runs' read side, over real HTTP on a real SQLite file:
//! every status code and constraint, idempotent replay, all-or-nothing batches, quota,
//! disabled teams, and the SSE notification of a changed run.

use std::time::Duration;

use assay_core::Plan;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestTeam, json_of, spawn_app_with};

const RUN: &str = "5f0c8a52-3c1e-4b8e-9d59-0c6a9f1e2b7a";

fn evaluation(index: usize, result: &str) -> Value {
    json!({
        "assertion_type": if index.is_multiple_of(2) { "groundedness" } else { "pii" },
        "test_name": format!("test {index}"),
        "test_file": "tests/chat.spec.ts",
        "input_text": "What is the refund window?",
        "result": result,
        "score": if result == "inconclusive" { Value::Null } else { json!(0.5) },
        "reasoning": "checked against the policy",
        "judge_model": "gpt-4o-mini",
        "judge_latency_ms": 100,
        "judge_cost_usd": 0.25,
        "fallback_used": false,
        "threshold": 0.7,
        "threshold_source": "inline",
        "failure_reason": null,
    })
}

fn batch(run_id: &str, evaluations: Vec<Value>) -> Value {
    json!({
        "project_slug": "checkout-bot",
        "run_id": run_id,
        "run": {"started_at": "2026-11-23T08:00:00Z", "branch": "main", "commit_sha": "abc123",
                "hardening_summary": {"total_input_rejected": 2, "total_rate_limited": 1, "total_backoff_ms": 40}},
        "evaluations": evaluations,
    })
}

async fn app_with_project(adjust: impl FnOnce(&mut assay_server::Config)) -> (TestApp, TestTeam) {
    let app = spawn_app_with(adjust).await;
    let acme = app.team("acme", Plan::Free).await;
    let (status, project) =
        json_of(app.post_json("/api/projects", &acme.key, &json!({"slug": "checkout-bot", "name": "Checkout"})).await).await;
    assert_eq!(status, 201, "{project}");
    (app, acme)
}

async fn ingest(app: &TestApp, key: &str, body: &Value) -> (u16, Value) {
    json_of(app.post_json("/api/ingest", key, body).await).await
}

async fn runs(app: &TestApp, key: &str) -> Value {
    let (status, body) = json_of(app.get("/api/projects/checkout-bot/runs", key).await).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn batches_sharing_a_run_id_append_and_a_resent_batch_changes_nothing() {
    let (app, acme) = app_with_project(|_| {}).await;
    let first = batch(RUN, vec![evaluation(0, "pass"), evaluation(1, "fail"), evaluation(2, "inconclusive")]);
    let (status, body) = ingest(&app, &acme.key, &first).await;
    assert_eq!((status, &body), (200, &json!({"run_id": RUN, "project_slug": "checkout-bot", "accepted": 3, "duplicate": false})));

    // The same batch again (keys in another order): acknowledged, not stored twice.
    let reordered: Value = serde_json::from_str(&serde_json::to_string_pretty(&first).expect("json")).expect("json");
    let (status, body) = ingest(&app, &acme.key, &reordered).await;
    assert_eq!((status, body["duplicate"].as_bool(), body["accepted"].as_u64()), (200, Some(true), Some(0)));

    let second = batch(RUN, vec![evaluation(3, "pass")]);
    assert_eq!(ingest(&app, &acme.key, &second).await.1["accepted"], 1);

    let listed = runs(&app, &acme.key).await;
    assert_eq!(listed["total"], 1);
    let run = &listed["runs"][0];
    assert_eq!(
        (run["total"].as_i64(), run["passed"].as_i64(), run["failed"].as_i64(), run["inconclusive"].as_i64()),
        (Some(4), Some(2), Some(1), Some(1))
    );
    assert_eq!(run["judge_cost_usd"], 1.0);
    assert_eq!(run["judge_latency_ms"], 400.0);
    assert_eq!(run["hardening_summary"], json!({"total_input_rejected": 2, "total_rate_limited": 1, "total_backoff_ms": 40}));
    assert_eq!(run["run"]["branch"], "main");

    let path = format!("/api/projects/checkout-bot/runs/{RUN}");
    let (_, one) = json_of(app.get(&path, &acme.key).await).await;
    assert_eq!(one["total"], 4);
    let names: Vec<&str> = one["evaluations"].as_array().expect("list").iter().filter_map(|e| e["test_name"].as_str()).collect();
    assert_eq!(names, ["test 0", "test 1", "test 2", "test 3"], "in the order received");
    let (_, passed) = json_of(app.get(&format!("{path}?result=pass&assertion_type=groundedness"), &acme.key).await).await;
    assert_eq!((passed["total"].as_i64(), passed["evaluations"][0]["test_name"].as_str()), (Some(1), Some("test 0")));
    let (_, paged) = json_of(app.get(&format!("{path}?limit=2&offset=2"), &acme.key).await).await;
    assert_eq!((paged["total"].as_i64(), paged["evaluations"].as_array().map(Vec::len)), (Some(4), Some(2)));
    assert_eq!(paged["evaluations"][0]["test_name"], "test 2");
    let (status, bad) = json_of(app.get(&format!("{path}?result=maybe"), &acme.key).await).await;
    assert_eq!((status, bad["error"].as_str()), (400, Some("invalid_request")));
    let (status, _) = json_of(app.get("/api/projects/checkout-bot/runs/00000000-0000-0000-0000-000000000000", &acme.key).await).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_batch_with_one_bad_evaluation_is_refused_whole_naming_the_field_and_index() {
    let (app, acme) = app_with_project(|_| {}).await;
    let mut evaluations: Vec<Value> = (0..5).map(|i| evaluation(i, "pass")).collect();
    evaluations[3]["score"] = json!(1.5);
    let (status, body) = ingest(&app, &acme.key, &batch(RUN, evaluations)).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("INVALID_PAYLOAD")), "{body}");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("evaluations[3].score")), "{body}");
    assert_eq!(runs(&app, &acme.key).await["total"], 0, "nothing of the batch was stored");
}

#[tokio::test]
async fn every_constraint_is_a_400_invalid_payload_naming_the_field() {
    let (app, acme) = app_with_project(|_| {}).await;
    let valid = batch(RUN, vec![evaluation(0, "pass")]);
    let change = |edit: &dyn Fn(&mut Value)| {
        let mut body = valid.clone();
        edit(&mut body);
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (change(&|b| b["project_slug"] = json!("Checkout_Bot")), "project_slug"),
        (change(&|b| b["project_slug"] = json!("a".repeat(101))), "project_slug"),
        (change(&|b| b["run_id"] = json!("run-1")), "run_id"),
        (change(&|b| b["run"]["started_at"] = json!("23/11/2026")), "run.started_at"),
        (change(&|b| b["run"]["finished_at"] = json!("2026-11-23T25:00:00Z")), "run.finished_at"),
        (change(&|b| b["evaluations"] = json!([])), "evaluations"),
        (change(&|b| b["evaluations"] = json!(vec![evaluation(0, "pass"); 501])), "evaluations"),
        (change(&|b| b["evaluations"][0]["reasoning"] = json!("r".repeat(5001))), "evaluations[0].reasoning"),
        (change(&|b| b["evaluations"][0]["score"] = Value::Null), "evaluations[0].score"),
        (change(&|b| b["evaluations"][0]["score"] = json!(-0.1)), "evaluations[0].score"),
        (change(&|b| b["evaluations"][0]["assertion_type"] = json!("toxicity")), "evaluations[0].assertion_type"),
        (change(&|b| b["evaluations"][0]["result"] = json!("passed")), "evaluations[0].result"),
        (change(&|b| b["evaluations"][0]["threshold_source"] = json!("file")), "evaluations[0].threshold_source"),
        (change(&|b| b["evaluations"][0]["failure_reason"] = json!("oops")), "evaluations[0].failure_reason"),
        (change(&|b| b["evaluations"][0]["judge_latency_ms"] = json!("fast")), "evaluations[0].judge_latency_ms"),
        (change(&|b| drop(b["evaluations"][0].as_object_mut().map(|o| o.remove("score")))), "evaluations[0]"),
        (change(&|b| drop(b.as_object_mut().map(|o| o.remove("run_id")))), "run_id"),
    ];
    for (body, field) in cases {
        let (status, answer) = ingest(&app, &acme.key, &body).await;
        assert_eq!((status, answer["code"].as_str()), (400, Some("INVALID_PAYLOAD")), "{field}: {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| m.contains(field)), "{field}: {answer}");
    }
    let (status, answer) = json_of(app.put_raw("/api/ingest", &acme.key, "application/json", "{not json").await).await;
    assert_eq!((status, answer["code"].as_str()), (405, Some("METHOD_NOT_ALLOWED")));
    let raw = app
        .client
        .post(app.url("/api/ingest"))
        .bearer_auth(&acme.key)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    let (status, answer) = json_of(raw).await;
    assert_eq!((status, answer["code"].as_str()), (400, Some("INVALID_PAYLOAD")));
    assert_eq!(runs(&app, &acme.key).await["total"], 0);
}

#[tokio::test]
async fn unknown_projects_disabled_teams_big_bodies_and_quotas_have_their_codes() {
    let (app, acme) = app_with_project(|config| {
        config.body_limit = 8 * 1024 * 1024;
        config.ingest_quota_free_per_month = 4;
    })
    .await;
    let other = app.team("other", Plan::Free).await;
    let body = batch(RUN, vec![evaluation(0, "pass"), evaluation(1, "pass")]);

    let (status, answer) = ingest(&app, &other.key, &body).await;
    assert_eq!((status, answer["code"].as_str()), (404, Some("PROJECT_NOT_FOUND")), "another team's slug");
    let mut unknown = body.clone();
    unknown["project_slug"] = json!("nope");
    assert_eq!(ingest(&app, &acme.key, &unknown).await.1["code"], "PROJECT_NOT_FOUND");

    // Over 1 MB is refused even when the server's own limit is higher.
    let mut huge = body.clone();
    huge["evaluations"][0]["input_text"] = json!("x".repeat(1024 * 1024));
    let (status, answer) = ingest(&app, &acme.key, &huge).await;
    assert_eq!((status, answer["code"].as_str()), (413, Some("PAYLOAD_TOO_LARGE")));

    assert_eq!(ingest(&app, &acme.key, &body).await.0, 200);
    let over = batch("6f0c8a52-3c1e-4b8e-9d59-0c6a9f1e2b7a", vec![evaluation(0, "pass"), evaluation(1, "fail"), evaluation(2, "pass")]);
    let (status, answer) = ingest(&app, &acme.key, &over).await;
    assert_eq!((status, answer["code"].as_str()), (429, Some("QUOTA_EXCEEDED")));
    assert_eq!(runs(&app, &acme.key).await["total"], 1, "the refused batch left no run behind");
    let within = batch("6f0c8a52-3c1e-4b8e-9d59-0c6a9f1e2b7a", vec![evaluation(0, "pass"), evaluation(1, "fail")]);
    assert_eq!(ingest(&app, &acme.key, &within).await.0, 200, "exactly the quota is allowed");

    app.store.set_team_disabled(&acme.team.id, true).await.expect("disable");
    let (status, answer) = ingest(&app, &acme.key, &body).await;
    assert_eq!((status, answer["code"].as_str()), (403, Some("NO_SUBSCRIPTION")));
    let (status, answer) = json_of(app.client.post(app.url("/api/ingest")).json(&body).send().await.expect("send")).await;
    assert_eq!((status, answer["code"].as_str()), (401, Some("UNAUTHORIZED")));
}

#[tokio::test]
async fn a_broken_database_is_a_500_internal_error_and_stores_nothing() {
    let (app, acme) = app_with_project(|_| {}).await;
    let database = app.data_dir().join("assay.db");
    let script = format!(
        "import sqlite3; c = sqlite3.connect({:?}); c.execute('DROP TABLE ingest_usage'); c.commit()",
        database.display().to_string()
    );
    let dropped = std::process::Command::new("python3").args(["-c", &script]).status().expect("python3");
    assert!(dropped.success());
    let (status, answer) = ingest(&app, &acme.key, &batch(RUN, vec![evaluation(0, "pass")])).await;
    assert_eq!((status, answer["code"].as_str()), (500, Some("INTERNAL_ERROR")), "{answer}");
    assert_eq!(runs(&app, &acme.key).await["total"], 0, "the run created before the failure was rolled back");
}

#[tokio::test]
async fn projects_are_created_per_team_and_a_changed_run_is_announced_on_sse() {
    let (app, acme) = app_with_project(|_| {}).await;
    let (status, answer) = json_of(app.post_json("/api/projects", &acme.key, &json!({"slug": "checkout-bot"})).await).await;
    assert_eq!((status, answer["error"].as_str()), (409, Some("conflict")));
    let (status, _) = json_of(app.post_json("/api/projects", &acme.key, &json!({"slug": "Bad Slug"})).await).await;
    assert_eq!(status, 400);
    let (_, listed) = json_of(app.get("/api/projects", &acme.key).await).await;
    assert_eq!(listed["projects"][0]["slug"], "checkout-bot");
    assert_eq!(listed["projects"][0]["name"], "Checkout");
    let (status, _) = json_of(app.get("/api/projects/unknown/runs", &acme.key).await).await;
    assert_eq!(status, 404);

    let mut stream = app.client.get(app.url("/api/v1/sse")).bearer_auth(&acme.key).send().await.expect("connect");
    assert_eq!(ingest(&app, &acme.key, &batch(RUN, vec![evaluation(0, "pass")])).await.0, 200);
    let mut text = String::new();
    while !text.contains(&format!("IngestedRun:{RUN}")) {
        let chunk =
            tokio::time::timeout(Duration::from_secs(10), stream.chunk()).await.expect("an event in time").expect("stream").expect("open");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
}
