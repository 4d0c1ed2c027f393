//! Authentication and per-key rate limiting for the API surfaces.
//!
//! A key is accepted in any of the three forms the specs name: `Authorization: Bearer KEY`,
//! HTTP Basic with the key as user name (password ignored, normally empty) and
//! `X-API-Key: KEY`. With `--no-auth` (loopback only) every request acts as the built-in
//! `local` team. The authenticated [`Caller`] is left in the request's extensions.

use std::time::Instant;

use assay_core::{ErrorCode, Principal};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;

use crate::error::ApiError;
use crate::rate_limit::Decision;
use crate::state::AppState;

/// The key a request presents, in whichever supported form it came.
pub fn presented_key(headers: &HeaderMap) -> Option<String> {
    if let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let (scheme, credentials) = value.trim().split_once(' ')?;
        let credentials = credentials.trim();
        return if scheme.eq_ignore_ascii_case("bearer") {
            Some(credentials.to_owned()).filter(|k| !k.is_empty())
        } else if scheme.eq_ignore_ascii_case("basic") {
            let decoded = base64::engine::general_purpose::STANDARD.decode(credentials).ok()?;
            let decoded = String::from_utf8(decoded).ok()?;
            let user = decoded.split_once(':').map_or(decoded.as_str(), |(user, _password)| user);
            Some(user.to_owned()).filter(|k| !k.is_empty())
        } else {
            None
        };
    }
    let key = headers.get("x-api-key")?.to_str().ok()?.trim();
    Some(key.to_owned()).filter(|k| !k.is_empty())
}

/// Middleware: resolves the caller (401 if none), then spends one request of its rate limit
/// (429 with `Retry-After` if exhausted).
pub async fn require_caller(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let principal = match identify(&state, request.headers()).await {
        Ok(principal) => principal,
        Err(error) => return error.into_response(),
    };
    let decision = state.rate_limiter.check(&principal.key_id, principal.plan, Instant::now());
    let (limit, remaining) = match decision {
        Decision::Allowed { limit, remaining } => (limit, remaining),
        Decision::Limited { limit, retry_after_secs } => {
            let mut response = ApiError::rate_limited(retry_after_secs).into_response();
            response.headers_mut().insert("x-ratelimit-limit", HeaderValue::from(limit));
            response.headers_mut().insert("x-ratelimit-remaining", HeaderValue::from(0));
            return response;
        }
    };
    request.extensions_mut().insert(Caller(principal));
    let mut response = next.run(request).await;
    response.headers_mut().insert("x-ratelimit-limit", HeaderValue::from(limit));
    response.headers_mut().insert("x-ratelimit-remaining", HeaderValue::from(remaining));
    response
}

async fn identify(state: &AppState, headers: &HeaderMap) -> Result<Principal, ApiError> {
    if let Some(local) = &state.no_auth_principal {
        return Ok(local.clone());
    }
    let key = presented_key(headers).ok_or_else(|| ApiError::new(ErrorCode::Unauthorized))?;
    state.store.authenticate(&key).await?.ok_or_else(|| ApiError::new(ErrorCode::Unauthorized))
}

/// The authenticated caller of a request, as an extractor for handlers behind [`require_caller`].
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            tracing::error!("a handler that needs a caller is mounted without the auth layer");
            ApiError::new(ErrorCode::Internal)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("header value"));
        }
        map
    }

    #[test]
    fn all_three_forms_yield_the_key() {
        assert_eq!(presented_key(&headers(&[("authorization", "Bearer k1")])).as_deref(), Some("k1"));
        assert_eq!(presented_key(&headers(&[("authorization", "bearer  k1 ")])).as_deref(), Some("k1"));
        // "k2:" in base64
        assert_eq!(presented_key(&headers(&[("authorization", "Basic azI6")])).as_deref(), Some("k2"));
        // "k2" without a colon
        assert_eq!(presented_key(&headers(&[("authorization", "Basic azI=")])).as_deref(), Some("k2"));
        assert_eq!(presented_key(&headers(&[("x-api-key", "k3")])).as_deref(), Some("k3"));
    }

    #[test]
    fn malformed_or_empty_credentials_yield_nothing() {
        for value in ["Bearer", "Bearer ", "Basic !!!", "Basic Og==", "Token k", "k"] {
            assert_eq!(presented_key(&headers(&[("authorization", value)])), None, "{value}");
        }
        assert_eq!(presented_key(&headers(&[("x-api-key", " ")])), None);
        assert_eq!(presented_key(&HeaderMap::new()), None);
    }
}
