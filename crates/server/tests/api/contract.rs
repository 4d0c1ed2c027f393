//! assay serving the standard contract in front of its targets (tests run with the mock as
//! the default target).

use assay_core::Plan;
use assay_targets::mock::{Behavior, Fault, ReplyMode};
use assay_targets::mock_server::{MockServer, MockServerOptions};
use serde_json::json;

use crate::helpers::{json_of, spawn_app, spawn_app_with};

#[tokio::test]
async fn the_root_chat_answers_from_the_default_target_with_usage() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let (status, body) =
        json_of(app.post_json("/chat", &acme.key, &json!({"message": "What is the capital of France.", "system": "be brief"})).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["content"], "echo: What is the capital of France.");
    assert_eq!(body["usage"], json!({"prompt_tokens": 8, "completion_tokens": 7}));
    assert!(body.get("session_id").is_none());
    let (status, body) = json_of(
        app.post_json("/chat", &acme.key, &json!({"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}, {"role": "user", "content": "times ten?"}]}))
            .await,
    )
    .await;
    assert_eq!((status, body["content"].as_str()), (200, Some("echo: times ten?")));
}

#[tokio::test]
async fn contract_errors_use_the_contract_shape() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let (status, body) = json_of(app.post_json("/chat", &acme.key, &json!({"system": "no message"})).await).await;
    assert_eq!((status, body), (400, json!({"error": "invalid_request", "message": "message or messages required"})));
    let (status, body) = json_of(app.post_json("/chat", "wrong", &json!({"message": "hi"})).await).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("unauthorized")));
    let (status, body) =
        json_of(app.post_json("/chat", &acme.key, &json!({"message": "hi", "messages": [{"role": "wizard", "content": "x"}]})).await).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")));
    // Fields typed as strings refuse an explicit null, as the contract's schema demands.
    for body in [json!({"message": "hi", "session_id": null}), json!({"message": null}), json!({"message": "hi", "system": null})] {
        let (status, error) = json_of(app.post_json("/chat", &acme.key, &body).await).await;
        assert_eq!((status, error["error"].as_str()), (400, Some("invalid_request")), "{body}");
    }
    assert_eq!(app.post_json("/sessions", &acme.key, &json!({"system": null})).await.status(), 400);
    // Bodies are JSON objects: serde would otherwise fill a struct from an array.
    for (path, body) in [("/chat", json!(["hi"])), ("/sessions", json!([])), ("/sessions", json!("text"))] {
        let (status, error) = json_of(app.post_json(path, &acme.key, &body).await).await;
        assert_eq!((status, error["message"].as_str()), (400, Some("The body must be a JSON object.")), "{path} {body}");
    }
}

#[tokio::test]
async fn sessions_keep_the_conversation_in_the_store_until_ended() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let (status, created) = json_of(app.post_json("/sessions", &acme.key, &json!({"system": "sys"})).await).await;
    assert_eq!(status, 200, "{created}");
    let sid = created["session_id"].as_str().expect("session id").to_owned();
    for turn in ["one", "two"] {
        let (status, body) = json_of(app.post_json("/chat", &acme.key, &json!({"message": turn, "session_id": sid})).await).await;
        assert_eq!((status, body["session_id"].as_str()), (200, Some(sid.as_str())), "{body}");
    }
    let session = app.store.live_contract_session(&acme.team.id, None, &sid.parse().expect("id")).await.expect("get").expect("live");
    let texts: Vec<&str> = session.messages.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(texts, ["one", "echo: one", "two", "echo: two"]);
    assert_eq!(session.system.as_deref(), Some("sys"));

    let (status, body) = json_of(app.post_json(&format!("/sessions/{sid}/restart"), &acme.key, &json!({})).await).await;
    assert_eq!((status, body["session_id"].as_str()), (200, Some(sid.as_str())));
    let session = app.store.live_contract_session(&acme.team.id, None, &sid.parse().expect("id")).await.expect("get").expect("live");
    assert!(session.messages.is_empty(), "restart clears the conversation");

    assert_eq!(app.delete(&format!("/sessions/{sid}"), &acme.key).await.status(), 204);
    let (status, body) = json_of(app.post_json("/chat", &acme.key, &json!({"message": "after", "session_id": sid})).await).await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
    assert_eq!(app.post_json(&format!("/sessions/{sid}/restart"), &acme.key, &json!({})).await.status(), 404);
    assert_eq!(app.delete(&format!("/sessions/{sid}"), &acme.key).await.status(), 404);
    // Another team cannot use a session id it learned.
    let other = app.team("other", Plan::Free).await;
    let (_, fresh) = json_of(app.post_json("/sessions", &acme.key, &json!({})).await).await;
    let path = format!("/sessions/{}/restart", fresh["session_id"].as_str().expect("id"));
    assert_eq!(app.post_json(&path, &other.key, &json!({})).await.status(), 404);
}

