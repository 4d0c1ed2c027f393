//! `/v1/agent-configurations` end to end: an agent is stored, listed, updated and archived,
//! and an evaluation that names it runs on its hub, key and model with its system prompt.

use std::time::Duration;

use assay_core::Plan;
use serde_json::{Value, json};

use crate::helpers::{TestApp, json_of, on_both_databases};
use crate::trust::{custom_key, mock_model, wait_for_status};

on_both_databases!(
    an_agent_is_kept_and_an_evaluation_that_names_it_runs_with_its_system_prompt,
    an_agents_file_is_uploaded_once_to_its_url_with_the_announced_size_and_md5,
);

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

async fn an_agents_file_is_uploaded_once_to_its_url_with_the_announced_size_and_md5(app: TestApp) {
    use base64::Engine;
    use md5::{Digest, Md5};

    let acme = app.team("files-acme", Plan::Pro).await;
    let other = app.team("files-other", Plan::Pro).await;
    let body = json!({"agent_name": "policy-bot", "hub": "custom", "model_name": "m"});
    let (_, agent) = json_of(app.post_json("/v1/agent-configurations", &acme.key, &body).await).await;
    let files = format!("/v1/agent-configurations/{}/files", agent["id"].as_str().expect("id"));
    let policy = b"Refunds within 30 days. Never share other customers' orders.".to_vec();
    let md5 = base64::engine::general_purpose::STANDARD.encode(Md5::digest(&policy));
    let wrong_md5 = base64::engine::general_purpose::STANDARD.encode(Md5::digest(b"something else"));

    // Only the agent's team announces files; a bad announcement is refused.
    let announcement = json!({"file_name": "policy.txt", "file_type": "text/plain", "file_size": policy.len(), "checksum": md5, "category": "AGENT_POLICY"});
    assert_eq!(app.post_json(&files, &other.key, &announcement).await.status(), 404);
    for bad in [
        json!({"file_name": "", "file_size": 3}),
        json!({"file_name": "a", "file_size": -1}),
        json!({"file_name": "a", "file_size": 3, "checksum": "xyz"}),
    ] {
        assert_eq!(app.post_json(&files, &acme.key, &bad).await.status(), 400, "{bad}");
    }
    let (status, announced) = json_of(app.post_json(&files, &acme.key, &announcement).await).await;
    assert_eq!((status, announced["method"].as_str(), announced["uploaded"].as_bool()), (200, Some("PUT"), Some(false)), "{announced}");
    let url = announced["upload_url"].as_str().expect("an upload URL").to_owned();
    assert!(url.starts_with(&app.address), "served by assay itself: {url}");

    // The bytes go to the URL with no API key; a wrong MD5, a wrong size or a wrong token store nothing.
    let put = |url: String, bytes: Vec<u8>, md5: String| {
        let client = app.client.clone();
        async move { client.put(url).header("content-type", "text/plain").header("content-md5", md5).body(bytes).send().await.expect("put") }
    };
    let (status, refused) = json_of(put(url.clone(), policy.clone(), wrong_md5).await).await;
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_request")), "{refused}");
    assert!(refused["message"].as_str().is_some_and(|m| m.contains("Content-MD5")), "{refused}");
    assert_eq!(put(url.clone(), policy[..10].to_vec(), md5.clone()).await.status(), 400, "the announced size");
    let forged = format!("{}x", url);
    assert_eq!(put(forged, policy.clone(), md5.clone()).await.status(), 404, "another token");
    let (_, listed) = json_of(app.get(&files, &acme.key).await).await;
    assert_eq!(listed["results"][0]["uploaded"], false, "nothing was stored: {listed}");

    let (status, stored) = json_of(put(url.clone(), policy.clone(), md5.clone()).await).await;
    assert_eq!((status, stored["checksum"].as_str()), (200, Some(md5.as_str())), "{stored}");
    assert_eq!(put(url.clone(), policy.clone(), md5.clone()).await.status(), 409, "a URL takes the bytes once");
    let (_, listed) = json_of(app.get(&files, &acme.key).await).await;
    assert_eq!(
        (listed["results"][0]["uploaded"].as_bool(), listed["results"][0]["upload_url"].clone()),
        (Some(true), Value::Null),
        "{listed}"
    );
    let file_id = assay_core::Id::parse(announced["id"].as_str().expect("id")).expect("id");
    assert_eq!(app.store.upload_content(&acme.team.id, &file_id).await.expect("read"), Some(policy));
    assert_eq!(app.store.upload_content(&other.team.id, &file_id).await.expect("read"), None, "kept in the team's rows");
}
