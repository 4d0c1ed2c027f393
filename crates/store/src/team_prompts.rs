//! A team's own prompts and their full-text search: SQLite FTS5 (BM25 ranking) or
//! PostgreSQL's text search (`ts_rank` over a GIN-indexed tsvector).

use assay_core::team_prompts::search_terms;
use assay_core::{FoundPrompt, Id, PromptContent, TeamPrompt, unix_now};

use crate::error::{conflict_as, from_json_column, to_json_column};
use crate::tenancy::stored_id;
use crate::{Error, Pool, Result, Store, on_pool};

#[derive(sqlx::FromRow)]
struct PromptRow {
    id: String,
    team_id: String,
    config_id: String,
    text: String,
    tags: String,
    description: String,
    is_runtime: bool,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct FoundRow {
    #[sqlx(flatten)]
    prompt: PromptRow,
    relevance: f64,
}

impl TryFrom<PromptRow> for TeamPrompt {
    type Error = Error;
    fn try_from(row: PromptRow) -> Result<Self> {
        Ok(TeamPrompt {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            content: PromptContent {
                config_id: row.config_id,
                text: from_json_column("prompt text", &row.text)?,
                tags: from_json_column("prompt tags", &row.tags)?,
                description: row.description,
                is_runtime: row.is_runtime,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

const COLUMNS: &str = "p.id, p.team_id, p.config_id, p.text, p.tags, p.description, p.is_runtime, p.created_at, p.updated_at";
const RETURNED: &str = "id, team_id, config_id, text, tags, description, is_runtime, created_at, updated_at";

impl Store {
    /// Stores a prompt of `team_id` under `id`; [`Error::Conflict`] if the id is taken.
    pub async fn create_team_prompt(&self, team_id: &Id, id: &Id, content: &PromptContent) -> Result<TeamPrompt> {
        let now = unix_now();
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO team_prompts (id, team_id, config_id, text, tags, description, is_runtime, search_text, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(id.as_str())
        .bind(team_id.as_str())
        .bind(&content.config_id)
        .bind(to_json_column("prompt text", &content.text)?)
        .bind(to_json_column("prompt tags", &content.tags)?)
        .bind(&content.description)
        .bind(content.is_runtime)
        .bind(content.search_text())
        .bind(now)
        .execute(pool)
        .await
        .map_err(conflict_as("prompt id"))
        .map(|_| ())?);
        Ok(TeamPrompt { id: id.clone(), team_id: team_id.clone(), content: content.clone(), created_at: now, updated_at: now })
    }

    /// A team's prompt; another team's answers `None`.
    pub async fn team_prompt(&self, team_id: &Id, id: &Id) -> Result<Option<TeamPrompt>> {
        let sql = format!("SELECT {COLUMNS} FROM team_prompts p WHERE p.team_id = $1 AND p.id = $2");
        let row: Option<PromptRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(TeamPrompt::try_from).transpose()
    }

    /// A team's prompts, oldest first, and how many there are in all.
    pub async fn list_team_prompts(&self, team_id: &Id, limit: i64, offset: i64) -> Result<(Vec<TeamPrompt>, i64)> {
        let sql = format!("SELECT {COLUMNS} FROM team_prompts p WHERE p.team_id = $1 ORDER BY p.created_at, p.id LIMIT $2 OFFSET $3");
        let (rows, total): (Vec<PromptRow>, i64) = on_pool!(self, pool => {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(team_id.as_str()).bind(limit).bind(offset).fetch_all(pool).await?;
            let total = sqlx::query_scalar("SELECT COUNT(*) FROM team_prompts WHERE team_id = $1").bind(team_id.as_str()).fetch_one(pool).await?;
            (rows, total)
        });
        Ok((rows.into_iter().map(TeamPrompt::try_from).collect::<Result<_>>()?, total))
    }

    /// Replaces a prompt's content; `None` if the team has no such prompt.
    pub async fn update_team_prompt(&self, team_id: &Id, id: &Id, content: &PromptContent) -> Result<Option<TeamPrompt>> {
        let sql = format!(
            "UPDATE team_prompts SET config_id = $1, text = $2, tags = $3, description = $4, is_runtime = $5, search_text = $6, updated_at = $7 \
             WHERE team_id = $8 AND id = $9 RETURNING {RETURNED}"
        );
        let row: Option<PromptRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&content.config_id)
            .bind(to_json_column("prompt text", &content.text)?)
            .bind(to_json_column("prompt tags", &content.tags)?)
            .bind(&content.description)
            .bind(content.is_runtime)
            .bind(content.search_text())
            .bind(unix_now())
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(TeamPrompt::try_from).transpose()
    }

    /// Deletes a prompt; false if the team has no such prompt.
    pub async fn delete_team_prompt(&self, team_id: &Id, id: &Id) -> Result<bool> {
        let deleted = on_pool!(self, pool => sqlx::query("DELETE FROM team_prompts WHERE team_id = $1 AND id = $2")
            .bind(team_id.as_str())
            .bind(id.as_str())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(deleted > 0)
    }

    /// The team's prompts that match any word of `query`, most relevant first: at most
    /// `nearest` of them (the best matches), ranked by the database's full-text index. A
    /// query with no words finds nothing.
    pub async fn search_team_prompts(&self, team_id: &Id, query: &str, nearest: i64) -> Result<Vec<FoundPrompt>> {
        let terms = search_terms(query);
        if terms.is_empty() || nearest <= 0 {
            return Ok(Vec::new());
        }
        let rows: Vec<FoundRow> = match &self.pool {
            Pool::Sqlite { pool, .. } => {
                // Each word quoted (a phrase of one token), any of them matching; BM25 is
                // lower for better matches, so its negation is the relevance.
                let matcher = terms.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(" OR ");
                let sql = format!(
                    "SELECT {COLUMNS}, -bm25(team_prompts_fts) AS relevance FROM team_prompts_fts \
                     JOIN team_prompts p ON p.rowid = team_prompts_fts.rowid \
                     WHERE team_prompts_fts MATCH $1 AND p.team_id = $2 ORDER BY bm25(team_prompts_fts), p.id LIMIT $3"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(matcher).bind(team_id.as_str()).bind(nearest).fetch_all(pool).await?
            }
            Pool::Postgres(pool) => {
                // The words are letters and digits only, so `a | b` is a valid tsquery.
                let matcher = terms.join(" | ");
                let sql = format!(
                    "SELECT {COLUMNS}, CAST(ts_rank(p.search_vector, q) AS DOUBLE PRECISION) AS relevance \
                     FROM team_prompts p, to_tsquery('english', $1) q \
                     WHERE p.team_id = $2 AND p.search_vector @@ q ORDER BY relevance DESC, p.id LIMIT $3"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(matcher).bind(team_id.as_str()).bind(nearest).fetch_all(pool).await?
            }
        };
        rows.into_iter().map(|row| Ok(FoundPrompt { prompt: TeamPrompt::try_from(row.prompt)?, relevance: row.relevance })).collect()
    }
}
