//! `/v1/playgrounds`, their agent sessions and messages, and `/v1/attackers`. A playground
//! names an agent configuration; each session is one conversation with it. Posting a message
//! stores the person's turn, calls the agent (its hub, model, key and system prompt, with the
//! session so far) and stores its reply; an agent that fails leaves its turn stored with the
//! error. An attacker run (`POST /v1/attackers`) holds its conversation in a session of the
//! playground, every agent reply stored with the verdicts of the attack's detectors.

use std::sync::Arc;

use assay_core::{
    Hub, Id, Message, MessageVerdict, NewPlaygroundMessage, Playground, PlaygroundMessage, PlaygroundSession, Role, Target, unix_now,
};
use assay_engine::playground::{
    AttackerInfo, MAX_ATTACK_TURNS, attack, attackers, goal_rubric, is_attacker, reply, reply_resisted, verdicts,
};
use assay_engine::trust::ProviderTarget;
use assay_store::MessageFilter;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Results;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, MultiQuery, PathId, PathIdPair};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_playground, list_playgrounds))
        .routes(routes!(playground_by_id, update_playground))
        .routes(routes!(create_session, list_sessions))
        .routes(routes!(session_by_id, update_session))
        .routes(routes!(post_message, list_messages))
        .routes(routes!(update_message))
        .routes(routes!(list_attackers, run_attack))
}

/// Messages kept of a session when the agent is called: the newest this many.
const HISTORY: i64 = 200;
const STATUSES: [&str; 2] = ["active", "closed"];

#[derive(Debug, Serialize, ToSchema)]
pub struct PlaygroundView {
    id: String,
    name: String,
    description: String,
    agent_configuration_id: String,
    created_by: String,
    /// Unix seconds.
    created_at: i64,
    /// Unix seconds.
    updated_at: i64,
}

