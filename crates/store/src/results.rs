//! Results and their detections: written in batches (one transaction for many jobs, with
//! their events, the jobs' completion and the evaluation's counters), read back in pages.
//!
//! A result's key is its job's `(evaluation_id, seq)`; a replayed job's result is dropped by
//! `ON CONFLICT DO NOTHING`, and only the rows really inserted count towards the counters.

use std::collections::{BTreeMap, HashMap, HashSet};

use assay_core::{Counts, DetectionRecord, Id, JobResult, SliceSummary, unix_now};
use sqlx::AssertSqlSafe;

use crate::batch::{Style, fixed_chunks, list, values};
use crate::error::{from_json_column, to_json_column};
use crate::notifications::refs_json;
use crate::queue::BLOCK_JOBS;
use crate::tenancy::stored_id;
use crate::{BeginWrite, Result, Store, on_pool, on_write_pool};

/// Rows per multi-row INSERT (17 parameters a result row).
const RESULT_CHUNK: usize = 64;
const DETECTION_CHUNK: usize = 128;

/// Closes the unfinished blocks starting in `$2..=$3` whose every job has a result: a block's
/// lease row is written when it is claimed and when it is done, never per job.
const CLOSE_FINISHED_BLOCKS: &str = "UPDATE job_blocks SET state = 'done', lease_owner = NULL, lease_expires_at = NULL \
     WHERE evaluation_id = $1 AND first_seq BETWEEN $2 AND $3 AND state <> 'done' \
     AND (SELECT COUNT(*) FROM results r WHERE r.evaluation_id = job_blocks.evaluation_id AND r.seq BETWEEN job_blocks.first_seq AND job_blocks.last_seq) \
     >= (SELECT COUNT(*) FROM job_items i WHERE i.evaluation_id = job_blocks.evaluation_id AND i.seq BETWEEN job_blocks.first_seq AND job_blocks.last_seq)";

/// The ranges of block starts that may hold one of `seqs`: `seq - (BLOCK_JOBS - 1)..=seq` for
/// each, overlapping ones merged.
fn block_windows(seqs: &[i64]) -> Vec<(i64, i64)> {
    let reach = i64::try_from(BLOCK_JOBS).unwrap_or(1) - 1;
    let mut sorted = seqs.to_vec();
    sorted.sort_unstable();
    let mut windows: Vec<(i64, i64)> = Vec::new();
    for seq in sorted {
        match windows.last_mut() {
            Some((_, to)) if seq - reach <= *to + 1 => *to = seq,
            _ => windows.push((seq - reach, seq)),
        }
    }
    windows
}

/// What a batch write changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteOutcome {
    /// Results written (replays excluded).
    pub inserted: usize,
    /// Evaluations this batch completed.
    pub completed: Vec<Id>,
}

#[derive(sqlx::FromRow)]
struct ResultRow {
    evaluation_id: String,
    seq: i64,
    target_index: i32,
    probe_id: String,
    harness: String,
    scenario: String,
    converter: Option<String>,
    prompt: String,
    messages: String,
    passed: Option<bool>,
    score: Option<f64>,
    latency_ms: i64,
    prompt_tokens: i32,
    completion_tokens: i32,
    error: Option<String>,
    created_at: i64,
    outcome: Option<String>,
}

const RESULT_COLUMNS: &str = "evaluation_id, seq, target_index, probe_id, harness, scenario, converter, prompt, messages, passed, score, \
                              latency_ms, prompt_tokens, completion_tokens, error, created_at, outcome";

/// Which results a page keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultFilter {
    pub probe_id: Option<String>,
    /// `Some(true)`: passed only; `Some(false)`: failed only (errors excluded either way).
    pub passed: Option<bool>,
    /// Only the results whose call or judging failed.
    pub errored: bool,
    /// Only the results no detector could decide on.
    pub unscorable: bool,
    /// Only the results of this harness.
    pub harness: Option<String>,
    /// Only the results this detector judged unsafe.
    pub failed_by: Option<String>,
}

impl ResultFilter {
    /// The values [`Self::sql`]'s parameters bind, in order.
    fn values(&self) -> impl Iterator<Item = &str> {
        [&self.probe_id, &self.harness, &self.failed_by].into_iter().filter_map(|value| value.as_deref())
    }

