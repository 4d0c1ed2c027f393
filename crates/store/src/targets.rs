//! Stored targets: settings as JSON, the credential sealed (see `secret`), all per team.

use assay_core::{Id, StoredTarget, TargetSettings, unix_now};

use crate::error::{conflict_as, from_json_column, to_json_column};
use crate::tenancy::stored_id;
use crate::{Error, Result, Store, on_pool};

/// What an update does to the stored credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialChange {
    Keep,
    Set(String),
    Clear,
}

#[derive(sqlx::FromRow)]
struct TargetRow {
    id: String,
    team_id: String,
    name: String,
    settings: String,
    has_credential: bool,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "id, team_id, name, settings, credential IS NOT NULL AS has_credential, created_at, updated_at";

impl TryFrom<TargetRow> for StoredTarget {
    type Error = Error;
    fn try_from(row: TargetRow) -> Result<Self> {
        Ok(StoredTarget {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            name: row.name,
            settings: from_json_column("target settings", &row.settings)?,
            has_credential: row.has_credential,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl Store {
    pub async fn create_target(
        &self,
        team_id: &Id,
        name: &str,
        settings: &TargetSettings,
        credential: Option<&str>,
    ) -> Result<StoredTarget> {
        let id = Id::generate();
        let sealed = credential.map(|c| self.secret_key()?.seal(id.as_str(), c)).transpose()?;
        let now = unix_now();
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO targets (id, team_id, name, settings, credential, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(id.as_str())
        .bind(team_id.as_str())
        .bind(name)
        .bind(to_json_column("target settings", settings)?)
        .bind(sealed.as_deref())
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ())
        .map_err(conflict_as("target name"))?);
        Ok(StoredTarget {
            id,
            team_id: team_id.clone(),
            name: name.to_owned(),
            settings: settings.clone(),
            has_credential: sealed.is_some(),
            created_at: now,
            updated_at: now,
        })
    }

    pub async fn list_targets(&self, team_id: &Id) -> Result<Vec<StoredTarget>> {
        let sql = format!("SELECT {COLUMNS} FROM targets WHERE team_id = $1 ORDER BY created_at, id");
        let rows: Vec<TargetRow> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(team_id.as_str()).fetch_all(pool).await?);
        rows.into_iter().map(StoredTarget::try_from).collect()
    }

    pub async fn target(&self, team_id: &Id, id: &Id) -> Result<Option<StoredTarget>> {
        let sql = format!("SELECT {COLUMNS} FROM targets WHERE team_id = $1 AND id = $2");
        let row: Option<TargetRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(StoredTarget::try_from).transpose()
    }

    /// The decrypted credential of a team's target, if it has one.
    pub async fn target_credential(&self, team_id: &Id, id: &Id) -> Result<Option<String>> {
        let sealed: Option<Option<String>> = on_pool!(self, pool => sqlx::query_scalar("SELECT credential FROM targets WHERE team_id = $1 AND id = $2")
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        match sealed.flatten() {
            Some(sealed) => Ok(Some(self.secret_key()?.open(id.as_str(), &sealed)?)),
            None => Ok(None),
        }
    }

    /// Updates what is given; `None` if the team has no such target.
    pub async fn update_target(
        &self,
        team_id: &Id,
        id: &Id,
        name: Option<&str>,
        settings: Option<&TargetSettings>,
        credential: CredentialChange,
    ) -> Result<Option<StoredTarget>> {
        let Some(current) = self.target(team_id, id).await? else { return Ok(None) };
        let settings_text = to_json_column("target settings", settings.unwrap_or(&current.settings))?;
        let (touch_credential, sealed) = match &credential {
            CredentialChange::Keep => (false, None),
            CredentialChange::Set(secret) => (true, Some(self.secret_key()?.seal(id.as_str(), secret)?)),
            CredentialChange::Clear => (true, None),
        };
        let done = on_pool!(self, pool => sqlx::query(
            "UPDATE targets SET name = $1, settings = $2, \
             credential = CASE WHEN $3 THEN $4 ELSE credential END, updated_at = $5 \
             WHERE team_id = $6 AND id = $7",
        )
        .bind(name.unwrap_or(&current.name))
        .bind(settings_text)
        .bind(touch_credential)
        .bind(sealed.as_deref())
        .bind(unix_now())
        .bind(team_id.as_str())
        .bind(id.as_str())
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
        .map_err(conflict_as("target name"))?);
        if done == 0 {
            return Ok(None);
        }
        self.target(team_id, id).await
    }

    /// Deletes a team's target (and its contract sessions); false if there was none.
    pub async fn delete_target(&self, team_id: &Id, id: &Id) -> Result<bool> {
        let done = on_pool!(self, pool => sqlx::query("DELETE FROM targets WHERE team_id = $1 AND id = $2")
            .bind(team_id.as_str())
            .bind(id.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(done == 1)
    }
}
