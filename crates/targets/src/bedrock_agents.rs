//! Amazon Bedrock Agents' `InvokeAgent`
//! (`POST /agents/{agentId}/agentAliases/{aliasId}/sessions/{sessionId}/text`), signed with
//! SigV4 (service `bedrock`). The agent keeps a conversation's history by session, so each
//! request opens a new session and sends the last user message, with earlier turns written
//! before it. The answer arrives in AWS's event-stream framing: length-prefixed messages
//! with typed headers, whose `chunk` events carry base64 text.

use assay_core::{ChatReply, ChatRequest, Role, Target, TargetDescription, TargetError};
use base64::Engine;
use serde_json::{Value, json};

use crate::bedrock::AwsEndpoint;
use crate::http::{status_error, transport_error};
use crate::sigv4::{AwsCredentials, uri_encode};

#[derive(Debug, Clone)]
pub struct BedrockAgentConfig {
    /// `https://bedrock-agent-runtime.{region}.amazonaws.com` when `None`.
    pub base_url: Option<String>,
    pub region: String,
    pub credentials: AwsCredentials,
    pub agent_id: String,
    pub agent_alias_id: String,
}

pub struct BedrockAgentTarget {
    endpoint: AwsEndpoint,
    agent_id: String,
    agent_alias_id: String,
}

impl BedrockAgentTarget {
    pub fn new(config: BedrockAgentConfig) -> Result<Self, crate::Error> {
        let endpoint = AwsEndpoint::new(config.base_url, "bedrock-agent-runtime", config.region, config.credentials)?;
        Ok(Self { endpoint, agent_id: config.agent_id, agent_alias_id: config.agent_alias_id })
    }
}

/// The agent's input: the last user message, after the earlier turns (and any system prompt).
pub fn input_text(request: &ChatRequest) -> String {
    let last_user = request.messages.iter().rposition(|m| m.role == Role::User);
    let mut parts = Vec::new();
    if let Some(system) = request.system.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(format!("Instructions: {system}"));
    }
    let history: Vec<String> = request
        .messages
        .iter()
        .enumerate()
        .filter(|(index, _)| Some(*index) != last_user)
        .map(|(_, message)| {
            let who = match message.role {
                Role::User => "User",
                Role::Assistant => "Assistant",
                Role::System => "Instructions",
            };
            format!("{who}: {}", message.content)
        })
        .collect();
    if !history.is_empty() {
        parts.push(history.join("\n"));
    }
    parts.push(last_user.map_or_else(String::new, |i| request.messages[i].content.clone()));
    parts.join("\n\n")
}

/// One event-stream message: its `:event-type` (or `:exception-type`) and payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: String,
    pub exception: bool,
    pub payload: Vec<u8>,
}

/// The messages of an event stream. Framing: total length and headers length (big-endian
/// u32 each), a prelude CRC, the headers, the payload, a message CRC (the CRCs are not checked:
/// TLS already protects the bytes).
pub fn events(mut bytes: &[u8]) -> Result<Vec<Event>, String> {
    let mut out = Vec::new();
    let be32 = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    while !bytes.is_empty() {
        if bytes.len() < 16 {
            return Err("a truncated event-stream message".into());
        }
        let (total, headers_len) = (be32(&bytes[0..4]), be32(&bytes[4..8]));
        if total < 16 + headers_len || total > bytes.len() {
            return Err("an event-stream message of impossible length".into());
        }
        let mut headers = &bytes[12..12 + headers_len];
        let payload = bytes[12 + headers_len..total - 4].to_vec();
        let mut event = Event { kind: String::new(), exception: false, payload };
        while !headers.is_empty() {
            let name_len = usize::from(headers[0]);
            let name = String::from_utf8_lossy(headers.get(1..1 + name_len).ok_or("a truncated header name")?).into_owned();
            let rest = headers.get(1 + name_len..).ok_or("a truncated header")?;
            let (kind, rest) = rest.split_first().ok_or("a header without a type")?;
            let (value, rest) = match kind {
                0 | 1 => (None, rest),
                2 => (None, rest.get(1..).ok_or("a truncated byte header")?),
                3 => (None, rest.get(2..).ok_or("a truncated short header")?),
                4 => (None, rest.get(4..).ok_or("a truncated int header")?),
                5 | 8 => (None, rest.get(8..).ok_or("a truncated long header")?),
                9 => (None, rest.get(16..).ok_or("a truncated uuid header")?),
                6 | 7 => {
                    let len = usize::from(u16::from_be_bytes([
                        *rest.first().ok_or("a truncated header")?,
                        *rest.get(1).ok_or("a truncated header")?,
                    ]));
                    let value = rest.get(2..2 + len).ok_or("a truncated string header")?;
                    (Some(String::from_utf8_lossy(value).into_owned()), &rest[2 + len..])
                }
                other => return Err(format!("an unknown event-stream header type {other}")),
            };
            match (name.as_str(), value) {
                (":event-type", Some(value)) => event.kind = value,
                (":exception-type", Some(value)) => {
                    event.kind = value;
                    event.exception = true;
                }
                _ => {}
            }
            headers = rest;
        }
        out.push(event);
        bytes = &bytes[total..];
    }
    Ok(out)
}

