//! The durable job queue: runners claim blocks of consecutive jobs under a lease, extend it
//! while they work them, and an expired lease puts the block back. A job has no state row of
//! its own: it is done when its result exists, running while its block is leased, pending
//! otherwise, so a stored result is the one write a test costs (the writer closes a block
//! once all its jobs have results). Claiming is the one statement that differs between the
//! databases: PostgreSQL skips blocks another runner has locked (`FOR UPDATE SKIP LOCKED`);
//! SQLite has a single writer, so a plain `UPDATE … RETURNING` is already exclusive.

use std::collections::HashSet;

use assay_core::{ClaimedJob, Id, unix_now};
use sqlx::AssertSqlSafe;

use crate::batch::{Style, fixed_chunks, list, param, values};
use crate::{BeginWrite, Pool, Result, Store, on_pool, on_write_pool};

/// Milliseconds since the Unix epoch: lease deadlines need finer grain than seconds.
pub fn unix_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Jobs in one block at most. A block is claimed whole, so small evaluations (whose jobs are
/// few and often slow, as a `/v1` run against a real model) get one-job blocks and spread
/// over every runner, and a large scan gets blocks of this many: one lease row per 32 tests.
pub(crate) const BLOCK_JOBS: usize = 32;

/// The block size of an evaluation of `total` jobs: one job per block up to 400 jobs, then
/// growing to [`BLOCK_JOBS`] from 6,400 on.
pub(crate) fn block_size(total: usize) -> usize {
    (total / 200).clamp(1, BLOCK_JOBS)
}

/// The blocks `(first_seq, last_seq)` over an evaluation's job numbers (ascending), each of
/// up to [`block_size`] jobs.
pub(crate) fn blocks_of(seqs: &[i64]) -> Vec<(i64, i64)> {
    seqs.chunks(block_size(seqs.len())).filter_map(|chunk| Some((*chunk.first()?, *chunk.last()?))).collect()
}

/// Rows per multi-row INSERT of blocks (three parameters a row).
pub(crate) const BLOCK_CHUNK: usize = 250;

/// `INSERT` of `rows` new (pending) blocks: bind each block's evaluation id, first and last job.
pub(crate) fn insert_blocks_sql(style: Style, rows: usize) -> String {
    format!("INSERT INTO job_blocks (evaluation_id, first_seq, last_seq) VALUES {}", values(style, rows, 3, 1))
}

/// Writes the pending blocks over `seqs` (an evaluation's job numbers, ascending) inside the
/// transaction `tx` of an [`on_pool!`] arm, wherever an evaluation's jobs are written or put
/// back: a macro because each arm's transaction has its own database type.
macro_rules! insert_blocks {
    ($tx:ident, $style:expr, $evaluation_id:expr, $seqs:expr) => {
        for chunk in $crate::queue::blocks_of($seqs).chunks($crate::queue::BLOCK_CHUNK) {
            let mut query = sqlx::query(sqlx::AssertSqlSafe($crate::queue::insert_blocks_sql($style, chunk.len())));
            for (first, last) in chunk {
                query = query.bind($evaluation_id).bind(*first).bind(*last);
            }
            query.execute(&mut *$tx).await?;
        }
    };
}
pub(crate) use insert_blocks;

#[derive(sqlx::FromRow)]
struct BlockRow {
    first_seq: i64,
    last_seq: i64,
    attempts: i64,
}

/// SQLite's planner prefers the primary key here (it yields `first_seq` order), which walks
/// every block already done before reaching a pending one; the partial index holds only
/// pending blocks.
const SQLITE_CLAIM: &str = "UPDATE job_blocks SET state = 'running', lease_owner = $1, lease_expires_at = $2, attempts = attempts + 1 \
     WHERE evaluation_id = $3 AND first_seq IN (SELECT first_seq FROM job_blocks INDEXED BY job_blocks_pending \
     WHERE evaluation_id = $3 AND state = 'pending' ORDER BY first_seq LIMIT $4) \
     RETURNING first_seq, last_seq, attempts";

const POSTGRES_CLAIM: &str = "UPDATE job_blocks SET state = 'running', lease_owner = $1, lease_expires_at = $2, attempts = attempts + 1 \
     WHERE evaluation_id = $3 AND first_seq IN (SELECT first_seq FROM job_blocks WHERE evaluation_id = $3 AND state = 'pending' \
     ORDER BY first_seq LIMIT $4 FOR UPDATE SKIP LOCKED) \
     RETURNING first_seq, last_seq, attempts";

/// The jobs of `first..=last` that still lack a result; `$4` set skips the check (a block
/// claimed for the first time has none). A macro so [`SQLITE_JOINED_ITEMS`] can wrap it.
macro_rules! unfinished_items {
    () => {
        "SELECT seq, target_index, item FROM job_items i WHERE evaluation_id = $1 AND seq BETWEEN $2 AND $3 \
         AND ($4 OR NOT EXISTS (SELECT 1 FROM results r WHERE r.evaluation_id = i.evaluation_id AND r.seq = i.seq)) ORDER BY seq"
    };
}
const UNFINISHED_ITEMS: &str = unfinished_items!();

/// [`UNFINISHED_ITEMS`] on SQLite as one row: their number, and each as
/// `seq,target_index,item` joined by the record separator (U+001E), in job order.
const SQLITE_JOINED_ITEMS: &str =
    concat!("SELECT COUNT(*), group_concat(seq || ',' || target_index || ',' || item, char(30)) FROM (", unfinished_items!(), ")");

/// The rows of [`SQLITE_JOINED_ITEMS`]'s text, or `None` unless it splits into exactly
/// `count` well-formed rows.
fn split_joined_items(joined: &str, count: i64) -> Option<Vec<(i64, i32, String)>> {
    if count == 0 {
        return joined.is_empty().then(Vec::new);
    }
    let mut rows = joined
        .split('\u{1e}')
        .map(|row| {
            let mut fields = row.splitn(3, ',');
            Some((fields.next()?.parse().ok()?, fields.next()?.parse().ok()?, fields.next()?.to_owned()))
        })
        .collect::<Option<Vec<_>>>()?;
    if i64::try_from(rows.len()).ok() != Some(count) {
        return None;
    }
    rows.sort_by_key(|row| row.0);
    Some(rows)
}

/// Jobs of the blocks in state `{state}`, across every evaluation, without a result yet
/// (the state is written into the statement so SQLite can read its partial index).
const JOBS_IN_STATE: &str = "SELECT CAST(COALESCE(SUM((SELECT COUNT(*) FROM job_items i WHERE i.evaluation_id = b.evaluation_id AND i.seq BETWEEN b.first_seq AND b.last_seq) \
     - (SELECT COUNT(*) FROM results r WHERE r.evaluation_id = b.evaluation_id AND r.seq BETWEEN b.first_seq AND b.last_seq)), 0) AS BIGINT) \
     FROM job_blocks b WHERE b.state = '{state}'";

impl Store {
    /// Claims pending blocks of one evaluation for `owner` until `lease_until` (Unix ms), in
    /// job order, as many as hold about `limit` jobs (one at least), and returns their jobs
    /// that have no result yet, with their items. A block left with none (its jobs were all
    /// written before its lease ran out) is closed on the spot. The first claim moves a
    /// pending evaluation to running; a caller that knows it is running already passes
    /// `known_running` and saves a write.
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
        let mut blocks: Vec<BlockRow> = on_write_pool!(self, pool => {
            // The first pending block's span is the evaluation's block size.
            let span: Option<i64> = sqlx::query_scalar(
                "SELECT last_seq - first_seq + 1 FROM job_blocks WHERE evaluation_id = $1 AND state = 'pending' ORDER BY first_seq LIMIT 1",
            )
            .bind(evaluation_id.as_str())
            .fetch_optional(pool)
            .await?;
            match span {
                None => Vec::new(),
                Some(span) => {
                    let count = (limit / span.max(1)).max(1);
                    sqlx::query_as(claim).bind(owner).bind(lease_until).bind(evaluation_id.as_str()).bind(count).fetch_all(pool).await?
                }
            }
        });
        drop(turn);
        if blocks.is_empty() {
            return Ok(Vec::new());
        }
        if !known_running {
            self.mark_running(evaluation_id).await?;
        }
        blocks.sort_by_key(|block| block.first_seq);
        let mut jobs = Vec::new();
        // One read per run of adjacent blocks (another runner's blocks may sit between runs).
        let mut start = 0;
        while start < blocks.len() {
            let mut end = start + 1;
            while end < blocks.len() && blocks[end].first_seq == blocks[end - 1].last_seq + 1 {
                end += 1;
            }
            let run = &blocks[start..end];
            let fresh = run.iter().all(|block| block.attempts <= 1);
            let (first, last) = (run[0].first_seq, run[run.len() - 1].last_seq);
            let rows = self.unfinished_items(evaluation_id, first, last, fresh).await?;
            let mut blocks_left = run.iter().peekable();
            for (seq, target_index, item) in rows {
                while blocks_left.next_if(|block| block.last_seq < seq).is_some() {}
                let Some(block) = blocks_left.peek() else { break };
                jobs.push(ClaimedJob {
                    evaluation_id: evaluation_id.clone(),
                    seq,
                    target_index: u32::try_from(target_index).unwrap_or(0),
                    item,
                    attempts: u32::try_from(block.attempts).unwrap_or(u32::MAX),
                    block: block.first_seq,
                });
            }
            start = end;
        }
        let given: HashSet<i64> = jobs.iter().map(|job| job.block).collect();
        let empty: Vec<i64> = blocks.iter().map(|block| block.first_seq).filter(|first| !given.contains(first)).collect();
        if !empty.is_empty() {
            self.close_blocks(evaluation_id, &empty).await?;
        }
        Ok(jobs)
    }

    /// The jobs `first..=last` of an evaluation that lack a result (all of them when `fresh`),
    /// as (seq, target index, item), in job order. On the write connection: its cache holds
    /// the pages the claim just read.
    async fn unfinished_items(&self, evaluation_id: &Id, first: i64, last: i64, fresh: bool) -> Result<Vec<(i64, i32, String)>> {
        if let Pool::Sqlite { writes, .. } = &self.pool {
            // SQLite's driver hands each row of a result from its thread to ours on its own:
            // a block's rows come as one joined text instead (items are JSON, which holds
            // no raw control character, so the record separator cannot occur in one).
            let (count, joined): (i64, Option<String>) = sqlx::query_as(SQLITE_JOINED_ITEMS)
                .bind(evaluation_id.as_str())
                .bind(first)
                .bind(last)
                .bind(fresh)
                .fetch_one(writes)
                .await?;
            if let Some(rows) = split_joined_items(joined.as_deref().unwrap_or_default(), count) {
                return Ok(rows);
            }
        }
        // PostgreSQL, or on SQLite an item that is not what this version writes: row by row.
        Ok(on_write_pool!(self, pool => {
            sqlx::query_as(UNFINISHED_ITEMS).bind(evaluation_id.as_str()).bind(first).bind(last).bind(fresh).fetch_all(pool).await?
        }))
    }

    /// Marks blocks done whose jobs all have results.
    async fn close_blocks(&self, evaluation_id: &Id, firsts: &[i64]) -> Result<()> {
        let style = self.style();
        for chunk in fixed_chunks(firsts, ITEM_CHUNK) {
            let sql = format!(
                "UPDATE job_blocks SET state = 'done', lease_owner = NULL, lease_expires_at = NULL WHERE evaluation_id = {} AND first_seq IN ({})",
                param(style, 1),
                list(style, chunk.len(), 2)
            );
            let _turn = self.write_turn().await;
            on_write_pool!(self, pool => {
                let mut query = sqlx::query(AssertSqlSafe(sql)).bind(evaluation_id.as_str());
                for first in chunk {
                    query = query.bind(*first);
                }
                query.execute(pool).await?;
            });
        }
        Ok(())
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

    /// Extends the leases of the blocks (named by their first job) of `evaluation_id` that
    /// `owner` still holds; returns how many it extended. A runner names only the blocks with
    /// a job it is still working on (or whose result waits on its writer), so a block whose
    /// result the writer gave up on expires and comes back.
    pub async fn extend_leases(&self, owner: &str, lease_until: i64, evaluation_id: &Id, blocks: &[i64]) -> Result<u64> {
        let style = self.style();
        let mut extended = 0;
        for chunk in fixed_chunks(blocks, ITEM_CHUNK) {
            let sql = format!(
                "UPDATE job_blocks SET lease_expires_at = {} WHERE lease_owner = {} AND evaluation_id = {} AND state = 'running' AND first_seq IN ({})",
                param(style, 1),
                param(style, 2),
                param(style, 3),
                list(style, chunk.len(), 4)
            );
            let _turn = self.write_turn().await;
            extended += on_write_pool!(self, pool => {
                let mut query = sqlx::query(AssertSqlSafe(sql)).bind(lease_until).bind(owner).bind(evaluation_id.as_str());
                for first in chunk {
                    query = query.bind(*first);
                }
                query.execute(pool).await?.rows_affected()
            });
        }
        Ok(extended)
    }

    /// Puts every block whose lease ran out before `now_ms` back in the queue (its runner died
    /// or stalled); returns how many.
    pub async fn requeue_expired(&self, now_ms: i64) -> Result<u64> {
        let _turn = self.write_turn().await;
        Ok(on_write_pool!(self, pool => sqlx::query(
            "UPDATE job_blocks SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL WHERE state = 'running' AND lease_expires_at < $1",
        )
        .bind(now_ms)
        .execute(pool)
        .await?
        .rows_affected()))
    }

    /// Gives back the blocks `owner` holds (a clean shutdown), so the next runner need not
    /// wait for their leases to expire; returns how many.
    pub async fn release_jobs(&self, owner: &str) -> Result<u64> {
        Ok(on_pool!(self, pool => sqlx::query(
            "UPDATE job_blocks SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1 AND state = 'running'",
        )
        .bind(owner)
        .execute(pool)
        .await?
        .rows_affected()))
    }

    /// Puts every leased block of one evaluation back in the queue at once: for resuming
    /// after the process that held them is known to be gone. Were it still running, the
    /// results' unique key would drop its duplicates.
    pub async fn requeue_evaluation(&self, evaluation_id: &Id) -> Result<u64> {
        Ok(on_pool!(self, pool => sqlx::query(
            "UPDATE job_blocks SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL WHERE evaluation_id = $1 AND state = 'running'",
        )
        .bind(evaluation_id.as_str())
        .execute(pool)
        .await?
        .rows_affected()))
    }

    /// Jobs waiting and jobs leased (without a result yet), across every evaluation: the
    /// queue's depth by state. Each count reads only the blocks in its partial index
    /// (`job_blocks_pending`, `job_blocks_leased`), never the done blocks of every evaluation.
    pub async fn job_counts_by_state(&self) -> Result<Vec<(String, i64)>> {
        let mut counts = Vec::with_capacity(2);
        for state in ["pending", "running"] {
            let sql = JOBS_IN_STATE.replace("{state}", state);
            let count: i64 = on_pool!(self, pool => sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one(pool).await?);
            counts.push((state.to_owned(), count));
        }
        Ok(counts)
    }

    /// Jobs of the evaluation without a result (pending or leased).
    pub async fn unfinished_jobs(&self, evaluation_id: &Id) -> Result<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM job_items WHERE evaluation_id = $1) - (SELECT COUNT(*) FROM results WHERE evaluation_id = $1)",
        )
        .bind(evaluation_id.as_str())
        .fetch_one(pool)
        .await?))
    }
}

