//! assay serving the standard system-under-test contract (`../shared/specs/target-contract-*`)
//! in front of its targets: `POST /chat`, `POST /sessions`, `POST /sessions/{session_id}/restart`,
//! `DELETE /sessions/{session_id}` at the root for the default target, and the same under
//! `/targets/{id}/…` for every stored target of the caller's team.
//!
//! Sessions are held by assay, in the store (they survive a restart): each turn sends the
//! whole history to the target. An ended or unknown session answers 404 on chat and restart.

use std::sync::Arc;

use assay_core::{ChatRequest, ErrorCode, Id, Message, Role, Target, append_system};
use assay_targets::Reliable;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, OptionalJson, PathId, PathIdPair, non_null};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(chat))
        .routes(routes!(new_session))
        .routes(routes!(restart_session))
        .routes(routes!(end_session))
        .routes(routes!(target_chat))
        .routes(routes!(target_new_session))
        .routes(routes!(target_restart_session))
        .routes(routes!(target_end_session))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WireMessage {
    #[schema(value_type = String)]
    role: Role,
    content: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChatBody {
    /// The user prompt (required when `messages` is absent).
    #[serde(default, deserialize_with = "non_null")]
    message: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    system: Option<String>,
    /// The conversation for multi-turn use; the reply answers its last user turn.
    #[serde(default, deserialize_with = "non_null")]
    messages: Option<Vec<WireMessage>>,
    #[serde(default, deserialize_with = "non_null")]
    session_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChatUsage {
    prompt_tokens: u32,
    completion_tokens: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChatAnswer {
    content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_id: Option<String>,
    usage: ChatUsage,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SessionBody {
    #[serde(default, deserialize_with = "non_null")]
    system: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionAnswer {
    session_id: String,
}

/// The live target a request addresses: the default one, or a stored target of the team.
/// The first call to the embedded model waits here for its pull and load, outside the
/// per-attempt timeout.
async fn resolve(state: &AppState, caller: &Caller, target_id: Option<&Id>) -> Result<Arc<Reliable>, ApiError> {
    let target = match target_id {
        None => state.default_target.clone().map_err(|reason| ApiError::with_message(ErrorCode::ServiceUnavailable, reason))?,
        Some(id) => {
            let stored = state.store.target(&caller.0.team_id, id).await?.ok_or_else(ApiError::not_found)?;
            state.targets.get(&state.store, &stored, &state.local_model).await?
        }
    };
    target.warm_up().await?;
    Ok(target)
}

fn session_not_found() -> ApiError {
    ApiError::with_message(ErrorCode::NotFound, "Session not found or already ended.")
}

async fn run_chat(state: AppState, caller: Caller, target_id: Option<Id>, body: ChatBody) -> Result<Json<ChatAnswer>, ApiError> {
    let mut system = body.system;
    let mut turns: Vec<Message> = Vec::new();
    for message in body.messages.unwrap_or_default() {
        match message.role {
            Role::System => append_system(&mut system, &message.content),
            role => turns.push(Message { role, content: message.content }),
        }
    }
    if let Some(message) = body.message {
        turns.push(Message::user(message));
    }
    if !turns.iter().any(|m| m.role == Role::User) {
        return Err(ApiError::invalid("message or messages required"));
    }
    let session = match &body.session_id {
        Some(raw) => {
            let id = Id::parse(raw).map_err(|_| session_not_found())?;
            Some(state.store.live_contract_session(&caller.0.team_id, target_id.as_ref(), &id).await?.ok_or_else(session_not_found)?)
        }
        None => None,
    };
    let target = resolve(&state, &caller, target_id.as_ref()).await?;
    let mut history = session.as_ref().map(|s| s.messages.clone()).unwrap_or_default();
    history.extend(turns);
    let system = system.or_else(|| session.as_ref().and_then(|s| s.system.clone()));
    let request = ChatRequest { system, messages: history, ..ChatRequest::default() };
    let reply = target.chat(&request).await?;
    if let Some(session) = &session {
        let mut history = request.messages;
        history.push(Message::assistant(reply.text.clone()));
        if !state.store.save_contract_session(&caller.0.team_id, &session.id, None, &history).await? {
            return Err(session_not_found());
        }
    }
    let usage = reply.usage.unwrap_or_default();
    Ok(Json(ChatAnswer {
        content: reply.text,
        session_id: session.map(|s| s.id.to_string()),
        usage: ChatUsage { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens },
    }))
}

async fn run_new_session(
    state: AppState,
    caller: Caller,
    target_id: Option<Id>,
    body: Option<SessionBody>,
) -> Result<Json<SessionAnswer>, ApiError> {
    resolve(&state, &caller, target_id.as_ref()).await?;
    let system = body.and_then(|b| b.system);
    let session = state.store.create_contract_session(&caller.0.team_id, target_id.as_ref(), system.as_deref()).await?;
    Ok(Json(SessionAnswer { session_id: session.id.to_string() }))
}

async fn run_restart(
    state: AppState,
    caller: Caller,
    target_id: Option<Id>,
    session_id: Id,
    body: Option<SessionBody>,
) -> Result<Json<SessionAnswer>, ApiError> {
    state.store.live_contract_session(&caller.0.team_id, target_id.as_ref(), &session_id).await?.ok_or_else(session_not_found)?;
    let system = body.and_then(|b| b.system);
    if !state.store.save_contract_session(&caller.0.team_id, &session_id, system.as_deref(), &[]).await? {
        return Err(session_not_found());
    }
    Ok(Json(SessionAnswer { session_id: session_id.to_string() }))
}

async fn run_end(state: AppState, caller: Caller, target_id: Option<Id>, session_id: Id) -> Result<StatusCode, ApiError> {
    state.store.live_contract_session(&caller.0.team_id, target_id.as_ref(), &session_id).await?.ok_or_else(session_not_found)?;
    if !state.store.end_contract_session(&caller.0.team_id, &session_id).await? {
        return Err(session_not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a prompt to the default target and returns its reply.
#[utoipa::path(post, path = "/chat", tag = "contract", request_body = ChatBody,
    responses((status = 200, description = "The reply", body = ChatAnswer), (status = 400, description = "No message"),
        (status = 401, description = "Missing or invalid key"), (status = 404, description = "Session not found or ended"),
        (status = 502, description = "The target failed"), (status = 503, description = "No default target"),
        (status = 504, description = "The target timed out")))]
async fn chat(State(state): State<AppState>, caller: Caller, ApiJson(body): ApiJson<ChatBody>) -> Result<Json<ChatAnswer>, ApiError> {
    run_chat(state, caller, None, body).await
}

/// Opens a session with the default target.
#[utoipa::path(post, path = "/sessions", tag = "contract", request_body(content = Option<SessionBody>),
    responses((status = 200, description = "Created", body = SessionAnswer), (status = 401, description = "Missing or invalid key")))]
async fn new_session(
    State(state): State<AppState>,
    caller: Caller,
    OptionalJson(body): OptionalJson<SessionBody>,
) -> Result<Json<SessionAnswer>, ApiError> {
    run_new_session(state, caller, None, body).await
}

/// Clears a session's conversation; the id stays valid.
#[utoipa::path(post, path = "/sessions/{session_id}/restart", tag = "contract", params(("session_id" = String, Path)),
    request_body(content = Option<SessionBody>),
    responses((status = 200, description = "Restarted", body = SessionAnswer), (status = 404, description = "Session not found or ended")))]
async fn restart_session(
    State(state): State<AppState>,
    caller: Caller,
    PathId(session_id): PathId,
    OptionalJson(body): OptionalJson<SessionBody>,
) -> Result<Json<SessionAnswer>, ApiError> {
    run_restart(state, caller, None, session_id, body).await
}

/// Ends a session.
#[utoipa::path(delete, path = "/sessions/{session_id}", tag = "contract", params(("session_id" = String, Path)),
    responses((status = 204, description = "Ended"), (status = 404, description = "Session not found or ended")))]