#[tokio::test]
async fn a_bodiless_session_post_is_accepted() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let response = app.client.post(app.url("/sessions")).bearer_auth(&acme.key).send().await.expect("request");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_stored_contract_target_is_served_under_its_id_with_its_credential() {
    let mock = MockServer::start(
        Behavior::new(std::time::Duration::ZERO, ReplyMode::Fixed("Paris.".into())),
        MockServerOptions { sessions: false, required_key: Some("upstream-key".into()) },
    )
    .await
    .expect("mock");
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let body = json!({"name": "upstream", "settings": {"kind": "contract", "base_url": mock.url(), "auth_header": "X-API-Key",
        "limits": {"max_retries": 2, "timeout_ms": 2000}}, "credential": "upstream-key"});
    let (_, target) = json_of(app.post_json("/api/targets", &acme.key, &body).await).await;
    let base = format!("/targets/{}", target["id"].as_str().expect("id"));

    let (status, reply) = json_of(app.post_json(&format!("{base}/chat"), &acme.key, &json!({"message": "capital?"})).await).await;
    assert_eq!((status, reply["content"].as_str()), (200, Some("Paris.")), "{reply}");

    // A transient upstream failure is retried; a persistent one is a 502 with the target's message.
    mock.push_faults([Fault::Status(503)]);
    let (status, _) = json_of(app.post_json(&format!("{base}/chat"), &acme.key, &json!({"message": "again"})).await).await;
    assert_eq!(status, 200);
    mock.push_faults([Fault::Status(400)]);
    let (status, error) = json_of(app.post_json(&format!("{base}/chat"), &acme.key, &json!({"message": "bad"})).await).await;
    assert_eq!((status, error["error"].as_str()), (400, Some("invalid_request")), "{error}");
    mock.push_faults([Fault::Status(500), Fault::Status(500), Fault::Status(500)]);
    let (status, error) = json_of(app.post_json(&format!("{base}/chat"), &acme.key, &json!({"message": "down"})).await).await;
    assert_eq!((status, error["error"].as_str()), (502, Some("target_error")), "{error}");

    // A wrong upstream credential is reported, not retried.
    let path = base.replacen("/targets", "/api/targets", 1);
    app.patch_json(&path, &acme.key, &json!({"credential": "stale"})).await;
    let (status, error) = json_of(app.post_json(&format!("{base}/chat"), &acme.key, &json!({"message": "hi"})).await).await;
    assert_eq!(status, 502);
    assert!(error["message"].as_str().is_some_and(|m| m.contains("Invalid or missing API key")), "{error}");

    // Sessions under a target are assay's own, tied to that target.
    let (status, session) = json_of(app.post_json(&format!("{base}/sessions"), &acme.key, &json!({})).await).await;
    assert_eq!(status, 200);
    let sid = session["session_id"].as_str().expect("id");
    assert_eq!(
        app.post_json("/chat", &acme.key, &json!({"message": "x", "session_id": sid})).await.status(),
        404,
        "not the default target's"
    );
    assert_eq!(app.delete(&format!("{base}/sessions/{sid}"), &acme.key).await.status(), 204);
}

#[tokio::test]
async fn without_a_usable_default_target_the_root_chat_is_503() {
    let app = spawn_app_with(|config| config.default_target = "openai+http://127.0.0.1:9/v1".into()).await;
    let acme = app.team("acme", Plan::Free).await;
    let (status, body) = json_of(app.post_json("/chat", &acme.key, &json!({"message": "hi"})).await).await;
    assert_eq!((status, body["error"].as_str()), (503, Some("service_unavailable")));
    assert!(body["message"].as_str().is_some_and(|m| m.contains("invalid target spec")), "{body}");
}

#[tokio::test]
async fn the_contract_client_passes_against_assays_own_contract_server() {
    use assay_core::{ChatRequest, Target, TargetError};
    use assay_targets::contract::{Auth, ContractConfig, ContractTarget};

    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let client = |auth| {
        ContractTarget::new(ContractConfig { base_url: app.address.clone(), chat_path: "/chat".into(), sessions_path: None, auth })
            .expect("client")
    };
    let target = client(Auth::Bearer(acme.key.clone()));

    let reply = target.chat(&ChatRequest::single("hello")).await.expect("single turn");
    assert_eq!(reply.text, "echo: hello");
    assert!(reply.usage.is_some_and(|u| u.completion_tokens > 0));

    let session = target.open_session(Some("sys")).await.expect("open").expect("assay has sessions");
    let turn = ChatRequest { session_id: Some(session.clone()), ..ChatRequest::single("one") };
    assert_eq!(target.chat(&turn).await.expect("in session").session_id.as_deref(), Some(session.as_str()));
    assert_eq!(target.restart_session(&session, None).await.expect("restart"), session);
    target.end_session(&session).await.expect("end");
    assert!(matches!(target.chat(&turn).await, Err(TargetError::NotFound(_))), "an ended session is gone");

    let with_header = client(Auth::Header { name: "X-API-Key".into(), value: acme.key.clone() });
    assert!(with_header.chat(&ChatRequest::single("hi")).await.is_ok());
    let wrong = client(Auth::Bearer("assay_wrong".into()));
    assert_eq!(wrong.chat(&ChatRequest::single("hi")).await, Err(TargetError::Auth("Invalid or missing API key.".into())));
}