    /// The filter's SQL (after `evaluation_id = $1`); its values ([`Self::values`]) bind
    /// parameters from `first_param` on, in order.
    fn sql(&self, first_param: usize) -> String {
        let mut sql = String::new();
        let mut param = first_param;
        if self.probe_id.is_some() {
            sql.push_str(&format!(" AND probe_id = ${param}"));
            param += 1;
        }
        if self.harness.is_some() {
            sql.push_str(&format!(" AND harness = ${param}"));
            param += 1;
        }
        if self.failed_by.is_some() {
            sql.push_str(&format!(
                " AND seq IN (SELECT seq FROM detections WHERE evaluation_id = $1 AND detector = ${param} AND NOT passed AND NOT unscorable)"
            ));
        }
        match self.passed {
            Some(true) => sql.push_str(" AND passed IS NOT NULL AND passed"),
            Some(false) => sql.push_str(" AND passed IS NOT NULL AND NOT passed"),
            None => {}
        }
        if self.errored {
            sql.push_str(" AND error IS NOT NULL");
        }
        if self.unscorable {
            sql.push_str(" AND passed IS NULL AND error IS NULL");
        }
        sql
    }
}

#[derive(sqlx::FromRow)]
struct DetectionRow {
    seq: i64,
    detector: String,
    version: i32,
    hit: bool,
    passed: bool,
    score: f64,
    reasoning: String,
    findings: String,
    unscorable: bool,
}

#[derive(sqlx::FromRow)]
struct SliceRow {
    harness: String,
    scenario: String,
    total: i64,
    passed: i64,
    failed: i64,
    errored: i64,
    unscorable: i64,
}

#[derive(sqlx::FromRow)]
struct FailureRow {
    harness: String,
    scenario: String,
    probe_id: String,
    failures: i64,
}

fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