async fn end_session(State(state): State<AppState>, caller: Caller, PathId(session_id): PathId) -> Result<StatusCode, ApiError> {
    run_end(state, caller, None, session_id).await
}

/// Sends a prompt to a stored target.
#[utoipa::path(post, path = "/targets/{id}/chat", tag = "contract", params(("id" = String, Path)), request_body = ChatBody,
    responses((status = 200, description = "The reply", body = ChatAnswer), (status = 400, description = "No message"),
        (status = 404, description = "No such target or session"), (status = 502, description = "The target failed"),
        (status = 504, description = "The target timed out")))]
async fn target_chat(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiJson(body): ApiJson<ChatBody>,
) -> Result<Json<ChatAnswer>, ApiError> {
    run_chat(state, caller, Some(id), body).await
}

/// Opens a session with a stored target.
#[utoipa::path(post, path = "/targets/{id}/sessions", tag = "contract", params(("id" = String, Path)), request_body(content = Option<SessionBody>),
    responses((status = 200, description = "Created", body = SessionAnswer), (status = 404, description = "No such target")))]
async fn target_new_session(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    OptionalJson(body): OptionalJson<SessionBody>,
) -> Result<Json<SessionAnswer>, ApiError> {
    run_new_session(state, caller, Some(id), body).await
}

/// Clears a session of a stored target.
#[utoipa::path(post, path = "/targets/{id}/sessions/{session_id}/restart", tag = "contract",
    params(("id" = String, Path), ("session_id" = String, Path)), request_body(content = Option<SessionBody>),
    responses((status = 200, description = "Restarted", body = SessionAnswer), (status = 404, description = "Session not found or ended")))]
async fn target_restart_session(
    State(state): State<AppState>,
    caller: Caller,
    PathIdPair(id, session_id): PathIdPair,
    OptionalJson(body): OptionalJson<SessionBody>,
) -> Result<Json<SessionAnswer>, ApiError> {
    run_restart(state, caller, Some(id), session_id, body).await
}

/// Ends a session of a stored target.
#[utoipa::path(delete, path = "/targets/{id}/sessions/{session_id}", tag = "contract",
    params(("id" = String, Path), ("session_id" = String, Path)),
    responses((status = 204, description = "Ended"), (status = 404, description = "Session not found or ended")))]
async fn target_end_session(
    State(state): State<AppState>,
    caller: Caller,
    PathIdPair(id, session_id): PathIdPair,
) -> Result<StatusCode, ApiError> {
    run_end(state, caller, Some(id), session_id).await
}
