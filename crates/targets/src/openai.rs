//! The `openai` kind: any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama,
//! Together, Fireworks, OpenRouter, NVIDIA, Mistral …), and Azure OpenAI's deployment URL
//! with its `api-key` header and `api-version` query.

use assay_core::{ChatReply, ChatRequest, Target, TargetDescription, TargetError, Usage};
use serde_json::{Value, json};

use hyper::header::{HeaderName, HeaderValue};

use crate::http::{ParsedReply, model_api_answer, model_api_description, model_api_reply};
use crate::plain_http::{PlainHttp, bearer};

#[derive(Debug, Clone)]
pub struct OpenAiConfig {
    /// The API root, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`;
    /// for Azure, the resource endpoint `https://NAME.openai.azure.com`.
    pub base_url: String,
    pub api_key: Option<String>,
    /// The model name; for Azure, the deployment name.
    pub model: String,
    /// Set for Azure OpenAI: the `api-version` to send.
    pub azure_api_version: Option<String>,
}

pub struct OpenAiTarget {
    client: reqwest::Client,
    url: String,
    /// The endpoint over [`PlainHttp`] when it is plain `http://` (a local model server).
    plain: Option<PlainHttp>,
    config: OpenAiConfig,
}

impl OpenAiTarget {
    pub fn new(config: OpenAiConfig) -> Result<Self, crate::Error> {
        let base = config.base_url.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(crate::Error::InvalidUrl(config.base_url.clone()));
        }
        let url = match &config.azure_api_version {
            Some(version) => {
                let safe = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
                if !safe(version) || !safe(&config.model) {
                    return Err(crate::Error::InvalidUrl(format!("Azure deployment {:?} / api-version {version:?}", config.model)));
                }
                format!("{base}/openai/deployments/{}/chat/completions?api-version={version}", config.model)
            }
            None => format!("{base}/chat/completions"),
        };
        let plain =
            reqwest::Url::parse(&url).ok().zip(credential_header(&config)).and_then(|(url, extra)| PlainHttp::for_url(&url, &extra));
        Ok(Self { client: crate::http::client()?, url, plain, config })
    }
}

/// The key as the header [`OpenAiTarget::chat`] sends it; `None` when it is not a valid header
/// value, so that reqwest sends it and reports the error as it does.
fn credential_header(config: &OpenAiConfig) -> Option<Vec<(HeaderName, HeaderValue)>> {
    let Some(key) = &config.api_key else { return Some(Vec::new()) };
    Some(match config.azure_api_version {
        Some(_) => vec![(HeaderName::from_static("api-key"), HeaderValue::from_str(key).ok()?)],
        None => vec![bearer(key)?],
    })
}

/// The chat-completions request body.
pub fn request_body(model: &str, request: &ChatRequest) -> Value {
    let mut messages: Vec<Value> = Vec::with_capacity(request.messages.len() + 1);
    if let Some(system) = &request.system {
        messages.push(json!({ "role": "system", "content": system }));
    }
    messages.extend(request.messages.iter().map(|m| json!({ "role": m.role.as_str(), "content": m.content })));
    let mut body = json!({ "model": model, "messages": messages });
    let params = &request.params;
    if let Some(v) = params.max_tokens {
        body["max_tokens"] = json!(v);
    }
    if let Some(v) = params.temperature {
        body["temperature"] = json!(v);
    }
    if let Some(v) = params.top_p {
        body["top_p"] = json!(v);
    }
    if !params.stop.is_empty() {
        body["stop"] = json!(params.stop);
    }
    if let Some(v) = params.seed {
        body["seed"] = json!(v);
    }
    body
}

/// Text, usage and model of a chat-completions response.
pub fn parse_reply(value: &Value) -> Result<ParsedReply, TargetError> {
    let message = value.pointer("/choices/0/message").ok_or_else(|| TargetError::MalformedReply("no choices[0].message".into()))?;
    // `content` is null when the model only called tools or refused via `refusal`.
    let text = match message.get("content") {
        Some(Value::String(text)) => text.clone(),
        _ => message.get("refusal").and_then(Value::as_str).unwrap_or_default().to_owned(),
    };
    let usage = value.get("usage").map(|u| Usage {
        prompt_tokens: u.get("prompt_tokens").and_then(Value::as_u64).unwrap_or(0) as u32,
        completion_tokens: u.get("completion_tokens").and_then(Value::as_u64).unwrap_or(0) as u32,
    });
    let model = value.get("model").and_then(Value::as_str).map(str::to_owned);
    Ok((text, usage, model))
}

