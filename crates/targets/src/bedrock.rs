//! Amazon Bedrock's Converse API (`POST /model/{modelId}/converse`), signed with SigV4 (service
//! `bedrock`) from an access key. The base URL is the region's runtime endpoint unless one is
//! given (a VPC endpoint, or a test server).

use assay_core::{ChatReply, ChatRequest, Role, Target, TargetDescription, TargetError, Usage, append_system};
use serde_json::{Value, json};

use crate::http::{ParsedReply, model_api_description, model_api_reply};
use crate::sigv4::{AwsCredentials, SignedRequest, amz_date, authorization, uri_encode};

#[derive(Debug, Clone)]
pub struct BedrockConfig {
    /// `https://bedrock-runtime.{region}.amazonaws.com` when `None`.
    pub base_url: Option<String>,
    pub region: String,
    pub credentials: AwsCredentials,
    /// A model id or inference profile (`anthropic.claude-3-haiku-20240307-v1:0`).
    pub model: String,
}

pub struct BedrockTarget {
    endpoint: AwsEndpoint,
    model: String,
}

/// An AWS service endpoint that takes SigV4-signed JSON POSTs (service `bedrock`): shared by
/// the Converse and the Agents targets.
pub(crate) struct AwsEndpoint {
    client: reqwest::Client,
    base: String,
    host: String,
    region: String,
    credentials: AwsCredentials,
}

impl AwsEndpoint {
    /// `base_url`, else `https://{subdomain}.{region}.amazonaws.com`.
    pub(crate) fn new(
        base_url: Option<String>,
        subdomain: &str,
        region: String,
        credentials: AwsCredentials,
    ) -> Result<Self, crate::Error> {
        if region.trim().is_empty() || !region.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(crate::Error::Settings(format!("invalid AWS region {region:?}")));
        }
        let base = base_url.unwrap_or_else(|| format!("https://{subdomain}.{region}.amazonaws.com"));
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(crate::Error::InvalidUrl(base));
        }
        // The host (and port), as the `host` header carries it.
        let host = base.split_once("://").and_then(|(_, rest)| rest.split('/').next()).filter(|h| !h.is_empty()).map(str::to_owned);
        let host = host.ok_or_else(|| crate::Error::InvalidUrl(base.clone()))?;
        Ok(Self { client: crate::http::client()?, base, host, region, credentials })
    }

    /// A POST of `payload` (JSON) to `path` (encoded), signed now.
    pub(crate) fn post(&self, path: &str, payload: Vec<u8>) -> reqwest::RequestBuilder {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let date = amz_date(now);
        let mut signed_headers = vec![("content-type", "application/json")];
        if let Some(token) = &self.credentials.session_token {
            signed_headers.push(("x-amz-security-token", token.as_str()));
        }
        let signed = SignedRequest { method: "POST", host: &self.host, path, query: "", headers: &signed_headers, payload: &payload };
        let auth = authorization(&self.credentials, &self.region, "bedrock", &signed, &date);
        let mut http = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .header("x-amz-date", &date)
            .header("authorization", auth)
            .body(payload);
        if let Some(token) = &self.credentials.session_token {
            http = http.header("x-amz-security-token", token);
        }
        http
    }
}

impl BedrockTarget {
    pub fn new(config: BedrockConfig) -> Result<Self, crate::Error> {
        let endpoint = AwsEndpoint::new(config.base_url, "bedrock-runtime", config.region, config.credentials)?;
        Ok(Self { endpoint, model: config.model })
    }
}

pub fn request_body(request: &ChatRequest) -> Value {
    let messages: Vec<Value> = request
        .messages
        .iter()
        .filter(|m| m.role != Role::System)
        .map(|m| json!({ "role": m.role.as_str(), "content": [{ "text": m.content }] }))
        .collect();
    let mut body = json!({ "messages": messages });
    let mut system = request.system.clone();
    for message in request.messages.iter().filter(|m| m.role == Role::System) {
        append_system(&mut system, &message.content);
    }
    if let Some(system) = system {
        body["system"] = json!([{ "text": system }]);
    }
    let mut inference = serde_json::Map::new();
    if let Some(v) = request.params.max_tokens {
        inference.insert("maxTokens".into(), json!(v));
    }
    if let Some(v) = request.params.temperature {
        inference.insert("temperature".into(), json!(v));
    }
    if let Some(v) = request.params.top_p {
        inference.insert("topP".into(), json!(v));
    }
    if !request.params.stop.is_empty() {
        inference.insert("stopSequences".into(), json!(request.params.stop));
    }
    if !inference.is_empty() {
        body["inferenceConfig"] = Value::Object(inference);
    }
    body
}

pub fn parse_reply(value: &Value) -> Result<ParsedReply, TargetError> {
    let blocks = value
        .pointer("/output/message/content")
        .and_then(Value::as_array)
        .ok_or_else(|| TargetError::MalformedReply("no `output.message.content`".into()))?;
    let text: String = blocks.iter().filter_map(|b| b.get("text").and_then(Value::as_str)).collect();
    let usage = value.get("usage").map(|u| Usage {
        prompt_tokens: u.get("inputTokens").and_then(Value::as_u64).unwrap_or(0) as u32,
        completion_tokens: u.get("outputTokens").and_then(Value::as_u64).unwrap_or(0) as u32,
    });
    Ok((text, usage, None))
}

#[async_trait::async_trait]
impl Target for BedrockTarget {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
        let payload = serde_json::to_vec(&request_body(request)).map_err(|e| TargetError::BadRequest(e.to_string()))?;
        let path = format!("/model/{}/converse", uri_encode(&self.model, false));
        model_api_reply(self.endpoint.post(&path, payload), &self.model, parse_reply).await
    }

    fn describe(&self) -> TargetDescription {
        model_api_description("bedrock", &self.model)
    }
}

#[cfg(test)]
mod tests {
    use assay_core::Message;

    use super::*;

    #[test]
    fn messages_are_content_blocks_and_the_system_prompt_a_list() {
        let mut request = ChatRequest { system: Some("sys".into()), messages: vec![Message::user("hi")], ..ChatRequest::default() };
        request.params.max_tokens = Some(64);
        assert_eq!(
            request_body(&request),
            json!({"messages": [{"role": "user", "content": [{"text": "hi"}]}], "system": [{"text": "sys"}], "inferenceConfig": {"maxTokens": 64}})
        );
    }

    #[test]
    fn the_reply_text_and_usage_are_read() {
        let value = json!({"output": {"message": {"role": "assistant", "content": [{"text": "Pa"}, {"text": "ris"}]}},
            "usage": {"inputTokens": 5, "outputTokens": 2}, "stopReason": "end_turn"});
        assert_eq!(parse_reply(&value).expect("parses"), ("Paris".into(), Some(Usage { prompt_tokens: 5, completion_tokens: 2 }), None));
        assert!(parse_reply(&json!({"output": {}})).is_err());
    }
}