impl From<Playground> for PlaygroundView {
    fn from(p: Playground) -> Self {
        Self {
            id: p.id.to_string(),
            name: p.name,
            description: p.description,
            agent_configuration_id: p.agent_configuration_id.to_string(),
            created_by: p.created_by.to_string(),
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlaygroundSessionView {
    id: String,
    playground_id: String,
    agent_configuration_id: String,
    name: String,
    /// `active` or `closed`.
    status: String,
    created_by: String,
    /// Unix seconds.
    created_at: i64,
    /// Unix seconds.
    updated_at: i64,
}

impl From<PlaygroundSession> for PlaygroundSessionView {
    fn from(s: PlaygroundSession) -> Self {
        Self {
            id: s.id.to_string(),
            playground_id: s.playground_id.to_string(),
            agent_configuration_id: s.agent_configuration_id.to_string(),
            name: s.name,
            status: s.status,
            created_by: s.created_by.to_string(),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlaygroundVerdictView {
    /// `assay.detectors.<id>`.
    detector_id: String,
    hit: bool,
    score: f64,
    /// The reply is safe by this detector.
    safe: bool,
    /// The detector could not decide.
    unscorable: bool,
    reasoning: String,
}

impl From<MessageVerdict> for PlaygroundVerdictView {
    fn from(v: MessageVerdict) -> Self {
        Self {
            detector_id: super::views::detector_config_id(&v.detector_id),
            hit: v.hit,
            score: v.score,
            safe: v.safe,
            unscorable: v.unscorable,
            reasoning: v.reasoning,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlaygroundMessageView {
    id: String,
    playground_id: String,
    agent_session_id: String,
    /// Order within the session, from 1.
    seq: i64,
    /// `user` or `assistant`.
    role: String,
    content: String,
    /// The attacker that wrote this turn, or whose attack it answered.
    attacker_id: Option<String>,
    /// Verdicts on an agent reply to an attack.
    detections: Vec<PlaygroundVerdictView>,
    /// Why the agent gave no reply.
    error: Option<String>,
    feedback: Option<String>,
    /// -1, 0 or 1.
    rating: Option<i64>,
    /// Unix seconds.
    created_at: i64,
    /// Unix seconds.
    updated_at: i64,
}

impl From<PlaygroundMessage> for PlaygroundMessageView {
    fn from(m: PlaygroundMessage) -> Self {
        Self {
            id: m.id.to_string(),
            playground_id: m.playground_id.to_string(),
            agent_session_id: m.agent_session_id.to_string(),
            seq: m.seq,
            role: m.role,
            content: m.content,
            attacker_id: m.attacker_id,
            detections: m.verdicts.into_iter().map(PlaygroundVerdictView::from).collect(),
            error: m.error,
            feedback: m.feedback,
            rating: m.rating,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

fn name_ok(name: &str, field: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid(format!("{field} must be 1 to 200 characters")));
    }
    Ok(name.to_owned())
}

fn id_field(raw: &str, field: &str) -> Result<Id, ApiError> {
    Id::parse(raw).map_err(|_| ApiError::invalid(format!("{field} {raw:?} is not an id")))
}

/// The team's agent named by a body, which must exist.
async fn agent_of(state: &AppState, caller: &Caller, raw: &str) -> Result<assay_core::AgentConfiguration, ApiError> {
    let id = id_field(raw, "agent_configuration_id")?;
    state.store.agent(&caller.0.team_id, &id).await?.ok_or_else(|| ApiError::invalid(format!("no agent configuration {raw} in this team")))
}

async fn team_playground(state: &AppState, caller: &Caller, id: &Id) -> Result<Playground, ApiError> {
    state.store.playground(&caller.0.team_id, id).await?.ok_or_else(ApiError::not_found)
}

async fn team_session(state: &AppState, caller: &Caller, playground: &Id, id: &Id) -> Result<PlaygroundSession, ApiError> {
    state.store.session(&caller.0.team_id, playground, id).await?.ok_or_else(ApiError::not_found)
}

// ---------------------------------------------------------------- playgrounds

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaygroundBody {
    /// Create only: a UUID chosen by the client (adopted).
    #[serde(default)]
    id: Option<String>,
    name: String,
    #[serde(default)]
    description: Option<String>,
    /// An agent configuration of the team.
    agent_configuration_id: String,
}

/// Makes a playground for one of the team's agents.
#[utoipa::path(post, path = "/v1/playgrounds", tag = "playgrounds", request_body = PlaygroundBody,
    responses((status = 200, description = "The playground", body = PlaygroundView), (status = 400, description = "Bad name or agent"),
        (status = 409, description = "The id is taken")))]
async fn create_playground(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<PlaygroundBody>,
) -> Result<Json<PlaygroundView>, ApiError> {
    let agent = agent_of(&state, &caller, &body.agent_configuration_id).await?;
    let now = unix_now();
    let playground = Playground {
        id: match body.id.as_deref() {
            Some(raw) => id_field(raw, "id")?,
            None => Id::generate(),
        },
        team_id: caller.0.team_id.clone(),
        name: name_ok(&body.name, "name")?,
        description: body.description.unwrap_or_default(),
        agent_configuration_id: agent.id,
        created_by: caller.0.user_id.clone(),
        created_at: now,
        updated_at: now,
    };
    state.store.create_playground(&playground).await?;
    Ok(Json(playground.into()))
}

/// The team's playgrounds, newest first.
#[utoipa::path(get, path = "/v1/playgrounds", tag = "playgrounds",
    responses((status = 200, description = "The playgrounds", body = Results<PlaygroundView>)))]
async fn list_playgrounds(State(state): State<AppState>, caller: Caller) -> Result<Json<Results<PlaygroundView>>, ApiError> {
    let all = state.store.list_playgrounds(&caller.0.team_id).await?;
    Ok(Results::of(all.into_iter().map(PlaygroundView::from).collect()))
}

#[utoipa::path(get, path = "/v1/playgrounds/{id}", tag = "playgrounds", params(("id" = String, Path)),
    responses((status = 200, description = "The playground", body = PlaygroundView), (status = 404, description = "No such playground in this team")))]
async fn playground_by_id(State(state): State<AppState>, caller: Caller, PathId(id): PathId) -> Result<Json<PlaygroundView>, ApiError> {
    Ok(Json(team_playground(&state, &caller, &id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaygroundChange {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    /// The agent new sessions talk to.
    #[serde(default)]
    agent_configuration_id: Option<String>,
}

/// Renames a playground, or points it at another agent (sessions keep theirs).
#[utoipa::path(put, path = "/v1/playgrounds/{id}", tag = "playgrounds", params(("id" = String, Path)), request_body = PlaygroundChange,
    responses((status = 200, description = "The playground", body = PlaygroundView), (status = 400, description = "Bad name or agent"),
        (status = 404, description = "No such playground in this team")))]
async fn update_playground(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiJson(change): ApiJson<PlaygroundChange>,
) -> Result<Json<PlaygroundView>, ApiError> {
    let mut playground = team_playground(&state, &caller, &id).await?;
    if let Some(name) = change.name {
        playground.name = name_ok(&name, "name")?;
    }
    if let Some(description) = change.description {
        playground.description = description;
    }
    if let Some(raw) = change.agent_configuration_id {
        playground.agent_configuration_id = agent_of(&state, &caller, &raw).await?.id;
    }
    let stored = state.store.update_playground(&playground).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(stored.into()))
}

// ---------------------------------------------------------------- sessions

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaygroundSessionBody {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    /// Default: the playground's agent.
    #[serde(default)]
    agent_configuration_id: Option<String>,
}

/// Opens a conversation with the playground's agent (or another of the team's).
#[utoipa::path(post, path = "/v1/playgrounds/{id}/agent-sessions", tag = "playgrounds", params(("id" = String, Path)),
    request_body = PlaygroundSessionBody,
    responses((status = 200, description = "The session", body = PlaygroundSessionView), (status = 400, description = "Bad name or agent"),
        (status = 404, description = "No such playground in this team"), (status = 409, description = "The id is taken")))]
async fn create_session(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiJson(body): ApiJson<PlaygroundSessionBody>,
) -> Result<Json<PlaygroundSessionView>, ApiError> {
    let playground = team_playground(&state, &caller, &id).await?;
    let session = new_session(&state, &caller, &playground, body).await?;
    Ok(Json(session.into()))
}

async fn new_session(
    state: &AppState,
    caller: &Caller,
    playground: &Playground,
    body: PlaygroundSessionBody,
) -> Result<PlaygroundSession, ApiError> {
    let agent = match body.agent_configuration_id.as_deref() {
        Some(raw) => agent_of(state, caller, raw).await?.id,
        None => playground.agent_configuration_id.clone(),
    };
    let now = unix_now();
    let session = PlaygroundSession {
        id: match body.id.as_deref() {
            Some(raw) => id_field(raw, "id")?,
            None => Id::generate(),
        },
        playground_id: playground.id.clone(),
        agent_configuration_id: agent,
        name: match body.name {
            Some(name) => name_ok(&name, "name")?,
            None => "Session".to_owned(),
        },
        status: "active".to_owned(),
        created_by: caller.0.user_id.clone(),
        created_at: now,
        updated_at: now,
    };
    state.store.create_session(&caller.0.team_id, &session).await?;
    Ok(session)
}

#[utoipa::path(get, path = "/v1/playgrounds/{id}/agent-sessions", tag = "playgrounds", params(("id" = String, Path)),
    responses((status = 200, description = "The sessions, newest first", body = Results<PlaygroundSessionView>),
        (status = 404, description = "No such playground in this team")))]
async fn list_sessions(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Json<Results<PlaygroundSessionView>>, ApiError> {
    team_playground(&state, &caller, &id).await?;
    let all = state.store.list_sessions(&caller.0.team_id, &id).await?;
    Ok(Results::of(all.into_iter().map(PlaygroundSessionView::from).collect()))
}

#[utoipa::path(get, path = "/v1/playgrounds/{id}/agent-sessions/{agent_session_id}", tag = "playgrounds",
    params(("id" = String, Path), ("agent_session_id" = String, Path)),
    responses((status = 200, description = "The session", body = PlaygroundSessionView), (status = 404, description = "No such session")))]
