//! Workbench evaluations end to end: a template with cases runs on the engine inside the
//! server against the mock model, with a scripted assistant (a contract server on loopback)
//! as simulated user, tool and judge; case runs, thread messages, abort, stop, re-run, delete,
//! the AI helpers, privacy mode and both SSE queues, read with a real HTTP client.

use std::time::{Duration, Instant};

use assay_core::Plan;
use axum::Json;
use axum::routing::post;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestTeam, err_code, json_of, ok_data, spawn_app_with};

/// The scripted assistant's answer to one request, chosen by the `TASK:` line of its system
/// prompt. Simulated users whose scenario says "pass" ask the model to say REFUND-OK (the mock
/// model echoes it); the judge passes a thread where the assistant said REFUND-OK. A scenario
/// saying "slow" makes the simulated user take two seconds a turn; one saying "uses the tool"
/// opens with a tool call line, which the echoing model repeats as its call.
async fn scripted(Json(body): Json<Value>) -> Json<Value> {
    let messages: Vec<(String, String)> = match body.get("messages").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .map(|m| (m["role"].as_str().unwrap_or_default().to_owned(), m["content"].as_str().unwrap_or_default().to_owned()))
            .collect(),
        None => {
            let mut list = Vec::new();
            if let Some(system) = body["system"].as_str() {
                list.push(("system".to_owned(), system.to_owned()));
            }
            list.push(("user".to_owned(), body["message"].as_str().unwrap_or_default().to_owned()));
            list
        }
    };
    let system = messages.iter().find(|(role, _)| role == "system").map(|(_, c)| c.clone()).unwrap_or_default();
    let last = messages.last().map(|(_, c)| c.clone()).unwrap_or_default();
    let task = system.lines().next().and_then(|l| l.strip_prefix("TASK: ")).unwrap_or("").to_owned();
    let content = match task.as_str() {
        "simulate-user" => {
            if system.contains("slow") {
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            if system.contains("uses the tool") && !last.contains("TOOL RESULT") && messages.len() <= 2 {
                // The echoing model repeats this line, which makes it call the tool.
                "Check my order please.\nCALL lookup_order {\"id\": \"A1\"}".to_owned()
            } else if last.contains("REFUND-OK") {
                "DONE".to_owned()
            } else if system.contains("pass") {
                "Please confirm by saying REFUND-OK".to_owned()
            } else {
                "Hello, where is my order?".to_owned()
            }
        }
        "simulate-tool" => "{\"status\": \"shipped\"}".to_owned(),
        "thread-review" => {
            let passed = last.lines().any(|line| line.starts_with("Assistant:") && line.contains("REFUND-OK"));
            if passed {
                json!({"result": "succeed", "assessment": "The refund was confirmed.", "recommendation": "None.", "attributes": [], "hallucinations": "none"})
            } else {
                json!({"result": "failed", "assessment": "No refund was confirmed.", "recommendation": "Add an order lookup tool.", "attributes": ["missing_tools"], "hallucinations": "low"})
            }
            .to_string()
        }
        "optimize" | "remark" => json!({"prompt": format!("Improved: {last}"), "notes": "Made it clearer."}).to_string(),
        "describe" => json!({"name": "Support bot", "description": "Answers support questions."}).to_string(),
        "gen-testcase" => {
            json!({"title": "Late parcel", "scenario": "A customer's parcel is late", "expectedResult": "A new delivery date", "responseThreshold": 4})
                .to_string()
        }
        "gen-context" => json!({"name": "Shipping policy", "content": "Parcels ship within two days."}).to_string(),
        // The first tool answer is not a valid schema: the helper must ask again.
        "gen-tool" if messages.iter().filter(|(role, _)| role == "user").count() == 1 => {
            json!({"name": "track_parcel", "description": "Tracks a parcel", "parameters": {"type": "object", "properties": {"id": {"type": 7}}}})
                .to_string()
        }
        "gen-tool" => json!({"name": "track_parcel", "description": "Tracks a parcel", "parameters": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}}).to_string(),
        _ => "I do not know this task".to_owned(),
    };
    Json(json!({ "content": content }))
}

/// The scripted assistant on its own loopback port; returns its contract target spec.
#[allow(clippy::disallowed_methods, reason = "a mock assistant the test talks to, not a route of assay")]
async fn scripted_assistant() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move { axum::serve(listener, axum::Router::new().route("/chat", post(scripted))).await });
    format!("contract+http://127.0.0.1:{port}/chat")
}

async fn app_with_scripted_assistant() -> TestApp {
    let assistant = scripted_assistant().await;
    spawn_app_with(|config| config.assistant = assistant).await
}

