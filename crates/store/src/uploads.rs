//! Uploaded files: the SQL that announces a file, takes its bytes once through a one-time
//! token, and lists and reads a team's files.

use assay_core::{Id, KeySecret, Upload, UploadOwner, unix_now};

use crate::tenancy::stored_id;
use crate::{Error, Result, Store, on_pool};

#[derive(sqlx::FromRow)]
struct UploadRow {
    id: String,
    team_id: String,
    owner_kind: String,
    owner_id: String,
    file_name: String,
    file_type: String,
    file_size: i64,
    checksum: String,
    expires_at: i64,
    uploaded_at: Option<i64>,
    created_by: String,
    created_at: i64,
}

impl TryFrom<UploadRow> for Upload {
    type Error = Error;
    fn try_from(row: UploadRow) -> Result<Self> {
        Ok(Upload {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            owner: UploadOwner::parse(&row.owner_kind).ok_or_else(|| Error::Corrupt(format!("upload owner {:?}", row.owner_kind)))?,
            owner_id: stored_id(&row.owner_id)?,
            file_name: row.file_name,
            file_type: row.file_type,
            file_size: row.file_size,
            checksum: row.checksum,
            expires_at: row.expires_at,
            uploaded_at: row.uploaded_at,
            created_by: stored_id(&row.created_by)?,
            created_at: row.created_at,
        })
    }
}

const COLUMNS: &str =
    "id, team_id, owner_kind, owner_id, file_name, file_type, file_size, checksum, expires_at, uploaded_at, created_by, created_at";

impl Store {
    /// Announces a file; its bytes are then taken once by [`Self::take_upload`] with
    /// `token` (only its hash is kept) until `expires_at`.
    pub async fn announce_upload(&self, upload: &Upload, token: &KeySecret) -> Result<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO uploads (id, team_id, owner_kind, owner_id, file_name, file_type, file_size, checksum, token_hash, expires_at, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(upload.id.as_str())
        .bind(upload.team_id.as_str())
        .bind(upload.owner.as_str())
        .bind(upload.owner_id.as_str())
        .bind(&upload.file_name)
        .bind(&upload.file_type)
        .bind(upload.file_size)
        .bind(&upload.checksum)
        .bind(token.hash())
        .bind(upload.expires_at)
        .bind(upload.created_by.as_str())
        .bind(upload.created_at)
        .execute(pool)
        .await
        .map(|_| ())?);
        Ok(())
    }

    /// The upload `id` that may take bytes with `presented_token` now; `None` if no live
    /// upload has that id and token, [`Error::StateConflict`] if its bytes already arrived.
    pub async fn pending_upload(&self, id: &Id, presented_token: &str) -> Result<Option<Upload>> {
        let sql = format!("SELECT {COLUMNS} FROM uploads WHERE id = $1 AND token_hash = $2 AND expires_at > $3");
        let row: Option<UploadRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id.as_str())
            .bind(KeySecret::hash_of(presented_token))
            .bind(unix_now())
            .fetch_optional(pool)
            .await?);
        let Some(upload) = row.map(Upload::try_from).transpose()? else { return Ok(None) };
        if upload.uploaded_at.is_some() {
            return Err(already_uploaded());
        }
        Ok(Some(upload))
    }

    /// Stores the bytes of a pending upload, once: a second upload (or a race, or an expiry
    /// meanwhile) is [`Error::StateConflict`].
    pub async fn take_upload(&self, id: &Id, presented_token: &str, content: &[u8]) -> Result<Upload> {
        let now = unix_now();
        let sql = format!(
            "UPDATE uploads SET content = $1, uploaded_at = $2 WHERE id = $3 AND token_hash = $4 AND expires_at > $2 AND uploaded_at IS NULL \
             RETURNING {COLUMNS}"
        );
        let row: Option<UploadRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(content)
            .bind(now)
            .bind(id.as_str())
            .bind(KeySecret::hash_of(presented_token))
            .fetch_optional(pool)
            .await?);
        Upload::try_from(row.ok_or_else(already_uploaded)?)
    }

    /// The files of one object of a team, oldest first.
    pub async fn list_uploads(&self, team_id: &Id, owner: UploadOwner, owner_id: &Id) -> Result<Vec<Upload>> {
        let sql = format!("SELECT {COLUMNS} FROM uploads WHERE team_id = $1 AND owner_kind = $2 AND owner_id = $3 ORDER BY created_at, id");
        let rows: Vec<UploadRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(owner.as_str())
            .bind(owner_id.as_str())
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(Upload::try_from).collect()
    }

    /// The bytes of an uploaded file of a team; `None` if absent or not uploaded yet.
    pub async fn upload_content(&self, team_id: &Id, id: &Id) -> Result<Option<Vec<u8>>> {
        let content: Option<Option<Vec<u8>>> = on_pool!(self, pool => sqlx::query_scalar("SELECT content FROM uploads WHERE team_id = $1 AND id = $2")
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        Ok(content.flatten())
    }
}

fn already_uploaded() -> Error {
    Error::StateConflict("This file was already uploaded; announce it again for a new upload URL.".into())
}
