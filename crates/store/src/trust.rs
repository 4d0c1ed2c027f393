//! The `/v1` side of evaluations: the settings a trust evaluation keeps beside the engine's
//! row, and the list with its filters and orders.

use assay_core::{Evaluation, Id, TrustEvaluation, TrustEvaluationFilter, TrustSettings, TrustSort, unix_now};
use sqlx::AssertSqlSafe;

use crate::error::{from_json_column, to_json_column};
use crate::evaluations::EvaluationRow;
use crate::tenancy::stored_id;
use crate::{BeginWrite, Error, Result, Store, on_pool};

#[derive(sqlx::FromRow)]
struct TrustRow {
    #[sqlx(flatten)]
    evaluation: EvaluationRow,
    hub: String,
    model: Option<String>,
    url: Option<String>,
    api_key_id: Option<String>,
    harness_config_ids: String,
    version: String,
    tags: String,
    settings: String,
    created_by: Option<String>,
    agent_configuration_id: Option<String>,
    updated_at: i64,
}

const SELECT: &str = "SELECT e.id, e.team_id, e.name, e.suite, e.targets, e.state, e.total, e.done, e.passed, e.failed, e.errored, e.unscorable, e.error, \
                      e.created_at, e.started_at, e.finished_at, e.runner, t.hub, t.model, t.url, t.api_key_id, t.harness_config_ids, t.version, t.tags, \
                      t.settings, t.created_by, t.agent_configuration_id, t.updated_at FROM trust_evaluations t JOIN evaluations e ON e.id = t.evaluation_id";

impl TryFrom<TrustRow> for TrustEvaluation {
    type Error = Error;
    fn try_from(row: TrustRow) -> Result<Self> {
        Ok(TrustEvaluation {
            evaluation: Evaluation::try_from(row.evaluation)?,
            settings: TrustSettings {
                hub: row.hub,
                model: row.model,
                url: row.url,
                api_key_id: row.api_key_id.as_deref().map(stored_id).transpose()?,
                harness_config_ids: from_json_column("harness config ids", &row.harness_config_ids)?,
                version: row.version,
                tags: from_json_column("evaluation tags", &row.tags)?,
                request: from_json_column("evaluation request", &row.settings)?,
                created_by: row.created_by.as_deref().map(stored_id).transpose()?,
                agent_configuration_id: row.agent_configuration_id.as_deref().map(stored_id).transpose()?,
            },
            updated_at: row.updated_at,
        })
    }
}

/// A bound value of a dynamically built query.
enum Bind {
    Text(String),
    Int(i64),
}

