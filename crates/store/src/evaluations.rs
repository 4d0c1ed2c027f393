//! Evaluations: created with all their jobs in one transaction, read, cancelled, failed; and
//! the event log every change appends to.

use std::collections::{BTreeMap, HashMap};

use assay_core::{Counts, Evaluation, EvaluationState, Event, Id, NewJob, ProbeCounts, TrustSettings, Verdict, unix_now};
use sqlx::AssertSqlSafe;

use crate::batch::{fixed_chunks, list, param, values};
use crate::error::{conflict_as, from_json_column, to_json_column};
use crate::notifications::{NOTIFY, refs_json};
use crate::queue::insert_blocks;
use crate::tenancy::stored_id;
use crate::{BeginWrite, Error, Result, Store, on_pool};

/// Jobs per multi-row INSERT: 4 parameters a row stays far below SQLite's and PostgreSQL's
/// parameter limits, and a few hundred rows a statement is where batching stops paying.
const JOB_CHUNK: usize = 250;

/// An evaluation's (or a probe's) counter columns, read into [`Counts`].
#[derive(sqlx::FromRow)]
pub(crate) struct CountColumns {
    total: i64,
    done: i64,
    passed: i64,
    failed: i64,
    errored: i64,
    unscorable: i64,
}

impl From<CountColumns> for Counts {
    fn from(c: CountColumns) -> Self {
        Counts { total: c.total, done: c.done, passed: c.passed, failed: c.failed, errored: c.errored, unscorable: c.unscorable }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct EvaluationRow {
    id: String,
    team_id: String,
    name: String,
    suite: String,
    targets: String,
    state: String,
    #[sqlx(flatten)]
    counts: CountColumns,
    error: Option<String>,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    runner: Option<String>,
}

const COLUMNS: &str = "id, team_id, name, suite, targets, state, total, done, passed, failed, errored, unscorable, error, created_at, \
                       started_at, finished_at, runner";

impl TryFrom<EvaluationRow> for Evaluation {
    type Error = Error;
    fn try_from(row: EvaluationRow) -> Result<Self> {
        Ok(Evaluation {
            id: stored_id(&row.id)?,
            team_id: stored_id(&row.team_id)?,
            name: row.name,
            suite: from_json_column("evaluation suite", &row.suite)?,
            targets: from_json_column("evaluation targets", &row.targets)?,
            state: EvaluationState::parse(&row.state).ok_or_else(|| Error::Corrupt(format!("evaluation state {:?}", row.state)))?,
            counts: row.counts.into(),
            error: row.error,
            created_at: row.created_at,
            started_at: row.started_at,
            finished_at: row.finished_at,
            runner: row.runner,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ProbeCountRow {
    probe_id: String,
    harness: String,
    scenario: String,
    #[sqlx(flatten)]
    counts: CountColumns,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    evaluation_id: String,
    kind: String,
    data: String,
    created_at: i64,
}

impl Store {
    /// Writes the evaluation and every job `jobs` yields in one transaction, so a crash
    /// leaves either the whole evaluation or none of it. `jobs` is consumed in chunks: an
    /// evaluation of any size is never held in memory. With `runner` set, the evaluation is
    /// pinned to that runner scope: only a runner of that scope claims its jobs (see
    /// [`Store::active_evaluations`]).
    pub async fn create_evaluation(
        &self,
        team_id: &Id,
        name: &str,
        suite: &serde_json::Value,
        targets: &[String],
        jobs: impl Iterator<Item = NewJob>,
        runner: Option<&str>,
    ) -> Result<Evaluation> {
        self.insert_evaluation(&Id::generate(), team_id, name, suite, targets, jobs, None, runner).await
    }

    /// Pins an unfinished evaluation to the runner scope `runner` (a resumed CLI scan takes
    /// over one that a gone process or a shared runner held); false if it had finished.
    pub async fn pin_evaluation(&self, id: &Id, runner: &str) -> Result<bool> {
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE evaluations SET runner = $1 WHERE id = $2 AND state IN ('pending', 'running')",
        )
        .bind(runner)
        .bind(id.as_str())
        .execute(pool)
        .await?
        .rows_affected());
        Ok(updated > 0)
    }

    /// [`Store::create_evaluation`] under the id the client chose, with the `/v1` settings
    /// written in the same transaction. An id already taken is [`Error::Conflict`].
    #[allow(clippy::too_many_arguments)]
    pub async fn create_trust_evaluation(
        &self,
        id: &Id,
        team_id: &Id,
        name: &str,
        suite: &serde_json::Value,
        targets: &[String],
        jobs: impl Iterator<Item = NewJob>,
        settings: &TrustSettings,
    ) -> Result<Evaluation> {
        self.insert_evaluation(id, team_id, name, suite, targets, jobs, Some(settings), None).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_evaluation(
        &self,
        id: &Id,
        team_id: &Id,
        name: &str,
        suite: &serde_json::Value,
        targets: &[String],
        jobs: impl Iterator<Item = NewJob>,
        trust: Option<&TrustSettings>,
        runner: Option<&str>,
    ) -> Result<Evaluation> {
        let now = unix_now();
        let suite_json = to_json_column("evaluation suite", suite)?;
        let targets_json = to_json_column("evaluation targets", targets)?;
        let mut jobs = jobs.peekable();
        let style = self.style();
        // Per-probe totals, counted while the jobs stream past.
        let mut probes: BTreeMap<String, (String, String, i64)> = BTreeMap::new();
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO evaluations (id, team_id, name, suite, targets, state, created_at, runner) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)",
            )
            .bind(id.as_str())
            .bind(team_id.as_str())
            .bind(name)
            .bind(&suite_json)
            .bind(&targets_json)
            .bind(now)
            .bind(runner)
            .execute(&mut *tx)
            .await
            .map_err(conflict_as("evaluation id"))?;
            let mut total: i64 = 0;
            let mut seqs: Vec<i64> = Vec::new();
            while jobs.peek().is_some() {
                let chunk: Vec<NewJob> = jobs.by_ref().take(JOB_CHUNK).collect();
                for slice in chunk.iter().filter_map(|job| job.slice.as_ref()) {
                    probes.entry(slice.probe_id.clone()).or_insert_with(|| (slice.harness.clone(), slice.scenario.clone(), 0)).2 += 1;
                }
                let sql = format!("INSERT INTO job_items (evaluation_id, seq, target_index, item) VALUES {}", values(style, chunk.len(), 4, 1));
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for job in &chunk {
                    query = query.bind(id.as_str()).bind(job.seq).bind(i32::try_from(job.target_index).unwrap_or(i32::MAX)).bind(&job.item);
                }
                query.execute(&mut *tx).await?;
                seqs.extend(chunk.iter().map(|job| job.seq));
                total += i64::try_from(chunk.len()).unwrap_or(i64::MAX);
            }
            seqs.sort_unstable();
            insert_blocks!(tx, style, id.as_str(), &seqs);
            let probe_rows: Vec<_> = probes.iter().collect();
            for chunk in probe_rows.chunks(JOB_CHUNK) {
                let sql = format!("INSERT INTO probe_counts (evaluation_id, probe_id, harness, scenario, total) VALUES {}", values(style, chunk.len(), 5, 1));
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for (probe_id, (harness, scenario, count)) in chunk {
                    query = query.bind(id.as_str()).bind(probe_id.as_str()).bind(harness.as_str()).bind(scenario.as_str()).bind(*count);
                }
                query.execute(&mut *tx).await?;
            }
            if let Some(settings) = trust {
                sqlx::query(
                    "INSERT INTO trust_evaluations (evaluation_id, team_id, hub, model, url, api_key_id, harness_config_ids, version, tags, settings, created_by, updated_at, agent_configuration_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                )
                .bind(id.as_str())
                .bind(team_id.as_str())
                .bind(&settings.hub)
                .bind(settings.model.as_deref())
                .bind(settings.url.as_deref())
                .bind(settings.api_key_id.as_ref().map(Id::as_str))
                .bind(to_json_column("harness config ids", &settings.harness_config_ids)?)
                .bind(&settings.version)
                .bind(to_json_column("evaluation tags", &settings.tags)?)
                .bind(to_json_column("evaluation request", &settings.request)?)
                .bind(settings.created_by.as_ref().map(Id::as_str))
                .bind(now)
                .bind(settings.agent_configuration_id.as_ref().map(Id::as_str))
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE evaluations SET total = $1 WHERE id = $2").bind(total).bind(id.as_str()).execute(&mut *tx).await?;
            // An evaluation with nothing to run is complete as soon as it exists.
            if total == 0 {
                sqlx::query("UPDATE evaluations SET state = 'completed', finished_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            let state = if total == 0 { "completed" } else { "pending" };
            let data = serde_json::json!({ "total": total, "state": state }).to_string();
            sqlx::query("INSERT INTO events (evaluation_id, kind, data, created_at) VALUES ($1, 'evaluation.created', $2, $3)")
                .bind(id.as_str())
                .bind(&data)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        self.evaluation(id).await?.ok_or_else(|| Error::Corrupt("an evaluation vanished after its creation".into()))
    }

    /// One probe counter row per probe of the evaluation, in probe id order: what every level
    /// of a results tree is scored from, at a cost that does not grow with the results.
    pub async fn probe_counts(&self, evaluation_id: &Id) -> Result<Vec<ProbeCounts>> {
        let rows: Vec<ProbeCountRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT probe_id, harness, scenario, total, done, passed, failed, errored, unscorable FROM probe_counts \
             WHERE evaluation_id = $1 ORDER BY probe_id",
        )
        .bind(evaluation_id.as_str())
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|row| ProbeCounts { probe_id: row.probe_id, harness: row.harness, scenario: row.scenario, counts: row.counts.into() })
            .collect())
    }

    /// Deletes an evaluation with everything it holds (jobs, results, counters, reports).
    /// Results still in flight for it are dropped by the writer. False if there was none.
    pub async fn delete_evaluation(&self, id: &Id) -> Result<bool> {
        let _turn = self.write_turn().await;
        let deleted = on_pool!(self, pool => sqlx::query("DELETE FROM evaluations WHERE id = $1").bind(id.as_str()).execute(pool).await?.rows_affected());
        Ok(deleted > 0)
    }

    /// Any team's evaluation (the engine and the CLI's own store).
    pub async fn evaluation(&self, id: &Id) -> Result<Option<Evaluation>> {
        let sql = format!("SELECT {COLUMNS} FROM evaluations WHERE id = $1");
        let row: Option<EvaluationRow> =
            on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql)).bind(id.as_str()).fetch_optional(pool).await?);
        row.map(Evaluation::try_from).transpose()
    }

    /// A team's evaluation; another team's answers `None`.
    pub async fn team_evaluation(&self, team_id: &Id, id: &Id) -> Result<Option<Evaluation>> {
        Ok(self.evaluation(id).await?.filter(|evaluation| &evaluation.team_id == team_id))
    }

    /// A team's evaluations, newest first.
    pub async fn list_evaluations(&self, team_id: &Id, limit: i64) -> Result<Vec<Evaluation>> {
        let sql = format!("SELECT {COLUMNS} FROM evaluations WHERE team_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2");
        let rows: Vec<EvaluationRow> =
            on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql)).bind(team_id.as_str()).bind(limit).fetch_all(pool).await?);
        rows.into_iter().map(Evaluation::try_from).collect()
    }

    /// Evaluations whose jobs may still be claimed by a runner of scope `runner`, oldest
    /// first: with `None`, the unpinned ones (any shared runner's); with a scope, only those
    /// pinned to it. A runner never sees another scope's evaluations, so it cannot fail them.
    pub async fn active_evaluations(&self, runner: Option<&str>) -> Result<Vec<Id>> {
        let ids: Vec<String> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT id FROM evaluations WHERE state IN ('pending', 'running') \
             AND ((CAST($1 AS TEXT) IS NULL AND runner IS NULL) OR runner = $1) ORDER BY created_at, id",
        )
        .bind(runner)
        .fetch_all(pool)
        .await?);
        ids.iter().map(|id| stored_id(id)).collect()
    }

    /// Stops claiming the evaluation's jobs; calls in flight still write their results.
    /// `None` when there is no such evaluation; `Some(false)` when it had already finished.
    pub async fn cancel_evaluation(&self, id: &Id) -> Result<Option<bool>> {
        let cancelled = self.finish_evaluation(id, EvaluationState::Aborted, None, None).await?;
        if cancelled {
            return Ok(Some(true));
        }
        Ok(self.evaluation(id).await?.map(|_| false))
    }

    /// Marks an unfinished evaluation failed with the reason; false if it had finished.
    pub async fn fail_evaluation(&self, id: &Id, reason: &str) -> Result<bool> {
        self.finish_evaluation(id, EvaluationState::Failed, Some(reason), None).await
    }

    /// Moves an unfinished evaluation to `state` with `error` (why it stopped), and when
    /// `notify` names a team, announces it on that team's SSE queue in the same transaction.
    pub(crate) async fn finish_evaluation(
        &self,
        id: &Id,
        state: EvaluationState,
        error: Option<&str>,
        notify: Option<&Id>,
    ) -> Result<bool> {
        let now = unix_now();
        let refs = notify.map(|_| refs_json(&[format!("Evaluation:{id}")])).transpose()?;
        let kind = format!("evaluation.{}", state.as_str());
        let data = serde_json::json!({ "state": state.as_str(), "error": error }).to_string();
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE evaluations SET state = $1, error = $2, finished_at = $3 WHERE id = $4 AND state IN ('pending', 'running')",
            )
            .bind(state.as_str())
            .bind(error)
            .bind(now)
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if changed {
                sqlx::query("INSERT INTO events (evaluation_id, kind, data, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(id.as_str())
                    .bind(&kind)
                    .bind(&data)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if let (Some(team_id), Some(refs)) = (notify, &refs) {
                    sqlx::query(NOTIFY).bind(team_id.as_str()).bind(refs).bind(now).execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok(changed)
        })
    }

    /// The id of the evaluation's latest event (0 before any): where a live view starts.
    pub async fn latest_event_id(&self, evaluation_id: &Id) -> Result<i64> {
        let id: Option<i64> = on_pool!(self, pool => sqlx::query_scalar("SELECT MAX(id) FROM events WHERE evaluation_id = $1")
            .bind(evaluation_id.as_str())
            .fetch_one(pool)
            .await?);
        Ok(id.unwrap_or(0))
    }

    /// Events of one evaluation after `after_id`, in order. A `results.created` event is
    /// stored as the numbers of the batch's results; it is returned with what a watcher needs
    /// of each, read from the results (`{"results": [{seq, probe_id, passed, error, verdict}]}`;
    /// a result deleted since, by a workbench re-run, is left out).
    pub async fn events_after(&self, evaluation_id: &Id, after_id: i64, limit: i64) -> Result<Vec<Event>> {
        let rows: Vec<EventRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, evaluation_id, kind, data, created_at FROM events WHERE evaluation_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(evaluation_id.as_str())
        .bind(after_id)
        .bind(limit)
        .fetch_all(pool)
        .await?);
        let mut events = rows
            .into_iter()
            .map(|row| {
                Ok(Event {
                    id: row.id,
                    evaluation_id: stored_id(&row.evaluation_id)?,
                    kind: row.kind,
                    data: from_json_column("event data", &row.data)?,
                    created_at: row.created_at,
                })
            })
            .collect::<Result<Vec<Event>>>()?;
        let announced_seqs = |event: &Event| -> Option<Vec<i64>> {
            (event.kind == "results.created")
                .then(|| event.data.get("seqs")?.as_array().map(|seqs| seqs.iter().filter_map(serde_json::Value::as_i64).collect()))?
        };
        let announced: Vec<Option<Vec<i64>>> = events.iter().map(announced_seqs).collect();
        let wanted: Vec<i64> = announced.iter().flatten().flatten().copied().collect();
        if wanted.is_empty() {
            return Ok(events);
        }
        let summaries = self.result_summaries(evaluation_id, &wanted).await?;
        for (event, seqs) in events.iter_mut().zip(announced) {
            if let Some(seqs) = seqs {
                let results: Vec<serde_json::Value> = seqs.iter().filter_map(|seq| summaries.get(seq).cloned()).collect();
                event.data = serde_json::json!({ "results": results });
            }
        }
        Ok(events)
    }

    /// What a live view shows of each of the results `seqs`, by number.
    async fn result_summaries(&self, evaluation_id: &Id, seqs: &[i64]) -> Result<HashMap<i64, serde_json::Value>> {
        let style = self.style();
        let mut summaries = HashMap::with_capacity(seqs.len());
        for chunk in fixed_chunks(seqs, SUMMARY_CHUNK) {
            let sql = format!(
                "SELECT seq, probe_id, passed, error IS NOT NULL FROM results WHERE evaluation_id = {} AND seq IN ({})",
                param(style, 1),
                list(style, chunk.len(), 2)
            );
            let rows: Vec<(i64, String, Option<bool>, bool)> = on_pool!(self, pool => {
                let mut query = sqlx::query_as(AssertSqlSafe(sql)).bind(evaluation_id.as_str());
                for seq in chunk {
                    query = query.bind(*seq);
                }
                query.fetch_all(pool).await?
            });
            for (seq, probe_id, passed, errored) in rows {
                let verdict = Verdict::of(passed, errored);
                summaries.insert(
                    seq,
                    serde_json::json!({ "seq": seq, "probe_id": probe_id, "passed": passed, "error": errored, "verdict": verdict.as_str() }),
                );
            }
        }
        Ok(summaries)
    }
}

/// Results read per statement for the events that name them.
const SUMMARY_CHUNK: usize = 256;
