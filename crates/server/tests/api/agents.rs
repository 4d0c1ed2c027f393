//! `/v1/agent-configurations` end to end: an agent is stored, listed, updated and archived,
//! and an evaluation that names it runs on its hub, key and model with its system prompt.

use std::time::Duration;

use assay_core::Plan;
use serde_json::{Value, json};

use crate::helpers::{TestApp, json_of, on_both_databases};
use crate::trust::{custom_key, mock_model, wait_for_status};

on_both_databases!(an_agent_is_kept_and_an_evaluation_that_names_it_runs_with_its_system_prompt);

fn agent_body(name: &str, key_id: &str) -> Value {
    json!({
        "id": uuid::Uuid::new_v4().to_string(), "agent_name": name, "hub": "custom", "model_name": "mock-echo",
        "agent_system_prompt": "You are Acme's refund desk. Never discuss other customers.", "api_key_id": key_id,
    })
}

async fn an_agent_is_kept_and_an_evaluation_that_names_it_runs_with_its_system_prompt(app: TestApp) {
    let acme = app.team("agents-acme", Plan::Pro).await;
    let other = app.team("agents-other", Plan::Pro).await;
    let mock = mock_model(Duration::ZERO).await;
    let key_id = custom_key(&app, &acme, &mock, "agents-key").await;

    // Refused: an unknown hub, a key the team does not have, a bad URL, a blank name.
    let other_key = custom_key(&app, &other, &mock, "their-key").await;
    for (patch, field) in [
        (json!({"hub": "nowhere"}), "hub"),
        (json!({"api_key_id": other_key}), "API key"),
        (json!({"agent_url": "ftp://x"}), "agent_url"),
        (json!({"agent_name": "  "}), "agent_name"),
    ] {
        let mut body = agent_body("refund-desk", &key_id);
        body.as_object_mut().expect("object").extend(patch.as_object().expect("object").clone());
        let (status, answer) = json_of(app.post_json("/v1/agent-configurations", &acme.key, &body).await).await;
        assert_eq!((status, answer["error"].as_str()), (400, Some("invalid_request")), "{body}: {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| m.contains(field)), "{answer}");
    }
    let body = agent_body("refund-desk", &key_id);
    let (status, agent) = json_of(app.post_json("/v1/agent-configurations", &acme.key, &body).await).await;
    assert_eq!(status, 200, "{agent}");
    assert_eq!(
        (agent["id"].clone(), agent["status"].as_str(), agent["api_key_id"].as_str()),
        (body["id"].clone(), Some("active"), Some(key_id.as_str()))
    );
    let agent_id = agent["id"].as_str().expect("id").to_owned();
    let (status, taken) = json_of(app.post_json("/v1/agent-configurations", &acme.key, &agent_body("refund-desk", &key_id)).await).await;
    assert_eq!((status, taken["error"].as_str()), (409, Some("conflict")), "{taken}");

    // Read back, by list (the `vijil` client reads `results`) and by id; another team sees nothing.
    let (status, listed) = json_of(app.get("/v1/agent-configurations", &acme.key).await).await;
    assert_eq!((status, listed["results"].as_array().map(Vec::len)), (200, Some(1)), "{listed}");
    let path = format!("/v1/agent-configurations/{agent_id}");
    let (_, read) = json_of(app.get(&path, &acme.key).await).await;
    assert_eq!(read["agent_system_prompt"], body["agent_system_prompt"]);
    assert_eq!(app.get(&path, &other.key).await.status(), 404);
    let (_, theirs) = json_of(app.get("/v1/agent-configurations", &other.key).await).await;
    assert_eq!(theirs["results"], json!([]));

    // The full record on update, as the client sends it (`agent_url` empty, status kept).
    let mut record = read.clone();
    record["agent_name"] = json!("refund-desk-v2");
    record["agent_url"] = json!("");
    let (status, updated) = json_of(app.put_json(&format!("{path}/update"), &acme.key, &record).await).await;
    assert_eq!(
        (status, updated["agent_name"].as_str(), updated["status"].as_str()),
        (200, Some("refund-desk-v2"), Some("active")),
        "{updated}"
    );
    assert_eq!(updated["agent_url"], Value::Null);
    assert_eq!(app.put_json(&format!("{path}/update"), &other.key, &record).await.status(), 404);

    // An evaluation names the agent alone: its hub, key and model are used, and every call
    // carries its system prompt first.
    let evaluation = json!({
        "id": uuid::Uuid::new_v4().to_string(), "name": "agent run", "agent_configuration_id": agent_id,
        "harness_config_ids": ["assay.harnesses.security"], "sample_size": 1,
    });
    let (status, created) = json_of(app.post_json("/v1/evaluations", &acme.key, &evaluation).await).await;
    assert_eq!((status, created["hub"].as_str(), created["model"].as_str()), (200, Some("custom"), Some("mock-echo")), "{created}");
    let evaluation_id = created["id"].as_str().expect("id").to_owned();
    wait_for_status(&app, &acme, &evaluation_id, "COMPLETED").await;
    let sent = mock.last_chat_body().expect("the agent was called");
    let system = sent["messages"][0].clone();
    assert_eq!(system["role"], "system", "{sent}");
    assert!(system["content"].as_str().is_some_and(|c| c.starts_with("You are Acme's refund desk.")), "{sent}");
    let (_, by_agent) = json_of(app.get(&format!("/v1/evaluations?agent_configuration_id={agent_id}"), &acme.key).await).await;
    assert_eq!(by_agent["results"].as_array().map(Vec::len), Some(1), "{by_agent}");
    let unknown = uuid::Uuid::new_v4();
    let (_, none) = json_of(app.get(&format!("/v1/evaluations?agent_configuration_id={unknown}"), &acme.key).await).await;
    assert_eq!(none["results"], json!([]), "{none}");

    // Archived: kept and listed, not offered for new evaluations, its name free again.
    let (status, archived) =
        json_of(app.client.put(app.url(&format!("{path}/archive"))).bearer_auth(&acme.key).send().await.expect("send")).await;
    assert_eq!((status, archived["status"].as_str()), (200, Some("archived")), "{archived}");
    let (_, active) = json_of(app.get("/v1/agent-configurations?statuses=active", &acme.key).await).await;
    assert_eq!(active["results"], json!([]));
    let (_, all) = json_of(app.get("/v1/agent-configurations", &acme.key).await).await;
    assert_eq!(all["results"][0]["status"], "archived");
    assert_eq!(app.get("/v1/agent-configurations?statuses=deleted", &acme.key).await.status(), 400);
    let mut again = evaluation.clone();
    again["id"] = json!(uuid::Uuid::new_v4().to_string());
    let (status, refused) = json_of(app.post_json("/v1/evaluations", &acme.key, &again).await).await;
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_request")), "{refused}");
    let (status, _) = json_of(app.post_json("/v1/agent-configurations", &acme.key, &agent_body("refund-desk-v2", &key_id)).await).await;
    assert_eq!(status, 200, "an archived agent's name is free");
}