async fn session_by_id(
    State(state): State<AppState>,
    caller: Caller,
    PathIdPair(playground, id): PathIdPair,
) -> Result<Json<PlaygroundSessionView>, ApiError> {
    Ok(Json(team_session(&state, &caller, &playground, &id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaygroundSessionChange {
    #[serde(default)]
    name: Option<String>,
    /// `active` or `closed`.
    #[serde(default)]
    status: Option<String>,
}

/// Renames a session, or closes (or reopens) it.
#[utoipa::path(put, path = "/v1/playgrounds/{id}/agent-sessions/{agent_session_id}", tag = "playgrounds",
    params(("id" = String, Path), ("agent_session_id" = String, Path)), request_body = PlaygroundSessionChange,
    responses((status = 200, description = "The session", body = PlaygroundSessionView), (status = 400, description = "Bad name or status"),
        (status = 404, description = "No such session")))]
async fn update_session(
    State(state): State<AppState>,
    caller: Caller,
    PathIdPair(playground, id): PathIdPair,
    ApiJson(change): ApiJson<PlaygroundSessionChange>,
) -> Result<Json<PlaygroundSessionView>, ApiError> {
    let mut session = team_session(&state, &caller, &playground, &id).await?;
    if let Some(name) = change.name {
        session.name = name_ok(&name, "name")?;
    }
    if let Some(status) = change.status {
        let status = status.trim().to_ascii_lowercase();
        if !STATUSES.contains(&status.as_str()) {
            return Err(ApiError::invalid("status must be active or closed"));
        }
        session.status = status;
    }
    let stored = state.store.update_session(&caller.0.team_id, &session).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(stored.into()))
}

// ---------------------------------------------------------------- messages

/// The agent a session talks to, as a live target with its system prompt.
async fn agent_target(state: &AppState, caller: &Caller, agent_id: &Id) -> Result<(Arc<dyn Target>, Option<String>), ApiError> {
    let agent =
        state.store.agent(&caller.0.team_id, agent_id).await?.ok_or_else(|| ApiError::invalid("the session's agent no longer exists"))?;
    let d = &agent.definition;
    let hub = Hub::parse(&d.hub).ok_or_else(|| ApiError::invalid(format!("the agent's hub {:?} is unknown", d.hub)))?;
    let key_id = d.api_key_id.as_ref().ok_or_else(|| ApiError::invalid("the agent has no API key to call it with"))?;
    let key =
        state.store.open_provider_key(&caller.0.team_id, key_id).await?.ok_or_else(|| ApiError::invalid("the agent's API key is gone"))?;
    let provider = ProviderTarget::for_call(hub, &key, Some(&d.model_name), d.agent_url.as_deref(), None).map_err(super::engine_error)?;
    let target = provider.build(Some(&key), &state.local_model).map_err(ApiError::invalid)?;
    Ok((target, d.agent_system_prompt.clone().filter(|p| !p.trim().is_empty())))
}

/// The session's conversation so far, oldest first (its newest [`HISTORY`] messages).
async fn history(state: &AppState, caller: &Caller, session: &PlaygroundSession) -> Result<Vec<Message>, ApiError> {
    let filter = MessageFilter { session_id: Some(session.id.clone()), newest_first: true, ..MessageFilter::default() };
    let mut stored = state.store.list_messages(&caller.0.team_id, &session.playground_id, &filter, HISTORY, 0).await?;
    stored.reverse();
    Ok(stored
        .into_iter()
        .filter(|m| m.error.is_none())
        .map(|m| if m.role == "assistant" { Message::assistant(m.content) } else { Message::user(m.content) })
        .collect())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaygroundMessageBody {
    /// The session to talk in; a new session of the playground when absent.
    #[serde(default)]
    agent_session_id: Option<String>,
    /// The person's turn.
    content: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlaygroundExchange {
    agent_session_id: String,
    /// The turns stored: the person's, then the agent's reply (or its error).
    results: Vec<PlaygroundMessageView>,
}

/// A person's turn: stored, sent to the agent with the session so far, and the agent's reply
/// stored after it.
#[utoipa::path(post, path = "/v1/playgrounds/{id}/messages", tag = "playgrounds", params(("id" = String, Path)), request_body = PlaygroundMessageBody,
    responses((status = 200, description = "The turn and the reply", body = PlaygroundExchange), (status = 400, description = "Bad message or agent"),
        (status = 404, description = "No such playground or session"), (status = 409, description = "The session is closed")))]
async fn post_message(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    ApiJson(body): ApiJson<PlaygroundMessageBody>,
) -> Result<Json<PlaygroundExchange>, ApiError> {
    let playground = team_playground(&state, &caller, &id).await?;
    if body.content.trim().is_empty() || body.content.len() > 100_000 {
        return Err(ApiError::invalid("content must be 1 to 100000 bytes"));
    }
    let session = match body.agent_session_id.as_deref() {
        Some(raw) => team_session(&state, &caller, &playground.id, &Id::parse(raw).map_err(|_| ApiError::not_found())?).await?,
        None => {
            new_session(&state, &caller, &playground, PlaygroundSessionBody { id: None, name: None, agent_configuration_id: None }).await?
        }
    };
    if session.status != "active" {
        return Err(ApiError::with_message(assay_core::ErrorCode::Conflict, "This session is closed; reopen it or start another."));
    }
    let (target, system) = agent_target(&state, &caller, &session.agent_configuration_id).await?;
    let mut conversation = history(&state, &caller, &session).await?;
    conversation.push(Message::user(body.content.clone()));
    let answer = reply(target.as_ref(), system.as_deref(), conversation).await;
    let user = NewPlaygroundMessage { role: "user".into(), content: body.content, attacker_id: None, verdicts: Vec::new(), error: None };
    let agent = match answer {
        Ok(text) => NewPlaygroundMessage { role: "assistant".into(), content: text, attacker_id: None, verdicts: Vec::new(), error: None },
        Err(why) => NewPlaygroundMessage {
            role: "assistant".into(),
            content: String::new(),
            attacker_id: None,
            verdicts: Vec::new(),
            error: Some(why),
        },
    };
    let stored = state.store.append_messages(&caller.0.team_id, &session, &[user, agent]).await?;
    Ok(Json(PlaygroundExchange {
        agent_session_id: session.id.to_string(),
        results: stored.into_iter().map(PlaygroundMessageView::from).collect(),
    }))
}

/// A playground's messages in order (`order_by=desc` for newest first), filtered by
/// `agent_session_id` or `message_id`, paged (`limit` 1 to 500, default 50).
#[utoipa::path(get, path = "/v1/playgrounds/{id}/messages", tag = "playgrounds",
    params(("id" = String, Path), ("agent_session_id" = Option<String>, Query), ("message_id" = Option<String>, Query),
        ("order_by" = Option<String>, Query), ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, description = "The messages", body = Results<PlaygroundMessageView>), (status = 400, description = "Bad filter"),
        (status = 404, description = "No such playground in this team")))]
