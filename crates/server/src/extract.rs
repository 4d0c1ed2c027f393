//! Extractors that turn every kind of bad input into an [`ApiError`] (and so into the
//! caller's surface shape), instead of axum's plain-text rejections.

use assay_core::Id;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::error::ApiError;

/// A JSON body: malformed JSON → 400 `malformed_json`, wrong shape → 400 `invalid_request`,
/// not `application/json` → 415, over the body limit → 413.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<T>::from_request(request, state).await?;
        Ok(Self(value))
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

/// An optional JSON body: empty → `None`; otherwise as [`ApiJson`], but any content type is
/// accepted (contract clients often send a bodiless POST without one).
#[derive(Debug, Clone)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(assay_core::ErrorCode::PayloadTooLarge)
            } else {
                ApiError::with_message(assay_core::ErrorCode::InvalidRequest, rejection.body_text())
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(None));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(&mut deserializer) {
            Ok(value) => Ok(Self(Some(value))),
            Err(error) if error.inner().is_syntax() || error.inner().is_eof() => {
                Err(ApiError::with_message(assay_core::ErrorCode::MalformedJson, error.to_string()))
            }
            Err(error) => Err(ApiError::with_message(assay_core::ErrorCode::InvalidRequest, error.to_string())),
        }
    }
}

/// For optional fields that must not be `null` when present (`#[serde(default,
/// deserialize_with = "non_null")]`): absent → `None`, `null` → a type error, as a schema
/// that types the field without `nullable` demands.
pub fn non_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}
