//! The `anthropic` kind: the Messages API (`POST /v1/messages`, `x-api-key`,
//! `anthropic-version`).

use assay_core::{ChatReply, ChatRequest, Role, Target, TargetDescription, TargetError, Usage, append_system};
use serde_json::{Value, json};

use crate::http::{ParsedReply, model_api_description, model_api_reply};

/// The API version header value sent unless configured otherwise.
pub const DEFAULT_VERSION: &str = "2023-06-01";
/// The Messages API requires `max_tokens`; this is sent when the request sets none.
pub const DEFAULT_MAX_TOKENS: u32 = 1024;

#[derive(Debug, Clone)]
pub struct AnthropicConfig {
    /// e.g. `https://api.anthropic.com`.
    pub base_url: String,
    pub api_key: String,
    pub model: String,
    pub version: Option<String>,
}

pub struct AnthropicTarget {
    client: reqwest::Client,
    url: String,
    config: AnthropicConfig,
}

impl AnthropicTarget {
    pub fn new(config: AnthropicConfig) -> Result<Self, crate::Error> {
        let base = config.base_url.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(crate::Error::InvalidUrl(config.base_url.clone()));
        }
        Ok(Self { client: crate::http::client()?, url: format!("{base}/v1/messages"), config })
    }
}

/// The Messages API body: the system prompt is a top-level field, not a message.
pub fn request_body(model: &str, request: &ChatRequest) -> Value {
    let messages: Vec<Value> = request
        .messages
        .iter()
        .filter(|m| m.role != Role::System)
        .map(|m| json!({ "role": m.role.as_str(), "content": m.content }))
        .collect();
    let mut body = json!({
        "model": model,
        "max_tokens": request.params.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
        "messages": messages,
    });
    let mut system = request.system.clone();
    for message in request.messages.iter().filter(|m| m.role == Role::System) {
        append_system(&mut system, &message.content);
    }
    if let Some(system) = system {
        body["system"] = json!(system);
    }
    if let Some(v) = request.params.temperature {
        body["temperature"] = json!(v);
    }
    if let Some(v) = request.params.top_p {
        body["top_p"] = json!(v);
    }
    if !request.params.stop.is_empty() {
        body["stop_sequences"] = json!(request.params.stop);
    }
    body
}

pub fn parse_reply(value: &Value) -> Result<ParsedReply, TargetError> {
    let blocks = value.get("content").and_then(Value::as_array).ok_or_else(|| TargetError::MalformedReply("no `content` array".into()))?;
    let text: String = blocks
        .iter()
        .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
        .filter_map(|b| b.get("text").and_then(Value::as_str))
        .collect();
    let usage = value.get("usage").map(|u| Usage {
        prompt_tokens: u.get("input_tokens").and_then(Value::as_u64).unwrap_or(0) as u32,
        completion_tokens: u.get("output_tokens").and_then(Value::as_u64).unwrap_or(0) as u32,
    });
    Ok((text, usage, value.get("model").and_then(Value::as_str).map(str::to_owned)))
}

#[async_trait::async_trait]
impl Target for AnthropicTarget {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
        let http = self
            .client
            .post(&self.url)
            .header("x-api-key", &self.config.api_key)
            .header("anthropic-version", self.config.version.as_deref().unwrap_or(DEFAULT_VERSION))
            .json(&request_body(&self.config.model, request));
        model_api_reply(http, &self.config.model, parse_reply).await
    }

    fn describe(&self) -> TargetDescription {
        model_api_description("anthropic", &self.config.model)
    }
}

#[cfg(test)]
mod tests {
    use assay_core::Message;

    use super::*;

    #[test]
    fn the_system_prompt_is_top_level_and_max_tokens_always_set() {
        let request = ChatRequest { system: Some("sys".into()), messages: vec![Message::user("hi")], ..ChatRequest::default() };
        assert_eq!(
            request_body("claude", &request),
            json!({"model": "claude", "max_tokens": 1024, "system": "sys", "messages": [{"role": "user", "content": "hi"}]})
        );
    }

    #[test]
    fn text_blocks_are_joined_and_usage_read() {
        let value = json!({"model": "c", "content": [{"type": "text", "text": "Par"}, {"type": "tool_use"}, {"type": "text", "text": "is"}],
            "usage": {"input_tokens": 4, "output_tokens": 2}});
        assert_eq!(
            parse_reply(&value).expect("parses"),
            ("Paris".into(), Some(Usage { prompt_tokens: 4, completion_tokens: 2 }), Some("c".into()))
        );
    }
}
