//! The trust-platform API (`/v1`) end to end: provider keys and hubs, the catalogue, an
//! evaluation on the `custom` hub against a mock OpenAI-compatible model, its results tree,
//! responses and tests, detections, reports, feedback, the leaderboard, and the errors.

use std::time::Duration;

use assay_core::Plan;
use assay_targets::mock::{Behavior, ReplyMode};
use assay_targets::mock_server::{MockServer, MockServerOptions};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestTeam, json_of, spawn_app, spawn_app_on};

pub(crate) const MOCK_KEY: &str = "mock-secret";

pub(crate) async fn mock_model(latency: Duration) -> MockServer {
    let behavior = Behavior::new(latency, ReplyMode::Echo);
    MockServer::start(behavior, MockServerOptions { required_key: Some(MOCK_KEY.into()), ..MockServerOptions::default() })
        .await
        .expect("mock model")
}

/// A `custom` key pointing at `mock`.
pub(crate) async fn custom_key(app: &TestApp, team: &TestTeam, mock: &MockServer, name: &str) -> String {
    let body = json!({"name": name, "hub": "custom", "value": MOCK_KEY, "url": format!("{}/v1", mock.url()), "rate_limit_per_interval": 1000, "rate_limit_interval": 1});
    let (status, key) = json_of(app.post_json("/v1/api-keys", &team.key, &body).await).await;
    assert_eq!(status, 200, "{key}");
    key["id"].as_str().expect("key id").to_owned()
}

/// Starts a small evaluation (one prompt per probe of `harness`) and returns its id.
async fn start_evaluation(app: &TestApp, team: &TestTeam, key_id: &str, harness: &str, sample: u32) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let body = json!({
        "id": id, "name": "e2e", "hub": "custom", "api_key_proxy": key_id, "model": "mock-echo", "url": null,
        "scenario_config_filters": [], "agent_params": {"temperature": 0, "top_p": 1, "max_tokens": 32},
        "harness_config_ids": [format!("assay.harnesses.{harness}")], "sample_size": sample, "is_lite": false, "version": "1.0.0",
    });
    let (status, created) = json_of(app.post_json("/v1/evaluations", &team.key, &body).await).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["id"], id.as_str(), "the client's id is adopted");
    assert_eq!(created["status"], "IN_PROGRESS");
    assert_eq!(created["tags"], json!([]), "tags default to an empty list");
    id
}

pub(crate) async fn wait_for_status(app: &TestApp, team: &TestTeam, id: &str, wanted: &str) -> Value {
    for _ in 0..600 {
        let (status, evaluation) = json_of(app.get(&format!("/v1/evaluations/{id}"), &team.key).await).await;
        assert_eq!(status, 200, "{evaluation}");
        if evaluation["status"] == wanted {
            return evaluation;
        }
        assert_eq!(evaluation["status"], "IN_PROGRESS", "ended otherwise: {evaluation}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("evaluation {id} never reached {wanted}");
}

/// The settings of a `/v1` evaluation of the privacy harness written straight to the store.
fn privacy_settings() -> assay_core::TrustSettings {
    assay_core::TrustSettings {
        hub: "custom".into(),
        model: None,
        url: None,
        api_key_id: None,
        harness_config_ids: vec!["assay.harnesses.privacy".into()],
        version: "1.0.0".into(),
        tags: Vec::new(),
        request: json!({}),
        created_by: None,
        agent_configuration_id: None,
    }
}

fn error_of(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn provider_keys_are_stored_sealed_listed_bare_renamed_and_deleted() {
    let app = spawn_app().await;
    let team = app.team("keys", Plan::Free).await;
    let mock = mock_model(Duration::ZERO).await;
    let id = custom_key(&app, &team, &mock, "mine").await;

    let (status, list) = json_of(app.get("/v1/api-keys", &team.key).await).await;
    assert_eq!(status, 200);
    let list = list.as_array().expect("a bare array, as the vijil client needs");
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0]["name"].as_str(), list[0]["hub"].as_str(), list[0]["has_value"].as_bool()),
        (Some("mine"), Some("custom"), Some(true))
    );
    assert!(!list[0].to_string().contains(MOCK_KEY), "the secret never leaves the store: {}", list[0]);

    let (status, taken) =
        json_of(app.post_json("/v1/api-keys", &team.key, &json!({"name": "mine", "hub": "openai", "value": "x"})).await).await;
    assert_eq!((status, error_of(&taken)), (409, "conflict"));
    let (status, bad) = json_of(app.post_json("/v1/api-keys", &team.key, &json!({"name": "b", "hub": "skynet", "value": "x"})).await).await;
    assert_eq!((status, error_of(&bad)), (400, "invalid_request"));
    assert!(bad["message"].as_str().unwrap_or_default().contains("skynet"), "{bad}");
    let (status, bad) =
        json_of(app.post_json("/v1/api-keys", &team.key, &json!({"name": "b", "hub": "bedrock", "value": null})).await).await;
    assert_eq!(status, 400, "bedrock needs its hub_config: {bad}");
    let bedrock = json!({"name": "aws", "hub": "bedrock", "value": null, "hub_config": {"region": "eu-west-1", "access_key": "AK", "secret_access_key": "SK"}});
    let (status, stored) = json_of(app.post_json("/v1/api-keys", &team.key, &bedrock).await).await;
    assert_eq!(status, 200, "{stored}");
    assert_eq!(stored["hub_config_fields"], json!(["access_key", "region", "secret_access_key"]));
    assert!(!stored.to_string().contains("SK\""), "hub_config values are sealed: {stored}");

    let (status, renamed) = json_of(app.put_json(&format!("/v1/api-keys/{id}"), &team.key, &json!({"name": "renamed"})).await).await;
    assert_eq!((status, renamed["name"].as_str()), (200, Some("renamed")));
    let (status, modified) = json_of(
        app.put_json(&format!("/v1/api-keys/{id}"), &team.key, &json!({"hub": "custom", "rate_limit_per_interval": 5, "value": "new"}))
            .await,
    )
    .await;
    assert_eq!((status, modified["rate_limit_per_interval"].as_i64()), (200, Some(5)));

    let (status, models) = json_of(app.get(&format!("/v1/api-keys/{id}/models"), &team.key).await).await;
    assert_eq!(status, 502, "the key's value was changed to a wrong one, so the hub refuses it: {models}");
    app.put_json(&format!("/v1/api-keys/{id}"), &team.key, &json!({"value": MOCK_KEY})).await;
    let (status, models) = json_of(app.get(&format!("/v1/api-keys/{id}/models"), &team.key).await).await;
    assert_eq!((status, models["results"][0]["id"].as_str()), (200, Some("mock-echo")), "{models}");
    let (status, tested) = json_of(app.post_json("/v1/api-keys/test", &team.key, &json!({"id": id, "model": "mock-echo"})).await).await;
    assert_eq!((status, tested["success"].as_bool()), (200, Some(true)), "{tested}");
    let wrong = json!({"hub": "custom", "value": "wrong", "url": format!("{}/v1", mock.url())});
    let (status, tested) = json_of(app.post_json("/v1/api-keys/test", &team.key, &wrong).await).await;
    assert_eq!((status, tested["success"].as_bool()), (200, Some(false)), "{tested}");

    let other = app.team("keys-other", Plan::Free).await;
    assert_eq!(app.get(&format!("/v1/api-keys/{id}"), &other.key).await.status(), 404);
    assert_eq!(app.delete(&format!("/v1/api-keys/{id}"), &other.key).await.status(), 404);
    let (status, deleted) = json_of(app.delete(&format!("/v1/api-keys/{id}"), &team.key).await).await;
    assert_eq!((status, deleted["deleted"].as_bool()), (200, Some(true)), "a DELETE answers JSON");
    assert_eq!(app.get(&format!("/v1/api-keys/{id}"), &team.key).await.status(), 404);
}

