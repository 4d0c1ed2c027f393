//! Prompts and their numbered revisions, per team; every change writes its notification in
//! the same transaction.
//!
//! A revision belongs to a team through its prompt, so every revision query is scoped with
//! `prompt_id IN (SELECT id FROM prompts WHERE team_id = …)`. Changes that read before they
//! write (the next revision number, "is this the last revision?") first touch the prompt row
//! (`UPDATE prompts SET updated_at`): on PostgreSQL that locks the row, so two concurrent
//! writers cannot take the same number or both delete "not the last" revision; on SQLite it
//! makes the transaction a writer at once, so it never has to upgrade a read snapshot (an
//! upgrade that fails with SQLITE_BUSY instead of waiting).

use assay_core::{Id, Paged, Prompt, PromptRevision, PromptSummary, PromptWithRevisions, RevisionStamp, RevisionText, unix_now};
use sqlx::AssertSqlSafe;

use crate::notifications::{NOTIFY, refs_json};
use crate::tenancy::stored_id;
use crate::{BeginWrite, Error, Result, Store, on_pool};

/// What deleting a revision did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevisionDeletion {
    Deleted {
        prompt_id: Id,
    },
    /// The team has no such revision.
    NotFound,
    /// Refused: a prompt keeps at least one revision (its text lives there).
    LastRevision,
}

#[derive(sqlx::FromRow)]
struct PromptRow {
    id: String,
    team_id: String,
    name: String,
    description: String,
    created_at: i64,
    updated_at: i64,
}

const PROMPT_COLUMNS: &str = "id, team_id, name, description, created_at, updated_at";

