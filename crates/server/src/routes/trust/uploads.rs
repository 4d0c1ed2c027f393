//! File uploads served by assay itself, in the shape of a signed-URL upload: a route of the
//! object (`POST /v1/agent-configurations/{id}/files`) announces a file (name, type, size,
//! base64 MD5) and answers an `upload_url`, which takes the raw bytes once by `PUT` within an
//! hour, with no API key: its one-time token is the credential, as in a presigned URL (only
//! the token's hash is stored). The bytes must have the announced size and, when a
//! `Content-MD5` header or an announced checksum is given, that MD5; anything else is 400 and
//! stores nothing. The URL is built from the request's `Host` (and `X-Forwarded-Proto`).

use assay_core::{Id, KeySecret, Upload, UploadOwner, unix_now};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use base64::Engine;
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::PathId;
use crate::state::AppState;

/// How long an upload URL takes the bytes.
const UPLOAD_WINDOW_SECS: i64 = 3600;

/// The routes reached without an API key (the token in the URL stands for it).
pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(put_upload))
}

/// A file as the client announces it (extra fields, such as `category`, are ignored).
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnnounceFile {
    file_name: String,
    /// A MIME type; `application/octet-stream` when absent.
    file_type: Option<String>,
    /// The exact size in bytes.
    file_size: i64,
    /// Base64 of the file's MD5, as in a `Content-MD5` header.
    checksum: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UploadView {
    id: String,
    file_name: String,
    /// The object the file belongs to.
    owner_id: String,
    created_by: String,
    /// Unix seconds.
    created_at: i64,
    file_type: String,
    file_size: i64,
    checksum: String,
    /// Where to `PUT` the bytes (set only in the answer to the announcement).
    upload_url: Option<String>,
    /// Unix seconds after which `upload_url` takes nothing.
    upload_expiration: i64,
    /// Always `assay`: the file is kept in assay's own database.
    provider: String,
    /// Always `PUT`.
    method: String,
    /// Whether the bytes arrived.
    uploaded: bool,
}

impl UploadView {
    fn new(upload: Upload, upload_url: Option<String>) -> Self {
        Self {
            id: upload.id.to_string(),
            file_name: upload.file_name,
            owner_id: upload.owner_id.to_string(),
            created_by: upload.created_by.to_string(),
            created_at: upload.created_at,
            file_type: upload.file_type,
            file_size: upload.file_size,
            checksum: upload.checksum,
            upload_url,
            upload_expiration: upload.expires_at,
            provider: "assay".to_owned(),
            method: "PUT".to_owned(),
            uploaded: upload.uploaded_at.is_some(),
        }
    }

    pub fn listed(upload: Upload) -> Self {
        Self::new(upload, None)
    }
}

/// Announces a file of `owner_id` (already checked to be the caller's) and answers its
/// one-time upload URL.
pub(super) async fn announce(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    owner: UploadOwner,
    owner_id: &Id,
    body: AnnounceFile,
) -> Result<UploadView, ApiError> {
    let file_name = body.file_name.trim();
    if file_name.is_empty() || file_name.len() > 255 {
        return Err(ApiError::invalid("file_name must be 1 to 255 characters"));
    }
    let limit = i64::try_from(state.body_limit).unwrap_or(i64::MAX);
    if body.file_size < 0 || body.file_size > limit {
        return Err(ApiError::invalid(format!("file_size must be 0 to {limit} bytes")));
    }
    let checksum = body.checksum.unwrap_or_default().trim().to_owned();
    if !checksum.is_empty() && base64::engine::general_purpose::STANDARD.decode(&checksum).map_or(true, |d| d.len() != 16) {
        return Err(ApiError::invalid("checksum must be the base64 of an MD5 digest (16 bytes)"));
    }
    let now = unix_now();
    let upload = Upload {
        id: Id::generate(),
        team_id: caller.0.team_id.clone(),
        owner,
        owner_id: owner_id.clone(),
        file_name: file_name.to_owned(),
        file_type: body.file_type.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| "application/octet-stream".to_owned()),
        file_size: body.file_size,
        checksum,
        expires_at: now + UPLOAD_WINDOW_SECS,
        uploaded_at: None,
        created_by: caller.0.user_id.clone(),
        created_at: now,
    };
    let token = KeySecret::generate();
    state.store.announce_upload(&upload, &token).await?;
    let url = format!("{}/v1/uploads/{}?token={}", origin(headers), upload.id, token.expose());
    Ok(UploadView::new(upload, Some(url)))
}

/// `scheme://host` of the server as the caller reached it.
fn origin(headers: &HeaderMap) -> String {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty());
    let scheme = header("x-forwarded-proto").filter(|p| *p == "https" || *p == "http").unwrap_or("http");
    let host = header("host").unwrap_or("localhost");
    format!("{scheme}://{host}")
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadToken {
    /// The one-time token of the upload URL.
    token: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Uploaded {
    id: String,
    file_size: i64,
    /// Base64 of the stored bytes' MD5.
    checksum: String,
    uploaded: bool,
}

/// Takes the bytes of an announced file, once (the upload URL's token authorizes it).
#[utoipa::path(put, path = "/v1/uploads/{id}", tag = "uploads", params(("id" = String, Path), UploadToken),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, description = "Stored", body = Uploaded),
        (status = 400, description = "Size or MD5 differs from the announcement or the Content-MD5 header"),
        (status = 404, description = "No live upload with this id and token"), (status = 409, description = "Already uploaded"),
        (status = 413, description = "Larger than the server's body limit")),
    security(()))]
async fn put_upload(
    State(state): State<AppState>,
    PathId(id): PathId,
    Query(query): Query<UploadToken>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Uploaded>, ApiError> {
    let token = query.token.unwrap_or_default();
    let upload = state.store.pending_upload(&id, &token).await?.ok_or_else(ApiError::not_found)?;
    if i64::try_from(body.len()).ok() != Some(upload.file_size) {
        return Err(ApiError::invalid(format!("the body is {} bytes; {} were announced", body.len(), upload.file_size)));
    }
    let digest = base64::engine::general_purpose::STANDARD.encode(Md5::digest(&body));
    let sent = headers.get("content-md5").map(|v| v.to_str().unwrap_or_default().trim().to_owned());
    if sent.is_some_and(|sent| sent != digest) {
        return Err(ApiError::invalid("Content-MD5 does not match the body: it was damaged or changed on the way"));
    }
    if !upload.checksum.is_empty() && upload.checksum != digest {
        return Err(ApiError::invalid("the body's MD5 differs from the announced checksum"));
    }
    let stored = state.store.take_upload(&id, &token, &body).await?;
    Ok(Json(Uploaded { id: stored.id.to_string(), file_size: stored.file_size, checksum: digest, uploaded: true }))
}
