//! Judges' answers, kept by the hash of the grading request: the same request to the same
//! judge is answered from here, so re-judging a reply (a re-run, a replayed job) gives the
//! verdict it got the first time instead of a fresh sample.

use assay_core::unix_now;

use crate::{Result, Store, on_pool, on_write_pool};

impl Store {
    /// The answer kept for request `key`, if any.
    pub async fn judge_answer(&self, key: &str) -> Result<Option<String>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar("SELECT answer FROM judge_answers WHERE key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?))
    }

    /// Keeps `answer` for request `key` of `judge`; the first answer kept for a key stays.
    pub async fn keep_judge_answer(&self, key: &str, judge: &str, answer: &str) -> Result<()> {
        let _turn = self.write_turn().await;
        on_write_pool!(self, pool => sqlx::query(
            "INSERT INTO judge_answers (key, judge, answer, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(judge)
        .bind(answer)
        .bind(unix_now())
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }
}
