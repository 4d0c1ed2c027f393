//! A lean client for targets on plain `http://` (a system under test on the same host or
//! network, what a scan mostly calls): hyper's HTTP/1.1 connection API under a small pool of
//! kept-alive connections, in place of reqwest's layers (URL handling, redirect and retry
//! services, proxy matching, the generic pool), which cost a scan about as much CPU per call
//! as the connection itself.
//!
//! It sends what reqwest would: the same headers (`host`, `content-type`, `accept`,
//! `user-agent`, the credentials), HTTP/1.1 with `TCP_NODELAY`, the same 10 s connect bound.
//! Where reqwest would do more, the call goes to reqwest instead: no plain client is made
//! when a proxy is configured in the environment (`HTTP_PROXY`, `ALL_PROXY`, either case),
//! and an answer that redirects (3xx) is sent again through reqwest, which follows it.

use std::sync::Mutex;
use std::time::Duration;

use assay_core::TargetError;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;

use crate::http::{json_answer, push_causes};

/// Idle connections kept per target, as reqwest's pool keeps (see [`crate::http::client`]).
const MAX_IDLE: usize = 64;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// One answer: status, headers and the whole body.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// `POST`s to one `http://` URL over kept-alive connections.
pub struct PlainHttp {
    /// Where to connect: `host:port`.
    address: String,
    /// The request target, `/path?query`.
    path: Uri,
    /// Headers sent with every request: `host`, `accept`, `user-agent`, `content-type`, and
    /// the target's credentials.
    headers: HeaderMap,
    idle: Mutex<Vec<SendRequest<Full<Bytes>>>>,
}

impl PlainHttp {
    /// A client for `url` with `extra` headers (credentials), or `None` where reqwest must
    /// serve it: a scheme other than `http`, a URL with user info, a proxy in the environment.
    pub fn for_url(url: &reqwest::Url, extra: &[(HeaderName, HeaderValue)]) -> Option<Self> {
        if url.scheme() != "http" || !url.username().is_empty() || url.password().is_some() || proxy_configured() {
            return None;
        }
        let host = url.host_str()?;
        let port = url.port_or_known_default()?;
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_str(&authority).ok()?);
        headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        headers.insert(USER_AGENT, HeaderValue::from_static(concat!("assay/", env!("CARGO_PKG_VERSION"))));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in extra {
            headers.insert(name.clone(), value.clone());
        }
        // (IPv6 hosts keep their brackets in `host_str`, as connecting needs them.)
        Some(Self { address: format!("{host}:{port}"), path: path.parse().ok()?, headers, idle: Mutex::new(Vec::new()) })
    }

    /// `POST`s `body` and returns the answer's JSON (or the typed error, as
    /// [`crate::http::send_json`] gives them); `None` when the answer redirects, for the caller
    /// to send the request again through reqwest, which follows it.
    pub async fn post_json(&self, body: &serde_json::Value) -> Result<Option<serde_json::Value>, TargetError> {
        let bytes = serde_json::to_vec(body).map_err(|e| TargetError::BadRequest(format!("the request body cannot be written: {e}")))?;
        let answer = self.post(Bytes::from(bytes)).await?;
        if answer.status.is_redirection() {
            return Ok(None);
        }
        json_answer(answer.status, &answer.headers, &answer.body).map(Some)
    }

    /// `POST`s `body` and reads the whole answer.
    async fn post(&self, body: Bytes) -> Result<Answer, TargetError> {
        let (mut sender, reused) = match self.take_idle().await {
            Some(sender) => (sender, true),
            None => (self.connect().await?, false),
        };
        let response = match sender.try_send_request(self.request(body)).await {
            Ok(response) => response,
            Err(mut failed) => match failed.take_message() {
                // A kept-alive connection the server closed while it sat idle: the request
                // never left, so it goes once more on a fresh connection.
                Some(request) if reused => {
                    sender = self.connect().await?;
                    sender.send_request(request).await.map_err(|e| connection_error(&e))?
                }
                _ => return Err(connection_error(failed.error())),
            },
        };
        let (parts, incoming) = response.into_parts();
        let body = incoming
            .collect()
            .await
            .map_err(|e| TargetError::MalformedReply(format!("error reading the reply body: {}", with_causes(&e))))?
            .to_bytes();
        // The answer is read in full, so the connection is free for another request unless
        // either side asked to close it.
        if !sender.is_closed() {
            let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if idle.len() < MAX_IDLE {
                idle.push(sender);
            }
        }
        Ok(Answer { status: parts.status, headers: parts.headers, body })
    }

    fn request(&self, body: Bytes) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(body));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = self.path.clone();
        *request.headers_mut() = self.headers.clone();
        request
    }

    /// A kept-alive connection still open, once it is ready for the next request (its task
    /// may not have seen the end of the last answer yet); closed ones are dropped.
    async fn take_idle(&self) -> Option<SendRequest<Full<Bytes>>> {
        loop {
            let mut sender = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop()?;
            if !sender.is_closed() && sender.ready().await.is_ok() {
                return Some(sender);
            }
        }
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, TargetError> {
        let stream = tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(self.address.as_str()))
            .await
            .map_err(|_| TargetError::Connection(format!("connecting to the target timed out after {}s", CONNECT_TIMEOUT.as_secs())))?
            .map_err(|e| TargetError::Connection(format!("error connecting to the target: {e}")))?;
        stream.set_nodelay(true).map_err(|e| TargetError::Connection(format!("error setting up the connection: {e}")))?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| connection_error(&e))?;
        // The connection's I/O runs as its own task until either side closes it; its error, if
        // any, reaches the request that was waiting on it.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(sender)
    }
}

/// Whether reqwest would send plain `http://` requests through a proxy from the environment.
fn proxy_configured() -> bool {
    ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"].iter().any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// The `Authorization: Bearer` header for `token`, marked sensitive as reqwest's `bearer_auth`
/// marks it; `None` when the token cannot be a header value.
pub fn bearer(token: &str) -> Option<(HeaderName, HeaderValue)> {
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
    value.set_sensitive(true);
    Some((AUTHORIZATION, value))
}

fn connection_error(error: &hyper::Error) -> TargetError {
    TargetError::Connection(format!("error sending the request: {}", with_causes(error)))
}

fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    push_causes(&mut text, error);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> reqwest::Url {
        reqwest::Url::parse(text).expect("url")
    }

    #[test]
    fn only_plain_http_without_user_info_gets_a_plain_client() {
        assert!(PlainHttp::for_url(&url("https://example.test/chat"), &[]).is_none());
        assert!(PlainHttp::for_url(&url("http://user:pw@127.0.0.1:9/chat"), &[]).is_none());
        let plain = PlainHttp::for_url(&url("http://[::1]:8080/v1/chat?x=1"), &[]).expect("plain http");
        assert_eq!(plain.address, "[::1]:8080");
        assert_eq!(plain.path, "/v1/chat?x=1");
        assert_eq!(plain.headers[HOST], "[::1]:8080");
        // The scheme's own port is left out of `host`, as reqwest leaves it.
        assert_eq!(PlainHttp::for_url(&url("http://localhost/chat"), &[]).expect("plain http").headers[HOST], "localhost");
    }
}
