//! The `contract` kind: the client side of the standard system-under-test contract
//! (`../shared/specs/target-contract-guide.md`): `POST {chat_path}` and the optional
//! `/sessions` lifecycle.
//!
//! Wire choices, where the guide leaves room:
//! - one user turn and no history → `{"message", "system"?}`;
//! - history (an assistant turn before the last user turn) → `{"messages": [...]}` with the
//!   system prompt as the first `system` message, as the guide's multi-turn example does;
//! - a session id → `{"message", "session_id"}`: the server holds the history.
//! - Sessions live beside the chat path (`/v1/chat` → `/v1/sessions`) unless configured.
//!   A 404 or 405 on `POST /sessions` marks the target as session-less, and callers fall
//!   back to sending the whole conversation each turn.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

use assay_core::{ChatReply, ChatRequest, Role, Target, TargetDescription, TargetError, Usage};
use hyper::header::{HeaderName, HeaderValue};
use serde_json::{Value, json};

use crate::http::send_json;
use crate::plain_http::{PlainHttp, bearer};

/// How to present credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    Bearer(String),
    /// A header such as `X-API-Key`.
    Header {
        name: String,
        value: String,
    },
}

#[derive(Debug, Clone)]
pub struct ContractConfig {
    /// e.g. `http://127.0.0.1:8080` (no trailing slash needed).
    pub base_url: String,
    /// e.g. `/chat` or `/v1/chat`.
    pub chat_path: String,
    /// Where the session endpoints live; default: beside the chat path.
    pub sessions_path: Option<String>,
    pub auth: Auth,
}

const SESSIONS_UNKNOWN: u8 = 0;
const SESSIONS_YES: u8 = 1;
const SESSIONS_NO: u8 = 2;

pub struct ContractTarget {
    /// reqwest, for what [`PlainHttp`] does not serve: built at once for an `https://` target,
    /// on first need beside a plain client (a scan of plain chats never builds it, and building
    /// it was a measurable share of a short scan's start).
    client: OnceLock<reqwest::Client>,
    /// Parsed once: parsing the URL on every call cost about 1% of a scan's CPU.
    chat_url: reqwest::Url,
    /// The chat endpoint over [`PlainHttp`] when it is plain `http://` (see there when not).
    plain_chat: Option<PlainHttp>,
    sessions_url: String,
    auth: Auth,
    sessions: AtomicU8,
}

impl ContractTarget {
    pub fn new(config: ContractConfig) -> Result<Self, crate::Error> {
        let base = config.base_url.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(crate::Error::InvalidUrl(config.base_url));
        }
        let chat_path = format!("/{}", config.chat_path.trim_start_matches('/'));
        let sessions_path = config.sessions_path.unwrap_or_else(|| match chat_path.rsplit_once('/') {
            Some((parent, _)) => format!("{parent}/sessions"),
            None => "/sessions".to_owned(),
        });
        let chat_url = reqwest::Url::parse(&format!("{base}{chat_path}")).map_err(|_| crate::Error::InvalidUrl(config.base_url.clone()))?;
        let plain_chat = credential_header(&config.auth).and_then(|extra| PlainHttp::for_url(&chat_url, &extra));
        let client = OnceLock::new();
        if plain_chat.is_none() {
            let _ = client.set(crate::http::client()?);
        }
        Ok(Self {
            client,
            chat_url,
            plain_chat,
            sessions_url: format!("{base}/{}", sessions_path.trim_start_matches('/')),
            auth: config.auth,
            sessions: AtomicU8::new(SESSIONS_UNKNOWN),
        })
    }

    fn authorized(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.auth {
            Auth::None => request,
            Auth::Bearer(token) => request.bearer_auth(token),
            Auth::Header { name, value } => request.header(name.as_str(), value.as_str()),
        }
    }

    /// The reqwest client, built on first need (see [`ContractTarget::client`]).
    fn client(&self) -> Result<&reqwest::Client, TargetError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let built = crate::http::client().map_err(|e| TargetError::Connection(e.to_string()))?;
        Ok(self.client.get_or_init(|| built))
    }

    /// `POST`s a chat body and returns the answer's JSON, over the plain client when there is
    /// one; a redirect goes again through reqwest, which follows it.
    async fn post_chat(&self, body: &Value) -> Result<Value, TargetError> {
        if let Some(plain) = &self.plain_chat
            && let Some(value) = plain.post_json(body).await?
        {
            return Ok(value);
        }
        send_json(self.authorized(self.client()?.post(self.chat_url.clone())).json(body)).await.map(|(_, value)| value)
    }

    fn session_url(&self, id: &str, suffix: &str) -> String {
        // Session ids come from the target: keep them from escaping the path.
        let escaped: String = id
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        format!("{}/{escaped}{suffix}", self.sessions_url)
    }
}

/// The request body for one turn (see the module docs for the choices).
pub fn chat_body(request: &ChatRequest) -> Result<Value, TargetError> {
    let last_user = request.last_user_message().ok_or_else(|| TargetError::BadRequest("the conversation has no user message".into()))?;
    let has_history = request.messages.iter().any(|m| m.role == Role::Assistant);
    let mut body = if request.session_id.is_some() || !has_history {
        let mut body = json!({ "message": last_user });
        if let Some(system) = &request.system {
            body["system"] = json!(system);
        }
        body
    } else {
        let mut messages: Vec<Value> = Vec::with_capacity(request.messages.len() + 1);
        if let Some(system) = &request.system {
            messages.push(json!({ "role": "system", "content": system }));
        }
        messages.extend(request.messages.iter().map(|m| json!({ "role": m.role.as_str(), "content": m.content })));
        json!({ "messages": messages })
    };
    if let Some(session_id) = &request.session_id {
        body["session_id"] = json!(session_id);
    }
    Ok(body)
}