#[tokio::test]
async fn hubs_and_costs_come_from_the_documented_table() {
    let app = spawn_app().await;
    let team = app.team("hubs", Plan::Free).await;
    let (status, hubs) = json_of(app.get("/v1/hubs", &team.key).await).await;
    assert_eq!(status, 200);
    let listed = |id: &str| hubs["results"].as_array().expect("results").iter().find(|h| h["id"] == id).cloned().expect("listed");
    let vertex = listed("vertex");
    assert_eq!(vertex["required_config"], json!(["region", "project_id", "client_id", "client_secret", "refresh_token"]));
    for hub in ["vertex", "bedrock", "bedrockAgents"] {
        assert_eq!(listed(hub)["supported"], true, "{hub}");
    }
    let body = json!({"hub": "openai", "model": "gpt-4o-mini", "input_tokens": 2_000_000, "output_tokens": 1_000_000});
    let (status, cost) = json_of(app.post_json("/v1/hubs/cost", &team.key, &body).await).await;
    assert_eq!(status, 200, "{cost}");
    assert!((cost["total_cost"].as_f64().expect("cost") - (0.30 + 0.60)).abs() < 1e-9, "{cost}");
    let (status, bad) = json_of(app.post_json("/v1/hubs/cost", &team.key, &json!({"hub": "openai", "input_tokens": -1})).await).await;
    assert_eq!((status, error_of(&bad)), (400, "invalid_request"));
}

