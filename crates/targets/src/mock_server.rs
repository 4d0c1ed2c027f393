//! A mock system under test served over HTTP with the standard contract (`POST /chat`,
//! `/sessions…`), with scripted faults: the other end for contract-client tests and
//! benchmarks, and `assay mock-target` for demos.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use serde_json::{Value, json};

use crate::mock::{Behavior, Fault, word_count};

#[derive(Debug, Clone, Default)]
pub struct MockServerOptions {
    /// Serve `/sessions…`; without it those paths answer 404 (a session-less target).
    pub sessions: bool,
    /// Require this key as `Authorization: Bearer` or `X-API-Key`.
    pub required_key: Option<String>,
}

#[derive(Default)]
struct Shared {
    behavior: Behavior,
    options: MockServerOptions,
    /// Session id → number of user turns so far.
    sessions: Mutex<HashMap<String, u32>>,
    last_chat_body: Mutex<Option<Value>>,
}

pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl MockServer {
    /// Starts on 127.0.0.1 on a free port.
    pub async fn start(behavior: Behavior, options: MockServerOptions) -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0".parse().expect("literal address"), behavior, options).await
    }

    pub async fn start_on(addr: SocketAddr, behavior: Behavior, options: MockServerOptions) -> std::io::Result<Self> {
        let shared = Arc::new(Shared { behavior, options, ..Shared::default() });
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let router = router(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router).await {
                tracing::error!(%error, "mock server stopped");
            }
        });
        Ok(Self { addr, shared, task })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn push_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        self.shared.behavior.push_faults(faults);
    }

    /// Requests to `/chat` so far (faulted ones included).
    pub fn chat_calls(&self) -> u64 {
        self.shared.behavior.calls()
    }

    pub fn last_chat_body(&self) -> Option<Value> {
        self.shared.last_chat_body.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/chat", post(chat))
        .route("/sessions", post(new_session))
        .route("/sessions/{id}/restart", post(restart_session))
        .route("/sessions/{id}", delete(end_session))
        .route("/v1/chat/completions", post(openai_chat))
        .route("/v1/models", axum::routing::get(openai_models))
        .route("/openai/deployments/{deployment}/chat/completions", post(openai_chat))
        .route("/v1/messages", post(anthropic_messages))
        .with_state(shared)
}

/// The OpenAI models list: the one model the mock plays.
async fn openai_models(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if !authorized(&shared, &headers) {
        return error(StatusCode::UNAUTHORIZED, "unauthorized", "missing or wrong key");
    }
    axum::Json(json!({ "object": "list", "data": [{ "id": "mock-echo", "object": "model", "owned_by": "assay" }] })).into_response()
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, axum::Json(json!({ "error": code, "message": message }))).into_response()
}

fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    let Some(required) = &shared.options.required_key else { return true };
    let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let header_key = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    [bearer, header_key("x-api-key"), header_key("api-key")].contains(&Some(required.as_str()))
}

/// Applies the next scripted fault, if any: `Some(response)` answers in its place.
async fn injected_fault(shared: &Shared) -> Option<Response> {
    let fault = shared.behavior.next_fault();
    if !shared.behavior.latency.is_zero() {
        tokio::time::sleep(shared.behavior.latency).await;
    }
    match fault? {
        Fault::Status(status) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Some(error(status, "injected", "injected fault"))
        }
        Fault::RateLimit { retry_after_secs } => {
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "slow down");
            response.headers_mut().insert(header::RETRY_AFTER, retry_after_secs.into());
            Some(response)
        }
        Fault::Hang => std::future::pending().await,
        Fault::Garbage => Some((StatusCode::OK, "<html>definitely not json").into_response()),
    }
}

/// The last user message of an OpenAI- or Anthropic-style `messages` array.
fn last_user_content(value: &Value) -> Option<&str> {
    value
        .get("messages")?
        .as_array()?
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))?
        .get("content")?
        .as_str()
}