async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    query: MultiQuery,
) -> Result<Json<Results<PlaygroundMessageView>>, ApiError> {
    team_playground(&state, &caller, &id).await?;
    let optional_id = |key: &str| query.one(key).map(|raw| id_field(raw, key)).transpose();
    let newest_first = match query.one("order_by").map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") | Some("created_at") => false,
        Some("desc") | Some("-created_at") => true,
        Some(other) => return Err(ApiError::invalid(format!("order_by must be asc or desc, not {other:?}"))),
    };
    let filter = MessageFilter { session_id: optional_id("agent_session_id")?, message_id: optional_id("message_id")?, newest_first };
    let (limit, offset) = crate::extract::page(query.int("limit")?, query.int("offset")?, assay_core::ErrorCode::InvalidRequest)?;
    let messages = state.store.list_messages(&caller.0.team_id, &id, &filter, limit, offset).await?;
    Ok(Results::of(messages.into_iter().map(PlaygroundMessageView::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaygroundMessageChange {
    /// A note on the message; null clears it.
    #[serde(default)]
    feedback: Option<String>,
    /// -1, 0 or 1; null clears it.
    #[serde(default)]
    rating: Option<i64>,
}

/// A person's feedback and rating on a message (its content stays as it was said).
#[utoipa::path(put, path = "/v1/playgrounds/{id}/messages/{message_id}", tag = "playgrounds",
    params(("id" = String, Path), ("message_id" = String, Path)), request_body = PlaygroundMessageChange,
    responses((status = 200, description = "The message", body = PlaygroundMessageView), (status = 400, description = "Bad rating"),
        (status = 404, description = "No such message")))]
async fn update_message(
    State(state): State<AppState>,
    caller: Caller,
    PathIdPair(playground, id): PathIdPair,
    ApiJson(change): ApiJson<PlaygroundMessageChange>,
) -> Result<Json<PlaygroundMessageView>, ApiError> {
    if change.rating.is_some_and(|r| !(-1..=1).contains(&r)) {
        return Err(ApiError::invalid("rating must be -1, 0 or 1"));
    }
    if change.feedback.as_ref().is_some_and(|f| f.len() > 10_000) {
        return Err(ApiError::invalid("feedback must be at most 10000 bytes"));
    }
    let message = state
        .store
        .rate_message(&caller.0.team_id, &playground, &id, change.feedback.as_deref(), change.rating)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(message.into()))
}

