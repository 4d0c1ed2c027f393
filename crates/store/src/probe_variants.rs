//! A team's variants of library probes: the SQL that keeps them, one row per probe.

use assay_core::{Id, ProbeVariant, unix_now};

use crate::error::{from_json_column, to_json_column};
use crate::{Result, Store, on_pool};

#[derive(sqlx::FromRow)]
struct VariantRow {
    probe_id: String,
    enabled: bool,
    prompts: Option<String>,
    detectors: Option<String>,
    updated_at: i64,
}

impl TryFrom<VariantRow> for ProbeVariant {
    type Error = crate::Error;
    fn try_from(row: VariantRow) -> Result<Self> {
        Ok(ProbeVariant {
            probe_id: row.probe_id,
            enabled: row.enabled,
            prompts: row.prompts.as_deref().map(|text| from_json_column("variant prompts", text)).transpose()?,
            detectors: row.detectors.as_deref().map(|text| from_json_column("variant detectors", text)).transpose()?,
            updated_at: row.updated_at,
        })
    }
}

impl Store {
    /// Stores (or replaces) the team's variant of a probe; answers it as stored.
    pub async fn put_probe_variant(&self, team_id: &Id, variant: &ProbeVariant) -> Result<ProbeVariant> {
        let now = unix_now();
        let prompts = variant.prompts.as_ref().map(|p| to_json_column("variant prompts", p)).transpose()?;
        let detectors = variant.detectors.as_ref().map(|d| to_json_column("variant detectors", d)).transpose()?;
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO probe_variants (team_id, probe_id, enabled, prompts, detectors, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (team_id, probe_id) DO UPDATE SET enabled = excluded.enabled, prompts = excluded.prompts, \
             detectors = excluded.detectors, updated_at = excluded.updated_at",
        )
        .bind(team_id.as_str())
        .bind(&variant.probe_id)
        .bind(variant.enabled)
        .bind(prompts)
        .bind(detectors)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ())?);
        Ok(ProbeVariant { updated_at: now, ..variant.clone() })
    }

    /// Every variant the team made, by probe id.
    pub async fn probe_variants(&self, team_id: &Id) -> Result<Vec<ProbeVariant>> {
        let rows: Vec<VariantRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT probe_id, enabled, prompts, detectors, updated_at FROM probe_variants WHERE team_id = $1 ORDER BY probe_id",
        )
        .bind(team_id.as_str())
        .fetch_all(pool)
        .await?);
        rows.into_iter().map(ProbeVariant::try_from).collect()
    }
}
