//! The durable job queue: runners claim jobs under a lease, extend it while they work them, and
//! an expired lease puts the job back. Claiming is the one statement that differs between the
//! databases: PostgreSQL skips rows another runner has locked (`FOR UPDATE SKIP LOCKED`);
//! SQLite has a single writer, so a plain `UPDATE … RETURNING` is already exclusive.

use std::collections::HashMap;

use assay_core::{ClaimedJob, Id, unix_now};
use sqlx::AssertSqlSafe;

use crate::batch::{fixed_chunks, list, param};
use crate::{BeginWrite, Pool, Result, Store, on_pool, on_write_pool};

/// Milliseconds since the Unix epoch: lease deadlines need finer grain than seconds.
pub fn unix_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    seq: i64,
    target_index: i32,
    attempts: i64,
}

/// SQLite's planner prefers the primary key here (it yields `seq` order), which walks every
/// job already done before reaching a pending one; the partial index holds only pending jobs.
const SQLITE_CLAIM: &str = "UPDATE jobs SET state = 'running', lease_owner = $1, lease_expires_at = $2, attempts = attempts + 1 \
     WHERE evaluation_id = $3 AND seq IN (SELECT seq FROM jobs INDEXED BY jobs_pending WHERE evaluation_id = $3 AND state = 'pending' ORDER BY seq LIMIT $4) \
     RETURNING seq, target_index, attempts";

const POSTGRES_CLAIM: &str = "UPDATE jobs SET state = 'running', lease_owner = $1, lease_expires_at = $2, attempts = attempts + 1 \
     WHERE evaluation_id = $3 AND seq IN (SELECT seq FROM jobs WHERE evaluation_id = $3 AND state = 'pending' ORDER BY seq LIMIT $4 \
     FOR UPDATE SKIP LOCKED) \
     RETURNING seq, target_index, attempts";

/// Items read per statement after a claim.
const ITEM_CHUNK: usize = 128;

impl Store {
    /// Claims up to `limit` pending jobs of one evaluation for `owner` until `lease_until`
    /// (Unix ms), in job order, with their items. The first claim moves a pending evaluation
    /// to running; a caller that knows it is running already passes `known_running` and
    /// saves a write.
    pub async fn claim_jobs(
        &self,
        evaluation_id: &Id,
        owner: &str,
        lease_until: i64,
        limit: i64,
        known_running: bool,
    ) -> Result<Vec<ClaimedJob>> {
        let turn = self.write_turn().await;
        let claim = match self.pool {
            Pool::Sqlite { .. } => SQLITE_CLAIM,
            Pool::Postgres(_) => POSTGRES_CLAIM,
        };
        let mut rows: Vec<ClaimRow> = on_write_pool!(self, pool => {
            sqlx::query_as(claim).bind(owner).bind(lease_until).bind(evaluation_id.as_str()).bind(limit).fetch_all(pool).await?
        });
        drop(turn);
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        if !known_running {
            self.mark_running(evaluation_id).await?;
        }
        rows.sort_by_key(|row| row.seq);
        let seqs: Vec<i64> = rows.iter().map(|row| row.seq).collect();
        let mut items: HashMap<i64, String> = HashMap::with_capacity(rows.len());
        let style = self.style();
        for chunk in fixed_chunks(&seqs, ITEM_CHUNK) {
            let sql = format!(
                "SELECT seq, item FROM job_items WHERE evaluation_id = {} AND seq IN ({})",
                param(style, 1),
                list(style, chunk.len(), 2)
            );
            // On the write connection too: its cache holds the pages the claim just read.
            let fetched: Vec<(i64, String)> = on_write_pool!(self, pool => {
                let mut query = sqlx::query_as(AssertSqlSafe(sql)).bind(evaluation_id.as_str());
                for seq in chunk {
                    query = query.bind(*seq);
                }
                query.fetch_all(pool).await?
            });
            items.extend(fetched);
        }
        Ok(rows
            .into_iter()
            .map(|row| ClaimedJob {
                evaluation_id: evaluation_id.clone(),
                seq: row.seq,
                target_index: u32::try_from(row.target_index).unwrap_or(0),
                // A job without its item (never, short of a hand-edited database) fails as unreadable.
                item: items.remove(&row.seq).unwrap_or_default(),
                attempts: u32::try_from(row.attempts).unwrap_or(u32::MAX),
            })
            .collect())
    }