#[async_trait::async_trait]
impl Target for OpenAiTarget {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
        let body = request_body(&self.config.model, request);
        if let Some(plain) = &self.plain {
            let started = std::time::Instant::now();
            // A redirect goes again through reqwest, which follows it.
            if let Some(value) = plain.post_json(&body).await? {
                return model_api_answer(&value, started.elapsed(), &self.config.model, parse_reply);
            }
        }
        let mut http = self.client.post(&self.url).json(&body);
        match (&self.config.azure_api_version, &self.config.api_key) {
            (Some(_), Some(key)) => http = http.header("api-key", key.as_str()),
            (None, Some(key)) => http = http.bearer_auth(key),
            (_, None) => {}
        }
        model_api_reply(http, &self.config.model, parse_reply).await
    }

    fn describe(&self) -> TargetDescription {
        model_api_description("openai", &self.config.model)
    }
}

/// The model ids an OpenAI-compatible API lists at `GET {base_url}/models` (`data[].id`),
/// asked once with `timeout`. A failure is the typed error the status or transport gives.
pub async fn list_models(base_url: &str, api_key: Option<&str>, timeout: std::time::Duration) -> Result<Vec<String>, TargetError> {
    let base = base_url.trim_end_matches('/');
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(TargetError::BadRequest(format!("{base_url:?} is not an http(s) URL")));
    }
    let client = crate::http::client().map_err(|e| TargetError::Connection(e.to_string()))?;
    let mut request = client.get(format!("{base}/models")).timeout(timeout);
    if let Some(key) = api_key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.map_err(|e| crate::http::transport_error(&e))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.map_err(|e| crate::http::transport_error(&e))?;
    if !status.is_success() {
        return Err(crate::http::status_error(status, &headers, &body));
    }
    let parsed: Value = serde_json::from_str(&body).map_err(|e| TargetError::MalformedReply(format!("models list: {e}")))?;
    let models = parsed
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| TargetError::MalformedReply("models list has no `data` array".into()))?
        .iter()
        .filter_map(|m| m.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    Ok(models)
}

#[cfg(test)]
mod tests {
    use assay_core::{GenerationParams, Message};

    use super::*;

    #[test]
    fn a_plain_http_endpoint_gets_the_plain_client_and_https_keeps_reqwest() {
        let target = |base: &str, azure: Option<&str>| {
            OpenAiTarget::new(OpenAiConfig {
                base_url: base.into(),
                api_key: Some("k".into()),
                model: "m".into(),
                azure_api_version: azure.map(Into::into),
            })
            .expect("target")
        };
        assert!(target("http://127.0.0.1:11434/v1", None).plain.is_some());
        assert!(target("http://127.0.0.1:8080", Some("2024-06-01")).plain.is_some());
        assert!(target("https://api.openai.com/v1", None).plain.is_none());
    }

    #[test]
    fn the_body_carries_system_messages_and_set_parameters_only() {
        let request = ChatRequest {
            system: Some("sys".into()),
            messages: vec![Message::user("hi")],
            params: GenerationParams { max_tokens: Some(5), temperature: Some(0.0), ..GenerationParams::default() },
            ..ChatRequest::default()
        };
        assert_eq!(
            request_body("m", &request),
            json!({"model": "m", "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"}], "max_tokens": 5, "temperature": 0.0})
        );
    }

    #[test]
    fn replies_parse_and_a_missing_choice_is_malformed() {
        let value = json!({"model": "gpt", "choices": [{"message": {"role": "assistant", "content": "Paris"}}], "usage": {"prompt_tokens": 3, "completion_tokens": 1}});
        assert_eq!(
            parse_reply(&value).expect("parses"),
            ("Paris".into(), Some(Usage { prompt_tokens: 3, completion_tokens: 1 }), Some("gpt".into()))
        );
        assert!(matches!(parse_reply(&json!({"choices": []})), Err(TargetError::MalformedReply(_))));
    }
}
