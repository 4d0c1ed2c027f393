//! Evaluation templates per team: a prompt of the same team plus the cases, tools, contexts
//! and models to run it with (JSON columns); every change writes its notification in the same
//! transaction. "Of the same team" is checked inside the writing statement itself, so a prompt
//! deleted meanwhile cannot slip through.

use assay_core::{AccessMode, EvaluationDefinition, EvaluationTemplate, Id, NewTemplate, Paged, TemplateChange, unix_now};
use sqlx::AssertSqlSafe;

use crate::error::{from_json_column, to_json_column};
use crate::notifications::{NOTIFY, refs_json};
use crate::prompts::contains_pattern;
use crate::tenancy::stored_id;
use crate::{BeginWrite, Error, Result, Store, on_pool};

/// What updating a template did.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateUpdate {
    /// Boxed: a template is large beside the bare outcomes.
    Updated(Box<EvaluationTemplate>),
    /// The team has no such template.
    NoTemplate,
    /// The new `prompt_id` names no prompt of the team.
    NoPrompt,
}

#[derive(sqlx::FromRow)]
struct TemplateRow {
    id: String,
    team_id: String,
    prompt_id: String,
    name: String,
    cases: String,
    tools: String,
    contexts: String,
    models: String,
    access_mode: String,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "id, team_id, prompt_id, name, cases, tools, contexts, models, access_mode, created_at, updated_at";

impl TryFrom<TemplateRow> for EvaluationTemplate {
    type Error = Error;
    fn try_from(row: TemplateRow) -> Result<Self> {
        let access_mode =
            AccessMode::parse(&row.access_mode).ok_or_else(|| Error::Corrupt(format!("template access mode {:?}", row.access_mode)))?;
        Ok(EvaluationTemplate {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            prompt_id: stored_id(&row.prompt_id)?,
            name: row.name,
            definition: EvaluationDefinition {
                cases: from_json_column("template cases", &row.cases)?,
                tools: from_json_column("template tools", &row.tools)?,
                contexts: from_json_column("template contexts", &row.contexts)?,
                models: from_json_column("template models", &row.models)?,
                access_mode,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn template_refs(id: &Id) -> Result<String> {
    refs_json(&[format!("EvaluationTemplate:{id}")])
}

/// `Some(json)` for a part being replaced.
fn json_part<T: serde::Serialize>(what: &str, part: Option<&T>) -> Result<Option<String>> {
    part.map(|value| to_json_column(what, value)).transpose()
}

impl Store {
    /// Creates a template on a prompt of the team; `None` if the team has no such prompt.
    pub async fn create_template(&self, team_id: &Id, new: &NewTemplate) -> Result<Option<EvaluationTemplate>> {
        let now = unix_now();
        let id = Id::generate();
        let definition = &new.definition;
        let refs = template_refs(&id)?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let inserted = sqlx::query(
                "INSERT INTO evaluation_templates (id, team_id, prompt_id, name, cases, tools, contexts, models, access_mode, created_at, updated_at) \
                 SELECT $1, team_id, id, $3, $4, $5, $6, $7, $8, $9, $9 FROM prompts WHERE team_id = $2 AND id = $10",
            )
            .bind(id.as_str())
            .bind(team_id.as_str())
            .bind(&new.name)
            .bind(to_json_column("template cases", &definition.cases)?)
            .bind(to_json_column("template tools", &definition.tools)?)
            .bind(to_json_column("template contexts", &definition.contexts)?)
            .bind(to_json_column("template models", &definition.models)?)
            .bind(definition.access_mode.as_str())
            .bind(now)
            .bind(new.prompt_id.as_str())
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 0 {
                return Ok(None);
            }
            sqlx::query(NOTIFY).bind(team_id.as_str()).bind(&refs).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(Some(EvaluationTemplate {
            id,
            team_id: team_id.clone(),
            prompt_id: new.prompt_id.clone(),
            name: new.name.clone(),
            definition: definition.clone(),
            created_at: now,
            updated_at: now,
        }))
    }

    /// Replaces the parts of a team's template that `change` gives.
    pub async fn update_template(&self, team_id: &Id, id: &Id, change: &TemplateChange) -> Result<TemplateUpdate> {
        let now = unix_now();
        let refs = template_refs(id)?;
        let update = format!(
            "UPDATE evaluation_templates SET name = COALESCE($1, name), prompt_id = COALESCE($2, prompt_id), \
             cases = COALESCE($3, cases), tools = COALESCE($4, tools), contexts = COALESCE($5, contexts), \
             models = COALESCE($6, models), access_mode = COALESCE($7, access_mode), updated_at = $8 \
             WHERE team_id = $9 AND id = $10 AND ($2 IS NULL OR $2 IN (SELECT id FROM prompts WHERE team_id = $9)) \
             RETURNING {COLUMNS}"
        );
        let row: TemplateRow = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let row: Option<TemplateRow> = sqlx::query_as(AssertSqlSafe(update))
                .bind(change.name.as_deref())
                .bind(change.prompt_id.as_ref().map(Id::as_str))
                .bind(json_part("template cases", change.cases.as_ref())?)
                .bind(json_part("template tools", change.tools.as_ref())?)
                .bind(json_part("template contexts", change.contexts.as_ref())?)
                .bind(json_part("template models", change.models.as_ref())?)
                .bind(change.access_mode.map(AccessMode::as_str))
                .bind(now)
                .bind(team_id.as_str())
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else {
                let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM evaluation_templates WHERE team_id = $1 AND id = $2")
                    .bind(team_id.as_str())
                    .bind(id.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                return Ok(if exists.is_some() { TemplateUpdate::NoPrompt } else { TemplateUpdate::NoTemplate });
            };
            sqlx::query(NOTIFY).bind(team_id.as_str()).bind(&refs).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            row
        });
        Ok(TemplateUpdate::Updated(Box::new(row.try_into()?)))
    }

    /// A team's template.
    pub async fn template(&self, team_id: &Id, id: &Id) -> Result<Option<EvaluationTemplate>> {
        let sql = format!("SELECT {COLUMNS} FROM evaluation_templates WHERE team_id = $1 AND id = $2");
        let row: Option<TemplateRow> = on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(EvaluationTemplate::try_from).transpose()
    }

    /// A page of a team's templates, newest first: only those of `prompt_id` when given, and
    /// only those whose name or prompt id contains `search` (case-insensitively) when given.
    pub async fn list_templates(
        &self,
        team_id: &Id,
        prompt_id: Option<&Id>,
        search: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Paged<EvaluationTemplate>> {
        const MATCHES: &str = "team_id = $1 AND ($2 IS NULL OR prompt_id = $2) \
             AND (LOWER(name) LIKE $3 ESCAPE '\\' OR prompt_id LIKE $3 ESCAPE '\\')";
        let pattern = contains_pattern(search);
        let prompt_id = prompt_id.map(Id::as_str);
        let page_sql =
            format!("SELECT {COLUMNS} FROM evaluation_templates WHERE {MATCHES} ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5");
        let count_sql = format!("SELECT COUNT(*) FROM evaluation_templates WHERE {MATCHES}");
        let rows: Vec<TemplateRow> = on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(page_sql))
            .bind(team_id.as_str())
            .bind(prompt_id)
            .bind(&pattern)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?);
        let total: i64 = on_pool!(self, pool => sqlx::query_scalar(AssertSqlSafe(count_sql))
            .bind(team_id.as_str())
            .bind(prompt_id)
            .bind(&pattern)
            .fetch_one(pool)
            .await?);
        Ok(Paged { items: rows.into_iter().map(EvaluationTemplate::try_from).collect::<Result<_>>()?, total })
    }

    /// Deletes a team's template; false if the team has no such template.
    pub async fn delete_template(&self, team_id: &Id, id: &Id) -> Result<bool> {
        let now = unix_now();
        let refs = template_refs(id)?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let deleted = sqlx::query("DELETE FROM evaluation_templates WHERE team_id = $1 AND id = $2")
                .bind(team_id.as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if deleted == 0 {
                return Ok(false);
            }
            sqlx::query(NOTIFY).bind(team_id.as_str()).bind(&refs).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(true)
    }
}
