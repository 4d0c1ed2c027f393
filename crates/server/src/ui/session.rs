//! Who is using the UI: the session cookie (HttpOnly, SameSite=Strict) that sign-in sets, the
//! [`Viewer`] extractor that reads it (or sends the browser to sign in), and [`Submitted`],
//! the extractor of every form post, which also checks the session's CSRF token and the
//! request's origin.

use assay_core::{ErrorCode, Id};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "assay_session";
/// How long a session lasts without signing in again: a working day.
pub const LIFETIME_SECS: i64 = 12 * 3600;
/// The largest form the UI accepts (a target's settings are the biggest field).
const FORM_LIMIT: usize = 64 * 1024;

/// A signed-in person: the principal their session acts as and its CSRF token.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub principal: assay_core::Principal,
    pub team_name: String,
    pub csrf: String,
}

impl Viewer {
    pub fn team_id(&self) -> &Id {
        &self.principal.team_id
    }
}

/// The session token a request's cookies carry.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// The cookie that holds a new session.
pub fn session_cookie(token: &str) -> HeaderValue {
    let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={LIFETIME_SECS}");
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("assay_session=; Path=/"))
}

/// The cookie that ends a session in the browser.
pub fn cleared_cookie() -> HeaderValue {
    HeaderValue::from_static("assay_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// A random token: 32 bytes from the OS generator (through UUID v4s), hex.
pub fn random_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// Where a browser without a session is sent: the sign-in page, which returns it here.
fn to_sign_in(parts: &Parts) -> Response {
    let back = parts.uri.path_and_query().map_or("/ui/", |pq| pq.as_str());
    let next: String = url_encode(back);
    Redirect::to(&format!("/ui/sign-in?next={next}")).into_response()
}

/// Percent-encodes a query value.
pub fn url_encode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)]).map(|s| s.trim_start_matches("v=").to_owned()).unwrap_or_default()
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = session_token(&parts.headers) else { return Err(to_sign_in(parts)) };
        match state.store.ui_session(&token).await {
            Ok(Some(session)) => Ok(Viewer { principal: session.principal, team_name: session.team_name, csrf: session.csrf }),
            Ok(None) => Err(to_sign_in(parts)),
            Err(error) => Err(ApiError::from(error).into_response()),
        }
    }
}

/// A form posted by a signed-in person, checked: the session's CSRF token in the `csrf`
/// field, and, when the browser says where the form came from, this server as its origin.
pub struct Submitted<T> {
    pub viewer: Viewer,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Submitted<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        if !same_origin(&parts.headers) {
            return Err(ApiError::with_message(ErrorCode::Forbidden, "This form was sent from another site.").into_response());
        }
        let bytes = read_form(&parts.headers, body).await.map_err(IntoResponse::into_response)?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        let token = pairs.iter().find(|(name, _)| name == "csrf").map(|(_, value)| value.as_str());
        if token != Some(viewer.csrf.as_str()) {
            return Err(
                ApiError::with_message(ErrorCode::Forbidden, "The form has expired: reload the page and send it again.").into_response()
            );
        }
        // Every form changes something, so it is a write (sign-in and sign-out do not come here).
        let role = viewer.principal.role;
        if !role.can_write() {
            return Err(crate::roles::forbidden(role, assay_core::TeamRole::Member).into_response());
        }
        let form = parse_form(&bytes).map_err(IntoResponse::into_response)?;
        Ok(Submitted { viewer, form })
    }
}

/// A form's body, refused unless it is URL-encoded and small.
pub async fn read_form(headers: &HeaderMap, body: axum::body::Body) -> Result<Bytes, ApiError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(ApiError::with_message(ErrorCode::UnsupportedMediaType, "Forms are sent URL-encoded."));
    }
    axum::body::to_bytes(body, FORM_LIMIT).await.map_err(|_| ApiError::new(ErrorCode::PayloadTooLarge))
}

/// The fields of a form that sends only its CSRF token (a button).
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

/// A query or form value, trimmed; empty is none.
pub fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A form's fields as `T` (fields it does not name, such as `csrf`, are ignored).
pub fn parse_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_urlencoded::from_bytes(bytes).map_err(|e| ApiError::invalid(format!("The form is invalid: {e}")))
}

/// Whether the `Origin` (or, without it, the `Referer`) names this server's host; a request
/// that names neither passes (the SameSite=Strict cookie already kept other sites out).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else { return true };
    let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    match source {
        None | Some("null") => source.is_none(),
        Some(url) => url.split_once("://").map(|(_, rest)| rest.split('/').next().unwrap_or("")) == Some(host),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).expect("header"));
        }
        map
    }

    #[test]
    fn the_session_token_is_read_among_other_cookies() {
        assert_eq!(session_token(&headers(&[("cookie", "a=1; assay_session=tok; b=2")])).as_deref(), Some("tok"));
        assert_eq!(session_token(&headers(&[("cookie", "a=1"), ("cookie", "assay_session=t2")])).as_deref(), Some("t2"));
        assert_eq!(session_token(&headers(&[("cookie", "assay_session=")])), None);
        assert_eq!(session_token(&HeaderMap::new()), None);
    }

    #[test]
    fn forms_from_another_origin_are_refused() {
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080"), ("origin", "http://127.0.0.1:8080")])));
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080"), ("referer", "http://127.0.0.1:8080/ui/keys")])));
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080")])));
        assert!(!same_origin(&headers(&[("host", "127.0.0.1:8080"), ("origin", "http://evil.test")])));
        assert!(!same_origin(&headers(&[("host", "127.0.0.1:8080"), ("origin", "null")])));
    }

    #[test]
    fn the_session_cookie_is_http_only_and_same_site_strict() {
        let cookie = session_cookie("abc");
        let text = cookie.to_str().expect("ascii");
        assert!(text.starts_with("assay_session=abc;") && text.contains("HttpOnly") && text.contains("SameSite=Strict"), "{text}");
    }
}