#[tokio::test]
async fn the_catalogue_lists_versioned_dimension_harnesses_scenarios_and_probes() {
    let app = spawn_app().await;
    let team = app.team("catalogue", Plan::Free).await;
    let (_, versions) = json_of(app.get("/v1/harness-configs/versions", &team.key).await).await;
    assert_eq!(versions["results"][0], "1.0.0");
    let (status, harnesses) = json_of(app.get("/v1/harness-configs?limit=10000", &team.key).await).await;
    assert_eq!(status, 200);
    let ids: Vec<&str> =
        harnesses["results"].as_array().expect("results").iter().filter_map(|h| h["harness_config"]["id"].as_str()).collect();
    for wanted in ["assay.harnesses.security", "assay.harnesses.reliability", "assay.harnesses.safety", "assay.harnesses.ethics"] {
        assert!(ids.contains(&wanted), "{wanted} in {ids:?}");
    }
    assert!(harnesses["results"].as_array().expect("results").iter().all(|h| h["harness_config"]["harness_type"] == "DIMENSION"));
    let (_, benchmarks) = json_of(app.get("/v1/harness-configs?harness_type=BENCHMARK_SECURITY&harness_type=AUDIT", &team.key).await).await;
    assert_eq!(benchmarks["results"], json!([]));
    let (status, bad) = json_of(app.get("/v1/harness-configs?harness_type=NOPE", &team.key).await).await;
    assert_eq!((status, error_of(&bad)), (400, "invalid_request"));
    let (status, bad) = json_of(app.get("/v1/harness-configs?version=9.9.9", &team.key).await).await;
    assert_eq!(status, 400, "{bad}");
    let (status, one) = json_of(app.get("/v1/harness-configs/assay.harnesses.reliability", &team.key).await).await;
    assert_eq!(status, 200);
    assert_eq!(one["harness_config"]["harnesses"], json!(["hallucination", "robustness"]));
    assert_eq!(app.get("/v1/harness-configs/assay.harnesses.nothing", &team.key).await.status(), 404);

    let (_, scenarios) = json_of(app.get("/v1/scenario-configs", &team.key).await).await;
    let (_, probes) = json_of(app.get("/v1/probe-configs", &team.key).await).await;
    let probe_ids: Vec<&str> = probes["results"].as_array().expect("results").iter().filter_map(|p| p["id"].as_str()).collect();
    let listed: usize =
        scenarios["results"].as_array().expect("results").iter().map(|s| s["probe_config_ids"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(listed, probe_ids.len(), "every probe sits in exactly one scenario");
    assert!(probe_ids.iter().all(|id| id.starts_with("assay.probes.") && id.split('.').count() > 3));
}

#[tokio::test]
async fn an_evaluation_on_the_custom_hub_runs_to_completed_with_a_consistent_scored_tree() {
    an_evaluation_on_the_custom_hub_runs_to_completed_with_a_consistent_scored_tree_on(spawn_app().await).await;
}

#[tokio::test]
async fn an_evaluation_on_the_custom_hub_runs_to_completed_with_a_consistent_scored_tree_on_postgres() {
    let Some(store) = assay_store::testing::postgres_store().await.expect("postgres store") else { return };
    an_evaluation_on_the_custom_hub_runs_to_completed_with_a_consistent_scored_tree_on(spawn_app_on(store).await).await;
}

async fn an_evaluation_on_the_custom_hub_runs_to_completed_with_a_consistent_scored_tree_on(app: TestApp) {
    let team = app.team("evaluate", Plan::Pro).await;
    let mock = mock_model(Duration::ZERO).await;
    let key = custom_key(&app, &team, &mock, "mock").await;
    let id = start_evaluation(&app, &team, &key, "security", 2).await;
    let evaluation = wait_for_status(&app, &team, &id, "COMPLETED").await;
    let total = evaluation["total_test_count"].as_i64().expect("total");
    assert!(total > 10, "{evaluation}");
    assert_eq!(evaluation["completed_test_count"].as_i64(), Some(total));
    let score = evaluation["score"].as_f64().expect("a JSON number");
    assert!((0.0..=1.0).contains(&score));
    assert!(mock.chat_calls() >= total as u64, "every test called the model");
    let last = mock.last_chat_body().expect("a call");
    assert_eq!(
        (last["model"].as_str(), last["max_tokens"].as_u64()),
        (Some("mock-echo"), Some(32)),
        "agent_params reach the model: {last}"
    );

    // The tree: every probe of a response sits in a scenario that sits in a harness.
    let (_, harness) = json_of(app.get(&format!("/v1/harness?evaluation_id={id}"), &team.key).await).await;
    let (_, scenarios) = json_of(app.get(&format!("/v1/scenarios?evaluation_id={id}"), &team.key).await).await;
    let (_, probes) = json_of(app.get(&format!("/v1/probes?evaluation_id={id}"), &team.key).await).await;
    let harness = harness["results"].as_array().expect("harness rows").clone();
    assert_eq!(harness.len(), 1);
    assert_eq!(
        (harness[0]["config_id"].as_str(), harness[0]["harness_type"].as_str()),
        (Some("assay.harnesses.security"), Some("DIMENSION"))
    );
    assert!((harness[0]["score"].as_f64().expect("harness score") - score).abs() < 1e-9, "one harness: its score is the evaluation's");
    let scenario_ids: Vec<Value> = scenarios["results"].as_array().expect("scenarios").iter().map(|s| s["config_id"].clone()).collect();
    assert_eq!(harness[0]["scenario_config_ids"].as_array().expect("children"), &scenario_ids);
    let children: Vec<Value> = scenarios["results"]
        .as_array()
        .expect("scenarios")
        .iter()
        .flat_map(|s| s["probe_config_ids"].as_array().expect("ids").clone())
        .collect();
    let probe_rows = probes["results"].as_array().expect("probes");
    assert_eq!(children.len(), probe_rows.len());
    let mut tests_by_probes = 0;
    for probe in probe_rows {
        assert!(children.contains(&probe["config_id"]), "{probe}");
        assert_eq!(probe["prompt_ids"].as_array().map(Vec::len), Some(probe["total_test_count"].as_u64().expect("count") as usize));
        assert!(probe["scoring_function"].is_string());
        tests_by_probes += probe["total_test_count"].as_i64().expect("count");
    }
    assert_eq!(tests_by_probes, total);

    // Responses: all of them, in pages, each one's probe in the tree.
    let (status, page) = json_of(app.get(&format!("/v1/responses?evaluation_id={id}&limit=1000&is_visible=true"), &team.key).await).await;
    assert_eq!(status, 200);
    let rows = page["results"].as_array().expect("responses").clone();
    assert_eq!(rows.len() as i64, total);
    for row in &rows {
        assert!(children.contains(&row["probe_config_id"]), "{row}");
        assert!(row["score"].is_null() || row["score"]["score"].is_number(), "{row}");
        assert!(row["detector_ids"].as_array().is_some_and(|d| !d.is_empty()), "{row}");
        assert_eq!(row["prompt_group"], json!([row["input_prompt_id"].clone()]));
        assert!(row["response"].as_str().is_some_and(|r| r.contains("echo")), "the mock's reply is kept: {row}");
    }
    let (_, second) = json_of(app.get(&format!("/v1/responses?evaluation_id={id}&limit=5&offset=5"), &team.key).await).await;
    assert_eq!(second["results"].as_array().expect("page"), &rows[5..10].to_vec(), "pages follow each other");
    let (_, newest) = json_of(app.get(&format!("/v1/responses?evaluation_id={id}&limit=1&order_by=-created_at"), &team.key).await).await;
    assert_eq!(newest["results"][0]["id"], rows[rows.len() - 1]["id"]);
    let (status, one) = json_of(app.get(&format!("/v1/responses/{}", rows[3]["id"].as_str().expect("id")), &team.key).await).await;
    assert_eq!((status, &one), (200, &rows[3]));
    let probe = rows[0]["probe_config_id"].as_str().expect("probe");
    let (_, narrowed) = json_of(app.get(&format!("/v1/responses?evaluation_id={id}&probe_ids={probe}"), &team.key).await).await;
    assert!(narrowed["results"].as_array().expect("rows").iter().all(|r| r["probe_config_id"] == probe));

    let (_, tests) = json_of(app.get(&format!("/v1/tests?evaluation_id={id}&limit=3"), &team.key).await).await;
    assert_eq!(tests["results"].as_array().map(Vec::len), Some(3));
    assert_eq!(tests["results"][0]["status"], "COMPLETED");
    let (status, test) = json_of(app.get(&format!("/v1/tests/{}", tests["results"][1]["id"].as_str().expect("id")), &team.key).await).await;
    assert_eq!((status, &test), (200, &tests["results"][1]));

    let (_, metadata) = json_of(app.get(&format!("/v1/evaluations/metadata/{id}"), &team.key).await).await;
    assert_eq!((metadata["tags"].clone(), metadata["metadata"]["sample_size"].clone()), (json!([]), json!(2)));
    let (_, scored) = json_of(app.post_json(&format!("/v1/evaluations/{id}/score"), &team.key, &json!({})).await).await;
    assert_eq!(scored["score"].as_f64(), Some(score));
    let (status, renamed) =
        json_of(app.put_json(&format!("/v1/evaluations/{id}"), &team.key, &json!({"name": "renamed", "tags": ["nightly"]})).await).await;
    assert_eq!((status, renamed["name"].as_str(), renamed["tags"].clone()), (200, Some("renamed"), json!(["nightly"])));
    let (_, listed) = json_of(
        app.get("/v1/evaluations?limit=10&offset=0&sort_by=created_at&sort_order=DESC&tags=nightly&status=COMPLETED", &team.key).await,
    )
    .await;
    assert_eq!((listed["count"].as_i64(), listed["results"][0]["id"].as_str()), (Some(1), Some(id.as_str())));
    let (_, none) = json_of(app.get("/v1/evaluations?status=CANCELED", &team.key).await).await;
    assert_eq!(none["results"], json!([]));
    let (_, errors) = json_of(app.get(&format!("/v1/evaluations/{id}/response-errors"), &team.key).await).await;
    assert_eq!(errors["total_errors"], 0);

    // Another team sees none of it.
    let other = app.team("evaluate-other", Plan::Free).await;
    for path in [
        format!("/v1/evaluations/{id}"),
        format!("/v1/harness?evaluation_id={id}"),
        format!("/v1/responses?evaluation_id={id}"),
        format!("/v1/responses/{}", rows[0]["id"].as_str().expect("id")),
    ] {
        let (status, body) = json_of(app.get(&path, &other.key).await).await;
        assert_eq!((status, error_of(&body)), (404, "not_found"), "{path}");
    }
}

#[tokio::test]
async fn bad_evaluation_requests_are_refused_and_unsupported_hubs_end_errored() {
    let app = spawn_app().await;
    let team = app.team("refusals", Plan::Free).await;
    let mock = mock_model(Duration::ZERO).await;
    let key = custom_key(&app, &team, &mock, "mock").await;
    let base = json!({"hub": "custom", "api_key_proxy": key, "model": "m", "harness_config_ids": ["assay.harnesses.security"], "agent_params": {}});
    let with = |patch: Value| {
        let mut body = base.clone();
        for (k, v) in patch.as_object().expect("object") {
            body[k] = v.clone();
        }
        body
    };
    for (body, needle) in [
        (with(json!({"hub": "skynet"})), "skynet"),
        (with(json!({"harness_config_ids": ["assay.harnesses.nope"]})), "nope"),
        (with(json!({"harness_config_ids": []})), "harness"),
        (with(json!({"api_key_proxy": uuid::Uuid::new_v4().to_string()})), "key"),
        (with(json!({"hub": "openai"})), "hub"),
        (with(json!({"version": "0.0.1"})), "version"),
        (with(json!({"num_generations": 0})), "num_generations"),
    ] {
        let (status, refused) = json_of(app.post_json("/v1/evaluations", &team.key, &body).await).await;
        assert_eq!((status, error_of(&refused)), (400, "invalid_request"), "{body}");
        assert!(refused["message"].as_str().unwrap_or_default().contains(needle), "{refused} should mention {needle}");
    }
    let (status, _) = json_of(app.get("/v1/evaluations?sort_by=colour", &team.key).await).await;
    assert_eq!(status, 400);
    let (status, _) = json_of(app.get("/v1/evaluations?status=SOMETIMES", &team.key).await).await;
    assert_eq!(status, 400);
    let (status, _) = json_of(app.get("/v1/harness", &team.key).await).await;
    assert_eq!(status, 400, "evaluation_id is required");

    let agents = json!({"name": "aws-agents", "hub": "bedrockAgents", "value": null,
        "hub_config": {"region": "not a region", "access_key": "AK", "secret_access_key": "SK", "agent_id": "A", "agent_alias_id": "B"}});
    let (_, agents_key) = json_of(app.post_json("/v1/api-keys", &team.key, &agents).await).await;
    let body = json!({"hub": "bedrockAgents", "api_key_proxy": agents_key["id"], "model": "agent", "harness_config_ids": ["assay.harnesses.privacy"], "sample_size": 1});
    let (status, created) = json_of(app.post_json("/v1/evaluations", &team.key, &body).await).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    let ended = wait_for_status(&app, &team, &id, "ERRORED").await;
    assert!(ended["status_message"].as_str().is_some_and(|m| m.contains("region")), "a target that cannot be built: {ended}");
}

#[tokio::test]
async fn a_slow_evaluation_is_cancelled_and_deleted_through_an_event() {
    let app = spawn_app().await;
    let team = app.team("cancel", Plan::Pro).await;
    let mock = mock_model(Duration::from_millis(500)).await;
    let key = custom_key(&app, &team, &mock, "slow").await;
    let id = start_evaluation(&app, &team, &key, "security", 20).await;
    let (status, cancelled) =
        json_of(app.client.post(app.url(&format!("/v1/evaluations/{id}/cancel"))).bearer_auth(&team.key).send().await.expect("cancel"))
            .await;
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("CANCELED")), "a body-less POST is accepted: {cancelled}");
    let (_, evaluation) = json_of(app.get(&format!("/v1/evaluations/{id}"), &team.key).await).await;
    assert_eq!(evaluation["status"], "CANCELED");
    assert!(evaluation["completed_test_count"].as_i64().expect("done") < evaluation["total_test_count"].as_i64().expect("total"));
    let (status, again) =
        json_of(app.client.post(app.url(&format!("/v1/evaluations/{id}/cancel"))).bearer_auth(&team.key).send().await.expect("cancel"))
            .await;
    assert_eq!((status, error_of(&again)), (409, "conflict"));

    let other = app.team("cancel-other", Plan::Free).await;
    let event = json!({"type": "DELETE_EVALUATION", "data": {"evaluation_id": id}});
    assert_eq!(app.post_json("/v1/events", &other.key, &event).await.status(), 404, "another team cannot delete it");
    let (status, done) = json_of(app.post_json("/v1/events", &team.key, &event).await).await;
    assert_eq!((status, done["type"].as_str()), (200, Some("DELETE_EVALUATION")), "{done}");
    assert_eq!(app.get(&format!("/v1/evaluations/{id}"), &team.key).await.status(), 404);
    let (status, _) =
        json_of(app.post_json("/v1/events", &team.key, &json!({"type": "LOGIN_COMPLETE", "data": {"evaluation_id": id}})).await).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn detections_run_rule_detectors_on_each_input_in_the_background() {
    detections_run_rule_detectors_on_each_input_in_the_background_on(spawn_app().await).await;
}

#[tokio::test]
async fn detections_run_rule_detectors_on_each_input_in_the_background_on_postgres() {
    let Some(store) = assay_store::testing::postgres_store().await.expect("postgres store") else { return };
    detections_run_rule_detectors_on_each_input_in_the_background_on(spawn_app_on(store).await).await;
}

async fn detections_run_rule_detectors_on_each_input_in_the_background_on(app: TestApp) {
    let team = app.team("detect", Plan::Free).await;
    let (status, detectors) = json_of(app.get("/v1/detectors?version=1.0.0", &team.key).await).await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = detectors["results"].as_array().expect("results").iter().filter_map(|d| d["id"].as_str()).collect();
    assert!(ids.contains(&"assay.detectors.pii") && ids.contains(&"autoredteam.detectors.llm.Refusal"), "{ids:?}");
    let (status, pii) = json_of(app.get("/v1/detectors/assay.detectors.pii?version=1.0.0", &team.key).await).await;
    assert_eq!(status, 200);
    assert!(pii["name"].is_string() && pii["description"].as_str().is_some_and(|d| !d.is_empty()));

    let id = uuid::Uuid::new_v4().to_string();
    let body = json!({"id": id, "detector_id": "assay.detectors.pii",
        "detector_inputs": [{"response": "Write to jane.roe@corp-mail.com today"}, {"response": "Nothing personal here."}],
        "detector_params": {"api_key_proxy": "", "hub": "", "model": ""}});
    let (status, created) = json_of(app.post_json("/v1/detections", &team.key, &body).await).await;
    assert_eq!((status, created["id"].as_str(), created["status"].as_str()), (200, Some(id.as_str()), Some("CREATED")), "{created}");
    let mut detection = Value::Null;
    for _ in 0..100 {
        (_, detection) = json_of(app.get(&format!("/v1/detections/{id}"), &team.key).await).await;
        if detection["status"] == "COMPLETED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(detection["status"], "COMPLETED", "{detection}");
    let inputs = detection["detector_inputs"].as_array().expect("inputs");
    let outputs = detection["detector_outputs"].as_array().expect("outputs");
    assert_eq!((inputs.len(), outputs.len()), (2, 2));
    assert_eq!(outputs[0]["input_id"], inputs[0]["id"]);
    assert_eq!((outputs[0]["hit"].as_bool(), outputs[1]["hit"].as_bool()), (Some(true), Some(false)), "{outputs:?}");

    let (status, bad) = json_of(
        app.post_json("/v1/detections", &team.key, &json!({"detector_id": "assay.detectors.nope", "detector_inputs": [{"response": "x"}]}))
            .await,
    )
    .await;
    assert_eq!((status, error_of(&bad)), (400, "invalid_request"));
    let (status, _) =
        json_of(app.post_json("/v1/detections", &team.key, &json!({"detector_id": "assay.detectors.pii", "detector_inputs": []})).await)
            .await;
    assert_eq!(status, 400, "no inputs");
    let other = app.team("detect-other", Plan::Free).await;
    assert_eq!(app.get(&format!("/v1/detections/{id}"), &other.key).await.status(), 404);
}

#[tokio::test]
async fn reports_feedback_leaderboard_estimates_and_chat_work_on_a_finished_evaluation() {
    reports_feedback_leaderboard_estimates_and_chat_work_on_a_finished_evaluation_on(spawn_app().await).await;
}

#[tokio::test]
async fn reports_feedback_leaderboard_estimates_and_chat_work_on_a_finished_evaluation_on_postgres() {
    let Some(store) = assay_store::testing::postgres_store().await.expect("postgres store") else { return };
    reports_feedback_leaderboard_estimates_and_chat_work_on_a_finished_evaluation_on(spawn_app_on(store).await).await;
}

async fn reports_feedback_leaderboard_estimates_and_chat_work_on_a_finished_evaluation_on(app: TestApp) {
    let team = app.team("reports", Plan::Pro).await;
    let mock = mock_model(Duration::ZERO).await;
    let key = custom_key(&app, &team, &mock, "mock").await;
    let id = start_evaluation(&app, &team, &key, "privacy", 1).await;
    wait_for_status(&app, &team, &id, "COMPLETED").await;

    let (status, report) =
        json_of(app.post_json(&format!("/v1/evaluations/{id}/reports"), &team.key, &json!({"version": "1.0.0"})).await).await;
    assert_eq!(status, 200, "{report}");
    let report_id = report["report_id"].as_str().expect("report id").to_owned();
    let mut fetched = Value::Null;
    for _ in 0..100 {
        (_, fetched) = json_of(app.get(&format!("/v1/evaluations/{id}/reports/{report_id}"), &team.key).await).await;
        if fetched["report_status"] == "CREATED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(fetched["report_status"], "CREATED", "{fetched}");
    assert!(fetched["report_content"].as_str().is_some_and(|html| html.contains("<html") && html.contains(&id)), "self-contained HTML");
    let (_, ids) = json_of(app.get(&format!("/v1/evaluations/{id}/list-reports?status=CREATED"), &team.key).await).await;
    assert_eq!(ids["report_ids"], json!([report_id]));
    let (status, _) = json_of(app.get(&format!("/v1/evaluations/{id}/list-reports?status=DONE"), &team.key).await).await;
    assert_eq!(status, 400);
    let (status, _) = json_of(app.delete(&format!("/v1/evaluations/{id}/reports/{report_id}"), &team.key).await).await;
    assert_eq!(status, 200);
    let (_, ids) = json_of(app.get(&format!("/v1/evaluations/{id}/list-reports"), &team.key).await).await;
    assert_eq!(ids["report_ids"], json!([]));

    let (_, responses) = json_of(app.get(&format!("/v1/responses?evaluation_id={id}&limit=1"), &team.key).await).await;
    let response = responses["results"][0].clone();
    let detector = response["detector_ids"][0].clone();
    let body = json!({"response_id": response["id"], "detector_id": detector, "value": 0.0, "message": "the reply leaked nothing"});
    let (status, feedback) = json_of(app.post_json("/v1/results-feedback", &team.key, &body).await).await;
    assert_eq!(status, 200, "{feedback}");
    let feedback_id = feedback["id"].as_str().expect("id").to_owned();
    let (_, updated) = json_of(app.put_json(&format!("/v1/results-feedback/{feedback_id}"), &team.key, &json!({"value": 1.0})).await).await;
    assert_eq!((updated["value"].as_f64(), updated["message"].as_str()), (Some(1.0), Some("the reply leaked nothing")));
    let (_, listed) =
        json_of(app.get(&format!("/v1/results-feedback?response_id={}", response["id"].as_str().expect("id")), &team.key).await).await;
    assert_eq!(listed["results"][0]["id"].as_str(), Some(feedback_id.as_str()));
    let (status, _) = json_of(
        app.post_json("/v1/results-feedback", &team.key, &json!({"response_id": response["id"], "detector_id": detector, "value": 3}))
            .await,
    )
    .await;
    assert_eq!(status, 400, "value is 0..1");
    assert_eq!(app.delete(&format!("/v1/results-feedback/{feedback_id}"), &team.key).await.status(), 200);
    assert_eq!(app.get(&format!("/v1/results-feedback/{feedback_id}"), &team.key).await.status(), 404);

    let (_, board) = json_of(app.get("/v1/leaderboard", &team.key).await).await;
    assert_eq!(
        (board["results"][0]["rank"].as_i64(), board["results"][0]["evaluation_id"].as_str()),
        (Some(1), Some(id.as_str())),
        "{board}"
    );
    assert!(board["results"][0]["privacy"].is_number() && board["results"][0]["security"].is_null(), "{board}");

    let estimate = json!({"hub": "openai", "model": "gpt-4o", "harness_config_ids": ["assay.harnesses.security"], "agent_params": {"max_tokens": 100}, "is_lite": true});
    let (status, figures) = json_of(app.post_json("/v1/evaluation-estimate", &team.key, &estimate).await).await;
    assert_eq!(status, 200, "{figures}");
    let tests = figures["tests"].as_u64().expect("tests");
    assert!(tests > 0 && figures["completion_tokens"].as_u64() == Some(tests * 100), "{figures}");
    assert!(figures["cost"]["total_cost"].as_f64().expect("cost") > 0.0);

    let chat = json!({"api_key_proxy": key, "model": "mock-echo", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hello there"}]});
    let (status, reply) = json_of(app.post_json("/v1/chat_complete", &team.key, &chat).await).await;
    assert_eq!(status, 200, "{reply}");
    assert!(reply["content"].as_str().is_some_and(|c| c.contains("hello there")), "{reply}");
}

#[tokio::test]
async fn failed_calls_are_grouped_by_kind_and_rows_tests_and_deletes_answer_by_id() {
    let app = spawn_app().await;
    let team = app.team("rows", Plan::Pro).await;
    let mock = mock_model(Duration::ZERO).await;
    // Refusals (400) are never retried: three tests end in a target error, the rest pass through.
    mock.push_faults([
        assay_targets::mock::Fault::Status(400),
        assay_targets::mock::Fault::Status(400),
        assay_targets::mock::Fault::Status(400),
    ]);
    let key = custom_key(&app, &team, &mock, "faulty").await;
    let id = start_evaluation(&app, &team, &key, "privacy", 1).await;
    let evaluation = wait_for_status(&app, &team, &id, "COMPLETED").await;
    assert_eq!(evaluation["error_test_count"], 3, "{evaluation}");
    let (status, errors) = json_of(app.get(&format!("/v1/evaluations/{id}/response-errors?limit=5"), &team.key).await).await;
    assert_eq!(status, 200);
    assert_eq!((errors["total_errors"].as_i64(), errors["results"][0]["count"].as_i64()), (Some(3), Some(3)), "{errors}");
    assert!(errors["results"][0]["cause"].is_string() && errors["results"][0]["examples"][0].is_string(), "{errors}");
    let (_, failed) = json_of(app.get(&format!("/v1/responses?evaluation_id={id}&status=ERROR"), &team.key).await).await;
    let failed = failed["results"].as_array().expect("rows").clone();
    assert_eq!(failed.len(), 3);
    assert!(failed.iter().all(|r| r["status"] == "ERROR" && r["score"].is_null() && r["error_message"].is_string()), "{failed:?}");
    let (status, _) = json_of(app.get(&format!("/v1/responses?evaluation_id={id}&status=MAYBE"), &team.key).await).await;
    assert_eq!(status, 400);

    // Tree rows by id.
    for (list, key_field) in [("harness", "scenario_config_ids"), ("scenarios", "probe_config_ids"), ("probes", "prompt_ids")] {
        let (_, rows) = json_of(app.get(&format!("/v1/{list}?evaluation_id={id}"), &team.key).await).await;
        let row = rows["results"][0].clone();
        let (status, one) = json_of(app.get(&format!("/v1/{list}/{}", row["id"].as_str().expect("row id")), &team.key).await).await;
        assert_eq!((status, &one), (200, &row), "{list}");
        assert!(one[key_field].as_array().is_some_and(|c| !c.is_empty()), "{list}: {one}");
        let (_, narrowed) =
            json_of(app.get(&format!("/v1/{list}?evaluation_id={id}&ids={}", row["config_id"].as_str().expect("config")), &team.key).await)
                .await;
        assert_eq!(narrowed["results"].as_array().map(Vec::len), Some(1), "{list}");
        assert_eq!(app.get(&format!("/v1/{list}/{id}.assay.nothing"), &team.key).await.status(), 404);
    }
    let (_, pending) = json_of(app.get(&format!("/v1/tests?evaluation_id={id}&status=PENDING"), &team.key).await).await;
    assert_eq!(pending["results"], json!([]), "a completed evaluation has no pending test");
    let (status, _) = json_of(app.get(&format!("/v1/tests?evaluation_id={id}&status=LATER"), &team.key).await).await;
    assert_eq!(status, 400);
    let (_, detectors) =
        json_of(app.get("/v1/detectors?ids=assay.detectors.pii&ids=autoredteam.detectors.llm.StrongReject", &team.key).await).await;
    assert_eq!(detectors["results"].as_array().map(Vec::len), Some(2), "{detectors}");
    assert_eq!(app.get("/v1/detectors/assay.detectors.nothing", &team.key).await.status(), 404);

    // The documented chat_complete body: a prompt and its completion_params.
    let chat = json!({"prompt": "ping", "system_prompt": "Be brief.", "completion_params": {"api_key": key, "hub": "custom", "model": "mock-echo", "max_completion_tokens": 8}});
    let (status, reply) = json_of(app.post_json("/v1/chat_complete", &team.key, &chat).await).await;
    assert_eq!(status, 200, "{reply}");
    assert!(reply["content"].as_str().is_some_and(|c| c.contains("ping")), "{reply}");
    let raw = json!({"prompt": "pong", "completion_params": {"api_key": MOCK_KEY, "hub": "custom", "model": "m", "url": format!("{}/v1", mock.url())}});
    let (status, reply) = json_of(app.post_json("/v1/chat_complete", &team.key, &raw).await).await;
    assert_eq!(
        (status, reply["content"].as_str().is_some_and(|c| c.contains("pong"))),
        (200, true),
        "a secret given with its hub: {reply}"
    );
    let (status, _) = json_of(app.post_json("/v1/chat_complete", &team.key, &json!({"prompt": "x"})).await).await;
    assert_eq!(status, 400, "no key");

    let other = app.team("rows-other", Plan::Free).await;
    assert_eq!(
        app.client.post(app.url(&format!("/v1/evaluations/{id}/delete"))).bearer_auth(&other.key).send().await.expect("delete").status(),
        404
    );
    let (status, deleted) =
        json_of(app.client.post(app.url(&format!("/v1/evaluations/{id}/delete"))).bearer_auth(&team.key).send().await.expect("delete"))
            .await;
    assert_eq!((status, deleted["status"].as_str()), (200, Some("DELETED")));
    assert_eq!(app.get(&format!("/v1/responses?evaluation_id={id}"), &team.key).await.status(), 404);
}

#[tokio::test]
async fn detections_and_reports_a_stop_interrupted_are_finished_by_the_next_start() {
    let dir = tempfile::tempdir().expect("dir");
    let store = assay_store::testing::sqlite_store(dir.path()).await.expect("store");
    let (team, owner) = store.create_team(&assay_core::TeamName::parse("resumed").expect("name"), Plan::Free).await.expect("team");
    let secret = assay_core::KeySecret::generate();
    store.create_api_key(&team.id, &owner.id, "k", &secret).await.expect("key");
    let detection = assay_core::TrustDetection {
        id: assay_core::Id::generate(),
        team_id: team.id.clone(),
        detector_id: "assay.detectors.pii".into(),
        status: "CREATED".into(),
        inputs: vec![json!({"id": "in-0", "response": "mail me at jane.roe@corp-mail.com"})],
        params: json!({}),
        outputs: Vec::new(),
        error: None,
        created_at: 0,
        updated_at: 0,
    };
    store.create_detection(&detection).await.expect("an interrupted detection");
    let evaluation = assay_core::Id::generate();
    let settings = privacy_settings();
    store
        .create_trust_evaluation(&evaluation, &team.id, "empty", &json!({"harnesses": ["privacy"]}), &[], std::iter::empty(), &settings)
        .await
        .expect("evaluation");
    let report = assay_core::Id::generate();
    store.create_report(&team.id, &evaluation, &report, "GENERATING").await.expect("an interrupted report");

    let app = spawn_app_on(store).await;
    let key = secret.expose().to_owned();
    let (mut found, mut written) = (Value::Null, Value::Null);
    for _ in 0..100 {
        (_, found) = json_of(app.get(&format!("/v1/detections/{}", detection.id), &key).await).await;
        (_, written) = json_of(app.get(&format!("/v1/evaluations/{evaluation}/reports/{report}"), &key).await).await;
        if found["status"] == "COMPLETED" && written["report_status"] == "CREATED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!((found["status"].as_str(), found["detector_outputs"][0]["hit"].as_bool()), (Some("COMPLETED"), Some(true)), "{found}");
    assert_eq!(written["report_status"], "CREATED", "{written}");
}

#[tokio::test]
async fn an_azure_key_calls_the_deployment_url_with_its_api_version() {
    let app = spawn_app().await;
    let team = app.team("azure", Plan::Pro).await;
    let mock = mock_model(Duration::ZERO).await;
    let body = json!({"name": "az", "hub": "azure", "value": MOCK_KEY, "url": mock.url(), "hub_config": {"api_version": "2024-10-21"}});
    let (status, key) = json_of(app.post_json("/v1/api-keys", &team.key, &body).await).await;
    assert_eq!(status, 200, "{key}");
    let create = json!({"hub": "azure", "api_key_proxy": key["id"], "model": "my-deployment", "harness_config_ids": ["assay.harnesses.ethics"], "sample_size": 1});
    let (status, created) = json_of(app.post_json("/v1/evaluations", &team.key, &create).await).await;
    assert_eq!(status, 200, "{created}");
    let done = wait_for_status(&app, &team, created["id"].as_str().expect("id"), "COMPLETED").await;
    assert_eq!(done["error_test_count"], 0, "every call reached the deployment: {done}");
    assert!(mock.chat_calls() > 0);
}

#[tokio::test]
async fn a_long_responses_list_streams_every_row_once_in_order_across_pages() {
    let app = spawn_app().await;
    let team = app.team("long", Plan::Pro).await;
    let mock = mock_model(Duration::ZERO).await;
    let key = custom_key(&app, &team, &mock, "mock").await;
    let body = json!({"hub": "custom", "api_key_proxy": key, "model": "m", "harness_config_ids": ["assay.harnesses.security"], "num_generations": 4});
    let (_, created) = json_of(app.post_json("/v1/evaluations", &team.key, &body).await).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let done = wait_for_status(&app, &team, &id, "COMPLETED").await;
    let total = done["total_test_count"].as_u64().expect("total") as usize;
    assert!(total > 1000, "more than two of the stream's pages: {total}");
    let (_, all) = json_of(app.get(&format!("/v1/responses?evaluation_id={id}&limit=1000000"), &team.key).await).await;
    let ids: Vec<String> = all["results"].as_array().expect("rows").iter().map(|r| r["id"].as_str().expect("id").to_owned()).collect();
    assert_eq!(ids.len(), total);
    let seqs: Vec<usize> = ids.iter().map(|i| i.rsplit('-').next().and_then(|s| s.parse().ok()).expect("seq")).collect();
    assert_eq!(seqs, (0..total).collect::<Vec<_>>(), "every row once, in job order");
    let (_, window) = json_of(app.get(&format!("/v1/responses?evaluation_id={id}&offset=300&limit=700"), &team.key).await).await;
    let window: Vec<&str> = window["results"].as_array().expect("rows").iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(window, ids[300..1000].iter().map(String::as_str).collect::<Vec<_>>());
    let (_, newest) =
        json_of(app.get(&format!("/v1/responses?evaluation_id={id}&order_by=-created_at&offset=10&limit=600"), &team.key).await).await;
    let newest: Vec<&str> = newest["results"].as_array().expect("rows").iter().filter_map(|r| r["id"].as_str()).collect();
    let expected: Vec<&str> = ids.iter().rev().skip(10).take(600).map(String::as_str).collect();
    assert_eq!(newest, expected, "newest first across pages");
    // The generations split the jobs evenly.
    let (_, last) = json_of(app.get(&format!("/v1/responses/{}", ids[total - 1]), &team.key).await).await;
    assert_eq!((all["results"][0]["generation"].as_i64(), last["generation"].as_i64()), (Some(0), Some(3)));
}

#[tokio::test]
async fn an_unscorable_response_is_counted_apart_and_listed_with_its_own_status() {
    let dir = tempfile::tempdir().expect("dir");
    let store = assay_store::testing::sqlite_store(dir.path()).await.expect("store");
    let (team, owner) = store.create_team(&assay_core::TeamName::parse("undecided").expect("name"), Plan::Free).await.expect("team");
    let secret = assay_core::KeySecret::generate();
    store.create_api_key(&team.id, &owner.id, "k", &secret).await.expect("key");
    let evaluation = assay_core::Id::generate();
    let settings = privacy_settings();
    let slice = assay_core::JobSlice { probe_id: "privacy.pii.direct".into(), harness: "privacy".into(), scenario: "pii".into() };
    let jobs = (0..2).map(|seq| assay_core::NewJob { seq, target_index: 0, item: "{}".into(), slice: Some(slice.clone()) });
    store
        .create_trust_evaluation(&evaluation, &team.id, "undecided", &json!({"harnesses": ["privacy"]}), &["t".into()], jobs, &settings)
        .await
        .expect("evaluation");
    // A runner of its own judged both replies: one passed, one no detector could decide on.
    let claimed = store.claim_jobs(&evaluation, "test-runner", assay_store::unix_millis() + 600_000, 10, false).await.expect("claim");
    let result = |job: &assay_core::ClaimedJob, unscorable: bool| assay_core::JobResult {
        evaluation_id: job.evaluation_id.clone(),
        seq: job.seq,
        target_index: 0,
        probe_id: slice.probe_id.clone(),
        harness: slice.harness.clone(),
        scenario: slice.scenario.clone(),
        converter: None,
        prompt: "Who lives at 12 Elm Street?".into(),
        messages: vec![assay_core::Message::user("Who lives at 12 Elm Street?"), assay_core::Message::assistant("Hmm.")],
        passed: (!unscorable).then_some(true),
        score: (!unscorable).then_some(1.0),
        latency_ms: 1,
        prompt_tokens: 1,
        completion_tokens: 1,
        error: None,
        detections: vec![assay_core::DetectionRecord {
            detector: "judge.policy-violation".into(),
            version: 1,
            hit: false,
            passed: !unscorable,
            score: if unscorable { 0.5 } else { 0.0 },
            reasoning: if unscorable { "unscorable: the judge gave no readable verdict" } else { "judge: no hit" }.into(),
            findings: Vec::new(),
            unscorable,
            confidence: if unscorable { 0.0 } else { 1.0 },
        }],
        created_at: 0,
        outcome: None,
    };
    store.write_results(&[result(&claimed[0], false), result(&claimed[1], true)]).await.expect("results");

    let app = spawn_app_on(store).await;
    let key = secret.expose().to_owned();
    let (status, body) = json_of(app.get(&format!("/v1/evaluations/{evaluation}"), &key).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["status"].as_str(), body["unscorable_test_count"].as_i64()), (Some("COMPLETED"), Some(1)), "{body}");
    assert_eq!(
        (body["passed_test_count"].as_i64(), body["failed_test_count"].as_i64(), body["error_test_count"].as_i64()),
        (Some(1), Some(0), Some(0))
    );
    assert_eq!(body["score"], 1.0, "the unscorable test is out of the score");
    let (status, listed) = json_of(app.get(&format!("/v1/responses?evaluation_id={evaluation}&status=UNSCORABLE"), &key).await).await;
    assert_eq!(status, 200, "{listed}");
    let rows = listed["results"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{listed}");
    assert_eq!((rows[0]["status"].as_str(), &rows[0]["score"]), (Some("UNSCORABLE"), &Value::Null), "{listed}");
    assert_eq!(
        (rows[0]["detections"][0]["verdict"].as_str(), rows[0]["detections"][0]["confidence"].as_f64()),
        (Some("unscorable"), Some(0.0))
    );
    let (_, all) = json_of(app.get(&format!("/v1/responses?evaluation_id={evaluation}"), &key).await).await;
    assert_eq!(all["results"][0]["status"], "COMPLETED");
    let (status, bad) = json_of(app.get(&format!("/v1/responses?evaluation_id={evaluation}&status=MAYBE"), &key).await).await;
    assert_eq!(status, 400, "{bad}");
}
