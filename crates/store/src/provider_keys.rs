//! Provider keys (`/v1/api-keys`): a team's named credentials for model hubs. The secret and
//! the `hub_config` object are sealed (see `secret`), bound to the key's id; only the names of
//! the config fields are readable.

use assay_core::{Id, OpenedProviderKey, ProviderKey, ProviderKeyInput, unix_now};
use sqlx::AssertSqlSafe;

use crate::error::{conflict_as, from_json_column, to_json_column};
use crate::tenancy::stored_id;
use crate::{Error, Result, Store, on_pool};

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: String,
    team_id: String,
    name: String,
    hub: String,
    url: Option<String>,
    rate_limit_per_interval: i64,
    rate_limit_interval: i64,
    has_secret: bool,
    hub_config_fields: String,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "id, team_id, name, hub, url, rate_limit_per_interval, rate_limit_interval, secret IS NOT NULL AS has_secret, \
                       hub_config_fields, created_at, updated_at";

impl TryFrom<KeyRow> for ProviderKey {
    type Error = Error;
    fn try_from(row: KeyRow) -> Result<Self> {
        Ok(ProviderKey {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            name: row.name,
            hub: row.hub,
            url: row.url,
            rate_limit_per_interval: row.rate_limit_per_interval,
            rate_limit_interval: row.rate_limit_interval,
            has_secret: row.has_secret,
            hub_config_fields: from_json_column("hub config fields", &row.hub_config_fields)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// What an update does to a sealed value: keep it, replace it, or (for the secret) clear it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealedChange<T> {
    Keep,
    Set(T),
}

type HubConfig = serde_json::Map<String, serde_json::Value>;

impl Store {
    /// Stores a new key under `id` (clients may choose it). A name the team already uses is
    /// [`Error::Conflict`].
    pub async fn create_provider_key(
        &self,
        id: &Id,
        team_id: &Id,
        input: &ProviderKeyInput,
        secret: Option<&str>,
        hub_config: Option<&HubConfig>,
    ) -> Result<ProviderKey> {
        let sealed_secret = secret.map(|s| self.secret_key()?.seal(id.as_str(), s)).transpose()?;
        let (sealed_config, fields) = self.seal_config(id, hub_config)?;
        let now = unix_now();
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO provider_keys (id, team_id, name, hub, url, rate_limit_per_interval, rate_limit_interval, secret, hub_config, \
             hub_config_fields, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(id.as_str())
        .bind(team_id.as_str())
        .bind(&input.name)
        .bind(&input.hub)
        .bind(input.url.as_deref())
        .bind(input.rate_limit_per_interval)
        .bind(input.rate_limit_interval)
        .bind(sealed_secret.as_deref())
        .bind(sealed_config.as_deref())
        .bind(&fields)
        .bind(now)
        .execute(pool)
        .await
        .map_err(conflict_as("provider key"))?
        .rows_affected());
        self.provider_key(team_id, id).await?.ok_or_else(|| Error::Corrupt("a provider key vanished after its creation".into()))
    }

    fn seal_config(&self, id: &Id, hub_config: Option<&HubConfig>) -> Result<(Option<String>, String)> {
        let Some(config) = hub_config else { return Ok((None, "[]".to_owned())) };
        let fields: Vec<&String> = config.keys().collect();
        let sealed = self.secret_key()?.seal(id.as_str(), &to_json_column("hub config", config)?)?;
        Ok((Some(sealed), to_json_column("hub config fields", &fields)?))
    }

    /// A team's keys, oldest first.
    pub async fn list_provider_keys(&self, team_id: &Id) -> Result<Vec<ProviderKey>> {
        let sql = format!("SELECT {COLUMNS} FROM provider_keys WHERE team_id = $1 ORDER BY created_at, id");
        let rows: Vec<KeyRow> = on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql)).bind(team_id.as_str()).fetch_all(pool).await?);
        rows.into_iter().map(ProviderKey::try_from).collect()
    }

    pub async fn provider_key(&self, team_id: &Id, id: &Id) -> Result<Option<ProviderKey>> {
        let sql = format!("SELECT {COLUMNS} FROM provider_keys WHERE team_id = $1 AND id = $2");
        let row: Option<KeyRow> =
            on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql)).bind(team_id.as_str()).bind(id.as_str()).fetch_optional(pool).await?);
        row.map(ProviderKey::try_from).transpose()
    }

    /// A team's key with its secret and `hub_config` opened, for calling the hub.
    pub async fn open_provider_key(&self, team_id: &Id, id: &Id) -> Result<Option<OpenedProviderKey>> {
        let Some(key) = self.provider_key(team_id, id).await? else { return Ok(None) };
        let sealed: Option<(Option<String>, Option<String>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT secret, hub_config FROM provider_keys WHERE team_id = $1 AND id = $2",
        )
        .bind(team_id.as_str())
        .bind(id.as_str())
        .fetch_optional(pool)
        .await?);
        let (secret, config) = sealed.unwrap_or_default();
        let secret = secret.map(|s| self.secret_key()?.open(id.as_str(), &s)).transpose()?;
        let hub_config = match config {
            Some(sealed) => from_json_column("hub config", &self.secret_key()?.open(id.as_str(), &sealed)?)?,
            None => HubConfig::new(),
        };
        Ok(Some(OpenedProviderKey { key, secret, hub_config }))
    }

    /// Replaces the key's fields with `input`, and its secret and config as told; `None` if
    /// the team has no such key.
    pub async fn update_provider_key(
        &self,
        team_id: &Id,
        id: &Id,
        input: &ProviderKeyInput,
        secret: SealedChange<String>,
        hub_config: SealedChange<HubConfig>,
    ) -> Result<Option<ProviderKey>> {
        let now = unix_now();
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE provider_keys SET name = $1, hub = $2, url = $3, rate_limit_per_interval = $4, rate_limit_interval = $5, updated_at = $6 \
             WHERE team_id = $7 AND id = $8",
        )
        .bind(&input.name)
        .bind(&input.hub)
        .bind(input.url.as_deref())
        .bind(input.rate_limit_per_interval)
        .bind(input.rate_limit_interval)
        .bind(now)
        .bind(team_id.as_str())
        .bind(id.as_str())
        .execute(pool)
        .await
        .map_err(conflict_as("provider key"))?
        .rows_affected());
        if updated == 0 {
            return Ok(None);
        }
        if let SealedChange::Set(secret) = secret {
            let sealed = self.secret_key()?.seal(id.as_str(), &secret)?;
            on_pool!(self, pool => sqlx::query("UPDATE provider_keys SET secret = $1 WHERE id = $2").bind(&sealed).bind(id.as_str()).execute(pool).await?.rows_affected());
        }
        if let SealedChange::Set(config) = hub_config {
            let (sealed, fields) = self.seal_config(id, Some(&config))?;
            on_pool!(self, pool => sqlx::query("UPDATE provider_keys SET hub_config = $1, hub_config_fields = $2 WHERE id = $3")
                .bind(sealed.as_deref())
                .bind(&fields)
                .bind(id.as_str())
                .execute(pool)
                .await?
                .rows_affected());
        }
        self.provider_key(team_id, id).await
    }

    /// False if the team has no such key.
    pub async fn delete_provider_key(&self, team_id: &Id, id: &Id) -> Result<bool> {
        let deleted = on_pool!(self, pool => sqlx::query("DELETE FROM provider_keys WHERE team_id = $1 AND id = $2")
            .bind(team_id.as_str())
            .bind(id.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(deleted > 0)
    }
}
