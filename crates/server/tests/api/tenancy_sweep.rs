//! Tenant isolation over every documented route: team B makes objects of every kind (a
//! target and a contract session on it, a project and an ingested run, a provider key and a
//! `/v1` evaluation, a workbench prompt, revision, template and evaluation with its case
//! runs), then team A's key is sent to every route of `/openapi.json` with B's ids in every
//! path and id-like query parameter. Where B reads an object, A gets 404; no write with A's
//! key succeeds or is refused with 403 (which would confirm the object exists); every list A
//! reads leaves B's objects out; afterwards B still sees all it had. New routes are swept as
//! soon as they are documented.

use std::collections::BTreeSet;
use std::time::Duration;

use assay_core::Plan;
use assay_targets::mock::{Behavior, ReplyMode};
use assay_targets::mock_server::{MockServer, MockServerOptions};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestTeam, json_of, spawn_app_with};

pub(crate) const MOCK_KEY: &str = "mock-secret";

#[tokio::test]
async fn every_route_hides_another_teams_objects_and_every_list_leaves_them_out() {
    // Thousands of requests: the per-key hourly limit is not what is tested here.
    let app = spawn_app_with(|config| config.rate_limit_free_per_hour = 1_000_000).await;
    let a = app.team("sweep-a", Plan::Free).await;
    let b = app.team("sweep-b", Plan::Free).await;
    let mock = MockServer::start(
        Behavior::new(Duration::ZERO, ReplyMode::Echo),
        MockServerOptions { required_key: Some(MOCK_KEY.into()), ..MockServerOptions::default() },
    )
    .await
    .expect("mock model");
    let mut created = objects_of_every_kind(&app, &b, &mock).await;
    created.push(json!({"team": b.team.id.as_str(), "owner": b.owner.id.as_str()}));

    let (status, doc) = json_of(app.get_anonymous("/openapi.json").await).await;
    assert_eq!(status, 200);
    let routes = swept_routes(&doc);
    assert!(routes.len() > 60, "the document lists the routes ({})", routes.len());

    // What each team sees in its lists; ids A can see as well (the catalogue, its own team)
    // are not B's private objects.
    let lists_of = |key: String| {
        let app = &app;
        let routes = &routes;
        async move {
            let mut seen = Vec::new();
            for route in routes.iter().filter(|r| r.method == "get" && r.path_params.is_empty()) {
                let (status, body) = answer(app.get(&route.path, &key).await).await;
                if (200..300).contains(&status) {
                    seen.push((route.path.clone(), body));
                }
            }
            seen
        }
    };
    let a_lists = lists_of(a.key.clone()).await;
    let b_lists = lists_of(b.key.clone()).await;
    let a_visible: BTreeSet<String> = a_lists.iter().flat_map(|(_, body)| ids_in(body)).collect();
    let mut b_private: BTreeSet<String> = created.iter().chain(b_lists.iter().map(|(_, body)| body)).flat_map(ids_in).collect();
    b_private.retain(|id| !a_visible.contains(id) && id.len() >= 6);
    assert!(b_private.len() >= 12, "objects of every kind: {b_private:?}");

    for (path, body) in &a_lists {
        let text = body.to_string();
        let leaked: Vec<&String> = b_private.iter().filter(|id| text.contains(id.as_str())).collect();
        assert!(leaked.is_empty(), "GET {path} with A's key lists B's {leaked:?}");
    }

    let mut checked = 0;
    for route in routes.iter().filter(|r| !r.path_params.is_empty() || !r.id_queries.is_empty()) {
        for id in &b_private {
            let mut url = route.path.clone();
            for name in &route.path_params {
                url = url.replace(&format!("{{{name}}}"), id);
            }
            if !route.id_queries.is_empty() {
                let query: Vec<String> = route.id_queries.iter().map(|name| format!("{name}={id}")).collect();
                url = format!("{url}?{}", query.join("&"));
            }
            let (a_status, a_body) = send(&app, &route.method, &url, &a.key).await;
            let what = format!("{} {url} with A's key", route.method.to_uppercase());
            assert!(a_status != 403 && a_status < 500, "{what}: {a_status} {a_body}");
            if route.method != "get" {
                assert!(!(200..300).contains(&a_status), "{what} succeeded: {a_status} {a_body}");
                continue;
            }
            let (b_status, _) = send(&app, "get", &url, &b.key).await;
            if (200..300).contains(&b_status) && !route.path_params.is_empty() {
                assert_eq!(a_status, 404, "{what}: B reads it, A must not know it exists: {a_body}");
            }
            if (200..300).contains(&a_status) {
                let text = a_body.to_string();
                let leaked: Vec<&String> = b_private.iter().filter(|other| *other != id && text.contains(other.as_str())).collect();
                assert!(leaked.is_empty(), "{what} shows B's {leaked:?}: {a_body}");
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "routes with ids were swept ({checked} requests)");

    // A's writes changed nothing of B's: B still lists every object it listed before.
    let after: BTreeSet<String> = lists_of(b.key.clone()).await.iter().flat_map(|(_, body)| ids_in(body)).collect();
    let before: BTreeSet<String> = b_lists.iter().flat_map(|(_, body)| ids_in(body)).collect();
    let lost: Vec<&String> = before.difference(&after).collect();
    assert!(lost.is_empty(), "B lost {lost:?} after A's requests");
}

/// One documented operation, with the names of its path parameters and of its query
/// parameters that take an id.
struct Route {
    method: String,
    path: String,
    path_params: Vec<String>,
    id_queries: Vec<String>,
}

/// Every operation of the document but the web UI's pages (signed in by cookie, tested in
/// `ui.rs`), the docs page and event streams (they stay open).
fn swept_routes(doc: &Value) -> Vec<Route> {
    let mut routes = Vec::new();
    let Some(paths) = doc["paths"].as_object() else { return routes };
    for (path, item) in paths {
        if path == "/" || path.starts_with("/ui") || path.starts_with("/docs") {
            continue;
        }
        let Some(operations) = item.as_object() else { continue };
        for (method, operation) in operations {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            if operation.to_string().contains("text/event-stream") {
                continue;
            }
            let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
            let named = |place: &str| -> Vec<String> {
                parameters.iter().filter(|p| p["in"] == place).filter_map(|p| p["name"].as_str().map(str::to_owned)).collect()
            };
            let id_queries =
                named("query").into_iter().filter(|name| name.to_ascii_lowercase().ends_with("id") || name.ends_with("_ids")).collect();
            routes.push(Route { method: method.clone(), path: path.clone(), path_params: named("path"), id_queries });
        }
    }
    routes
}

async fn send(app: &TestApp, method: &str, url: &str, key: &str) -> (u16, Value) {
    let empty = json!({});
    let response = match method {
        "get" => app.get(url, key).await,
        "post" => app.post_json(url, key, &empty).await,
        "put" => app.put_json(url, key, &empty).await,
        "patch" => app.patch_json(url, key, &empty).await,
        _ => app.delete(url, key).await,
    };
    answer(response).await
}

/// The status and the body: JSON when it is JSON (metrics and pages are text).
pub(crate) async fn answer(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Every string under a key that names an id (`id`, `run_id`, `promptID`, `slug`, …).
pub(crate) fn ids_in(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_ids(value, &mut out);
    out
}

fn collect_ids(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let lower = key.to_ascii_lowercase();
                let names_id = lower == "id" || lower.ends_with("_id") || lower.ends_with("id") || lower == "slug";
                if let (true, Some(text)) = (names_id, inner.as_str()) {
                    out.push(text.to_owned());
                }
                collect_ids(inner, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_ids(item, out)),
        _ => {}
    }
}

/// Creates one object of every kind for `team` and returns the answers.
pub(crate) async fn objects_of_every_kind(app: &TestApp, team: &TestTeam, mock: &MockServer) -> Vec<Value> {
    let key = &team.key;
    let mut answers = Vec::new();
    let mut create = |status: u16, body: Value, what: &str| {
        assert!((200..300).contains(&status), "creating {what}: {status} {body}");
        answers.push(body);
    };

    let target = json!({
        "name": "sweep-bot",
        "settings": {"kind": "openai", "base_url": format!("{}/v1", mock.url()), "model": "mock-echo"},
        "credential": MOCK_KEY,
    });
    let (status, body) = json_of(app.post_json("/api/targets", key, &target).await).await;
    let target_id = body["id"].as_str().unwrap_or_default().to_owned();
    create(status, body, "a target");
    let (status, body) = json_of(app.post_json(&format!("/targets/{target_id}/sessions"), key, &json!({})).await).await;
    create(status, body, "a contract session");

    let (status, body) = json_of(app.post_json("/api/projects", key, &json!({"slug": "sweep-project", "name": "Sweep"})).await).await;
    create(status, body, "a project");
    let batch = json!({
        "project_slug": "sweep-project",
        "run_id": uuid::Uuid::new_v4().to_string(),
        "run": {"started_at": "2026-11-23T08:00:00Z", "branch": "main", "commit_sha": "abc123"},
        "evaluations": [{
            "assertion_type": "pii", "test_name": "sweep test", "test_file": "tests/chat.spec.ts",
            "input_text": "What is the refund window?", "result": "pass", "score": 0.5,
            "reasoning": "checked", "judge_model": "gpt-4o-mini", "judge_latency_ms": 100,
            "judge_cost_usd": 0.25, "fallback_used": false, "threshold": 0.7, "threshold_source": "inline", "failure_reason": null,
        }],
    });
    let (status, body) = json_of(app.post_json("/api/ingest", key, &batch).await).await;
    create(status, body, "an ingested run");

    let (status, body) =
        json_of(app.post_json("/v1/invites", key, &json!({"email": "sweep@example.com", "team_role": "viewer"})).await).await;
    create(status, body, "an invite");

    let provider_key = json!({"name": "sweep-key", "hub": "custom", "value": MOCK_KEY, "url": format!("{}/v1", mock.url()), "rate_limit_per_interval": 1000, "rate_limit_interval": 1});
    let (status, body) = json_of(app.post_json("/v1/api-keys", key, &provider_key).await).await;
    let key_id = body["id"].as_str().unwrap_or_default().to_owned();
    create(status, body, "a provider key");
    let (status, body) = json_of(app.post_json("/v1/prompts", key, &json!({"text": "Where is my parcel?", "tags": ["sweep"]})).await).await;
    create(status, body, "a team prompt");
    let agent = json!({"agent_name": "sweep-agent", "hub": "custom", "model_name": "mock-echo", "api_key_id": key_id, "agent_system_prompt": "Be brief."});
    let (status, body) = json_of(app.post_json("/v1/agent-configurations", key, &agent).await).await;
    let agent_id = body["id"].as_str().unwrap_or_default().to_owned();
    create(status, body, "an agent configuration");
    let (status, body) =
        json_of(app.post_json("/v1/playgrounds", key, &json!({"name": "sweep", "agent_configuration_id": agent_id})).await).await;
    let playground_id = body["id"].as_str().unwrap_or_default().to_owned();
    create(status, body, "a playground");
    let turn = json!({"content": "Hello"});
    let (status, body) = json_of(app.post_json(&format!("/v1/playgrounds/{playground_id}/messages"), key, &turn).await).await;
    create(status, body, "a playground session and its messages");
    let harness = json!({"name": "sweep", "probes": [{"name": "p", "prompts": ["Hi"], "detector_ids": ["refusal"]}]});
    let (status, body) = json_of(app.post_json("/v1/harness-configs", key, &harness).await).await;
    create(status, body, "a custom harness");
    let stage_path = format!("/v1/harness-configs/{}/stages", uuid::Uuid::new_v4());
    let (status, body) = json_of(app.post_json(&stage_path, key, &json!({"harness_name": "sweep"})).await).await;
    create(status, body, "a harness stage");
    let evaluation = json!({
        "id": uuid::Uuid::new_v4().to_string(), "name": "sweep", "hub": "custom", "api_key_proxy": key_id, "model": "mock-echo",
        "url": null, "scenario_config_filters": [], "agent_params": {"temperature": 0, "top_p": 1, "max_tokens": 32},
        "harness_config_ids": ["assay.harnesses.privacy"], "sample_size": 1, "is_lite": false, "version": "1.0.0",
    });
    let (status, body) = json_of(app.post_json("/v1/evaluations", key, &evaluation).await).await;
    create(status, body, "a /v1 evaluation");

    let prompt = json!({"prompt": "You are a support agent.", "name": "Sweep", "mode": "none"});
    let (status, body) = json_of(app.post_json("/api/v1/prompts", key, &prompt).await).await;
    let prompt_id = body["data"]["id"].as_str().unwrap_or_default().to_owned();
    create(status, body, "a workbench prompt");
    let revision = json!({"promptID": prompt_id, "content": "You are a careful support agent."});
    let (status, body) = json_of(app.post_json("/api/v1/prompt-revisions", key, &revision).await).await;
    create(status, body, "a prompt revision");
    let template = json!({
        "name": "Sweep refunds", "promptID": prompt_id,
        "cases": [{"title": "Refund", "scenario": "I want a refund", "expectedResult": "The refund is confirmed", "responseThreshold": 2}],
        "tools": [], "contexts": [], "models": ["mock-echo"],
    });
    let (status, body) = json_of(app.post_json("/api/v1/evaluation-templates", key, &template).await).await;
    let template_id = body["data"]["id"].as_str().unwrap_or_default().to_owned();
    create(status, body, "an evaluation template");
    let (status, body) = json_of(app.post_json("/api/v1/evaluations", key, &json!({"evaluationTemplateID": template_id})).await).await;
    create(status, body, "a workbench evaluation");
    answers
}
