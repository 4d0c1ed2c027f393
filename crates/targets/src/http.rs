//! What every HTTP target kind shares: the client (rustls with the ring provider), mapping a
//! status and error body to a typed [`TargetError`], and `Retry-After`.

use std::sync::Once;
use std::time::Duration;

use assay_core::{ChatReply, TargetDescription, TargetError, Usage};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Installs ring as the process's rustls provider (once). reqwest is built without a
/// provider of its own so that no second crypto library (aws-lc, a C build) is compiled in.
pub fn ensure_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err means another provider was installed first, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A client for talking to targets. Per-request timeouts are applied by the reliability
/// layer, so the client itself only bounds connecting.
pub fn client() -> Result<reqwest::Client, crate::Error> {
    ensure_crypto_provider();
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(64)
        // Retries are the reliability layer's (`Reliable`), which knows each target's policy.
        // The client's own, for protocol refusals, copied every request's headers and body
        // up front in case it would replay it.
        .retry(reqwest::retry::never().max_retries_per_request(0))
        .user_agent(concat!("assay/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| crate::Error::Client(e.to_string()))
}

/// The typed error for a transport failure.
pub fn transport_error(error: &reqwest::Error) -> TargetError {
    if error.is_timeout() {
        TargetError::Timeout(Duration::ZERO)
    } else if error.is_decode() || error.is_body() {
        TargetError::MalformedReply(error.to_string())
    } else {
        TargetError::Connection(without_url(error))
    }
}

fn without_url(error: &reqwest::Error) -> String {
    // The URL may carry a key in its query (Azure); never echo it.
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "<target>");
    }
    push_causes(&mut text, error);
    text
}

/// Appends `": cause"` for each error in `error`'s chain of sources.
pub(crate) fn push_causes(text: &mut String, error: &dyn std::error::Error) {
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
}

/// Seconds or an HTTP date; only the seconds form is common from model APIs, and a date we
/// cannot parse is treated as absent (the backoff applies instead).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0).map(Duration::from_secs_f64)
}

/// The human message inside an error body, in the shapes APIs use: `{"message"}`,
/// `{"error": {"message"}}`, `{"error": "…"}`, `{"detail"}`; else the text itself, trimmed.
pub fn error_message(body: &str) -> String {
    const MAX: usize = 500;
    let from_json = serde_json::from_str::<serde_json::Value>(body).ok().and_then(|v| {
        let pick = |v: &serde_json::Value| v.as_str().map(str::to_owned);
        v.get("message")
            .and_then(pick)
            .or_else(|| v.get("error").and_then(|e| e.get("message")).and_then(pick))
            .or_else(|| v.get("error").and_then(pick))
            .or_else(|| v.get("detail").and_then(pick))
    });
    let text = from_json.unwrap_or_else(|| body.trim().to_owned());
    if text.len() > MAX {
        let cut = (0..=MAX).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        format!("{}…", &text[..cut])
    } else {
        text
    }
}

/// Maps a non-success status and its body to the typed error.
pub fn status_error(status: StatusCode, headers: &HeaderMap, body: &str) -> TargetError {
    let message = error_message(body);
    let message = if message.is_empty() { status.to_string() } else { message };
    match status.as_u16() {
        401 | 403 => TargetError::Auth(message),
        404 | 405 | 410 => TargetError::NotFound(message),
        408 | 504 => TargetError::Timeout(Duration::ZERO),
        429 => TargetError::RateLimited { retry_after: retry_after(headers), message },
        code @ 500..=599 => TargetError::Server { status: code, message },
        _ => TargetError::BadRequest(message),
    }
}

/// Sends a prepared request and returns the JSON body of a success, or the typed error.
pub async fn send_json(request: reqwest::RequestBuilder) -> Result<(StatusCode, serde_json::Value), TargetError> {
    let response = request.send().await.map_err(|e| transport_error(&e))?;
    let status = response.status();
    if !status.is_success() {
        // Only an error reads the headers (`Retry-After`): a success need not copy them.
        let headers = response.headers().clone();
        let body = response.text().await.map_err(|e| transport_error(&e))?;
        return Err(status_error(status, &headers, &body));
    }
    let bytes = response.bytes().await.map_err(|e| transport_error(&e))?;
    Ok((status, success_json(status, &bytes)?))
}