/// The agent's answer: its `chunk` events' text, in order; an exception event is an error.
pub fn answer_of(events: &[Event]) -> Result<String, TargetError> {
    let mut text = String::new();
    for event in events {
        let payload: Value = serde_json::from_slice(&event.payload).unwrap_or(Value::Null);
        if event.exception {
            let message = payload.get("message").and_then(Value::as_str).unwrap_or(&event.kind);
            return Err(TargetError::BadRequest(format!("{}: {message}", event.kind)));
        }
        if event.kind == "chunk"
            && let Some(encoded) = payload.get("bytes").and_then(Value::as_str)
        {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map_err(|_| TargetError::MalformedReply("a chunk that is not base64".into()))?;
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    Ok(text)
}

#[async_trait::async_trait]
impl Target for BedrockAgentTarget {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
        let payload = serde_json::to_vec(&json!({ "inputText": input_text(request), "enableTrace": false }))
            .map_err(|e| TargetError::BadRequest(e.to_string()))?;
        let session = uuid::Uuid::new_v4().simple().to_string();
        let path = format!(
            "/agents/{}/agentAliases/{}/sessions/{session}/text",
            uri_encode(&self.agent_id, false),
            uri_encode(&self.agent_alias_id, false)
        );
        let started = std::time::Instant::now();
        let response = self.endpoint.post(&path, payload).send().await.map_err(|e| transport_error(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| transport_error(&e))?;
        if !status.is_success() {
            return Err(status_error(status, &headers, &String::from_utf8_lossy(&body)));
        }
        let text = answer_of(&events(&body).map_err(TargetError::MalformedReply)?)?;
        Ok(ChatReply { text, usage: None, latency: started.elapsed(), session_id: None, model: Some(self.agent_id.clone()) })
    }

    fn describe(&self) -> TargetDescription {
        TargetDescription {
            kind: "bedrockAgents".into(),
            model: Some(self.agent_id.clone()),
            sessions: false,
            multi_turn: true,
            system_prompt: true,
        }
    }
}

/// One event-stream message with a string `:event-type` (or `:exception-type` when
/// `exception`), for tests and mock servers; the CRCs are left zero.
pub fn encode_event(kind: &str, exception: bool, payload: &[u8]) -> Vec<u8> {
    let mut headers = Vec::new();
    let mut header = |name: &str, value: &str| {
        headers.push(u8::try_from(name.len()).unwrap_or(u8::MAX));
        headers.extend_from_slice(name.as_bytes());
        headers.push(7);
        headers.extend_from_slice(&u16::try_from(value.len()).unwrap_or(u16::MAX).to_be_bytes());
        headers.extend_from_slice(value.as_bytes());
    };
    header(if exception { ":exception-type" } else { ":event-type" }, kind);
    header(":message-type", if exception { "exception" } else { "event" });
    let total = 16 + headers.len() + payload.len();
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&u32::try_from(total).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(&u32::try_from(headers.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&headers);
    out.extend_from_slice(payload);
    out.extend_from_slice(&[0; 4]);
    out
}

#[cfg(test)]
mod tests {
    use assay_core::Message;

    use super::*;

    fn chunk(text: &str) -> Vec<u8> {
        let payload = json!({"bytes": base64::engine::general_purpose::STANDARD.encode(text)}).to_string();
        encode_event("chunk", false, payload.as_bytes())
    }

    #[test]
    fn chunks_are_joined_in_order_and_an_exception_is_an_error() {
        let mut stream = chunk("Par");
        stream.extend(encode_event("trace", false, b"{}"));
        stream.extend(chunk("is"));
        assert_eq!(answer_of(&events(&stream).expect("frames")).expect("text"), "Paris");
        let refused = encode_event("throttlingException", true, br#"{"message":"slow down"}"#);
        let error = answer_of(&events(&refused).expect("frames")).expect_err("an exception");
        assert!(error.to_string().contains("slow down"), "{error}");
    }

    #[test]
    fn truncated_or_impossible_frames_are_refused_not_panicked_on() {
        let stream = chunk("hello");
        for cut in [3, 15, stream.len() - 1] {
            assert!(events(&stream[..cut]).is_err(), "cut at {cut}");
        }
        let mut lying = stream.clone();
        lying[7] = 200;
        assert!(events(&lying).is_err());
    }

    #[test]
    fn earlier_turns_come_before_the_last_user_message() {
        let request = ChatRequest {
            system: Some("Be brief.".into()),
            messages: vec![Message::user("hi"), Message::assistant("hello"), Message::user("refund?")],
            ..ChatRequest::default()
        };
        assert_eq!(input_text(&request), "Instructions: Be brief.\n\nUser: hi\nAssistant: hello\n\nrefund?");
    }
}
