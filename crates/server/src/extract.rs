//! Extractors that turn every kind of bad input into an [`ApiError`] (and so into the
//! caller's surface shape), instead of axum's plain-text rejections.

use assay_core::Id;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::error::ApiError;

/// A JSON object body: not `application/json` → 415, over the body limit → 413, malformed JSON
/// → 400 `malformed_json`, not an object or the wrong shape → 400 `invalid_request`. (serde would
/// otherwise fill a struct from an array, positionally.)
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let declared_json = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime.eq_ignore_ascii_case("application/json") || (mime.starts_with("application/") && mime.ends_with("+json"))
            });
        if !declared_json {
            return Err(ApiError::new(assay_core::ErrorCode::UnsupportedMediaType));
        }
        let bytes = body_bytes(request, state).await?;
        parse_object(&bytes).map(Self)
    }
}

async fn body_bytes<S: Send + Sync>(request: Request, state: &S) -> Result<axum::body::Bytes, ApiError> {
    axum::body::Bytes::from_request(request, state).await.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(assay_core::ErrorCode::PayloadTooLarge)
        } else {
            ApiError::with_message(assay_core::ErrorCode::InvalidRequest, rejection.body_text())
        }
    })
}

/// Parses a JSON object into `T`, naming the failing field.
fn parse_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let trailing = parsed.is_ok() && deserializer.end().is_err();
    match parsed {
        Err(error) if error.inner().is_syntax() || error.inner().is_eof() => {
            Err(ApiError::with_message(assay_core::ErrorCode::MalformedJson, format!("The body is not valid JSON: {error}")))
        }
        Ok(_) if trailing => Err(ApiError::with_message(assay_core::ErrorCode::MalformedJson, "The body has data after its JSON value.")),
        _ if first != Some(&b'{') => Err(ApiError::with_message(assay_core::ErrorCode::InvalidRequest, "The body must be a JSON object.")),
        Ok(value) => Ok(value),
        Err(error) => Err(ApiError::with_message(assay_core::ErrorCode::InvalidRequest, format!("Invalid body: {error}"))),
    }
}

/// Query parameters; a value of the wrong type → 400 `invalid_request`.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Query(value) = axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Self(value))
    }
}

/// The single `{id}` of a route; a segment that is not an id → 404 (it cannot name anything).
#[derive(Debug, Clone)]
pub struct PathId(pub Id);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(raw) = axum::extract::Path::<String>::from_request_parts(parts, state).await?;
        Id::parse(&raw).map(Self).map_err(|_| ApiError::not_found())
    }
}

/// A route's `{id}` and `{session_id}`; a segment that is not an id → 404.
#[derive(Debug, Clone)]
pub struct PathIdPair(pub Id, pub Id);

impl<S: Send + Sync> FromRequestParts<S> for PathIdPair {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path((first, second)) = axum::extract::Path::<(String, String)>::from_request_parts(parts, state).await?;
        let parse = |raw: &str| Id::parse(raw).map_err(|_| ApiError::not_found());
        Ok(Self(parse(&first)?, parse(&second)?))
    }
}

/// An optional JSON object body: empty → `None`; otherwise as [`ApiJson`], but any content type
/// is accepted (contract clients often send a bodiless POST without one).
#[derive(Debug, Clone)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = body_bytes(request, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(None));
        }
        parse_object(&bytes).map(|value| Self(Some(value)))
    }
}

/// For optional fields that must not be `null` when present (`#[serde(default,
/// deserialize_with = "non_null")]`): absent → `None`, `null` → a type error, as a schema
/// that types the field without `nullable` demands.
pub fn non_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// `limit` (default 50, 1 to 500) and `offset` (default 0) of a list endpoint; a value out of
/// range answers `invalid` (each surface names bad input its own way).
pub fn page(limit: Option<i64>, offset: Option<i64>, invalid: assay_core::ErrorCode) -> Result<(i64, i64), ApiError> {
    let limit = limit.unwrap_or(50);
    let offset = offset.unwrap_or(0);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::with_message(invalid, "limit must be between 1 and 500"));
    }
    if offset < 0 {
        return Err(ApiError::with_message(invalid, "offset must be 0 or more"));
    }
    Ok((limit, offset))
}

/// A query string as its pairs, repeated keys kept (`harness_type=A&harness_type=B`), as the
/// trust-platform client sends lists; a malformed query answers 400.
#[derive(Debug, Clone, Default)]
pub struct MultiQuery(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for MultiQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let raw = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str::<Vec<(String, String)>>(raw)
            .map(Self)
            .map_err(|e| ApiError::with_message(assay_core::ErrorCode::InvalidRequest, format!("invalid query string: {e}")))
    }
}

impl MultiQuery {
    /// Every value of `key`; comma-separated values are split too (`status=A,B`).
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect::<Vec<_>>())
            .collect()
    }

    /// The last value given for `key`, empty or not.
    fn last(&self, key: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The last value of `key`, if any (an empty value counts as absent).
    pub fn one(&self, key: &str) -> Option<&str> {
        self.last(key).filter(|v| !v.is_empty())
    }

    /// `key` as an integer; a value that is not one, the empty value included, answers 400 naming
    /// the key (an empty `limit=` is a client bug worth telling, not a request for the default).
    pub fn int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        self.last(key)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| ApiError::with_message(assay_core::ErrorCode::InvalidRequest, format!("{key} must be an integer")))
            })
            .transpose()
    }

    /// `key` as a boolean (`true`/`false`, any case, or 1/0); an empty value answers 400, as
    /// for [`MultiQuery::int`].
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        self.last(key)
            .map(|v| match v.to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(ApiError::with_message(assay_core::ErrorCode::InvalidRequest, format!("{key} must be true or false"))),
            })
            .transpose()
    }
}
