//! Token buckets in the database: the rate limit of a provider key or a stored target, shared
//! by every runner (server or worker) on one database.

use std::time::Duration;

use crate::{BeginWrite, Result, Store, on_write_pool};

/// A bucket's shape: it holds at most `capacity` tokens and gains `per_second` each second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketShape {
    pub capacity: f64,
    pub per_second: f64,
}

impl BucketShape {
    /// `per_interval` requests per `interval`, a whole interval's worth allowed at once.
    pub fn per_interval(per_interval: u32, interval: Duration) -> Self {
        let capacity = f64::from(per_interval.max(1));
        Self { capacity, per_second: capacity / interval.as_secs_f64().max(1e-3) }
    }

    /// Refills `tokens` for the time from `refilled_ms` to `now_ms` (never backwards: another
    /// host's clock may run ahead), then reserves one: the bucket may go below zero, each
    /// caller owing its place in line. Returns the tokens left, the new refill time and how
    /// long the caller waits for its turn (zero: at once). One database call per request,
    /// however many wait: nobody polls.
    fn take(self, tokens: f64, refilled_ms: i64, now_ms: i64) -> (f64, i64, Duration) {
        let elapsed = now_ms.saturating_sub(refilled_ms).max(0) as f64 / 1000.0;
        let tokens = (tokens + elapsed * self.per_second).min(self.capacity) - 1.0;
        let wait = if tokens >= 0.0 { Duration::ZERO } else { Duration::from_secs_f64(-tokens / self.per_second) };
        (tokens, refilled_ms.max(now_ms), wait)
    }
}

impl Store {
    /// Reserves one token of the bucket `key` (made full on first use) at `now_ms`; returns how
    /// long the caller waits before its request may start.
    pub async fn take_rate_token(&self, key: &str, shape: BucketShape, now_ms: i64) -> Result<Duration> {
        let _turn = self.write_turn().await;
        let wait = on_write_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("INSERT INTO rate_buckets (key, tokens, refilled_ms) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING")
                .bind(key)
                .bind(shape.capacity)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
            // A write first, so the row is this transaction's (PostgreSQL's row lock, SQLite's
            // write lock) before it is read: two runners never spend the same token.
            sqlx::query("UPDATE rate_buckets SET refilled_ms = refilled_ms WHERE key = $1").bind(key).execute(&mut *tx).await?;
            let (tokens, refilled_ms): (f64, i64) =
                sqlx::query_as("SELECT tokens, refilled_ms FROM rate_buckets WHERE key = $1").bind(key).fetch_one(&mut *tx).await?;
            let (tokens, refilled_ms, wait) = shape.take(tokens, refilled_ms, now_ms);
            sqlx::query("UPDATE rate_buckets SET tokens = $1, refilled_ms = $2 WHERE key = $3")
                .bind(tokens)
                .bind(refilled_ms)
                .bind(key)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            wait
        });
        Ok(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_one_interval_at_once_then_queues_each_caller_in_turn() {
        let shape = BucketShape::per_interval(2, Duration::from_secs(10));
        assert_eq!(shape.take(2.0, 0, 0), (1.0, 0, Duration::ZERO));
        assert_eq!(shape.take(1.0, 0, 0), (0.0, 0, Duration::ZERO));
        assert_eq!(shape.take(0.0, 0, 0), (-1.0, 0, Duration::from_secs(5)), "the third waits one token's time");
        assert_eq!(shape.take(-1.0, 0, 0), (-2.0, 0, Duration::from_secs(10)), "the fourth waits behind it");
        assert_eq!(shape.take(0.0, 0, 5_000), (0.0, 5_000, Duration::ZERO));
        assert_eq!(shape.take(1.5, 0, 1_000_000).0, 1.0, "capped at the capacity");
    }

    #[test]
    fn a_clock_behind_the_bucket_gains_nothing_and_does_not_move_it_back() {
        let shape = BucketShape::per_interval(2, Duration::from_secs(10));
        assert_eq!(shape.take(0.5, 9_000, 4_000), (-0.5, 9_000, Duration::from_millis(2_500)));
    }
}