/// Blocks named per statement.
const ITEM_CHUNK: usize = 128;

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
    /// those in one of `states` and testing one of `probe_ids`. A job's state is derived: done
    /// with a result, running while its block is leased, pending otherwise; its claims are its
    /// block's.
    pub async fn jobs_page(
        &self,
        evaluation_id: &Id,
        states: &[&str],
        probe_ids: &[String],
        offset: i64,
        limit: i64,
    ) -> Result<Vec<JobView>> {
        let mut inner = String::from(
            "SELECT i.seq, CASE WHEN r.seq IS NOT NULL THEN 'done' WHEN b.state = 'running' THEN 'running' ELSE 'pending' END AS state, \
             CAST(COALESCE(b.attempts, 0) AS INTEGER) AS attempts, i.item FROM job_items i \
             LEFT JOIN results r ON r.evaluation_id = i.evaluation_id AND r.seq = i.seq \
             LEFT JOIN job_blocks b ON b.evaluation_id = i.evaluation_id \
             AND b.first_seq = (SELECT MAX(first_seq) FROM job_blocks WHERE evaluation_id = i.evaluation_id AND first_seq <= i.seq) \
             WHERE i.evaluation_id = $1",
        );
        let mut binds: Vec<String> = Vec::new();
        if !probe_ids.is_empty() {
            // Items are compact JSON written by serde: the probe's field appears verbatim.
            let clauses: Vec<String> = probe_ids.iter().enumerate().map(|(i, _)| format!("i.item LIKE ${}", i + 4)).collect();
            inner.push_str(&format!(" AND ({})", clauses.join(" OR ")));
            for probe_id in probe_ids {
                let quoted = serde_json::to_string(probe_id).map_err(|e| crate::Error::Corrupt(e.to_string()))?;
                // `_` in a probe id matches itself too (LIKE's one-character wildcard); `%` cannot occur.
                binds.push(format!("%\"probe_id\":{}%", quoted.replace('%', "")));
            }
        }
        let mut sql = format!("SELECT seq, state, attempts, item FROM ({inner}) AS jobs");
        if !states.is_empty() {
            let placeholders: Vec<String> = states.iter().enumerate().map(|(i, _)| format!("${}", binds.len() + i + 4)).collect();
            sql.push_str(&format!(" WHERE state IN ({})", placeholders.join(", ")));
            binds.extend(states.iter().map(|s| (*s).to_owned()));
        }
        sql.push_str(" ORDER BY seq LIMIT $2 OFFSET $3");
        Ok(on_pool!(self, pool => {
            let mut query = sqlx::query_as::<_, JobView>(sqlx::AssertSqlSafe(sql)).bind(evaluation_id.as_str()).bind(limit).bind(offset);
            for bind in binds {
                query = query.bind(bind);
            }
            query.fetch_all(pool).await?
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_every_job_once_in_order() {
        let seqs: Vec<i64> = (0..20_000).collect();
        let blocks = blocks_of(&seqs);
        assert_eq!(blocks.len(), 625);
        assert!(blocks.iter().all(|(first, last)| last - first + 1 == 32));
        assert!(blocks.windows(2).all(|pair| pair[1].0 == pair[0].1 + 1));
        assert_eq!((blocks[0].0, blocks[624].1), (0, 19_999));
    }

    #[test]
    fn joined_items_split_into_exactly_their_rows() {
        let rows = split_joined_items("3,1,{\"a\":\"x,y\"}\u{1e}1,0,", 2).expect("two rows");
        assert_eq!(rows, vec![(1, 0, String::new()), (3, 1, "{\"a\":\"x,y\"}".to_owned())]);
        assert_eq!(split_joined_items("", 0), Some(Vec::new()));
        // A separator inside an item, a miscount, or a row that is not `seq,index,item`.
        assert_eq!(split_joined_items("1,0,a\u{1e}b", 1), None);
        assert_eq!(split_joined_items("1,0,a", 2), None);
        assert_eq!(split_joined_items("x,0,a", 1), None);
        assert_eq!(split_joined_items("1;0;a", 1), None);
    }

    #[test]
    fn small_evaluations_get_one_job_blocks() {
        assert_eq!(blocks_of(&[0, 1, 2]), vec![(0, 0), (1, 1), (2, 2)]);
        assert_eq!(block_size(399), 1);
        assert_eq!(block_size(2_000), 10);
        assert!(blocks_of(&[]).is_empty());
        // Gaps (a deleted case) stay inside the block that spans them.
        assert_eq!(blocks_of(&(0..600).filter(|seq| *seq != 5).collect::<Vec<_>>())[2], (4, 6));
    }
}