/// A prompt and a template with a passing and a failing case on the mock model.
async fn template(app: &TestApp, team: &TestTeam, scenarios: [&str; 2]) -> (String, String) {
    let prompt = ok_data(
        app.post_json("/api/v1/prompts", &team.key, &json!({"prompt": "You are a support agent.", "name": "Support", "mode": "none"}))
            .await,
    )
    .await;
    let prompt_id = prompt["id"].as_str().expect("prompt id").to_owned();
    let body = json!({
        "name": "Refunds",
        "promptID": prompt_id,
        "cases": [
            {"title": "Refund", "scenario": scenarios[0], "expectedResult": "The refund is confirmed", "responseThreshold": 2},
            {"title": "Lost order", "scenario": scenarios[1], "expectedResult": "The refund is confirmed", "responseThreshold": 2},
        ],
        "tools": [{"name": "lookup_order", "description": "Finds an order", "parameters": {"type": "object"}}],
        "contexts": [{"name": "Policy", "content": "Refunds within 30 days."}],
        "models": ["mock-echo"],
    });
    let template = ok_data(app.post_json("/api/v1/evaluation-templates", &team.key, &body).await).await;
    (prompt_id, template["id"].as_str().expect("template id").to_owned())
}

async fn wait_for_status(app: &TestApp, key: &str, id: &str, wanted: &str) -> Value {
    let started = Instant::now();
    loop {
        let evaluation = ok_data(app.get(&format!("/api/v1/evaluations/{id}"), key).await).await;
        if evaluation["status"] == wanted {
            return evaluation;
        }
        assert!(started.elapsed() < Duration::from_secs(300), "still {} after five minutes: {evaluation}", evaluation["status"]);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_evaluation_runs_every_case_on_every_model_and_is_judged() {
    let app = app_with_scripted_assistant().await;
    let acme = app.team("acme", Plan::Pro).await;
    let (prompt_id, template_id) = template(&app, &acme, ["a customer who should pass", "a customer who will fail"]).await;

    let created = ok_data(app.post_json("/api/v1/evaluations", &acme.key, &json!({"evaluationTemplateID": template_id})).await).await;
    assert_eq!(created["promptID"], prompt_id.as_str());
    assert_eq!(created["result"], "not_set");
    assert_eq!(created["totalCaseRuns"], 2);
    assert!(created["caseRunsCreated"].as_array().is_some_and(|runs| runs.iter().all(|r| r["model"] == "mock-echo")));
    let id = created["id"].as_str().expect("id").to_owned();

    let evaluation = wait_for_status(&app, &acme.key, &id, "completed").await;
    assert_eq!(evaluation["result"], "partially_passed", "{evaluation}");
    assert_eq!(evaluation["promptContent"], "You are a support agent.");
    assert!(evaluation["insights"].as_str().is_some_and(|i| i.contains("1 of 2") && i.contains("missing_tools")), "{evaluation}");
    assert!(evaluation["dateStarted"].is_i64() && evaluation["dateCompleted"].is_i64());
    let runs = evaluation["caseRuns"].as_array().expect("case runs");
    let passed = runs.iter().find(|r| r["definition"]["title"] == "Refund").expect("refund run");
    let failed = runs.iter().find(|r| r["definition"]["title"] == "Lost order").expect("lost order run");
    assert_eq!((passed["status"].as_str(), passed["result"].as_str()), (Some("completed"), Some("passed")), "{passed}");
    // The simulated user saw the expected result after one reply and said DONE.
    let replies = passed["threadMessages"].as_array().expect("thread").iter().filter(|m| m["role"] == "assistant").count();
    assert_eq!(replies, 1, "{passed}");
    assert_eq!((failed["result"].as_str(), failed["hallucinations"].as_str()), (Some("failed"), Some("low")), "{failed}");
    assert_eq!(failed["attributes"], json!(["missing_tools"]));
    assert_eq!(failed["recommendation"], "Add an order lookup tool.");
    // The failing case used its whole threshold: two replies from the model.
    let roles: Vec<&str> = failed["threadMessages"].as_array().expect("thread").iter().filter_map(|m| m["role"].as_str()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user", "assistant", "result"], "{failed}");
    let system = failed["threadMessages"][0]["content"].as_str().expect("system");
    assert!(system.starts_with("You are a support agent.") && system.contains("## Policy") && system.contains("lookup_order"), "{system}");

    let run_id = failed["id"].as_str().expect("run id");
    let messages = ok_data(app.get(&format!("/api/v1/case-thread-messages?caseRunID={run_id}"), &acme.key).await).await;
    assert_eq!(messages["total"], 6);
    assert_eq!(messages["caseRunID"], run_id);
    let ids: std::collections::HashSet<&str> =
        messages["messages"].as_array().expect("messages").iter().filter_map(|m| m["id"].as_str()).collect();
    assert_eq!(ids.len(), 6, "every message has its own id");
    assert!(messages["messages"].as_array().expect("messages").iter().all(|m| m["type"] == "text" && m["caseRunID"] == run_id));

    let listed = ok_data(app.get(&format!("/api/v1/case-runs?evaluationID={id}&status=completed"), &acme.key).await).await;
    assert_eq!(listed["total"], 2);
    assert_eq!(listed["filters"], json!({"evaluationID": id, "status": "completed"}));
    assert!(
        listed["caseRuns"]
            .as_array()
            .expect("runs")
            .iter()
            .all(|r| r["threadMessageCount"].as_u64() > Some(2) && r["threadMessages"].is_null())
    );
    let one = ok_data(app.get(&format!("/api/v1/case-runs/{run_id}"), &acme.key).await).await;
    assert_eq!(one["evaluationID"], id.as_str());

    let evaluations = ok_data(app.get("/api/v1/evaluations?status=completed", &acme.key).await).await;
    assert_eq!(evaluations["total"], 1);
    assert_eq!(evaluations["filters"], json!({"status": "completed"}));
    assert_eq!(evaluations["evaluations"][0]["caseRunCount"], 2);
    assert_eq!(evaluations["evaluations"][0]["promptName"], "Support");
    assert_eq!(ok_data(app.get("/api/v1/evaluations?status=running", &acme.key).await).await["total"], 0);

    // Deleting the failing run leaves a fully passed evaluation.
    let deleted = ok_data(app.delete(&format!("/api/v1/case-runs/{run_id}"), &acme.key).await).await;
    assert_eq!(deleted["id"], run_id);
    assert_eq!(err_code(app.get(&format!("/api/v1/case-runs/{run_id}"), &acme.key).await).await, (404, "case_run_not_found".into()));
    let evaluation = ok_data(app.get(&format!("/api/v1/evaluations/{id}"), &acme.key).await).await;
    assert_eq!((evaluation["result"].as_str(), evaluation["caseRuns"].as_array().map(Vec::len)), (Some("passed"), Some(1)));

    // A re-run throws away the finished result and runs again.
    let rerun = ok_data(app.post_json("/api/v1/evaluation-run", &acme.key, &json!({"evaluationID": id})).await).await;
    assert_eq!(rerun["success"], true);
    assert_eq!(rerun["details"]["deletedCompletedJobs"], 1);
    assert_eq!(rerun["details"]["evaluationID"], id.as_str());
    let evaluation = wait_for_status(&app, &acme.key, &id, "completed").await;
    assert_eq!(evaluation["result"], "passed");

    let gone = ok_data(app.delete(&format!("/api/v1/evaluations/{id}"), &acme.key).await).await;
    assert_eq!(gone["message"], "Evaluation and all related data deleted successfully");
    assert_eq!(err_code(app.get(&format!("/api/v1/evaluations/{id}"), &acme.key).await).await, (404, "evaluation_not_found".into()));
}

#[tokio::test]
async fn a_running_evaluation_can_be_stopped_but_not_deleted() {
    let app = app_with_scripted_assistant().await;
    let acme = app.team("acme", Plan::Pro).await;
    let (_, template_id) = template(&app, &acme, ["a slow customer", "another slow customer"]).await;
    let created = ok_data(app.post_json("/api/v1/evaluations", &acme.key, &json!({"evaluationTemplateID": template_id})).await).await;
    let id = created["id"].as_str().expect("id").to_owned();

    assert_eq!(err_code(app.delete(&format!("/api/v1/evaluations/{id}"), &acme.key).await).await, (409, "evaluation_in_progress".into()));
    let stopped = ok_data(app.post_json("/api/v1/evaluation-stop", &acme.key, &json!({"evaluationID": id})).await).await;
    assert_eq!((stopped["success"].as_bool(), stopped["status"].as_str()), (Some(true), Some("aborted")));
    assert_eq!(stopped["abortReason"], "User requested stop");
    let evaluation = ok_data(app.get(&format!("/api/v1/evaluations/{id}"), &acme.key).await).await;
    assert_eq!(evaluation["status"], "aborted");
    assert_eq!(evaluation["abortReason"], "User requested stop");
    let again = app.post_json("/api/v1/evaluation-stop", &acme.key, &json!({"evaluationID": id})).await;
    assert_eq!(err_code(again).await, (404, "evaluation_not_found_or_completed".into()));
    let update = app.put_json(&format!("/api/v1/evaluations/{id}"), &acme.key, &json!({"action": "abort"})).await;
    assert_eq!(err_code(update).await, (404, "evaluation_not_found_or_completed".into()));

    // Aborted runs that never finished say so; the evaluation can now be deleted.
    let runs = ok_data(app.get(&format!("/api/v1/case-runs?evaluationID={id}&status=aborted"), &acme.key).await).await;
    assert!(runs["total"].as_i64() >= Some(1), "{runs}");
    assert_eq!(runs["caseRuns"][0]["abortReason"], "User requested stop");
    assert_eq!(ok_data(app.delete(&format!("/api/v1/evaluations/{id}"), &acme.key).await).await["id"], id.as_str());

    // PUT with action abort on a fresh run.
    let created = ok_data(app.post_json("/api/v1/evaluations", &acme.key, &json!({"evaluationTemplateID": template_id})).await).await;
    let id = created["id"].as_str().expect("id");
    let body = json!({"action": "abort", "abortReason": "Changed my mind."});
    let updated = ok_data(app.put_json(&format!("/api/v1/evaluations/{id}"), &acme.key, &body).await).await;
    assert_eq!((updated["status"].as_str(), updated["abortReason"].as_str()), (Some("aborted"), Some("Changed my mind.")));
    assert_eq!(updated["message"], "Evaluation updated successfully");
}

#[tokio::test]
async fn evaluation_endpoints_answer_their_documented_errors() {
    let app = app_with_scripted_assistant().await;
    let acme = app.team("acme", Plan::Pro).await;
    let other = app.team("other", Plan::Pro).await;
    let (_, template_id) = template(&app, &acme, ["pass", "fail"]).await;
    let missing = "0123456789abcdef01234567";
    let cases = [
        (app.post_json("/api/v1/evaluations", &acme.key, &json!({})).await, 400, "missing_evaluation_template_id"),
        (app.post_json("/api/v1/evaluations", &acme.key, &json!({"evaluationTemplateID": missing})).await, 404, "template_not_found"),
        (app.post_json("/api/v1/evaluations", &other.key, &json!({"evaluationTemplateID": template_id})).await, 404, "template_not_found"),
        (
            app.post_json("/api/v1/evaluations", &acme.key, &json!({"evaluationTemplateID": template_id, "revisionID": missing})).await,
            404,
            "revision_not_found",
        ),
        (app.get(&format!("/api/v1/evaluations/{missing}"), &acme.key).await, 404, "evaluation_not_found"),
        (app.get("/api/v1/evaluations?status=done", &acme.key).await, 400, "invalid_field"),
        (app.put_json(&format!("/api/v1/evaluations/{missing}"), &acme.key, &json!({"action": "pause"})).await, 400, "invalid_action"),
        (
            app.put_json(&format!("/api/v1/evaluations/{missing}"), &acme.key, &json!({"action": "abort"})).await,
            404,
            "evaluation_not_found",
        ),
        (app.delete(&format!("/api/v1/evaluations/{missing}"), &acme.key).await, 404, "evaluation_not_found"),
        (app.post_json("/api/v1/evaluation-stop", &acme.key, &json!({})).await, 400, "missing_evaluation_id"),
        (
            app.post_json("/api/v1/evaluation-stop", &acme.key, &json!({"evaluationID": missing})).await,
            404,
            "evaluation_not_found_or_completed",
        ),
        (app.post_json("/api/v1/evaluation-run", &acme.key, &json!({})).await, 400, "missing_evaluation_id"),
        (app.post_json("/api/v1/evaluation-run", &acme.key, &json!({"evaluationID": missing})).await, 404, "evaluation_not_found"),
        (app.get(&format!("/api/v1/case-runs/{missing}"), &acme.key).await, 404, "case_run_not_found"),
        (app.delete(&format!("/api/v1/case-runs/{missing}"), &acme.key).await, 404, "case_run_not_found"),
        (app.get("/api/v1/case-runs?status=finished", &acme.key).await, 400, "invalid_field"),
        (app.get("/api/v1/case-thread-messages", &acme.key).await, 400, "missing_case_run_id"),
        (app.get(&format!("/api/v1/case-thread-messages?caseRunID={missing}"), &acme.key).await, 404, "case_run_not_found"),
        (app.get("/api/v1/evaluations", "not-a-key").await, 401, "unauthorized"),
        (app.get("/api/v1/sse?queue=nope", &acme.key).await, 400, "invalid_field"),
        (app.get("/api/v1/sse?queue=evaluation", &acme.key).await, 400, "missing_session_token"),
        (app.get(&format!("/api/v1/sse?queue=evaluation&sessionToken={missing}-abc"), &acme.key).await, 404, "session_not_found"),
    ];
    for (response, status, code) in cases {
        assert_eq!(err_code(response).await, (status, code.to_owned()));
    }
    // Another team's evaluation and case runs do not exist for the caller.
    let created = ok_data(app.post_json("/api/v1/evaluations", &acme.key, &json!({"evaluationTemplateID": template_id})).await).await;
    let id = created["id"].as_str().expect("id");
    assert_eq!(err_code(app.get(&format!("/api/v1/evaluations/{id}"), &other.key).await).await, (404, "evaluation_not_found".into()));
    let run = created["caseRunsCreated"][0]["id"].as_str().expect("run");
    assert_eq!(err_code(app.get(&format!("/api/v1/case-runs/{run}"), &other.key).await).await, (404, "case_run_not_found".into()));
    assert_eq!(ok_data(app.get(&format!("/api/v1/case-runs?evaluationID={id}"), &other.key).await).await["total"], 0);
}

#[tokio::test]
async fn the_ai_helpers_return_checked_structured_answers() {
    let app = app_with_scripted_assistant().await;
    let acme = app.team("acme", Plan::Pro).await;
    let (prompt_id, _) = template(&app, &acme, ["pass", "fail"]).await;

    let case =
        ok_data(app.post_json("/api/v1/gen-testcase", &acme.key, &json!({"promptID": prompt_id, "caselist": ["Refund"]})).await).await;
    assert_eq!(
        case,
        json!({"title": "Late parcel", "scenario": "A customer's parcel is late", "expectedResult": "A new delivery date", "responseThreshold": 4})
    );
    let context =
        ok_data(app.post_json("/api/v1/gen-context", &acme.key, &json!({"promptID": prompt_id, "contexts": ["Policy"]})).await).await;
    assert_eq!(context["name"], "Shipping policy");
    let tool = ok_data(app.post_json("/api/v1/gen-tool", &acme.key, &json!({"promptID": prompt_id, "tools": []})).await).await;
    assert_eq!(tool["name"], "track_parcel");
    assert_eq!(tool["parameters"]["properties"]["id"]["type"], "string", "the invalid first schema was refused: {tool}");
    assert_eq!(err_code(app.post_json("/api/v1/gen-tool", &acme.key, &json!({})).await).await, (400, "missing_prompt_id".into()));
    let unknown = json!({"promptID": "0123456789abcdef01234567"});
    assert_eq!(err_code(app.post_json("/api/v1/gen-context", &acme.key, &unknown).await).await, (404, "prompt_not_found".into()));

    let review = json!({"thread": "User: refund please\nAssistant: REFUND-OK", "expectedResult": "refund", "responseThreshold": 3});
    let reviewed = ok_data(app.post_json("/api/v1/private/thread-review", &acme.key, &review).await).await;
    assert_eq!((reviewed["result"].as_str(), reviewed["assesment"].as_str()), (Some("succeed"), Some("The refund was confirmed.")));
    assert_eq!(reviewed["hallucinations"], "none");
    let optimized = ok_data(app.post_json("/api/v1/private/optimize", &acme.key, &json!({"prompt": "be nice"})).await).await;
    assert_eq!(optimized, json!({"prompt": "Improved: be nice"}));
    let remarked =
        ok_data(app.post_json("/api/v1/private/remark", &acme.key, &json!({"prompt": "be nice", "remarks": "shorter"})).await).await;
    assert_eq!(remarked["notes"], "Made it clearer.");
    let generated =
        ok_data(app.post_json("/api/v1/private/gen-testcase", &acme.key, &json!({"prompt": "p", "transcript": "User: hi"})).await).await;
    assert_eq!(generated["responseThreshold"], 4);
    for path in ["gen-context", "gen-tool", "optimize", "remark", "gen-testcase", "evaluation-run"] {
        let response = app.post_json(&format!("/api/v1/private/{path}"), &acme.key, &json!({"prompt": " "})).await;
        assert_eq!(err_code(response).await, (400, "missing_prompt".into()), "{path}");
    }
    let null_remarks = app.post_json("/api/v1/private/remark", &acme.key, &json!({"prompt": "p", "remarks": null})).await;
    assert_eq!(err_code(null_remarks).await, (400, "remarks_required".into()));
    assert_eq!(
        err_code(app.post_json("/api/v1/private/thread-review", &acme.key, &json!({})).await).await,
        (400, "thread_required".into())
    );
    for threshold in [0, 101, 2_147_483_648_u64] {
        let review = json!({"thread": "User: hi", "responseThreshold": threshold});
        let response = app.post_json("/api/v1/private/thread-review", &acme.key, &review).await;
        assert_eq!(err_code(response).await.0, 400, "responseThreshold {threshold}");
    }
    assert_eq!(
        err_code(app.post_json("/api/v1/private/evaluation-stop", &acme.key, &json!({})).await).await,
        (400, "missing_session_token".into())
    );
    let bad_token = json!({"sessionToken": "0123456789abcdef01234567-00"});
    assert_eq!(
        err_code(app.post_json("/api/v1/private/evaluation-stop", &acme.key, &bad_token).await).await,
        (404, "session_not_found".into())
    );
}

#[tokio::test]
async fn an_assistant_that_never_answers_usably_is_a_clear_502() {
    // The mock assistant echoes: never JSON.
    let app = spawn_app_with(|_| {}).await;
    let acme = app.team("acme", Plan::Pro).await;
    let response = app.post_json("/api/v1/private/optimize", &acme.key, &json!({"prompt": "be nice"})).await;
    let (status, body) = json_of(response).await;
    assert_eq!((status, body["code"].as_str()), (502, Some("assistant_failed")), "{body}");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("3 attempts")), "{body}");
}

/// Reads server-sent events until `done` says stop: their (id, data), and whether a `retry`
/// field came.
async fn read_events(
    mut response: reqwest::Response,
    done: impl Fn(&[(Option<String>, String)]) -> bool,
) -> (Vec<(Option<String>, String)>, bool) {
    let mut buffer = String::new();
    let mut events = Vec::new();
    let mut saw_retry = false;
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(&events) {
        let chunk = tokio::time::timeout_at(deadline.into(), response.chunk()).await.expect("events in time").expect("stream");
        let Some(chunk) = chunk else { break };
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let (mut id, mut data) = (None, None);
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("id:") {
                    id = Some(value.trim().to_owned());
                } else if let Some(value) = line.strip_prefix("data:") {
                    data = Some(value.trim().to_owned());
                } else if line.starts_with("retry:") {
                    saw_retry = true;
                }
            }
            if let Some(data) = data {
                events.push((id, data));
            }
        }
    }
    (events, saw_retry)
}

