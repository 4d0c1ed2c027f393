//! What the web UI reads and writes beyond the API surfaces' own calls: sign-in sessions,
//! the overview of every kind of evaluation in one newest-first list, scores over time per
//! target or ingest project, and the harness × converter grid of one evaluation.

use assay_core::{Counts, Id, KeySecret, Principal, unix_now};
use sqlx::AssertSqlSafe;

use crate::tenancy::stored_id;
use crate::{Error, Result, Store, on_pool};

/// A signed-in browser: who it acts as and the token its forms must carry.
#[derive(Debug, Clone)]
pub struct UiSession {
    pub principal: Principal,
    /// The team's name, shown in the page header.
    pub team_name: String,
    pub csrf: String,
}

/// Where a listed evaluation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListedKind {
    /// `assay scan` or the UI's scan form.
    Scan,
    /// `/v1/evaluations`.
    Trust,
    /// A workbench (`/api/v1`) evaluation of a prompt's cases.
    Workbench,
    /// A run sent to `/api/ingest`.
    Ingest,
}

impl ListedKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scan => "scan",
            Self::Trust => "v1",
            Self::Workbench => "workbench",
            Self::Ingest => "ingest",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Scan, Self::Trust, Self::Workbench, Self::Ingest].into_iter().find(|k| k.as_str() == raw)
    }
}

/// One row of the overview.
#[derive(Debug, Clone)]
pub struct ListedEvaluation {
    pub kind: ListedKind,
    /// The evaluation's id, or the ingested run's id.
    pub id: String,
    pub name: String,
    /// The evaluation's state; ingested runs are `completed`.
    pub state: String,
    /// The targets (as stored, a JSON list) or the ingest project's slug.
    pub target: String,
    pub counts: Counts,
    pub created_at: i64,
}

/// The overview's filters and the page wanted.
#[derive(Debug, Clone, Default)]
pub struct OverviewQuery {
    pub kind: Option<ListedKind>,
    pub state: Option<String>,
    /// Matched, case-insensitively, inside the name or the target.
    pub search: Option<String>,
    /// Rows strictly older than this `(created_at, id)`: the cursor of the next page.
    pub before: Option<(i64, String)>,
    pub limit: i64,
}

/// One point of a trend: an evaluation (or run) and its pass rate per series.
#[derive(Debug, Clone)]
pub struct TrendPoint {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    /// Series name (a harness or an assertion type) → (passed, failed).
    pub series: Vec<(String, i64, i64)>,
}

/// One cell of an evaluation's harness × converter grid.
#[derive(Debug, Clone)]
pub struct GridCell {
    pub harness: String,
    /// `None`: the prompt as written.
    pub converter: Option<String>,
    pub passed: i64,
    pub failed: i64,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    team_id: String,
    user_id: String,
    key_id: String,
    plan: String,
    role: String,
    team_name: String,
    csrf: String,
}

#[derive(sqlx::FromRow)]
struct ListedRow {
    kind: String,
    id: String,
    name: String,
    state: String,
    target: String,
    total: i64,
    done: i64,
    passed: i64,
    failed: i64,
    errored: i64,
    unscorable: i64,
    created_at: i64,
}