// ---------------------------------------------------------------- attackers

#[derive(Debug, Serialize, ToSchema)]
pub struct AttackerView {
    id: String,
    name: String,
    description: String,
    multi_turn: bool,
}

impl From<AttackerInfo> for AttackerView {
    fn from(a: AttackerInfo) -> Self {
        Self { id: a.id, name: a.name, description: a.description, multi_turn: a.multi_turn }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttackerList {
    results: Vec<AttackerView>,
    count: usize,
}

/// assay's attack strategies.
#[utoipa::path(get, path = "/v1/attackers", tag = "playgrounds", responses((status = 200, description = "The attackers", body = AttackerList)))]
async fn list_attackers() -> Json<AttackerList> {
    let results: Vec<AttackerView> = attackers().into_iter().map(AttackerView::from).collect();
    Json(AttackerList { count: results.len(), results })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttackBody {
    /// One of `GET /v1/attackers`.
    attacker_id: String,
    playground_id: String,
    /// The session to attack in; a new session named after the attack when absent.
    #[serde(default)]
    agent_session_id: Option<String>,
    /// What the attack tries to make the agent do.
    goal: String,
    /// Multi-turn attackers: at most this many turns (1 to 10, default 5).
    #[serde(default)]
    max_turns: Option<u32>,
    /// Detectors (`assay.detectors.ID` or `ID`, without parameters) judging every reply, in
    /// addition to the judge model grading it against the goal. Default: `refusal`.
    #[serde(default)]
    detector_ids: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttackOutcome {
    attacker_id: String,
    agent_session_id: String,
    /// `COMPLETED`, or `FAILED` (then `error` says why; the turns so far are kept).
    status: String,
    error: Option<String>,
    /// Turns the agent answered.
    turns: usize,
    /// True when every reply held: the judge model passed it and no detector that fails on a
    /// hit (such as `pii`) hit; without a judge verdict, every detector must call it safe.
    resisted: bool,
    /// The stored conversation of the attack.
    results: Vec<PlaygroundMessageView>,
}

/// Runs an attacker against a playground's agent: the conversation is stored in a session of
/// the playground, each reply with its detectors' verdicts (the judge model grades it against
/// the goal too).
#[utoipa::path(post, path = "/v1/attackers", tag = "playgrounds", request_body = AttackBody,
    responses((status = 200, description = "The attack's conversation and verdicts", body = AttackOutcome),
        (status = 400, description = "Bad attacker, goal, detector or agent"), (status = 404, description = "No such playground or session"),
        (status = 409, description = "The session is closed")))]
async fn run_attack(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<AttackBody>,
) -> Result<Json<AttackOutcome>, ApiError> {
    if !is_attacker(&body.attacker_id) {
        return Err(ApiError::invalid(format!("unknown attacker {:?}; see GET /v1/attackers", body.attacker_id)));
    }
    let goal = body.goal.trim().to_owned();
    if goal.is_empty() || goal.len() > 10_000 {
        return Err(ApiError::invalid("goal must be 1 to 10000 bytes"));
    }
    let max_turns = body.max_turns.unwrap_or(5);
    if !(1..=MAX_ATTACK_TURNS).contains(&max_turns) {
        return Err(ApiError::invalid(format!("max_turns must be 1 to {MAX_ATTACK_TURNS}")));
    }
    let mut detectors: Vec<(String, serde_json::Value)> = Vec::new();
    for raw in body.detector_ids.unwrap_or_else(|| vec!["refusal".to_owned()]) {
        let id = raw.strip_prefix(super::views::DETECTOR_PREFIX).unwrap_or(&raw).to_owned();
        if !assay_probes::DETECTORS.contains(&id.as_str()) || assay_engine::suite::PARAMETERISED.contains(&id.as_str()) {
            return Err(ApiError::invalid(format!("detector {id:?} is unknown or needs parameters")));
        }
        detectors.push((id, serde_json::Value::Null));
    }
    detectors.push(("llm-judge".to_owned(), serde_json::json!({ "rubric": goal_rubric(&goal) })));
    let playground_id = Id::parse(&body.playground_id).map_err(|_| ApiError::not_found())?;
    let playground = team_playground(&state, &caller, &playground_id).await?;
    let session = match body.agent_session_id.as_deref() {
        Some(raw) => team_session(&state, &caller, &playground.id, &Id::parse(raw).map_err(|_| ApiError::not_found())?).await?,
        None => {
            let name = format!("Attack: {}", body.attacker_id);
            new_session(&state, &caller, &playground, PlaygroundSessionBody { id: None, name: Some(name), agent_configuration_id: None })
                .await?
        }
    };
    if session.status != "active" {
        return Err(ApiError::with_message(assay_core::ErrorCode::Conflict, "This session is closed; reopen it or start another."));
    }
    let (target, system) = agent_target(&state, &caller, &session.agent_configuration_id).await?;
    let assistant = state.assistant.target().clone();
    let outcome = attack(&body.attacker_id, Some(&assistant), target.as_ref(), &goal, max_turns, system.as_deref()).await;
    let (conversation, error) = match outcome {
        Ok(messages) => (messages, None),
        Err(why) => (Vec::new(), Some(why)),
    };
    let registry = assay_detectors::Registry::new(Some(assistant));
    let mut records = Vec::new();
    let mut last_prompt = goal.clone();
    for message in conversation {
        let attacker_id = Some(body.attacker_id.clone());
        if message.role == Role::Assistant {
            let judged = verdicts(&registry, &detectors, &last_prompt, &message.content).await;
            records.push(NewPlaygroundMessage {
                role: "assistant".into(),
                content: message.content,
                attacker_id,
                verdicts: judged,
                error: None,
            });
        } else {
            last_prompt.clone_from(&message.content);
            records.push(NewPlaygroundMessage {
                role: "user".into(),
                content: message.content,
                attacker_id,
                verdicts: Vec::new(),
                error: None,
            });
        }
    }
    let stored = if records.is_empty() { Vec::new() } else { state.store.append_messages(&caller.0.team_id, &session, &records).await? };
    let replies: Vec<&PlaygroundMessage> = stored.iter().filter(|m| m.role == "assistant").collect();
    let resisted = replies.iter().all(|m| reply_resisted(&m.verdicts));
    Ok(Json(AttackOutcome {
        attacker_id: body.attacker_id,
        agent_session_id: session.id.to_string(),
        status: if error.is_some() { "FAILED" } else { "COMPLETED" }.to_owned(),
        error,
        turns: replies.len(),
        resisted,
        results: stored.into_iter().map(PlaygroundMessageView::from).collect(),
    }))
}