impl Store {
    /// Writes a batch of results in one transaction: the rows not already there, their
    /// detections, one `results.created` event per evaluation listing them, the blocks they
    /// finish closed, the counters, and
    /// `completed` for every evaluation whose last job this was.
    pub async fn write_results(&self, results: &[JobResult]) -> Result<WriteOutcome> {
        if results.is_empty() {
            return Ok(WriteOutcome::default());
        }
        let now = unix_now();
        let mut encoded = Vec::with_capacity(results.len());
        for result in results {
            let outcome = result.outcome.as_ref().map(|o| to_json_column("result outcome", o)).transpose()?;
            encoded.push((to_json_column("result messages", &result.messages)?, outcome, result));
        }
        let mut evaluations: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
        for result in results {
            evaluations.entry(result.evaluation_id.as_str()).or_default().push(result.seq);
        }
        let style = self.style();
        let _turn = self.write_turn().await;
        on_write_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // An evaluation deleted while its calls were in flight: its results have nowhere to
            // go, and must not fail the batch they share with other evaluations' results.
            let sql = format!("SELECT id FROM evaluations WHERE id IN ({})", list(style, evaluations.len(), 1));
            let mut query = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql));
            for evaluation_id in evaluations.keys() {
                query = query.bind(*evaluation_id);
            }
            let present: HashSet<String> = query.fetch_all(&mut *tx).await?.into_iter().collect();
            evaluations.retain(|evaluation_id, _| present.contains(*evaluation_id));
            let encoded: Vec<_> = encoded.iter().filter(|(_, _, r)| present.contains(r.evaluation_id.as_str())).collect();
            // Which rows are new. On SQLite the batch holds the database's one write lock
            // (`BEGIN IMMEDIATE`), so the results already there cannot change before the
            // insert: they are read first, one statement per evaluation, and the insert
            // returns nothing (returning each row cost a hand-off between threads per result).
            // PostgreSQL's writers run side by side, so there the insert says which rows it made.
            let returning = matches!(style, Style::Numbered);
            let mut already: HashSet<(&str, i64)> = HashSet::new();
            if !returning {
                for (evaluation_id, seqs) in &evaluations {
                    let there: Vec<i64> =
                        sqlx::query_scalar("SELECT seq FROM results WHERE evaluation_id = $1 AND seq IN (SELECT value FROM json_each($2))")
                            .bind(*evaluation_id)
                            .bind(to_json_column("result numbers", seqs)?)
                            .fetch_all(&mut *tx)
                            .await?;
                    already.extend(there.into_iter().map(|seq| (*evaluation_id, seq)));
                }
            }
            let mut inserted: Vec<(String, i64)> = Vec::with_capacity(results.len());
            for chunk in fixed_chunks(&encoded, RESULT_CHUNK) {
                let sql = format!(
                    "INSERT INTO results (evaluation_id, seq, target_index, probe_id, harness, scenario, converter, prompt, messages, \
                     passed, score, latency_ms, prompt_tokens, completion_tokens, error, created_at, outcome) VALUES {} \
                     ON CONFLICT (evaluation_id, seq) DO NOTHING{}",
                    values(style, chunk.len(), 17, 1),
                    if returning { " RETURNING evaluation_id, seq" } else { "" }
                );
                let mut query = sqlx::query_as::<_, (String, i64)>(AssertSqlSafe(sql));
                for (messages, outcome, r) in chunk.iter().copied() {
                    query = query
                        .bind(r.evaluation_id.as_str())
                        .bind(r.seq)
                        .bind(to_i32(r.target_index))
                        .bind(&r.probe_id)
                        .bind(&r.harness)
                        .bind(&r.scenario)
                        .bind(r.converter.as_deref())
                        .bind(&r.prompt)
                        .bind(messages)
                        .bind(r.passed)
                        .bind(r.score)
                        .bind(i64::try_from(r.latency_ms).unwrap_or(i64::MAX))
                        .bind(to_i32(r.prompt_tokens))
                        .bind(to_i32(r.completion_tokens))
                        .bind(r.error.as_deref())
                        .bind(now)
                        .bind(outcome.as_deref());
                }
                inserted.extend(query.fetch_all(&mut *tx).await?);
            }
            let fresh: Vec<&JobResult> = if returning {
                let by_key: HashMap<(&str, i64), &JobResult> = encoded.iter().map(|(_, _, r)| ((r.evaluation_id.as_str(), r.seq), *r)).collect();
                inserted.iter().filter_map(|(evaluation, seq)| by_key.get(&(evaluation.as_str(), *seq)).copied()).collect()
            } else {
                // Every row not there before, once: of a job's two results in one batch, the
                // first is inserted and the second meets the conflict.
                encoded.iter().map(|(_, _, r)| *r).filter(|r| already.insert((r.evaluation_id.as_str(), r.seq))).collect()
            };

            let mut detections: Vec<(&JobResult, i32, &DetectionRecord, String)> = Vec::new();
            for result in &fresh {
                for (position, detection) in result.detections.iter().enumerate() {
                    let findings = to_json_column("detection findings", &detection.findings)?;
                    detections.push((result, i32::try_from(position).unwrap_or(i32::MAX), detection, findings));
                }
            }
            for chunk in fixed_chunks(&detections, DETECTION_CHUNK) {
                let sql = format!(
                    "INSERT INTO detections (evaluation_id, seq, position, detector, version, hit, passed, score, reasoning, findings, unscorable) VALUES {}",
                    values(style, chunk.len(), 11, 1)
                );
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for (result, position, d, findings) in chunk {
                    query = query
                        .bind(result.evaluation_id.as_str())
                        .bind(result.seq)
                        .bind(*position)
                        .bind(&d.detector)
                        .bind(to_i32(d.version))
                        .bind(d.hit)
                        .bind(d.passed)
                        .bind(d.score)
                        .bind(&d.reasoning)
                        .bind(findings)
                        .bind(d.unscorable);
                }
                query.execute(&mut *tx).await?;
            }

            // One `results.created` event per evaluation and batch, naming its new results by
            // number: what a live view shows of each (probe, verdict) is read from the results
            // themselves ([`Store::events_after`]), so the event costs a few bytes per result.
            let mut announced: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
            for r in &fresh {
                announced.entry(r.evaluation_id.as_str()).or_default().push(r.seq);
            }
            for (evaluation_id, seqs) in announced {
                sqlx::query("INSERT INTO events (evaluation_id, kind, data, created_at) VALUES ($1, 'results.created', $2, $3)")
                    .bind(evaluation_id)
                    .bind(serde_json::json!({ "seqs": seqs }).to_string())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }

            let mut completed = Vec::new();
            for (evaluation_id, seqs) in &evaluations {
                // The blocks these results may finish: each starts at most a block's length
                // before one of them. One statement per run of overlapping windows.
                for (from, to) in block_windows(seqs) {
                    sqlx::query(CLOSE_FINISHED_BLOCKS).bind(*evaluation_id).bind(from).bind(to).execute(&mut *tx).await?;
                }
                let mut counts = Counts::default();
                let mut by_probe: BTreeMap<&str, Counts> = BTreeMap::new();
                // The new rows only, each once (a job's result twice in one batch is one row).
                for result in fresh.iter().filter(|r| r.evaluation_id.as_str() == *evaluation_id) {
                    counts.add(result.verdict());
                    by_probe.entry(result.probe_id.as_str()).or_default().add(result.verdict());
                }
                for (probe_id, probe) in &by_probe {
                    sqlx::query(
                        "UPDATE probe_counts SET done = done + $1, passed = passed + $2, failed = failed + $3, errored = errored + $4, \
                         unscorable = unscorable + $7 WHERE evaluation_id = $5 AND probe_id = $6",
                    )
                    .bind(probe.done)
                    .bind(probe.passed)
                    .bind(probe.failed)
                    .bind(probe.errored)
                    .bind(*evaluation_id)
                    .bind(*probe_id)
                    .bind(probe.unscorable)
                    .execute(&mut *tx)
                    .await?;
                }
                if counts.done > 0 {
                    sqlx::query(
                        "UPDATE evaluations SET done = done + $1, passed = passed + $2, failed = failed + $3, errored = errored + $4, \
                         unscorable = unscorable + $6 WHERE id = $5",
                    )
                        .bind(counts.done)
                        .bind(counts.passed)
                        .bind(counts.failed)
                        .bind(counts.errored)
                        .bind(*evaluation_id)
                        .bind(counts.unscorable)
                        .execute(&mut *tx)
                        .await?;
                }
                let finished = sqlx::query(
                    // `pending` too: a re-run resets an evaluation that its runner still knows as running.
                    "UPDATE evaluations SET state = 'completed', finished_at = $1 WHERE id = $2 AND state IN ('pending', 'running') AND done >= total",
                )
                .bind(now)
                .bind(*evaluation_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                if finished {
                    sqlx::query("INSERT INTO events (evaluation_id, kind, data, created_at) VALUES ($1, 'evaluation.completed', '{\"state\":\"completed\"}', $2)")
                        .bind(*evaluation_id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    completed.push(stored_id(evaluation_id)?);
                }
            }
            // Case results (workbench evaluations) announce their case runs on the SSE queue.
            let mut case_refs: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for result in &fresh {
                let Some(case_run) = result.outcome.as_ref().and_then(|o| o.get("caseRunID")).and_then(|v| v.as_str()) else { continue };
                case_refs.entry(result.evaluation_id.as_str()).or_insert_with(|| vec![format!("Evaluation:{}", result.evaluation_id)]).push(format!("CaseRun:{case_run}"));
            }
            for (evaluation_id, refs) in case_refs {
                sqlx::query("INSERT INTO notifications (team_id, refs, created_at) SELECT team_id, $1, $2 FROM workbench_evaluations WHERE evaluation_id = $3")
                    .bind(refs_json(&refs)?)
                    .bind(now)
                    .bind(evaluation_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(WriteOutcome { inserted: fresh.len(), completed })
        })
    }

    /// Up to `limit` results after `after_seq`, in job order, with their detections;
    /// `only_failed` keeps the results judged unsafe.
    pub async fn results_page(&self, evaluation_id: &Id, after_seq: i64, limit: i64, only_failed: bool) -> Result<Vec<JobResult>> {
        let filter = ResultFilter { passed: only_failed.then_some(false), ..ResultFilter::default() };
        self.results_after(evaluation_id, &filter, after_seq, limit, false).await
    }

    /// The page of results `offset..offset + limit` in job order (newest first when
    /// `descending`), narrowed by `filter`. Without a filter the offset is skipped in the
    /// results' key index alone, so a deep page costs about what the first one does.
    pub async fn results_at(
        &self,
        evaluation_id: &Id,
        filter: &ResultFilter,
        offset: i64,
        limit: i64,
        descending: bool,
    ) -> Result<Vec<JobResult>> {
        let (order, bound) = if descending { ("DESC", "<=") } else { ("ASC", ">=") };
        let narrow = filter.sql(4);
        let sql = format!(
            "SELECT {RESULT_COLUMNS} FROM results WHERE evaluation_id = $1 {narrow} AND seq {bound} \
             (SELECT seq FROM results WHERE evaluation_id = $1 {narrow} ORDER BY seq {order} LIMIT 1 OFFSET $2) ORDER BY seq {order} LIMIT $3"
        );
        let rows: Vec<ResultRow> = on_pool!(self, pool => {
            let mut query = sqlx::query_as::<_, ResultRow>(AssertSqlSafe(sql)).bind(evaluation_id.as_str()).bind(offset).bind(limit);
            for value in filter.values() {
                query = query.bind(value);
            }
            query.fetch_all(pool).await?
        });
        self.with_detections(evaluation_id, rows).await
    }

    /// Up to `limit` results after `after_seq` in job order (before it, newest first, when
    /// `descending`), narrowed by `filter`: the next page once a page has been read.
    pub async fn results_after(
        &self,
        evaluation_id: &Id,
        filter: &ResultFilter,
        after_seq: i64,
        limit: i64,
        descending: bool,
    ) -> Result<Vec<JobResult>> {
        let (order, beyond) = if descending { ("DESC", "<") } else { ("ASC", ">") };
        let narrow = filter.sql(4);
        let sql = format!(
            "SELECT {RESULT_COLUMNS} FROM results WHERE evaluation_id = $1 {narrow} AND seq {beyond} $2 ORDER BY seq {order} LIMIT $3"
        );
        let rows: Vec<ResultRow> = on_pool!(self, pool => {
            let mut query = sqlx::query_as::<_, ResultRow>(AssertSqlSafe(sql)).bind(evaluation_id.as_str()).bind(after_seq).bind(limit);
            for value in filter.values() {
                query = query.bind(value);
            }
            query.fetch_all(pool).await?
        });
        self.with_detections(evaluation_id, rows).await
    }

    /// One result by its job's position.
    pub async fn result(&self, evaluation_id: &Id, seq: i64) -> Result<Option<JobResult>> {
        let sql = format!("SELECT {RESULT_COLUMNS} FROM results WHERE evaluation_id = $1 AND seq = $2");
        let rows: Vec<ResultRow> =
            on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql)).bind(evaluation_id.as_str()).bind(seq).fetch_all(pool).await?);
        Ok(self.with_detections(evaluation_id, rows).await?.pop())
    }

    /// The distinct errors of an evaluation's results with how often each occurred, most
    /// frequent first.
    pub async fn result_errors(&self, evaluation_id: &Id, limit: i64) -> Result<Vec<(String, i64)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT error, COUNT(*) AS n FROM results WHERE evaluation_id = $1 AND error IS NOT NULL GROUP BY error ORDER BY n DESC, error LIMIT $2",
        )
        .bind(evaluation_id.as_str())
        .bind(limit)
        .fetch_all(pool)
        .await?))
    }

    async fn with_detections(&self, evaluation_id: &Id, rows: Vec<ResultRow>) -> Result<Vec<JobResult>> {
        let (Some(first), Some(last)) = (rows.iter().map(|r| r.seq).min(), rows.iter().map(|r| r.seq).max()) else { return Ok(Vec::new()) };
        let detection_rows: Vec<DetectionRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT seq, detector, version, hit, passed, score, reasoning, findings, unscorable FROM detections \
             WHERE evaluation_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq, position",
        )
        .bind(evaluation_id.as_str())
        .bind(first)
        .bind(last)
        .fetch_all(pool)
        .await?);
        let mut detections: HashMap<i64, Vec<DetectionRecord>> = HashMap::new();
        for row in detection_rows {
            let confidence = assay_core::confidence(row.hit, row.score, row.unscorable);
            detections.entry(row.seq).or_default().push(DetectionRecord {
                detector: row.detector,
                version: u32::try_from(row.version).unwrap_or(0),
                hit: row.hit,
                passed: row.passed,
                score: row.score,
                reasoning: row.reasoning,
                findings: from_json_column("detection findings", &row.findings)?,
                unscorable: row.unscorable,
                confidence,
            });
        }
        rows.into_iter()
            .map(|row| {
                Ok(JobResult {
                    evaluation_id: stored_id(&row.evaluation_id)?,
                    seq: row.seq,
                    target_index: u32::try_from(row.target_index).unwrap_or(0),
                    probe_id: row.probe_id,
                    harness: row.harness,
                    scenario: row.scenario,
                    converter: row.converter,
                    prompt: row.prompt,
                    messages: from_json_column("result messages", &row.messages)?,
                    passed: row.passed,
                    score: row.score,
                    latency_ms: u64::try_from(row.latency_ms).unwrap_or(0),
                    prompt_tokens: u32::try_from(row.prompt_tokens).unwrap_or(0),
                    completion_tokens: u32::try_from(row.completion_tokens).unwrap_or(0),
                    error: row.error,
                    detections: detections.remove(&row.seq).unwrap_or_default(),
                    created_at: row.created_at,
                    outcome: row.outcome.as_deref().map(|o| from_json_column("result outcome", o)).transpose()?,
                })
            })
            .collect()
    }

    /// Pass/fail counts per harness and scenario, with each slice's most-failing probe.
    pub async fn evaluation_summary(&self, evaluation_id: &Id) -> Result<Vec<SliceSummary>> {
        let slices: Vec<SliceRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT harness, scenario, COUNT(*) AS total, \
             COALESCE(SUM(CASE WHEN passed THEN 1 ELSE 0 END), 0) AS passed, \
             COALESCE(SUM(CASE WHEN NOT passed THEN 1 ELSE 0 END), 0) AS failed, \
             COALESCE(SUM(CASE WHEN error IS NOT NULL THEN 1 ELSE 0 END), 0) AS errored, \
             COALESCE(SUM(CASE WHEN passed IS NULL AND error IS NULL THEN 1 ELSE 0 END), 0) AS unscorable \
             FROM results WHERE evaluation_id = $1 GROUP BY harness, scenario ORDER BY harness, scenario",
        )
        .bind(evaluation_id.as_str())
        .fetch_all(pool)
        .await?);
        let failures: Vec<FailureRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT harness, scenario, probe_id, COUNT(*) AS failures FROM results \
             WHERE evaluation_id = $1 AND passed IS NOT NULL AND NOT passed GROUP BY harness, scenario, probe_id ORDER BY probe_id",
        )
        .bind(evaluation_id.as_str())
        .fetch_all(pool)
        .await?);
        let mut worst: HashMap<(String, String), (String, i64)> = HashMap::new();
        for row in failures {
            let entry = worst.entry((row.harness, row.scenario)).or_insert_with(|| (row.probe_id.clone(), 0));
            if row.failures > entry.1 {
                *entry = (row.probe_id, row.failures);
            }
        }
        Ok(slices
            .into_iter()
            .map(|row| {
                let worst_probe = worst.remove(&(row.harness.clone(), row.scenario.clone()));
                SliceSummary {
                    harness: row.harness,
                    scenario: row.scenario,
                    total: row.total,
                    passed: row.passed,
                    failed: row.failed,
                    errored: row.errored,
                    unscorable: row.unscorable,
                    worst_probe,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::block_windows;

    #[test]
    fn block_windows_reach_back_one_block_and_merge_when_they_touch() {
        assert_eq!(block_windows(&[100]), vec![(69, 100)]);
        assert_eq!(block_windows(&[120, 100, 101]), vec![(69, 120)]);
        assert_eq!(block_windows(&[101, 100, 140]), vec![(69, 101), (109, 140)]);
        assert_eq!(block_windows(&[0, 500]), vec![(-31, 0), (469, 500)]);
        assert!(block_windows(&[]).is_empty());
    }
}
