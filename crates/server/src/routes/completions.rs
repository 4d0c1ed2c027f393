//! `POST /v1/chat/completions`: the embedded model behind the OpenAI chat-completions wire
//! format, so any OpenAI client can use it; `stream: true` answers with server-sent events
//! (`chat.completion.chunk` objects, then `data: [DONE]`). Whatever `model` the request names,
//! the embedded model answers and says so in `model`.

use std::convert::Infallible;
use std::sync::Arc;

use assay_core::{ChatRequest, GenerationParams, Id, Message, Role, Target, append_system, unix_now};
use assay_targets::local::LocalTarget;
use axum::Json;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(chat_completions))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CompletionMessage {
    /// `system`, `developer` (as system), `user` or `assistant`.
    role: String,
    /// A string, or an array of `{"type": "text", "text": …}` parts.
    #[schema(value_type = Object)]
    content: Value,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CompletionBody {
    model: Option<String>,
    messages: Vec<CompletionMessage>,
    max_tokens: Option<u32>,
    max_completion_tokens: Option<u32>,
    temperature: Option<f32>,
    top_p: Option<f32>,
    seed: Option<u64>,
    /// A string or an array of strings.
    #[schema(value_type = Object)]
    stop: Option<Value>,
    #[serde(default)]
    stream: bool,
}

fn text_of(content: &Value) -> Result<String, ApiError> {
    match content {
        Value::String(text) => Ok(text.clone()),
        Value::Array(parts) => parts
            .iter()
            .map(|part| match (part.get("type").and_then(Value::as_str), part.get("text").and_then(Value::as_str)) {
                (Some("text"), Some(text)) => Ok(text),
                _ => Err(ApiError::invalid("only text content parts are supported")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|texts| texts.join("")),
        _ => Err(ApiError::invalid("message content must be a string or an array of text parts")),
    }
}

fn to_request(body: &CompletionBody) -> Result<ChatRequest, ApiError> {
    let mut system: Option<String> = None;
    let mut messages = Vec::with_capacity(body.messages.len());
    for message in &body.messages {
        let content = text_of(&message.content)?;
        let role = match message.role.as_str() {
            "system" | "developer" => Role::System,
            "user" => Role::User,
            "assistant" => Role::Assistant,
            other => return Err(ApiError::invalid(format!("unsupported role {other:?}"))),
        };
        match role {
            Role::System => append_system(&mut system, &content),
            role => messages.push(Message { role, content }),
        }
    }
    if !messages.iter().any(|m| m.role == Role::User) {
        return Err(ApiError::invalid("messages must include a user message"));
    }
    let stop = match &body.stop {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| ApiError::invalid("stop must hold strings")))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(ApiError::invalid("stop must be a string or an array of strings")),
    };
    let params = GenerationParams {
        max_tokens: body.max_completion_tokens.or(body.max_tokens),
        temperature: body.temperature,
        top_p: body.top_p,
        stop,
        seed: body.seed,
    };
    Ok(ChatRequest { system, messages, session_id: None, params })
}

fn finish_reason(truncated: bool) -> &'static str {
    if truncated { "length" } else { "stop" }
}

/// Chat completions from the embedded model (OpenAI-compatible).
#[utoipa::path(post, path = "/v1/chat/completions", tag = "models", request_body = CompletionBody,
    responses((status = 200, description = "A chat.completion object, or with `stream: true` an event stream of chat.completion.chunk objects"),
        (status = 400, description = "Invalid request"), (status = 502, description = "The model failed")))]
async fn chat_completions(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<CompletionBody>,
) -> Result<Response, ApiError> {
    let request = to_request(&body)?;
    let local = Arc::clone(&state.local);
    local.warm_up().await?;
    let id = format!("chatcmpl-{}", Id::generate());
    let model = local.describe().model.unwrap_or_else(|| body.model.clone().unwrap_or_default());
    if body.stream {
        return Ok(stream(local, request, id, model).into_response());
    }
    let (reply, truncated) = local.complete(&request, None).await?;
    let usage = reply.usage.unwrap_or_default();
    Ok(Json(json!({
        "id": id,
        "object": "chat.completion",
        "created": unix_now(),
        "model": model,
        "choices": [{ "index": 0, "message": { "role": "assistant", "content": reply.text }, "finish_reason": finish_reason(truncated) }],
        "usage": { "prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
            "total_tokens": usage.prompt_tokens + usage.completion_tokens },
    }))
    .into_response())
}

fn stream(
    local: Arc<LocalTarget>,
    request: ChatRequest,
    id: String,
    model: String,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let (events, receiver) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let created = unix_now();
    let chunk = move |delta: Value, finish: Option<&str>| {
        Event::default().data(
            json!({ "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }] })
            .to_string(),
        )
    };
    tokio::spawn(async move {
        let _ = events.send(chunk(json!({ "role": "assistant", "content": "" }), None));
        let (pieces, mut text) = tokio::sync::mpsc::unbounded_channel::<String>();
        let generation = tokio::spawn(async move { local.complete(&request, Some(pieces)).await });
        while let Some(piece) = text.recv().await {
            let _ = events.send(chunk(json!({ "content": piece }), None));
        }
        match generation.await {
            Ok(Ok((_, truncated))) => {
                let _ = events.send(chunk(json!({}), Some(finish_reason(truncated))));
            }
            Ok(Err(error)) => {
                let _ = events
                    .send(Event::default().data(json!({ "error": { "message": error.to_string(), "type": error.kind() } }).to_string()));
            }
            Err(error) => tracing::error!(%error, "streaming generation task failed"),
        }
        let _ = events.send(Event::default().data("[DONE]"));
    });
    let stream =
        futures_util::stream::unfold(receiver, |mut receiver| async move { receiver.recv().await.map(|event| (Ok(event), receiver)) });
    Sse::new(stream).keep_alive(KeepAlive::default())
}