#[tokio::test]
async fn the_general_queue_streams_team_updates_and_replays_after_last_event_id() {
    let app = app_with_scripted_assistant().await;
    let acme = app.team("acme", Plan::Pro).await;
    let other = app.team("other", Plan::Pro).await;
    let stream = app.client.get(app.url("/api/v1/sse")).bearer_auth(&acme.key).send().await.expect("connect");
    assert_eq!(stream.status(), 200);
    assert!(stream.headers()["content-type"].to_str().expect("ascii").starts_with("text/event-stream"));
    assert_eq!(app.client.get(app.url("/api/v1/sse")).send().await.expect("anonymous").status(), 401);

    let first = ok_data(app.post_json("/api/v1/prompts", &acme.key, &json!({"prompt": "one", "mode": "none"})).await).await;
    ok_data(app.post_json("/api/v1/prompts", &other.key, &json!({"prompt": "not yours", "mode": "none"})).await).await;
    let second = ok_data(app.post_json("/api/v1/prompts", &acme.key, &json!({"prompt": "two", "mode": "none"})).await).await;
    let (events, saw_retry) = read_events(stream, |events| events.len() >= 2).await;
    assert!(saw_retry, "the stream suggests a retry interval");
    let parsed: Vec<(i64, Value)> = events
        .iter()
        .map(|(id, data)| (id.as_deref().and_then(|i| i.parse().ok()).expect("numeric id"), serde_json::from_str(data).expect("JSON data")))
        .collect();
    assert!(parsed[0].0 < parsed[1].0, "ids increase: {events:?}");
    assert_eq!(parsed[0].1["type"], "update");
    assert!(parsed[0].1["data"].as_array().expect("refs").contains(&json!(format!("Prompt:{}", first["id"].as_str().expect("id")))));
    assert!(parsed[1].1["data"].as_array().expect("refs").contains(&json!(format!("Prompt:{}", second["id"].as_str().expect("id")))));

    // A reconnecting client gets what followed its last id, then keep-alives while idle.
    let resumed = app
        .client
        .get(app.url("/api/v1/sse"))
        .bearer_auth(&acme.key)
        .header("Last-Event-ID", parsed[0].0.to_string())
        .send()
        .await
        .expect("reconnect");
    let (replayed, _) = read_events(resumed, |events| !events.is_empty()).await;
    assert_eq!(replayed[0].0.as_deref().and_then(|i| i.parse::<i64>().ok()), Some(parsed[1].0));
    let idle = app.client.get(app.url("/api/v1/sse")).bearer_auth(&acme.key).send().await.expect("connect");
    let mut idle = idle;
    let mut text = String::new();
    let started = Instant::now();
    while !text.lines().any(|line| line.starts_with(':') && line.contains("keep-alive")) {
        assert!(started.elapsed() < Duration::from_secs(10), "no keep-alive comment: {text:?}");
        let chunk = tokio::time::timeout(Duration::from_secs(10), idle.chunk())
            .await
            .expect("a keep-alive in time")
            .expect("stream")
            .expect("open");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn a_private_evaluation_streams_its_objects_then_ends_and_is_deleted() {
    let app = app_with_scripted_assistant().await;
    let acme = app.team("acme", Plan::Pro).await;
    let body = json!({
        "prompt": "You are a support agent.",
        "cases": [{"title": "Refund", "scenario": "a customer who should pass", "expectedResult": "refund", "responseThreshold": 2}],
        "tools": [{"name": "search_web", "description": "Search", "parameters": [{"name": "query", "type": "string", "required": true}]}],
        "models": ["mock-echo"],
    });
    let run = ok_data(app.post_json("/api/v1/private/evaluation-run", &acme.key, &body).await).await;
    assert_eq!(run["message"], "Evaluation run initiated successfully.");
    let token = run["sessionToken"].as_str().expect("token").to_owned();
    let (evaluation_id, secret) = token.split_once('-').expect("id-token");
    assert_eq!((evaluation_id.len(), secret.len()), (24, 32));
    // Privacy mode stays off the lists.
    assert_eq!(ok_data(app.get("/api/v1/evaluations", &acme.key).await).await["total"], 0);
    assert_eq!(err_code(app.get(&format!("/api/v1/evaluations/{evaluation_id}"), &acme.key).await).await.1, "evaluation_not_found");
    let other = app.team("other", Plan::Pro).await;
    let url = app.url(&format!("/api/v1/sse?queue=evaluation&sessionToken={token}"));
    assert_eq!(err_code(app.client.get(&url).bearer_auth(&other.key).send().await.expect("other")).await.1, "session_not_found");

    let stream = app.client.get(&url).bearer_auth(&acme.key).send().await.expect("connect");
    assert_eq!(stream.status(), 200);
    let (events, _) = read_events(stream, |events| events.last().is_some_and(|(_, data)| data.contains("end-stream"))).await;
    let ids: Vec<u64> = events.iter().map(|(id, _)| id.as_deref().and_then(|i| i.parse().ok()).expect("id")).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "incremental ids: {ids:?}");
    let data: Vec<Value> = events.iter().map(|(_, d)| serde_json::from_str(d).expect("JSON")).collect();
    assert_eq!(data.last(), Some(&json!({"type": "end-stream"})));
    let kinds: Vec<&str> = data.iter().filter(|d| d["type"] == "object").filter_map(|d| d["data"]["::"].as_str()).collect();
    assert_eq!(kinds.first(), Some(&"Evaluation"));
    assert!(kinds.contains(&"CaseRun") && kinds.contains(&"CaseThreadMessage"), "{kinds:?}");
    let last_evaluation = data.iter().rev().find(|d| d["data"]["::"] == "Evaluation").expect("final evaluation");
    assert_eq!(
        (last_evaluation["data"]["status"].as_str(), last_evaluation["data"]["result"].as_str()),
        (Some("completed"), Some("passed"))
    );
    let messages: Vec<&Value> = data.iter().filter(|d| d["data"]["::"] == "CaseThreadMessage").map(|d| &d["data"]).collect();
    assert_eq!(messages.last().and_then(|m| m["role"].as_str()), Some("result"));

    // The stream's end deleted the evaluation: the token opens nothing any more.
    let started = Instant::now();
    loop {
        let again = app.client.get(&url).bearer_auth(&acme.key).send().await.expect("reconnect");
        if again.status() == 404 {
            assert_eq!(err_code(again).await.1, "session_not_found");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the private evaluation was not deleted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        app.store.workbench_evaluation(&acme.team.id, &assay_core::Id::parse(evaluation_id).expect("id")).await.expect("read").is_none()
    );
}

#[tokio::test]
async fn a_private_evaluation_can_be_stopped_with_its_token() {
    let app = app_with_scripted_assistant().await;
    let acme = app.team("acme", Plan::Pro).await;
    let body =
        json!({"prompt": "p", "cases": [{"title": "t", "scenario": "a slow customer", "responseThreshold": 3}], "models": ["mock-echo"]});
    let run = ok_data(app.post_json("/api/v1/private/evaluation-run", &acme.key, &body).await).await;
    let token = run["sessionToken"].as_str().expect("token");
    let stopped = ok_data(app.post_json("/api/v1/private/evaluation-stop", &acme.key, &json!({"sessionToken": token})).await).await;
    assert_eq!(
        stopped,
        json!({"success": true, "message": "Evaluation stopped successfully", "status": "aborted", "abortReason": "Aborted by user."})
    );
    let bad = json!({"prompt": "p", "cases": [{"title": "t", "responseThreshold": 0}]});
    assert_eq!(err_code(app.post_json("/api/v1/private/evaluation-run", &acme.key, &bad).await).await, (400, "invalid_field".into()));
    let unknown_model = json!({"prompt": "p", "models": ["openai-gpt-99"]});
    assert_eq!(
        err_code(app.post_json("/api/v1/private/evaluation-run", &acme.key, &unknown_model).await).await,
        (400, "model_not_available".into())
    );
}

#[tokio::test]
async fn an_evaluation_on_the_embedded_model_finishes() {
    let Some(models) = assay_local::testing::model_dir() else { return };
    let app = spawn_app_with(|config| config.assistant = "local".into()).await;
    std::os::unix::fs::symlink(models.join("models"), app.data_dir().join("models")).expect("link the pulled model");
    let acme = app.team("acme", Plan::Pro).await;
    let prompt = ok_data(
        app.post_json(
            "/api/v1/prompts",
            &acme.key,
            &json!({"prompt": "You are a helpful travel agent.", "name": "Travel", "mode": "none"}),
        )
        .await,
    )
    .await;
    let body = json!({
        "promptID": prompt["id"],
        "cases": [{"title": "Paris", "scenario": "A tourist asks for the capital of France", "expectedResult": "The assistant says Paris", "responseThreshold": 1}],
        "models": ["local-smollm2-135m"],
    });
    let template = ok_data(app.post_json("/api/v1/evaluation-templates", &acme.key, &body).await).await;
    let created = ok_data(app.post_json("/api/v1/evaluations", &acme.key, &json!({"evaluationTemplateID": template["id"]})).await).await;
    let evaluation = wait_for_status(&app, &acme.key, created["id"].as_str().expect("id"), "completed").await;
    let run = &evaluation["caseRuns"][0];
    // Quality aside: the small model's judge may not produce a usable verdict, but the run ends.
    assert!(run["status"] == "completed" || run["status"] == "error", "{run}");
    let roles: Vec<&str> = run["threadMessages"].as_array().expect("thread").iter().filter_map(|m| m["role"].as_str()).collect();
    assert!(roles.starts_with(&["system", "user", "assistant"]), "{run}");
    assert_ne!(evaluation["result"], "not_set");
}

#[tokio::test]
async fn a_tool_call_of_the_model_is_answered_by_the_simulator_in_character() {
    let app = app_with_scripted_assistant().await;
    let acme = app.team("acme", Plan::Pro).await;
    let (_, template_id) = template(&app, &acme, ["a customer who uses the tool", "a customer who uses the tool"]).await;
    let created = ok_data(app.post_json("/api/v1/evaluations", &acme.key, &json!({"evaluationTemplateID": template_id})).await).await;
    let evaluation = wait_for_status(&app, &acme.key, created["id"].as_str().expect("id"), "completed").await;
    let thread = evaluation["caseRuns"][0]["threadMessages"].as_array().expect("thread").clone();
    let roles: Vec<&str> = thread.iter().filter_map(|m| m["role"].as_str()).collect();
    // The call itself is an assistant message; the tool's answer follows; the reply to the
    // user comes after it and only that one counts towards the threshold.
    assert_eq!(&roles[..5], ["system", "user", "assistant", "tool", "assistant"], "{thread:?}");
    assert_eq!(thread[3]["content"], "lookup_order({\"id\": \"A1\"}) → {\"status\": \"shipped\"}");
    assert!(thread[4]["content"].as_str().is_some_and(|c| c.contains("TOOL RESULT lookup_order:")), "{thread:?}");
}
