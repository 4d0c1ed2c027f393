//! Custom harnesses and their stages: the SQL that keeps them, each as a JSON document with
//! the columns it is found by.

use assay_core::{CustomHarness, CustomHarnessDefinition, HarnessStage, Id, StageDefinition, StageStatus, UploadOwner, unix_now};

use crate::error::{conflict_as, from_json_column, to_json_column};
use crate::tenancy::stored_id;
use crate::{BeginWrite, Error, Result, Store, on_pool};

#[derive(sqlx::FromRow)]
struct StageRow {
    id: String,
    team_id: String,
    harness_config_id: String,
    status: String,
    error: Option<String>,
    definition: String,
    created_by: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<StageRow> for HarnessStage {
    type Error = Error;
    fn try_from(row: StageRow) -> Result<Self> {
        Ok(HarnessStage {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            harness_config_id: stored_id(&row.harness_config_id)?,
            definition: from_json_column("stage definition", &row.definition)?,
            status: StageStatus::parse(&row.status).ok_or_else(|| Error::Corrupt(format!("stage status {:?}", row.status)))?,
            error: row.error,
            created_by: stored_id(&row.created_by)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct HarnessRow {
    team_id: String,
    id: String,
    version: String,
    active: bool,
    definition: String,
    stage_id: Option<String>,
    created_by: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<HarnessRow> for CustomHarness {
    type Error = Error;
    fn try_from(row: HarnessRow) -> Result<Self> {
        Ok(CustomHarness {
            id: stored_id(&row.id)?,
            version: row.version,
            team_id: stored_id(&row.team_id)?,
            definition: from_json_column::<CustomHarnessDefinition>("custom harness", &row.definition)?,
            active: row.active,
            stage_id: row.stage_id.as_deref().map(stored_id).transpose()?,
            created_by: stored_id(&row.created_by)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

const STAGE_COLUMNS: &str = "id, team_id, harness_config_id, status, error, definition, created_by, created_at, updated_at";
const HARNESS_COLUMNS: &str = "team_id, id, version, active, definition, stage_id, created_by, created_at, updated_at";

/// Which of a team's stages to list.
#[derive(Debug, Clone, Default)]
pub struct StageFilter {
    pub harness_config_id: Option<Id>,
    /// Any of these (all when empty).
    pub statuses: Vec<StageStatus>,
    pub created_by: Option<Id>,
}

impl Store {
    /// Stores a new `PENDING` stage of `team_id`; [`Error::Conflict`] if the id is taken.
    pub async fn create_stage(
        &self,
        team_id: &Id,
        id: &Id,
        harness_config_id: &Id,
        definition: &StageDefinition,
        created_by: &Id,
    ) -> Result<HarnessStage> {
        let now = unix_now();
        let stage = HarnessStage {
            id: id.clone(),
            team_id: team_id.clone(),
            harness_config_id: harness_config_id.clone(),
            definition: definition.clone(),
            status: StageStatus::Pending,
            error: None,
            created_by: created_by.clone(),
            created_at: now,
            updated_at: now,
        };
        let document = to_json_column("stage definition", definition)?;
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO harness_stages (id, team_id, harness_config_id, status, error, definition, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, $7)",
        )
        .bind(id.as_str())
        .bind(team_id.as_str())
        .bind(harness_config_id.as_str())
        .bind(StageStatus::Pending.as_str())
        .bind(&document)
        .bind(created_by.as_str())
        .bind(now)
        .execute(pool)
        .await
        .map_err(conflict_as("stage id"))
        .map(|_| ())?);
        Ok(stage)
    }

    /// A team's stage; another team's answers `None`.
    pub async fn stage(&self, team_id: &Id, id: &Id) -> Result<Option<HarnessStage>> {
        let sql = format!("SELECT {STAGE_COLUMNS} FROM harness_stages WHERE team_id = $1 AND id = $2");
        let row: Option<StageRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(HarnessStage::try_from).transpose()
    }

    /// A team's stages matching `filter`, newest first, one page of them, and how many match.
    pub async fn list_stages(&self, team_id: &Id, filter: &StageFilter, limit: i64, offset: i64) -> Result<(Vec<HarnessStage>, i64)> {
        let sql = format!(
            "SELECT {STAGE_COLUMNS} FROM harness_stages WHERE team_id = $1 \
             AND (CAST($2 AS TEXT) IS NULL OR harness_config_id = $2) AND (CAST($3 AS TEXT) IS NULL OR created_by = $3) \
             ORDER BY created_at DESC, id DESC"
        );
        let rows: Vec<StageRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(filter.harness_config_id.as_ref().map(Id::as_str))
            .bind(filter.created_by.as_ref().map(Id::as_str))
            .fetch_all(pool)
            .await?);
        let mut matching = Vec::new();
        for row in rows {
            let stage = HarnessStage::try_from(row)?;
            if filter.statuses.is_empty() || filter.statuses.contains(&stage.status) {
                matching.push(stage);
            }
        }
        let total = i64::try_from(matching.len()).unwrap_or(i64::MAX);
        let page = matching.into_iter().skip(usize::try_from(offset).unwrap_or(0)).take(usize::try_from(limit).unwrap_or(0)).collect();
        Ok((page, total))
    }

    /// Every team's stages left `IN_PROGRESS` since before `before` (Unix seconds): those a stop
    /// interrupted, not those a live request just started.
    pub async fn stages_in_progress(&self, before: i64) -> Result<Vec<HarnessStage>> {
        let sql = format!("SELECT {STAGE_COLUMNS} FROM harness_stages WHERE status = $1 AND updated_at < $2 ORDER BY created_at");
        let rows: Vec<StageRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(StageStatus::InProgress.as_str())
            .bind(before)
            .fetch_all(pool)
            .await?);
        rows.into_iter().map(HarnessStage::try_from).collect()
    }

    /// Writes a stage's definition, status and error as given, if it is still in one of
    /// `from` (so two writers cannot both move it); answers whether it was.
    pub async fn update_stage(&self, stage: &HarnessStage, from: &[StageStatus]) -> Result<bool> {
        let document = to_json_column("stage definition", &stage.definition)?;
        let allowed: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
        let placeholders: Vec<String> = (0..allowed.len()).map(|i| format!("${}", i + 7)).collect();
        let sql = format!(
            "UPDATE harness_stages SET definition = $1, status = $2, error = $3, updated_at = $4 \
             WHERE team_id = $5 AND id = $6 AND status IN ({})",
            placeholders.join(", ")
        );
        let changed = on_pool!(self, pool => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&document)
                .bind(stage.status.as_str())
                .bind(stage.error.as_deref())
                .bind(unix_now())
                .bind(stage.team_id.as_str())
                .bind(stage.id.as_str());
            for status in &allowed {
                query = query.bind(*status);
            }
            query.execute(pool).await?.rows_affected()
        });
        Ok(changed == 1)
    }

    /// Deletes a team's stage and its files; answers whether it existed.
    pub async fn delete_stage(&self, team_id: &Id, id: &Id) -> Result<bool> {
        let _turn = self.write_turn().await;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM uploads WHERE team_id = $1 AND owner_kind = $2 AND owner_id = $3")
                .bind(team_id.as_str())
                .bind(UploadOwner::HarnessStage.as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
            let gone = sqlx::query("DELETE FROM harness_stages WHERE team_id = $1 AND id = $2")
                .bind(team_id.as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok(gone == 1)
        })
    }

    /// Stores the harness a stage's agent wrote (replacing that version if the stage ran
    /// before) and marks the stage `COMPLETED`, in one transaction; answers the harness.
    pub async fn complete_stage(&self, stage: &HarnessStage, definition: &CustomHarnessDefinition) -> Result<CustomHarness> {
        let now = unix_now();
        let harness = CustomHarness {
            id: stage.harness_config_id.clone(),
            version: stage.definition.harness_config_version.clone(),
            team_id: stage.team_id.clone(),
            definition: definition.clone(),
            active: true,
            stage_id: Some(stage.id.clone()),
            created_by: stage.created_by.clone(),
            created_at: now,
            updated_at: now,
        };
        let document = to_json_column("custom harness", definition)?;
        let _turn = self.write_turn().await;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO custom_harnesses (team_id, id, version, name, active, definition, stage_id, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
                 ON CONFLICT (team_id, id, version) DO UPDATE SET name = excluded.name, active = excluded.active, \
                 definition = excluded.definition, stage_id = excluded.stage_id, updated_at = excluded.updated_at",
            )
            .bind(harness.team_id.as_str())
            .bind(harness.id.as_str())
            .bind(&harness.version)
            .bind(&definition.name)
            .bind(true)
            .bind(&document)
            .bind(stage.id.as_str())
            .bind(harness.created_by.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE harness_stages SET status = $1, error = NULL, updated_at = $2 WHERE team_id = $3 AND id = $4")
                .bind(StageStatus::Completed.as_str())
                .bind(now)
                .bind(stage.team_id.as_str())
                .bind(stage.id.as_str())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<(), Error>(())
        })?;
        Ok(harness)
    }

    /// Stores a harness version written directly (not by a stage); [`Error::Conflict`] if
    /// the team has that id and version.
    pub async fn create_custom_harness(&self, harness: &CustomHarness) -> Result<()> {
        let document = to_json_column("custom harness", &harness.definition)?;
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO custom_harnesses (team_id, id, version, name, active, definition, stage_id, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $8)",
        )
        .bind(harness.team_id.as_str())
        .bind(harness.id.as_str())
        .bind(&harness.version)
        .bind(&harness.definition.name)
        .bind(harness.active)
        .bind(&document)
        .bind(harness.created_by.as_str())
        .bind(harness.created_at)
        .execute(pool)
        .await
        .map_err(conflict_as("harness config (id and version)"))
        .map(|_| ())?);
        Ok(())
    }

    /// Every version of a team's custom harnesses, newest first.
    pub async fn list_custom_harnesses(&self, team_id: &Id) -> Result<Vec<CustomHarness>> {
        let sql = format!("SELECT {HARNESS_COLUMNS} FROM custom_harnesses WHERE team_id = $1 ORDER BY created_at DESC, id, version DESC");
        let rows: Vec<HarnessRow> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(team_id.as_str()).fetch_all(pool).await?);
        rows.into_iter().map(CustomHarness::try_from).collect()
    }