impl TryFrom<PromptRow> for Prompt {
    type Error = Error;
    fn try_from(row: PromptRow) -> Result<Self> {
        Ok(Prompt {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            name: row.name,
            description: row.description,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    id: String,
    prompt_id: String,
    number: i64,
    content: String,
    notes: String,
    remarks: String,
    created_at: i64,
    updated_at: i64,
}

const REVISION_COLUMNS: &str = "id, prompt_id, number, content, notes, remarks, created_at, updated_at";

impl TryFrom<RevisionRow> for PromptRevision {
    type Error = Error;
    fn try_from(row: RevisionRow) -> Result<Self> {
        Ok(PromptRevision {
            id: stored_id(&row.id)?,
            prompt_id: stored_id(&row.prompt_id)?,
            number: row.number,
            content: row.content,
            notes: row.notes,
            remarks: row.remarks,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    #[sqlx(flatten)]
    prompt: PromptRow,
    revision_count: i64,
    latest_id: Option<String>,
    latest_created_at: Option<i64>,
}

impl TryFrom<SummaryRow> for PromptSummary {
    type Error = Error;
    fn try_from(row: SummaryRow) -> Result<Self> {
        let latest_revision = match (row.latest_id, row.latest_created_at) {
            (Some(id), Some(created_at)) => Some(RevisionStamp { id: stored_id(&id)?, created_at }),
            _ => None,
        };
        Ok(PromptSummary { prompt: row.prompt.try_into()?, revision_count: row.revision_count, latest_revision })
    }
}

const INSERT_REVISION: &str = "INSERT INTO prompt_revisions (id, prompt_id, number, content, notes, remarks, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";

/// Locks a team's prompt for the rest of the transaction (see the module doc); binds now, team
/// id, prompt id. No row affected: the team has no such prompt.
const TOUCH_PROMPT: &str = "UPDATE prompts SET updated_at = $1 WHERE team_id = $2 AND id = $3";

fn prompt_ref(id: &Id) -> String {
    format!("Prompt:{id}")
}

fn revision_ref(id: &Id) -> String {
    format!("PromptRevision:{id}")
}

/// A `LIKE` pattern matching `search` anywhere, case-insensitively (compared with `LOWER(…)`);
/// `%`, `_` and `\` in the search match themselves.
pub(crate) fn contains_pattern(search: Option<&str>) -> String {
    let escaped: String = search
        .unwrap_or_default()
        .to_lowercase()
        .chars()
        .flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] })
        .collect();
    format!("%{escaped}%")
}

impl Store {
    /// Creates a prompt with its first revision (number 1).
    pub async fn create_prompt(&self, team_id: &Id, name: &str, description: &str, first: &RevisionText) -> Result<PromptWithRevisions> {
        let now = unix_now();
        let prompt = Prompt {
            id: Id::generate(),
            team_id: team_id.clone(),
            name: name.to_owned(),
            description: description.to_owned(),
            created_at: now,
            updated_at: now,
        };
        let revision = new_revision(&prompt.id, 1, first, now);
        let refs = refs_json(&[prompt_ref(&prompt.id), revision_ref(&revision.id)])?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("INSERT INTO prompts (id, team_id, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
                .bind(prompt.id.as_str())
                .bind(team_id.as_str())
                .bind(name)
                .bind(description)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(INSERT_REVISION)
                .bind(revision.id.as_str())
                .bind(prompt.id.as_str())
                .bind(revision.number)
                .bind(&revision.content)
                .bind(&revision.notes)
                .bind(&revision.remarks)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(NOTIFY).bind(team_id.as_str()).bind(&refs).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(PromptWithRevisions { prompt, revisions: vec![revision] })
    }

    /// Renames a team's prompt (and replaces its description when given); returns it with its
    /// latest revision, or `None` if the team has no such prompt.
    pub async fn update_prompt(
        &self,
        team_id: &Id,
        id: &Id,
        name: &str,
        description: Option<&str>,
    ) -> Result<Option<(Prompt, Option<PromptRevision>)>> {
        let now = unix_now();
        let refs = refs_json(&[prompt_ref(id)])?;
        let update = format!(
            "UPDATE prompts SET name = $1, description = COALESCE($2, description), updated_at = $3 \
             WHERE team_id = $4 AND id = $5 RETURNING {PROMPT_COLUMNS}"
        );
        let latest = format!("SELECT {REVISION_COLUMNS} FROM prompt_revisions WHERE prompt_id = $1 ORDER BY number DESC LIMIT 1");
        let (prompt, revision): (PromptRow, Option<RevisionRow>) = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let prompt: Option<PromptRow> = sqlx::query_as(AssertSqlSafe(update))
                .bind(name)
                .bind(description)
                .bind(now)
                .bind(team_id.as_str())
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(prompt) = prompt else { return Ok(None) };
            sqlx::query(NOTIFY).bind(team_id.as_str()).bind(&refs).bind(now).execute(&mut *tx).await?;
            let revision: Option<RevisionRow> = sqlx::query_as(AssertSqlSafe(latest)).bind(id.as_str()).fetch_optional(&mut *tx).await?;
            tx.commit().await?;
            (prompt, revision)
        });
        Ok(Some((prompt.try_into()?, revision.map(PromptRevision::try_from).transpose()?)))
    }

    /// A team's prompt with every revision, oldest first.
    pub async fn prompt(&self, team_id: &Id, id: &Id) -> Result<Option<PromptWithRevisions>> {
        let prompt_sql = format!("SELECT {PROMPT_COLUMNS} FROM prompts WHERE team_id = $1 AND id = $2");
        let row: Option<PromptRow> = on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(prompt_sql))
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?);
        let Some(row) = row else { return Ok(None) };
        let revisions_sql = format!("SELECT {REVISION_COLUMNS} FROM prompt_revisions WHERE prompt_id = $1 ORDER BY number");
        let revisions: Vec<RevisionRow> =
            on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(revisions_sql)).bind(id.as_str()).fetch_all(pool).await?);
        Ok(Some(PromptWithRevisions {
            prompt: row.try_into()?,
            revisions: revisions.into_iter().map(PromptRevision::try_from).collect::<Result<_>>()?,
        }))
    }

    /// A page of a team's prompts, newest first, each with its revision count and latest
    /// revision; `search` matches name or description, case-insensitively.
    pub async fn list_prompts(&self, team_id: &Id, search: Option<&str>, limit: i64, offset: i64) -> Result<Paged<PromptSummary>> {
        const MATCHES: &str = "team_id = $1 AND (LOWER(name) LIKE $2 ESCAPE '\\' OR LOWER(description) LIKE $2 ESCAPE '\\')";
        let pattern = contains_pattern(search);
        let page_sql = format!(
            "SELECT {PROMPT_COLUMNS}, \
             (SELECT COUNT(*) FROM prompt_revisions r WHERE r.prompt_id = prompts.id) AS revision_count, \
             (SELECT r.id FROM prompt_revisions r WHERE r.prompt_id = prompts.id ORDER BY r.number DESC LIMIT 1) AS latest_id, \
             (SELECT r.created_at FROM prompt_revisions r WHERE r.prompt_id = prompts.id ORDER BY r.number DESC LIMIT 1) AS latest_created_at \
             FROM prompts WHERE {MATCHES} ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
        );
        let count_sql = format!("SELECT COUNT(*) FROM prompts WHERE {MATCHES}");
        let rows: Vec<SummaryRow> = on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(page_sql))
            .bind(team_id.as_str())
            .bind(&pattern)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?);
        let total: i64 = on_pool!(self, pool => sqlx::query_scalar(AssertSqlSafe(count_sql))
            .bind(team_id.as_str())
            .bind(&pattern)
            .fetch_one(pool)
            .await?);
        Ok(Paged { items: rows.into_iter().map(PromptSummary::try_from).collect::<Result<_>>()?, total })
    }

    /// Deletes a team's prompt with its revisions and the templates built on it; false if the
    /// team has no such prompt.
    pub async fn delete_prompt(&self, team_id: &Id, id: &Id) -> Result<bool> {
        let now = unix_now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // The foreign keys would remove the templates too; deleting them here names them in
            // the notification.
            let templates: Vec<String> = sqlx::query_scalar("DELETE FROM evaluation_templates WHERE team_id = $1 AND prompt_id = $2 RETURNING id")
                .bind(team_id.as_str())
                .bind(id.as_str())
                .fetch_all(&mut *tx)
                .await?;
            let deleted = sqlx::query("DELETE FROM prompts WHERE team_id = $1 AND id = $2")
                .bind(team_id.as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if deleted == 0 {
                return Ok(false);
            }
            let refs: Vec<String> =
                std::iter::once(prompt_ref(id)).chain(templates.iter().map(|t| format!("EvaluationTemplate:{t}"))).collect();
            sqlx::query(NOTIFY).bind(team_id.as_str()).bind(refs_json(&refs)?).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(true)
    }

    /// Adds a revision after the prompt's latest; `None` if the team has no such prompt.
    pub async fn create_revision(&self, team_id: &Id, prompt_id: &Id, text: &RevisionText) -> Result<Option<PromptRevision>> {
        let now = unix_now();
        let mut revision = new_revision(prompt_id, 0, text, now);
        let refs = refs_json(&[prompt_ref(prompt_id), revision_ref(&revision.id)])?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let touched = sqlx::query(TOUCH_PROMPT).bind(now).bind(team_id.as_str()).bind(prompt_id.as_str()).execute(&mut *tx).await?;
            if touched.rows_affected() == 0 {
                return Ok(None);
            }
            revision.number = sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM prompt_revisions WHERE prompt_id = $1")
                .bind(prompt_id.as_str())
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(INSERT_REVISION)
                .bind(revision.id.as_str())
                .bind(prompt_id.as_str())
                .bind(revision.number)
                .bind(&revision.content)
                .bind(&revision.notes)
                .bind(&revision.remarks)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(NOTIFY).bind(team_id.as_str()).bind(&refs).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(Some(revision))
    }

    /// A team's revision.
    pub async fn revision(&self, team_id: &Id, id: &Id) -> Result<Option<PromptRevision>> {
        let sql = format!(
            "SELECT {REVISION_COLUMNS} FROM prompt_revisions WHERE id = $1 AND prompt_id IN (SELECT id FROM prompts WHERE team_id = $2)"
        );
        let row: Option<RevisionRow> = on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql))
            .bind(id.as_str())
            .bind(team_id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(PromptRevision::try_from).transpose()
    }

    /// The highest-numbered revision of a team's prompt; `None` if the team has no such prompt.
    pub async fn latest_revision(&self, team_id: &Id, prompt_id: &Id) -> Result<Option<PromptRevision>> {
        let sql = format!(
            "SELECT {REVISION_COLUMNS} FROM prompt_revisions \
             WHERE prompt_id = $1 AND prompt_id IN (SELECT id FROM prompts WHERE team_id = $2) ORDER BY number DESC LIMIT 1"
        );
        let row: Option<RevisionRow> = on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql))
            .bind(prompt_id.as_str())
            .bind(team_id.as_str())
            .fetch_optional(pool)
            .await?);
        row.map(PromptRevision::try_from).transpose()
    }

    /// A page of a prompt's revisions, oldest first; `None` if the team has no such prompt.
    pub async fn list_revisions(&self, team_id: &Id, prompt_id: &Id, limit: i64, offset: i64) -> Result<Option<Paged<PromptRevision>>> {
        // Counted through the prompt so that "no such prompt" (no row) differs from "no revisions".
        let total: Option<i64> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(r.id) FROM prompts p LEFT JOIN prompt_revisions r ON r.prompt_id = p.id \
             WHERE p.team_id = $1 AND p.id = $2 GROUP BY p.id",
        )
        .bind(team_id.as_str())
        .bind(prompt_id.as_str())
        .fetch_optional(pool)
        .await?);
        let Some(total) = total else { return Ok(None) };
        let sql = format!("SELECT {REVISION_COLUMNS} FROM prompt_revisions WHERE prompt_id = $1 ORDER BY number LIMIT $2 OFFSET $3");
        let rows: Vec<RevisionRow> = on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql))
            .bind(prompt_id.as_str())
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?);
        Ok(Some(Paged { items: rows.into_iter().map(PromptRevision::try_from).collect::<Result<_>>()?, total }))
    }

    /// Replaces a team's revision's content (and notes, when given); returns it with its
    /// prompt, or `None` if the team has no such revision.
    pub async fn update_revision(
        &self,
        team_id: &Id,
        id: &Id,
        content: &str,
        notes: Option<&str>,
    ) -> Result<Option<(PromptRevision, Prompt)>> {
        let now = unix_now();
        let update = format!(
            "UPDATE prompt_revisions SET content = $1, notes = COALESCE($2, notes), updated_at = $3 \
             WHERE id = $4 AND prompt_id IN (SELECT id FROM prompts WHERE team_id = $5) RETURNING {REVISION_COLUMNS}"
        );
        let prompt_sql = format!("SELECT {PROMPT_COLUMNS} FROM prompts WHERE id = $1");
        let (revision, prompt): (RevisionRow, PromptRow) = on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let revision: Option<RevisionRow> = sqlx::query_as(AssertSqlSafe(update))
                .bind(content)
                .bind(notes)
                .bind(now)
                .bind(id.as_str())
                .bind(team_id.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(revision) = revision else { return Ok(None) };
            let prompt: PromptRow = sqlx::query_as(AssertSqlSafe(prompt_sql)).bind(&revision.prompt_id).fetch_one(&mut *tx).await?;
            let refs = refs_json(&[format!("Prompt:{}", revision.prompt_id), revision_ref(id)])?;
            sqlx::query(NOTIFY).bind(team_id.as_str()).bind(&refs).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            (revision, prompt)
        });
        Ok(Some((revision.try_into()?, prompt.try_into()?)))
    }

    /// Deletes a team's revision unless it is its prompt's last.
    pub async fn delete_revision(&self, team_id: &Id, id: &Id) -> Result<RevisionDeletion> {
        let now = unix_now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let prompt_id: Option<String> = sqlx::query_scalar(
                "UPDATE prompts SET updated_at = $1 WHERE team_id = $2 AND id = (SELECT prompt_id FROM prompt_revisions WHERE id = $3) RETURNING id",
            )
            .bind(now)
            .bind(team_id.as_str())
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(prompt_id) = prompt_id else { return Ok(RevisionDeletion::NotFound) };
            let count: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM prompt_revisions WHERE prompt_id = $1").bind(&prompt_id).fetch_one(&mut *tx).await?;
            if count <= 1 {
                return Ok(RevisionDeletion::LastRevision);
            }
            sqlx::query("DELETE FROM prompt_revisions WHERE id = $1").bind(id.as_str()).execute(&mut *tx).await?;
            let refs = refs_json(&[format!("Prompt:{prompt_id}"), revision_ref(id)])?;
            sqlx::query(NOTIFY).bind(team_id.as_str()).bind(&refs).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(RevisionDeletion::Deleted { prompt_id: stored_id(&prompt_id)? })
        })
    }
}

fn new_revision(prompt_id: &Id, number: i64, text: &RevisionText, now: i64) -> PromptRevision {
    PromptRevision {
        id: Id::generate(),
        prompt_id: prompt_id.clone(),
        number,
        content: text.content.clone(),
        notes: text.notes.clone(),
        remarks: text.remarks.clone(),
        created_at: now,
        updated_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_matches_its_wildcards_literally_and_ignores_case() {
        assert_eq!(contains_pattern(None), "%%");
        assert_eq!(contains_pattern(Some("Story")), "%story%");
        assert_eq!(contains_pattern(Some("50%_a\\b")), "%50\\%\\_a\\\\b%");
    }
}