/// The credential as a header for [`PlainHttp`]; `None` when it is not a valid header, so that
/// reqwest sends it and reports the error as it does.
fn credential_header(auth: &Auth) -> Option<Vec<(HeaderName, HeaderValue)>> {
    Some(match auth {
        Auth::None => Vec::new(),
        Auth::Bearer(token) => vec![bearer(token)?],
        Auth::Header { name, value } => vec![(HeaderName::try_from(name.as_str()).ok()?, HeaderValue::from_str(value).ok()?)],
    })
}

fn parse_usage(value: &Value) -> Option<Usage> {
    let usage = value.get("usage")?;
    let count = |key: &str| usage.get(key).and_then(Value::as_f64).map(|n| n.max(0.0) as u32);
    Some(Usage { prompt_tokens: count("prompt_tokens").unwrap_or(0), completion_tokens: count("completion_tokens").unwrap_or(0) })
}

fn session_body(system: Option<&str>) -> Value {
    system.map_or_else(|| json!({}), |s| json!({ "system": s }))
}

#[async_trait::async_trait]
impl Target for ContractTarget {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
        let body = chat_body(request)?;
        let started = Instant::now();
        let value = self.post_chat(&body).await?;
        let latency = started.elapsed();
        let text = value
            .get("content")
            .and_then(Value::as_str)
            .ok_or_else(|| TargetError::MalformedReply("the reply has no string `content`".into()))?
            .to_owned();
        let session_id = value.get("session_id").and_then(Value::as_str).map(str::to_owned).or_else(|| request.session_id.clone());
        Ok(ChatReply { text, usage: parse_usage(&value), latency, session_id, model: None })
    }

    async fn open_session(&self, system: Option<&str>) -> Result<Option<String>, TargetError> {
        if self.sessions.load(Ordering::Relaxed) == SESSIONS_NO {
            return Ok(None);
        }
        let request = self.authorized(self.client()?.post(&self.sessions_url)).json(&session_body(system));
        match send_json(request).await {
            Ok((_, value)) => {
                let id = value
                    .get("session_id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| TargetError::MalformedReply("POST /sessions answered without a string `session_id`".into()))?;
                self.sessions.store(SESSIONS_YES, Ordering::Relaxed);
                Ok(Some(id.to_owned()))
            }
            Err(TargetError::NotFound(_)) => {
                tracing::debug!(url = %self.sessions_url, "target has no sessions; falling back to stateless messages");
                self.sessions.store(SESSIONS_NO, Ordering::Relaxed);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    async fn restart_session(&self, session_id: &str, system: Option<&str>) -> Result<String, TargetError> {
        let request = self.authorized(self.client()?.post(self.session_url(session_id, "/restart"))).json(&session_body(system));
        let (_, value) = send_json(request).await?;
        Ok(value.get("session_id").and_then(Value::as_str).unwrap_or(session_id).to_owned())
    }

    async fn end_session(&self, session_id: &str) -> Result<(), TargetError> {
        send_json(self.authorized(self.client()?.delete(self.session_url(session_id, "")))).await.map(|_| ())
    }

    fn describe(&self) -> TargetDescription {
        TargetDescription {
            kind: "contract".into(),
            model: None,
            sessions: self.sessions.load(Ordering::Relaxed) != SESSIONS_NO,
            multi_turn: true,
            system_prompt: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use assay_core::Message;

    use super::*;

    #[test]
    fn a_single_turn_sends_message_and_system() {
        let request = ChatRequest { system: Some("be brief".into()), ..ChatRequest::single("hi") };
        assert_eq!(chat_body(&request).expect("body"), json!({"message": "hi", "system": "be brief"}));
    }

    #[test]
    fn history_is_sent_as_messages_with_the_system_prompt_first() {
        let request = ChatRequest {
            system: Some("sys".into()),
            messages: vec![Message::user("2+2?"), Message::assistant("4"), Message::user("times 10?")],
            ..ChatRequest::default()
        };
        assert_eq!(
            chat_body(&request).expect("body"),
            json!({"messages": [
                {"role": "system", "content": "sys"},
                {"role": "user", "content": "2+2?"},
                {"role": "assistant", "content": "4"},
                {"role": "user", "content": "times 10?"},
            ]})
        );
    }

    #[test]
    fn a_session_sends_only_the_new_message() {
        let request = ChatRequest {
            session_id: Some("s1".into()),
            messages: vec![Message::user("a"), Message::assistant("b"), Message::user("c")],
            ..ChatRequest::default()
        };
        assert_eq!(chat_body(&request).expect("body"), json!({"message": "c", "session_id": "s1"}));
    }

    #[test]
    fn a_conversation_without_a_user_turn_is_refused() {
        assert!(matches!(chat_body(&ChatRequest::default()), Err(TargetError::BadRequest(_))));
    }

    #[test]
    fn sessions_live_beside_the_chat_path_and_ids_are_escaped() {
        let target = ContractTarget::new(ContractConfig {
            base_url: "http://h:1/".into(),
            chat_path: "v1/chat".into(),
            sessions_path: None,
            auth: Auth::None,
        })
        .expect("target");
        assert_eq!(target.chat_url.as_str(), "http://h:1/v1/chat");
        assert_eq!(target.session_url("a/../b c", "/restart"), "http://h:1/v1/sessions/a%2F..%2Fb%20c/restart");
    }
}