impl TryFrom<ListedRow> for ListedEvaluation {
    type Error = Error;
    fn try_from(row: ListedRow) -> Result<Self> {
        Ok(Self {
            kind: ListedKind::parse(&row.kind).ok_or_else(|| Error::Corrupt(format!("listed kind {:?}", row.kind)))?,
            id: row.id,
            name: row.name,
            state: row.state,
            target: row.target,
            counts: Counts {
                total: row.total,
                done: row.done,
                passed: row.passed,
                failed: row.failed,
                errored: row.errored,
                unscorable: row.unscorable,
            },
            created_at: row.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct TrendRow {
    id: String,
    name: String,
    created_at: i64,
    series: String,
    passed: i64,
    failed: i64,
}

/// The kind of an engine evaluation, from the surface tables that hold its settings.
const KIND_SQL: &str = "CASE WHEN t.evaluation_id IS NOT NULL THEN 'v1' WHEN w.evaluation_id IS NOT NULL THEN 'workbench' ELSE 'scan' END";

/// The most points a trend shows: the latest ones.
const TREND_POINTS: i64 = 60;

impl Store {
    /// Starts a browser session acting as `principal` for `lifetime_secs`; the token is the
    /// cookie's value, kept here only as a hash.
    pub async fn create_ui_session(&self, token: &str, principal: &Principal, csrf: &str, lifetime_secs: i64) -> Result<()> {
        let now = unix_now();
        on_pool!(self, pool => {
            // Expired sessions go when a new one starts: the table stays the size of the
            // sessions in use.
            sqlx::query("DELETE FROM ui_sessions WHERE expires_at <= $1").bind(now).execute(pool).await?;
            sqlx::query(
                "INSERT INTO ui_sessions (token_hash, team_id, user_id, key_id, csrf, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(KeySecret::hash_of(token))
            .bind(principal.team_id.as_str())
            .bind(principal.user_id.as_str())
            .bind(principal.key_id.as_str())
            .bind(csrf)
            .bind(now)
            .bind(now.saturating_add(lifetime_secs))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The live session a cookie token names: unexpired, and its key neither revoked nor
    /// expired since (a session of the `--no-auth` local team names the team in place of a key).
    pub async fn ui_session(&self, token: &str) -> Result<Option<UiSession>> {
        let sql = "SELECT s.team_id, s.user_id, s.key_id, t.plan, u.role, t.name AS team_name, s.csrf FROM ui_sessions s \
                   JOIN teams t ON t.id = s.team_id JOIN users u ON u.id = s.user_id LEFT JOIN api_keys k ON k.id = s.key_id \
                   WHERE s.token_hash = $1 AND s.expires_at > $2 \
                   AND ((k.id IS NOT NULL AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2)) \
                   OR (k.id IS NULL AND s.key_id = s.team_id))";
        let row: Option<SessionRow> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(KeySecret::hash_of(token)).bind(unix_now()).fetch_optional(pool).await?);
        row.map(|row| {
            Ok(UiSession {
                principal: Principal {
                    key_id: stored_id(&row.key_id)?,
                    team_id: stored_id(&row.team_id)?,
                    user_id: stored_id(&row.user_id)?,
                    plan: crate::tenancy::stored_plan(&row.plan)?,
                    role: crate::tenancy::stored_role(&row.role)?,
                },
                team_name: row.team_name,
                csrf: row.csrf,
            })
        })
        .transpose()
    }

    /// Ends a session (sign-out); false when there was none.
    pub async fn delete_ui_session(&self, token: &str) -> Result<bool> {
        let deleted = on_pool!(self, pool => sqlx::query("DELETE FROM ui_sessions WHERE token_hash = $1")
            .bind(KeySecret::hash_of(token))
            .execute(pool)
            .await?
            .rows_affected());
        Ok(deleted > 0)
    }

    /// One page of the team's evaluations of every kind, newest first. Each source is read
    /// newest first down its own index, at most `limit` rows, and the two are merged: a page
    /// costs the same at any depth and any number of stored evaluations.
    pub async fn overview(&self, team_id: &Id, query: &OverviewQuery) -> Result<Vec<ListedEvaluation>> {
        let limit = query.limit.clamp(1, 500);
        let (before_at, before_id) = query.before.clone().unwrap_or((i64::MAX, String::new()));
        // The first page reads from the top of the index; later ones seek past the cursor.
        let (eval_after, run_after) = if query.before.is_none() {
            ("$2 = $2 AND $3 = $3", "$2 = $2 AND $3 = $3")
        } else {
            ("(e.created_at, e.id) < ($2, $3)", "(r.created_at, r.run_id) < ($2, $3)")
        };
        let search = query.search.as_deref().map(|s| format!("%{}%", s.to_lowercase().replace(['%', '_'], "")));
        // Case-insensitive without lowering every row: SQLite's LIKE already ignores ASCII case.
        let like = match self.style() {
            crate::batch::Style::Numbered => "ILIKE",
            crate::batch::Style::Question => "LIKE",
        };
        let mut rows: Vec<ListedRow> = Vec::new();
        if query.kind != Some(ListedKind::Ingest) {
            let kind = query.kind.map(ListedKind::as_str);
            let sql = format!(
                "SELECT {KIND_SQL} AS kind, e.id, e.name, e.state, e.targets AS target, e.total, e.done, e.passed, e.failed, \
                 e.errored, e.unscorable, e.created_at \
                 FROM evaluations e LEFT JOIN trust_evaluations t ON t.evaluation_id = e.id \
                 LEFT JOIN workbench_evaluations w ON w.evaluation_id = e.id \
                 WHERE e.team_id = $1 AND {eval_after} \
                 AND (CAST($4 AS TEXT) IS NULL OR e.state = $4) \
                 AND (CAST($5 AS TEXT) IS NULL OR e.name {like} $5 OR e.targets {like} $5) \
                 AND (CAST($6 AS TEXT) IS NULL OR {KIND_SQL} = $6) \
                 ORDER BY e.created_at DESC, e.id DESC LIMIT $7"
            );
            let found: Vec<ListedRow> = on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql))
                .bind(team_id.as_str())
                .bind(before_at)
                .bind(&before_id)
                .bind(query.state.as_deref())
                .bind(search.as_deref())
                .bind(kind)
                .bind(limit)
                .fetch_all(pool)
                .await?);
            rows.extend(found);
        }
        let ingest_wanted = query.kind.is_none_or(|k| k == ListedKind::Ingest) && query.state.as_deref().is_none_or(|s| s == "completed");
        if ingest_wanted {
            let sql = format!(
                "SELECT 'ingest' AS kind, r.run_id AS id, r.run_id AS name, 'completed' AS state, p.slug AS target, \
                       r.total, r.total AS done, r.passed, r.failed, CAST(0 AS BIGINT) AS errored, r.inconclusive AS unscorable, r.created_at \
                       FROM ingest_runs r JOIN projects p ON p.id = r.project_id \
                       WHERE p.team_id = $1 AND {run_after} \
                       AND (CAST($4 AS TEXT) IS NULL OR r.run_id {like} $4 OR p.slug {like} $4) \
                       ORDER BY r.created_at DESC, r.run_id DESC LIMIT $5"
            );
            let found: Vec<ListedRow> = on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql))
                .bind(team_id.as_str())
                .bind(before_at)
                .bind(&before_id)
                .bind(search.as_deref())
                .bind(limit)
                .fetch_all(pool)
                .await?);
            rows.extend(found);
        }
        rows.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.into_iter().map(ListedEvaluation::try_from).collect()
    }

    /// The target lists the team's evaluations with results ran on, most recently used first.
    pub async fn evaluated_targets(&self, team_id: &Id, limit: i64) -> Result<Vec<String>> {
        let targets: Vec<String> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT targets FROM evaluations WHERE team_id = $1 AND done > 0 GROUP BY targets ORDER BY MAX(created_at) DESC LIMIT $2",
        )
        .bind(team_id.as_str())
        .bind(limit)
        .fetch_all(pool)
        .await?);
        Ok(targets)
    }

    /// Pass and fail counts per harness of the latest evaluations that ran on exactly
    /// `targets` (the stored JSON list), oldest first.
    pub async fn target_trend(&self, team_id: &Id, targets: &str) -> Result<Vec<TrendPoint>> {
        let sql = "SELECT e.id, e.name, e.created_at, c.harness AS series, CAST(SUM(c.passed) AS BIGINT) AS passed, CAST(SUM(c.failed) AS BIGINT) AS failed \
                   FROM (SELECT id, name, created_at FROM evaluations WHERE team_id = $1 AND targets = $2 AND done > 0 \
                         ORDER BY created_at DESC, id DESC LIMIT $3) e \
                   JOIN probe_counts c ON c.evaluation_id = e.id \
                   GROUP BY e.id, e.name, e.created_at, c.harness ORDER BY e.created_at, e.id, c.harness";
        let rows: Vec<TrendRow> = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(team_id.as_str())
            .bind(targets)
            .bind(TREND_POINTS)
            .fetch_all(pool)
            .await?);
        Ok(points(rows))
    }

    /// Pass and fail counts per assertion type of an ingest project's latest runs, oldest
    /// first; `None` when the team has no such project.
    pub async fn project_trend(&self, team_id: &Id, slug: &str) -> Result<Option<Vec<TrendPoint>>> {
        let Some(project) = self.project_by_slug(team_id, slug).await? else { return Ok(None) };
        let sql = "SELECT r.run_id AS id, r.run_id AS name, r.created_at, e.assertion_type AS series, \
                   SUM(CASE WHEN e.result = 'pass' THEN 1 ELSE 0 END) AS passed, \
                   SUM(CASE WHEN e.result = 'fail' THEN 1 ELSE 0 END) AS failed \
                   FROM (SELECT id, run_id, created_at FROM ingest_runs WHERE project_id = $1 \
                         ORDER BY created_at DESC, run_id DESC LIMIT $2) r \
                   JOIN ingest_evaluations e ON e.run_key = r.id \
                   GROUP BY r.id, r.run_id, r.created_at, e.assertion_type ORDER BY r.created_at, r.run_id, e.assertion_type";
        let rows: Vec<TrendRow> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(project.id.as_str()).bind(TREND_POINTS).fetch_all(pool).await?);
        Ok(Some(points(rows)))
    }

    /// Verdicts of one evaluation per harness and converter.
    pub async fn converter_grid(&self, evaluation_id: &Id) -> Result<Vec<GridCell>> {
        let rows: Vec<(String, Option<String>, i64, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT harness, converter, COALESCE(SUM(CASE WHEN passed THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN NOT passed THEN 1 ELSE 0 END), 0) \
             FROM results WHERE evaluation_id = $1 GROUP BY harness, converter ORDER BY harness, converter",
        )
        .bind(evaluation_id.as_str())
        .fetch_all(pool)
        .await?);
        Ok(rows.into_iter().map(|(harness, converter, passed, failed)| GridCell { harness, converter, passed, failed }).collect())
    }
}

/// Rows of (point, series) grouped into points, in the order read.
fn points(rows: Vec<TrendRow>) -> Vec<TrendPoint> {
    let mut points: Vec<TrendPoint> = Vec::new();
    for row in rows {
        match points.last_mut() {
            Some(point) if point.id == row.id => point.series.push((row.series, row.passed, row.failed)),
            _ => points.push(TrendPoint {
                id: row.id,
                name: row.name,
                created_at: row.created_at,
                series: vec![(row.series, row.passed, row.failed)],
            }),
        }
    }
    points
}
