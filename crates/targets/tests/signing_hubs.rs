//! Bedrock, Bedrock Agents and Vertex targets against a local server that plays the providers:
//! it recomputes each AWS request's SigV4 signature from the secret it shares with the test and refuses a
//! wrong one, and it plays Google's token endpoint (a refresh token exchanged for an access
//! token, counted) and `generateContent` (which takes only that access token).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use assay_core::{ChatRequest, Message, Target, TargetError, TargetKind, TargetSettings};
use assay_targets::bedrock_agents::encode_event;
use assay_targets::factory::{LocalModel, build};
use assay_targets::sigv4::{AwsCredentials, SignedRequest, authorization};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Value, json};

const SECRET: &str = "test-secret-key";

#[derive(Default)]
struct Provider {
    exchanges: AtomicUsize,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

async fn provider(State(seen): State<Arc<Provider>>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = uri.path().to_owned();
    if path == "/token" {
        let form = String::from_utf8_lossy(&body).into_owned();
        let wanted = ["grant_type=refresh_token", "client_id=client-1", "client_secret=s%2Fcret", "refresh_token=refresh-1"];
        if !wanted.iter().all(|pair| form.split('&').any(|p| p == *pair)) {
            return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_grant", "error_description": form}))).into_response();
        }
        seen.exchanges.fetch_add(1, Ordering::SeqCst);
        return axum::Json(json!({"access_token": "access-1", "expires_in": 3600, "token_type": "Bearer"})).into_response();
    }
    let request: Value = serde_json::from_slice(&body).unwrap_or_default();
    if path.ends_with(":generateContent") {
        if header(&headers, "authorization") != "Bearer access-1" {
            return (StatusCode::UNAUTHORIZED, axum::Json(json!({"error": {"message": "bad token"}}))).into_response();
        }
        let said = request.pointer("/contents/0/parts/0/text").and_then(Value::as_str).unwrap_or_default();
        return axum::Json(json!({"candidates": [{"content": {"role": "model", "parts": [{"text": format!("vertex: {said}")}]}}],
            "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 2}}))
        .into_response();
    }
    // Bedrock: recompute the signature from what arrived.
    let credentials = AwsCredentials { access_key: "AKIDTEST".into(), secret_key: SECRET.into(), session_token: None };
    let signed = SignedRequest {
        method: "POST",
        host: header(&headers, "host"),
        path: &path,
        query: "",
        headers: &[("content-type", header(&headers, "content-type"))],
        payload: &body,
    };
    let expected = authorization(&credentials, "eu-west-1", "bedrock", &signed, header(&headers, "x-amz-date"));
    if header(&headers, "authorization") != expected {
        return (StatusCode::FORBIDDEN, axum::Json(json!({"message": "The request signature we calculated does not match"})))
            .into_response();
    }
    if path.starts_with("/agents/AGENT1/agentAliases/ALIAS1/sessions/") && path.ends_with("/text") {
        let said = request["inputText"].as_str().unwrap_or_default();
        let chunk = |text: &str| {
            let payload = json!({"bytes": base64::engine::general_purpose::STANDARD.encode(text)}).to_string();
            encode_event("chunk", false, payload.as_bytes())
        };
        let mut stream = chunk("agent: ");
        stream.extend(chunk(said));
        return ([("content-type", "application/vnd.amazon.eventstream")], stream).into_response();
    }
    if path != "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse" {
        return (StatusCode::NOT_FOUND, axum::Json(json!({"message": path}))).into_response();
    }
    let said = request.pointer("/messages/0/content/0/text").and_then(Value::as_str).unwrap_or_default();
    axum::Json(json!({"output": {"message": {"role": "assistant", "content": [{"text": format!("bedrock: {said}")}]}},
        "usage": {"inputTokens": 4, "outputTokens": 2}, "stopReason": "end_turn"}))
    .into_response()
}

#[allow(clippy::disallowed_methods, reason = "a mock provider the test talks to, not a route of assay")]
async fn start() -> (String, Arc<Provider>) {
    let seen = Arc::new(Provider::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let router = axum::Router::new().fallback(provider).with_state(seen.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, seen)
}

fn settings(kind: TargetKind, base_url: &str, model: &str) -> TargetSettings {
    let mut settings: TargetSettings = serde_json::from_value(json!({"kind": kind.as_str(), "model": model})).expect("settings");
    settings.base_url = Some(base_url.to_owned());
    settings
}

fn local() -> LocalModel {
    LocalModel { data_dir: std::env::temp_dir(), progress: |_| {} }
}

fn hello() -> ChatRequest {
    ChatRequest { system: Some("Be brief.".into()), messages: vec![Message::user("hello")], ..ChatRequest::default() }
}

#[tokio::test]
async fn a_bedrock_call_is_signed_with_sigv4_and_a_wrong_secret_is_refused() {
    let (url, _) = start().await;
    let model = "anthropic.claude-3-haiku-20240307-v1:0";
    let credential = json!({"region": "eu-west-1", "access_key": "AKIDTEST", "secret_access_key": SECRET}).to_string();
    let target = build(&settings(TargetKind::Bedrock, &url, model), Some(&credential), &local()).expect("builds");
    let reply = target.chat(&hello()).await.expect("the signature holds");
    assert_eq!(reply.text, "bedrock: hello");
    assert_eq!(reply.usage.map(|u| (u.prompt_tokens, u.completion_tokens)), Some((4, 2)));

    let wrong = json!({"region": "eu-west-1", "access_key": "AKIDTEST", "secret_access_key": "not-it"}).to_string();
    let target = build(&settings(TargetKind::Bedrock, &url, model), Some(&wrong), &local()).expect("builds");
    let error = target.chat(&hello()).await.expect_err("refused");
    assert!(matches!(error, TargetError::Auth(_)), "{error:?}");

    let incomplete = json!({"region": "eu-west-1", "access_key": "AKIDTEST"}).to_string();
    assert!(build(&settings(TargetKind::Bedrock, &url, model), Some(&incomplete), &local()).is_err(), "secret_access_key is required");
}

#[tokio::test]
async fn vertex_exchanges_the_refresh_token_once_and_calls_with_the_access_token() {
    let (url, seen) = start().await;
    let credential = json!({"region": "us-central1", "project_id": "acme-1", "client_id": "client-1", "client_secret": "s/cret",
        "refresh_token": "refresh-1", "token_url": format!("{url}/token")})
    .to_string();
    let target = build(&settings(TargetKind::Vertex, &url, "gemini-1.5-flash"), Some(&credential), &local()).expect("builds");
    for _ in 0..2 {
        assert_eq!(target.chat(&hello()).await.expect("answers").text, "vertex: hello");
    }
    assert_eq!(seen.exchanges.load(Ordering::SeqCst), 1, "the access token is kept");

    let revoked = json!({"region": "us-central1", "project_id": "acme-1", "client_id": "client-1", "client_secret": "s/cret",
        "refresh_token": "revoked", "token_url": format!("{url}/token")})
    .to_string();
    let target = build(&settings(TargetKind::Vertex, &url, "gemini-1.5-flash"), Some(&revoked), &local()).expect("builds");
    let error = target.chat(&hello()).await.expect_err("the exchange is refused");
    assert!(matches!(error, TargetError::Auth(_)), "{error:?}");
}

#[tokio::test]
async fn a_bedrock_agent_call_is_signed_and_its_event_stream_read() {
    let (url, _) = start().await;
    let credential = json!({"region": "eu-west-1", "access_key": "AKIDTEST", "secret_access_key": SECRET,
        "agent_id": "AGENT1", "agent_alias_id": "ALIAS1"})
    .to_string();
    let target = build(&settings(TargetKind::BedrockAgent, &url, "agent"), Some(&credential), &local()).expect("builds");
    let reply = target.chat(&hello()).await.expect("the signature holds");
    assert_eq!(reply.text, "agent: Instructions: Be brief.\n\nhello");
    let wrong = json!({"region": "eu-west-1", "access_key": "AKIDTEST", "secret_access_key": "not-it", "agent_id": "AGENT1",
        "agent_alias_id": "ALIAS1"})
    .to_string();
    let target = build(&settings(TargetKind::BedrockAgent, &url, "agent"), Some(&wrong), &local()).expect("builds");
    assert!(matches!(target.chat(&hello()).await, Err(TargetError::Auth(_))));
}
