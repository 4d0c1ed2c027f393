//! Per-API-key request rate limits, by the key's team plan (the workbench API's plans:
//! 1,000 requests/hour on free, 10,000 on pro; both configurable).
//!
//! A token bucket per key: a key may spend its whole hourly allowance in a burst, then earns
//! one request back every `3600 / limit` seconds. The buckets live in this process's memory:
//! several server processes sharing one PostgreSQL database each enforce the limit on their
//! own share of the traffic.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use assay_core::{Id, Plan};

const SECONDS_PER_WINDOW: f64 = 3600.0;

/// What a request's check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Allowed; `remaining` more requests fit in the bucket now.
    Allowed { limit: u32, remaining: u32 },
    /// Refused; one request will be allowed again after `retry_after_secs`.
    Limited { limit: u32, retry_after_secs: u64 },
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

#[derive(Debug)]
pub struct RateLimiter {
    free_per_hour: u32,
    pro_per_hour: u32,
    buckets: Mutex<HashMap<Id, Bucket>>,
}

impl RateLimiter {
    pub fn new(free_per_hour: u32, pro_per_hour: u32) -> Self {
        Self { free_per_hour, pro_per_hour, buckets: Mutex::new(HashMap::new()) }
    }

    pub fn limit_for(&self, plan: Plan) -> u32 {
        match plan {
            Plan::Free => self.free_per_hour,
            Plan::Pro => self.pro_per_hour,
        }
    }

    /// Spends one request of `key`'s allowance, if it has one, as of `now`.
    pub fn check(&self, key: &Id, plan: Plan, now: Instant) -> Decision {
        let limit = self.limit_for(plan);
        let capacity = f64::from(limit);
        let per_second = capacity / SECONDS_PER_WINDOW;
        // A poisoned lock only means another request panicked mid-update; the counts are
        // still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let bucket = buckets.entry(key.clone()).or_insert(Bucket { tokens: capacity, refilled_at: now });
        let elapsed = now.saturating_duration_since(bucket.refilled_at).as_secs_f64();
        // A plan change takes effect at once: the bucket never holds more than the limit.
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.refilled_at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Decision::Allowed { limit, remaining: bucket.tokens as u32 }
        } else {
            let wait = (1.0 - bucket.tokens) / per_second;
            Decision::Limited { limit, retry_after_secs: wait.ceil().max(1.0) as u64 }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_key_gets_its_hourly_allowance_then_is_limited_until_a_token_returns() {
        let limiter = RateLimiter::new(3, 10);
        let key = Id::generate();
        let start = Instant::now();
        for expected_remaining in [2, 1, 0] {
            assert_eq!(limiter.check(&key, Plan::Free, start), Decision::Allowed { limit: 3, remaining: expected_remaining });
        }
        // 3 per hour: one token every 1200 s.
        assert_eq!(limiter.check(&key, Plan::Free, start), Decision::Limited { limit: 3, retry_after_secs: 1200 });
        let later = start + Duration::from_secs(600);
        assert_eq!(limiter.check(&key, Plan::Free, later), Decision::Limited { limit: 3, retry_after_secs: 600 });
        let refilled = start + Duration::from_secs(1200);
        assert!(matches!(limiter.check(&key, Plan::Free, refilled), Decision::Allowed { .. }));
    }

    #[test]
    fn keys_have_separate_buckets_and_plans_their_own_limits() {
        let limiter = RateLimiter::new(1, 2);
        let (a, b) = (Id::generate(), Id::generate());
        let now = Instant::now();
        assert!(matches!(limiter.check(&a, Plan::Free, now), Decision::Allowed { .. }));
        assert!(matches!(limiter.check(&a, Plan::Free, now), Decision::Limited { .. }));
        assert!(matches!(limiter.check(&b, Plan::Pro, now), Decision::Allowed { limit: 2, remaining: 1 }));
    }
}