/// The JSON body of an answer read in full (by [`crate::plain_http`]), or the typed error,
/// as [`send_json`] gives them.
pub fn json_answer(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Result<serde_json::Value, TargetError> {
    if !status.is_success() {
        return Err(status_error(status, headers, &String::from_utf8_lossy(body)));
    }
    success_json(status, body)
}

/// The JSON of a success's body; `null` for none.
fn success_json(status: StatusCode, body: &[u8]) -> Result<serde_json::Value, TargetError> {
    // JSON is UTF-8: parsed from the bytes as they came, without a decoded copy.
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if status == StatusCode::NO_CONTENT || body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Value::Null);
    }
    serde_json::from_slice(body)
        .map_err(|e| TargetError::MalformedReply(format!("not JSON ({e}): {}", error_message(&String::from_utf8_lossy(body)))))
}

/// A model API's reply parts: text, usage, and the model that answered.
pub type ParsedReply = (String, Option<Usage>, Option<String>);

/// Sends a stateless model-API request (OpenAI, Anthropic) and builds the reply with `parse`;
/// the configured model names the reply when the API does not.
pub async fn model_api_reply(
    request: reqwest::RequestBuilder,
    configured_model: &str,
    parse: fn(&serde_json::Value) -> Result<ParsedReply, TargetError>,
) -> Result<ChatReply, TargetError> {
    let started = std::time::Instant::now();
    let (_, value) = send_json(request).await?;
    model_api_answer(&value, started.elapsed(), configured_model, parse)
}

/// The reply of a model API's answer `value` (see [`model_api_reply`]).
pub fn model_api_answer(
    value: &serde_json::Value,
    latency: Duration,
    configured_model: &str,
    parse: fn(&serde_json::Value) -> Result<ParsedReply, TargetError>,
) -> Result<ChatReply, TargetError> {
    let (text, usage, model) = parse(value)?;
    Ok(ChatReply { text, usage, latency, session_id: None, model: model.or_else(|| Some(configured_model.to_owned())) })
}

/// How a stateless, multi-turn model API describes itself.
pub fn model_api_description(kind: &str, model: &str) -> TargetDescription {
    TargetDescription { kind: kind.to_owned(), model: Some(model.to_owned()), sessions: false, multi_turn: true, system_prompt: true }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_are_found_in_the_common_shapes() {
        assert_eq!(error_message(r#"{"error":"unauthorized","message":"Invalid key"}"#), "Invalid key");
        assert_eq!(error_message(r#"{"error":{"type":"x","message":"Overloaded"}}"#), "Overloaded");
        assert_eq!(error_message(r#"{"error":"bad"}"#), "bad");
        assert_eq!(error_message(r#"{"detail":"nope"}"#), "nope");
        assert_eq!(error_message("  plain text \n"), "plain text");
        assert!(error_message(&"é".repeat(400)).ends_with('…'));
    }

    #[test]
    fn statuses_map_to_typed_errors() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "2".parse().expect("header"));
        assert!(matches!(status_error(StatusCode::UNAUTHORIZED, &headers, ""), TargetError::Auth(_)));
        assert!(matches!(status_error(StatusCode::BAD_REQUEST, &headers, ""), TargetError::BadRequest(_)));
        assert!(matches!(status_error(StatusCode::NOT_FOUND, &headers, ""), TargetError::NotFound(_)));
        assert_eq!(
            status_error(StatusCode::TOO_MANY_REQUESTS, &headers, r#"{"message":"slow down"}"#),
            TargetError::RateLimited { retry_after: Some(Duration::from_secs(2)), message: "slow down".into() }
        );
        assert!(matches!(status_error(StatusCode::BAD_GATEWAY, &headers, ""), TargetError::Server { status: 502, .. }));
    }
}