    async fn mark_running(&self, evaluation_id: &Id) -> Result<()> {
        let now = unix_now();
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let started = sqlx::query("UPDATE evaluations SET state = 'running', started_at = $1 WHERE id = $2 AND state = 'pending'")
                .bind(now)
                .bind(evaluation_id.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
            if started {
                sqlx::query("INSERT INTO events (evaluation_id, kind, data, created_at) VALUES ($1, 'evaluation.running', '{\"state\":\"running\"}', $2)")
                    .bind(evaluation_id.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Extends the leases of the jobs `seqs` of `evaluation_id` that `owner` still holds;
    /// returns how many it extended. A runner names only the jobs it is still working on (or
    /// whose results wait on its writer), so a job it gave up on expires and comes back.
    pub async fn extend_leases(&self, owner: &str, lease_until: i64, evaluation_id: &Id, seqs: &[i64]) -> Result<u64> {
        let style = self.style();
        let mut extended = 0;
        for chunk in fixed_chunks(seqs, ITEM_CHUNK) {
            let sql = format!(
                "UPDATE jobs SET lease_expires_at = {} WHERE lease_owner = {} AND evaluation_id = {} AND state = 'running' AND seq IN ({})",
                param(style, 1),
                param(style, 2),
                param(style, 3),
                list(style, chunk.len(), 4)
            );
            let _turn = self.write_turn().await;
            extended += on_write_pool!(self, pool => {
                let mut query = sqlx::query(AssertSqlSafe(sql)).bind(lease_until).bind(owner).bind(evaluation_id.as_str());
                for seq in chunk {
                    query = query.bind(*seq);
                }
                query.execute(pool).await?.rows_affected()
            });
        }
        Ok(extended)
    }

    /// Puts every job whose lease ran out before `now_ms` back in the queue (its runner died
    /// or stalled); returns how many.
    pub async fn requeue_expired(&self, now_ms: i64) -> Result<u64> {
        let _turn = self.write_turn().await;
        Ok(on_write_pool!(self, pool => sqlx::query(
            "UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL WHERE state = 'running' AND lease_expires_at < $1",
        )
        .bind(now_ms)
        .execute(pool)
        .await?
        .rows_affected()))
    }

    /// Gives back the jobs `owner` holds without a result (a clean shutdown), so the next
    /// runner need not wait for their leases to expire.
    pub async fn release_jobs(&self, owner: &str) -> Result<u64> {
        Ok(on_pool!(self, pool => sqlx::query(
            "UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1 AND state = 'running'",
        )
        .bind(owner)
        .execute(pool)
        .await?
        .rows_affected()))
    }

    /// Puts every leased job of one evaluation back in the queue at once: for resuming after
    /// the process that held them is known to be gone. Were it still running, the results'
    /// unique key would drop its duplicates.
    pub async fn requeue_evaluation(&self, evaluation_id: &Id) -> Result<u64> {
        Ok(on_pool!(self, pool => sqlx::query(
            "UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL WHERE evaluation_id = $1 AND state = 'running'",
        )
        .bind(evaluation_id.as_str())
        .execute(pool)
        .await?
        .rows_affected()))
    }

    /// Jobs waiting and jobs leased, across every evaluation: the queue's depth by state.
    /// Each count reads only its partial index (`jobs_pending`, `jobs_leased`), never the done
    /// jobs of every evaluation ever run.
    pub async fn job_counts_by_state(&self) -> Result<Vec<(String, i64)>> {
        let (pending, running) = on_pool!(self, pool => sqlx::query_as::<_, (i64, i64)>(
            "SELECT (SELECT COUNT(*) FROM jobs WHERE state = 'pending'), (SELECT COUNT(*) FROM jobs WHERE state = 'running')",
        )
        .fetch_one(pool)
        .await?);
        Ok(vec![("pending".to_owned(), pending), ("running".to_owned(), running)])
    }

    /// Jobs of the evaluation not yet done (pending or leased).
    pub async fn unfinished_jobs(&self, evaluation_id: &Id) -> Result<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE evaluation_id = $1 AND state <> 'done'")
            .bind(evaluation_id.as_str())
            .fetch_one(pool)
            .await?))
    }
}

/// One job as the `/v1` tests routes show it: its position, state, claims and item.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobView {
    pub seq: i64,
    pub state: String,
    pub attempts: i32,
    pub item: String,
}

impl Store {
    /// The page `offset..offset + limit` of an evaluation's jobs in order, optionally only
    /// those in one of `states` and testing one of `probe_ids`.
    pub async fn jobs_page(
        &self,
        evaluation_id: &Id,
        states: &[&str],
        probe_ids: &[String],
        offset: i64,
        limit: i64,
    ) -> Result<Vec<JobView>> {
        let mut sql = String::from(
            "SELECT j.seq, j.state, CAST(j.attempts AS INTEGER) AS attempts, i.item FROM jobs j JOIN job_items i ON i.evaluation_id = j.evaluation_id AND i.seq = j.seq \
             WHERE j.evaluation_id = $1",
        );
        let mut binds: Vec<String> = Vec::new();
        if !states.is_empty() {
            let placeholders: Vec<String> = states.iter().enumerate().map(|(i, _)| format!("${}", i + 4)).collect();
            sql.push_str(&format!(" AND j.state IN ({})", placeholders.join(", ")));
            binds.extend(states.iter().map(|s| (*s).to_owned()));
        }
        if !probe_ids.is_empty() {
            // Items are compact JSON written by serde: the probe's field appears verbatim.
            let clauses: Vec<String> = probe_ids.iter().enumerate().map(|(i, _)| format!("i.item LIKE ${}", binds.len() + i + 4)).collect();
            sql.push_str(&format!(" AND ({})", clauses.join(" OR ")));
            for probe_id in probe_ids {
                let quoted = serde_json::to_string(probe_id).map_err(|e| crate::Error::Corrupt(e.to_string()))?;
                // `_` in a probe id matches itself too (LIKE's one-character wildcard); `%` cannot occur.
                binds.push(format!("%\"probe_id\":{}%", quoted.replace('%', "")));
            }
        }
        sql.push_str(" ORDER BY j.seq LIMIT $2 OFFSET $3");
        Ok(on_pool!(self, pool => {
            let mut query = sqlx::query_as::<_, JobView>(sqlx::AssertSqlSafe(sql)).bind(evaluation_id.as_str()).bind(limit).bind(offset);
            for bind in binds {
                query = query.bind(bind);
            }
            query.fetch_all(pool).await?
        }))
    }
}