impl Store {
    /// A team's `/v1` evaluation; another team's, or a scan, answers `None`.
    pub async fn trust_evaluation(&self, team_id: &Id, id: &Id) -> Result<Option<TrustEvaluation>> {
        let sql = format!("{SELECT} WHERE t.team_id = $1 AND t.evaluation_id = $2");
        let row: Option<TrustRow> =
            on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql)).bind(team_id.as_str()).bind(id.as_str()).fetch_optional(pool).await?);
        row.map(TrustEvaluation::try_from).transpose()
    }

    /// A team's `/v1` evaluations kept by `filter`, in its order, one page.
    pub async fn list_trust_evaluations(&self, team_id: &Id, filter: &TrustEvaluationFilter) -> Result<Vec<TrustEvaluation>> {
        let (mut sql, mut binds) = filtered(team_id, filter, SELECT)?;
        let column = match filter.sort {
            TrustSort::CreatedAt => "e.created_at",
            TrustSort::CompletedAt => "e.finished_at",
            TrustSort::Name => "e.name",
            TrustSort::Status => "e.state",
        };
        let direction = if filter.descending { "DESC" } else { "ASC" };
        binds.push(Bind::Int(filter.limit));
        binds.push(Bind::Int(filter.offset));
        sql.push_str(&format!(" ORDER BY {column} {direction}, e.id {direction} LIMIT ${} OFFSET ${}", binds.len() - 1, binds.len()));
        let rows: Vec<TrustRow> = on_pool!(self, pool => {
            let mut query = sqlx::query_as::<_, TrustRow>(AssertSqlSafe(sql));
            for bind in binds {
                query = match bind {
                    Bind::Text(text) => query.bind(text),
                    Bind::Int(n) => query.bind(n),
                };
            }
            query.fetch_all(pool).await?
        });
        rows.into_iter().map(TrustEvaluation::try_from).collect()
    }

    /// How many of a team's `/v1` evaluations `filter` keeps (paging aside).
    pub async fn count_trust_evaluations(&self, team_id: &Id, filter: &TrustEvaluationFilter) -> Result<i64> {
        let (sql, binds) =
            filtered(team_id, filter, "SELECT COUNT(*) FROM trust_evaluations t JOIN evaluations e ON e.id = t.evaluation_id")?;
        Ok(on_pool!(self, pool => {
            let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
            for bind in binds {
                query = match bind {
                    Bind::Text(text) => query.bind(text),
                    Bind::Int(n) => query.bind(n),
                };
            }
            query.fetch_one(pool).await?
        }))
    }

    /// Renames a team's `/v1` evaluation and, when given, replaces its tags; `false` if there
    /// is no such evaluation.
    pub async fn update_trust_evaluation(&self, team_id: &Id, id: &Id, name: Option<&str>, tags: Option<&[String]>) -> Result<bool> {
        if self.trust_evaluation(team_id, id).await?.is_none() {
            return Ok(false);
        }
        let now = unix_now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if let Some(name) = name {
                sqlx::query("UPDATE evaluations SET name = $1 WHERE id = $2").bind(name).bind(id.as_str()).execute(&mut *tx).await?;
            }
            let tags = tags.map(|t| to_json_column("evaluation tags", t)).transpose()?;
            sqlx::query("UPDATE trust_evaluations SET tags = COALESCE($1, tags), updated_at = $2 WHERE evaluation_id = $3")
                .bind(tags)
                .bind(now)
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(true)
    }

    /// The latest completed `/v1` evaluation of each (hub, model) of a team, newest first.
    pub async fn latest_completed_trust_evaluations(&self, team_id: &Id) -> Result<Vec<TrustEvaluation>> {
        let sql = format!(
            "{SELECT} WHERE t.team_id = $1 AND e.state = 'completed' AND e.finished_at = (SELECT MAX(e2.finished_at) FROM trust_evaluations t2 \
             JOIN evaluations e2 ON e2.id = t2.evaluation_id WHERE t2.team_id = t.team_id AND t2.hub = t.hub \
             AND COALESCE(t2.model, '') = COALESCE(t.model, '') AND e2.state = 'completed') ORDER BY e.finished_at DESC, e.id DESC"
        );
        let rows: Vec<TrustRow> = on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql)).bind(team_id.as_str()).fetch_all(pool).await?);
        rows.into_iter().map(TrustEvaluation::try_from).collect()
    }
}

/// `select` with the WHERE clause of `filter` (paging and order aside) and its bound values.
fn filtered(team_id: &Id, filter: &TrustEvaluationFilter, select: &str) -> Result<(String, Vec<Bind>)> {
    let mut binds = vec![Bind::Text(team_id.as_str().to_owned())];
    let mut sql = format!("{select} WHERE t.team_id = $1");
    let next = |binds: &mut Vec<Bind>, bind: Bind| {
        binds.push(bind);
        format!("${}", binds.len())
    };
    if !filter.states.is_empty() {
        let placeholders: Vec<String> = filter.states.iter().map(|s| next(&mut binds, Bind::Text(s.as_str().to_owned()))).collect();
        sql.push_str(&format!(" AND e.state IN ({})", placeholders.join(", ")));
    }
    if let Some(name) = &filter.name {
        let p = next(&mut binds, Bind::Text(format!("%{}%", escape_like(&name.to_lowercase()))));
        sql.push_str(&format!(" AND LOWER(e.name) LIKE {p} ESCAPE '\\'"));
    }
    if let Some(hub) = &filter.hub {
        let p = next(&mut binds, Bind::Text(hub.clone()));
        sql.push_str(&format!(" AND t.hub = {p}"));
    }
    if let Some(model) = &filter.model {
        let p = next(&mut binds, Bind::Text(model.clone()));
        sql.push_str(&format!(" AND t.model = {p}"));
    }
    if let Some(agent) = &filter.agent_configuration_id {
        let p = next(&mut binds, Bind::Text(agent.to_string()));
        sql.push_str(&format!(" AND t.agent_configuration_id = {p}"));
    }
    for tag in &filter.tags {
        // Tags are a JSON array of strings: a quoted, escaped tag matches one element.
        let quoted = serde_json::to_string(tag).map_err(|e| Error::Corrupt(e.to_string()))?;
        let p = next(&mut binds, Bind::Text(format!("%{}%", escape_like(&quoted))));
        sql.push_str(&format!(" AND t.tags LIKE {p} ESCAPE '\\'"));
    }
    if let Some(after) = filter.created_after {
        let p = next(&mut binds, Bind::Int(after));
        sql.push_str(&format!(" AND e.created_at >= {p}"));
    }
    if let Some(after) = filter.completed_after {
        let p = next(&mut binds, Bind::Int(after));
        sql.push_str(&format!(" AND e.finished_at IS NOT NULL AND e.finished_at >= {p}"));
    }
    Ok((sql, binds))
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
