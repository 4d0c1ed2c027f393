//! Google Vertex AI's `generateContent`, called with an OAuth access token that a refresh
//! token (with the OAuth client's id and secret) is exchanged for. The token is kept until a
//! minute before it expires, and dropped when the API answers 401, so the next call exchanges
//! again. The API and token URLs are Google's unless given (a test server).

use std::time::{Duration, Instant};

use assay_core::{ChatReply, ChatRequest, Role, Target, TargetDescription, TargetError, Usage, append_system};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::http::{ParsedReply, model_api_description, model_api_reply, send_json};
use crate::sigv4::uri_encode;

pub const GOOGLE_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";

#[derive(Debug, Clone)]
pub struct VertexConfig {
    /// `https://{region}-aiplatform.googleapis.com` when `None`.
    pub base_url: Option<String>,
    /// Google's token endpoint when `None`.
    pub token_url: Option<String>,
    pub region: String,
    pub project_id: String,
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
    /// A publisher model (`gemini-1.5-flash-002`).
    pub model: String,
}

pub struct VertexTarget {
    client: reqwest::Client,
    url: String,
    token_url: String,
    config: VertexConfig,
    token: Mutex<Option<(String, Instant)>>,
}

impl VertexTarget {
    pub fn new(config: VertexConfig) -> Result<Self, crate::Error> {
        for (what, value) in [("region", &config.region), ("project_id", &config.project_id)] {
            if value.trim().is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return Err(crate::Error::Settings(format!("invalid vertex {what} {value:?}")));
            }
        }
        let base = config.base_url.clone().unwrap_or_else(|| format!("https://{}-aiplatform.googleapis.com", config.region));
        let base = base.trim_end_matches('/');
        let token_url = config.token_url.clone().unwrap_or_else(|| GOOGLE_TOKEN_URL.to_owned());
        for url in [base, token_url.as_str()] {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(crate::Error::InvalidUrl(url.to_owned()));
            }
        }
        let url = format!(
            "{base}/v1/projects/{}/locations/{}/publishers/google/models/{}:generateContent",
            config.project_id,
            config.region,
            uri_encode(&config.model, false)
        );
        Ok(Self { client: crate::http::client()?, url, token_url, config, token: Mutex::new(None) })
    }

    /// A live access token: the kept one, or a fresh exchange of the refresh token.
    async fn access_token(&self) -> Result<String, TargetError> {
        let mut kept = self.token.lock().await;
        if let Some((token, until)) = kept.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.as_str()),
            ("refresh_token", self.config.refresh_token.as_str()),
        ]
        .iter()
        .map(|(k, v)| format!("{k}={}", uri_encode(v, false)))
        .collect::<Vec<_>>()
        .join("&");
        let request = self.client.post(&self.token_url).header("content-type", "application/x-www-form-urlencoded").body(form);
        let (_, value) = send_json(request).await.map_err(|error| match error {
            TargetError::BadRequest(message) | TargetError::Auth(message) => {
                TargetError::Auth(format!("the OAuth token exchange failed: {message}"))
            }
            other => other,
        })?;
        let token = value
            .get("access_token")
            .and_then(Value::as_str)
            .ok_or_else(|| TargetError::Auth("the OAuth token exchange answered no access_token".into()))?
            .to_owned();
        let lifetime = value.get("expires_in").and_then(Value::as_u64).unwrap_or(3600);
        *kept = Some((token.clone(), Instant::now() + Duration::from_secs(lifetime.saturating_sub(60))));
        Ok(token)
    }
}

pub fn request_body(request: &ChatRequest) -> Value {
    let contents: Vec<Value> = request
        .messages
        .iter()
        .filter(|m| m.role != Role::System)
        .map(|m| json!({ "role": if m.role == Role::Assistant { "model" } else { "user" }, "parts": [{ "text": m.content }] }))
        .collect();
    let mut body = json!({ "contents": contents });
    let mut system = request.system.clone();
    for message in request.messages.iter().filter(|m| m.role == Role::System) {
        append_system(&mut system, &message.content);
    }
    if let Some(system) = system {
        body["systemInstruction"] = json!({ "parts": [{ "text": system }] });
    }
    let mut generation = serde_json::Map::new();
    if let Some(v) = request.params.max_tokens {
        generation.insert("maxOutputTokens".into(), json!(v));
    }
    if let Some(v) = request.params.temperature {
        generation.insert("temperature".into(), json!(v));
    }
    if let Some(v) = request.params.top_p {
        generation.insert("topP".into(), json!(v));
    }
    if !request.params.stop.is_empty() {
        generation.insert("stopSequences".into(), json!(request.params.stop));
    }
    if !generation.is_empty() {
        body["generationConfig"] = Value::Object(generation);
    }
    body
}

pub fn parse_reply(value: &Value) -> Result<ParsedReply, TargetError> {
    let parts = value
        .pointer("/candidates/0/content/parts")
        .and_then(Value::as_array)
        .ok_or_else(|| TargetError::MalformedReply("no `candidates[0].content.parts`".into()))?;
    let text: String = parts.iter().filter_map(|p| p.get("text").and_then(Value::as_str)).collect();
    let usage = value.get("usageMetadata").map(|u| Usage {
        prompt_tokens: u.get("promptTokenCount").and_then(Value::as_u64).unwrap_or(0) as u32,
        completion_tokens: u.get("candidatesTokenCount").and_then(Value::as_u64).unwrap_or(0) as u32,
    });
    Ok((text, usage, value.get("modelVersion").and_then(Value::as_str).map(str::to_owned)))
}

#[async_trait::async_trait]
impl Target for VertexTarget {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
        let token = self.access_token().await?;
        let http = self.client.post(&self.url).bearer_auth(&token).json(&request_body(request));
        let reply = model_api_reply(http, &self.config.model, parse_reply).await;
        if matches!(reply, Err(TargetError::Auth(_))) {
            // Revoked or expired early: the next call exchanges the refresh token again.
            *self.token.lock().await = None;
        }
        reply
    }

    fn describe(&self) -> TargetDescription {
        model_api_description("vertex", &self.config.model)
    }
}

#[cfg(test)]
mod tests {
    use assay_core::Message;

    use super::*;

    #[test]
    fn turns_are_user_and_model_contents_with_a_system_instruction() {
        let request = ChatRequest {
            system: Some("sys".into()),
            messages: vec![Message::user("hi"), Message::assistant("hello"), Message::user("bye")],
            ..ChatRequest::default()
        };
        let body = request_body(&request);
        assert_eq!(body["contents"][1], json!({"role": "model", "parts": [{"text": "hello"}]}));
        assert_eq!(body["systemInstruction"], json!({"parts": [{"text": "sys"}]}));
    }

    #[test]
    fn the_first_candidate_s_text_and_usage_are_read() {
        let value = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Pa"}, {"text": "ris"}]}}],
            "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 1}});
        assert_eq!(parse_reply(&value).expect("parses").0, "Paris");
        assert!(parse_reply(&json!({"candidates": []})).is_err());
    }
}