async fn chat(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: String) -> Response {
    if let Some(response) = injected_fault(&shared).await {
        return response;
    }
    if !authorized(&shared, &headers) {
        return error(StatusCode::UNAUTHORIZED, "unauthorized", "Invalid or missing API key.");
    }
    let Ok(value) = serde_json::from_str::<Value>(&body) else { return error(StatusCode::BAD_REQUEST, "bad_request", "body is not JSON") };
    *shared.last_chat_body.lock().unwrap_or_else(PoisonError::into_inner) = Some(value.clone());
    let Some(message) = value.get("message").and_then(Value::as_str).or_else(|| last_user_content(&value)) else {
        return error(StatusCode::BAD_REQUEST, "bad_request", "message or messages required");
    };
    let mut reply = json!({
        "content": shared.behavior.reply_to(message),
        "usage": { "prompt_tokens": word_count(message), "completion_tokens": word_count(&shared.behavior.reply_to(message)) },
    });
    if let Some(session_id) = value.get("session_id").and_then(Value::as_str) {
        let mut sessions = shared.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(turns) = sessions.get_mut(session_id) else {
            return error(StatusCode::NOT_FOUND, "not_found", "session not found or ended");
        };
        *turns += 1;
        reply["session_id"] = json!(session_id);
        reply["turn"] = json!(*turns);
    }
    axum::Json(reply).into_response()
}

async fn new_session(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if !shared.options.sessions {
        return error(StatusCode::NOT_FOUND, "not_found", "no sessions here");
    }
    if !authorized(&shared, &headers) {
        return error(StatusCode::UNAUTHORIZED, "unauthorized", "Invalid or missing API key.");
    }
    let id = format!("sess_{}", uuid::Uuid::new_v4().simple());
    shared.sessions.lock().unwrap_or_else(PoisonError::into_inner).insert(id.clone(), 0);
    axum::Json(json!({ "session_id": id })).into_response()
}

async fn restart_session(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    match shared.sessions.lock().unwrap_or_else(PoisonError::into_inner).get_mut(&id) {
        Some(turns) if shared.options.sessions => {
            *turns = 0;
            axum::Json(json!({ "session_id": id })).into_response()
        }
        _ => error(StatusCode::NOT_FOUND, "not_found", "session not found or ended"),
    }
}

async fn end_session(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    match shared.sessions.lock().unwrap_or_else(PoisonError::into_inner).remove(&id) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => error(StatusCode::NOT_FOUND, "not_found", "session not found or ended"),
    }
}

/// Parses an authorised JSON body for the OpenAI/Anthropic routes, or the error to answer.
async fn model_api_request(shared: &Shared, headers: &HeaderMap, body: &str) -> Result<(Value, String), Response> {
    if let Some(response) = injected_fault(shared).await {
        return Err(response);
    }
    if !authorized(shared, headers) {
        return Err(error(StatusCode::UNAUTHORIZED, "unauthorized", "Invalid or missing API key."));
    }
    let value: Value = serde_json::from_str(body).map_err(|_| error(StatusCode::BAD_REQUEST, "bad_request", "body is not JSON"))?;
    *shared.last_chat_body.lock().unwrap_or_else(PoisonError::into_inner) = Some(value.clone());
    let message = last_user_content(&value).ok_or_else(|| error(StatusCode::BAD_REQUEST, "bad_request", "no user message"))?.to_owned();
    Ok((value, message))
}

async fn openai_chat(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: String) -> Response {
    let (value, message) = match model_api_request(&shared, &headers, &body).await {
        Ok(parsed) => parsed,
        Err(response) => return response,
    };
    let text = shared.behavior.reply_to(&message);
    axum::Json(json!({
        "id": "chatcmpl-mock",
        "object": "chat.completion",
        "model": value.get("model").cloned().unwrap_or(json!("mock")),
        "choices": [{ "index": 0, "message": { "role": "assistant", "content": text }, "finish_reason": "stop" }],
        "usage": { "prompt_tokens": word_count(&message), "completion_tokens": word_count(&text), "total_tokens": word_count(&message) + word_count(&text) },
    }))
    .into_response()
}

async fn anthropic_messages(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: String) -> Response {
    if headers.get("anthropic-version").is_none() {
        return error(StatusCode::BAD_REQUEST, "invalid_request_error", "anthropic-version header is required");
    }
    let (value, message) = match model_api_request(&shared, &headers, &body).await {
        Ok(parsed) => parsed,
        Err(response) => return response,
    };
    let text = shared.behavior.reply_to(&message);
    axum::Json(json!({
        "id": "msg_mock",
        "type": "message",
        "role": "assistant",
        "model": value.get("model").cloned().unwrap_or(json!("mock")),
        "content": [{ "type": "text", "text": text }],
        "stop_reason": "end_turn",
        "usage": { "input_tokens": word_count(&message), "output_tokens": word_count(&text) },
    }))
    .into_response()
}