    /// A team's custom harness: `version`, else its newest active version.
    pub async fn custom_harness(&self, team_id: &Id, id: &Id, version: Option<&str>) -> Result<Option<CustomHarness>> {
        let sql = format!(
            "SELECT {HARNESS_COLUMNS} FROM custom_harnesses WHERE team_id = $1 AND id = $2 \
             AND ((CAST($3 AS TEXT) IS NULL AND active) OR version = $3) ORDER BY created_at DESC, version DESC LIMIT 1"
        );
        let row: Option<HarnessRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(id.as_str())
            .bind(version)
            .fetch_optional(pool)
            .await?);
        row.map(CustomHarness::try_from).transpose()
    }

    /// Archives one version of a team's custom harness; answers it, or `None` if absent.
    pub async fn archive_custom_harness(&self, team_id: &Id, id: &Id, version: &str) -> Result<Option<CustomHarness>> {
        on_pool!(self, pool => sqlx::query("UPDATE custom_harnesses SET active = $1, updated_at = $2 WHERE team_id = $3 AND id = $4 AND version = $5")
            .bind(false)
            .bind(unix_now())
            .bind(team_id.as_str())
            .bind(id.as_str())
            .bind(version)
            .execute(pool)
            .await
            .map(|_| ())?);
        self.custom_harness(team_id, id, Some(version)).await
    }

    /// Deletes one version of a team's custom harness; answers whether it existed. Evaluations
    /// that ran it keep their results (their suites carry the probes).
    pub async fn delete_custom_harness(&self, team_id: &Id, id: &Id, version: &str) -> Result<bool> {
        let gone = on_pool!(self, pool => sqlx::query("DELETE FROM custom_harnesses WHERE team_id = $1 AND id = $2 AND version = $3")
            .bind(team_id.as_str())
            .bind(id.as_str())
            .bind(version)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(gone == 1)
    }

    /// Deletes one file of an object of a team; answers whether it existed.
    pub async fn delete_upload(&self, team_id: &Id, owner: UploadOwner, owner_id: &Id, id: &Id) -> Result<bool> {
        let gone = on_pool!(self, pool => sqlx::query("DELETE FROM uploads WHERE team_id = $1 AND owner_kind = $2 AND owner_id = $3 AND id = $4")
            .bind(team_id.as_str())
            .bind(owner.as_str())
            .bind(owner_id.as_str())
            .bind(id.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(gone == 1)
    }
}
