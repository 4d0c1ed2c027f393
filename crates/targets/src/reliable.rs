//! Reliability around any target: a per-attempt timeout, retries with exponential backoff and
//! full jitter (honouring `Retry-After`) on transient failures only, a pace for the
//! trust-platform spec's `rate_limit_per_interval` / `rate_limit_interval` (this process's
//! own [`Pacer`], or any [`Pace`], such as a bucket every worker on one database shares), and an adaptive
//! concurrency limit (AIMD) that halves on 429 and grows back by one slot per window of
//! successes, so a long scan settles on the fastest rate the target accepts.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use assay_core::{ChatReply, ChatRequest, Target, TargetDescription, TargetError};
use tokio::sync::Notify;

/// How patiently to call a target. Defaults suit a remote model API.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Bound on one attempt (connect + answer).
    pub timeout: Duration,
    /// Attempts after the first, for retryable failures only.
    pub max_retries: u32,
    /// First backoff; doubles each retry, with full jitter.
    pub base_backoff: Duration,
    /// Cap on one backoff and on an honoured `Retry-After`.
    pub max_backoff: Duration,
    /// Requests in flight at most (the adaptive limit never exceeds it).
    pub max_concurrency: usize,
    /// At most this many requests start per `rate_limit_interval`.
    pub rate_limit_per_interval: Option<u32>,
    pub rate_limit_interval: Duration,
    /// Halve the concurrency limit on 429 and grow it back slowly.
    pub adaptive: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            max_retries: 3,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_concurrency: 8,
            rate_limit_per_interval: None,
            rate_limit_interval: Duration::from_secs(60),
            adaptive: true,
        }
    }
}

impl Policy {
    /// The backoff before retry number `retry` (0-based): uniform in `[0, min(max, base·2^retry)]`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.base_backoff.saturating_mul(2u32.saturating_pow(retry.min(20))).min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// Adaptive concurrency: a limit between 1 and `max` with additive increase (one slot per
/// `limit` successes) and multiplicative decrease (halve on overload, at most once per
/// cooldown so one burst of 429s counts once).
#[derive(Debug)]
pub struct AdaptiveLimit {
    state: Mutex<LimitState>,
    max: usize,
    adaptive: bool,
    freed: Notify,
}

#[derive(Debug)]
struct LimitState {
    limit: f64,
    in_flight: usize,
    last_decrease: Option<Instant>,
}

/// Halvings closer together than this count as one overload event.
const DECREASE_COOLDOWN: Duration = Duration::from_secs(1);

impl AdaptiveLimit {
    pub fn new(max: usize, adaptive: bool) -> Self {
        let max = max.max(1);
        Self { state: Mutex::new(LimitState { limit: max as f64, in_flight: 0, last_decrease: None }), max, adaptive, freed: Notify::new() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LimitState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current limit (whole slots).
    pub fn limit(&self) -> usize {
        (self.lock().limit.floor() as usize).max(1)
    }

    /// Waits for a free slot.
    pub async fn acquire(self: &Arc<Self>) -> Slot {
        loop {
            let freed = self.freed.notified();
            {
                let mut state = self.lock();
                if state.in_flight < (state.limit.floor() as usize).max(1) {
                    state.in_flight += 1;
                    return Slot { limit: Arc::clone(self) };
                }
            }
            freed.await;
        }
    }

    pub fn on_success(&self) {
        if self.adaptive {
            let mut state = self.lock();
            let grown = (state.limit + 1.0 / state.limit).min(self.max as f64);
            let gained_slot = grown.floor() > state.limit.floor();
            state.limit = grown;
            drop(state);
            if gained_slot {
                self.freed.notify_one();
            }
        }
    }

    pub fn on_overload(&self, now: Instant) {
        if self.adaptive {
            let mut state = self.lock();
            if state.last_decrease.is_none_or(|at| now.saturating_duration_since(at) >= DECREASE_COOLDOWN) {
                state.limit = (state.limit / 2.0).max(1.0);
                state.last_decrease = Some(now);
            }
        }
    }
}

/// A held concurrency slot; freed on drop.
pub struct Slot {
    limit: Arc<AdaptiveLimit>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.limit.lock().in_flight -= 1;
        self.limit.freed.notify_one();
    }
}

/// Where a rate-limited target's requests wait for their turn.
#[async_trait::async_trait]
pub trait Pace: Send + Sync {
    /// Returns once a request may start, having spent its turn.
    async fn wait(&self);
}

/// Starts at most `per_interval` requests per `interval` in this process (a token bucket
/// holding one interval's worth, so a burst of that size may start at once).
#[derive(Debug)]
pub struct Pacer {
    per_second: f64,
    capacity: f64,
    state: Mutex<(f64, Instant)>,
}

impl Pacer {
    pub fn new(per_interval: u32, interval: Duration) -> Self {
        let capacity = f64::from(per_interval.max(1));
        let per_second = capacity / interval.as_secs_f64().max(1e-3);
        Self { per_second, capacity, state: Mutex::new((capacity, Instant::now())) }
    }

    /// How long to wait before a request may start at `now`; spends the token if zero.
    pub fn reserve(&self, now: Instant) -> Duration {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (tokens, refilled_at) = &mut *state;
        *tokens = (*tokens + now.saturating_duration_since(*refilled_at).as_secs_f64() * self.per_second).min(self.capacity);
        *refilled_at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Duration::ZERO
        } else {
            Duration::from_secs_f64((1.0 - *tokens) / self.per_second)
        }
    }
}

#[async_trait::async_trait]
impl Pace for Pacer {
    async fn wait(&self) {
        loop {
            let wait = self.reserve(Instant::now());
            if wait.is_zero() {
                return;
            }
            tokio::time::sleep(wait).await;
        }
    }
}

/// Any target, made reliable by a [`Policy`].
pub struct Reliable {
    inner: Arc<dyn Target>,
    policy: Policy,
    limit: Arc<AdaptiveLimit>,
    pace: Option<Arc<dyn Pace>>,
}

impl Reliable {
    /// `inner` under `policy`, its rate limit (if any) paced in this process.
    pub fn new(inner: Arc<dyn Target>, policy: Policy) -> Self {
        let pace = policy.rate_limit_per_interval.map(|n| Arc::new(Pacer::new(n, policy.rate_limit_interval)) as Arc<dyn Pace>);
        Self::with_pace(inner, policy, pace)
    }

    /// `inner` under `policy`, its requests started as `pace` allows (none: unpaced).
    pub fn with_pace(inner: Arc<dyn Target>, policy: Policy, pace: Option<Arc<dyn Pace>>) -> Self {
        let limit = Arc::new(AdaptiveLimit::new(policy.max_concurrency, policy.adaptive));
        Self { inner, policy, limit, pace }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The adaptive concurrency limit right now.
    pub fn concurrency_limit(&self) -> usize {
        self.limit.limit()
    }

    /// Runs `call` under the policy: pace, take a slot, bound by the timeout, retry.
    async fn run<'a, T, F, Fut>(&'a self, mut call: F) -> Result<T, TargetError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, TargetError>> + 'a,
    {
        let mut retry = 0;
        loop {
            if let Some(pace) = &self.pace {
                pace.wait().await;
            }
            let slot = self.limit.acquire().await;
            let outcome = match tokio::time::timeout(self.policy.timeout, call()).await {
                Ok(outcome) => outcome,
                Err(_) => Err(TargetError::Timeout(self.policy.timeout)),
            };
            drop(slot);
            let error = match outcome {
                Ok(value) => {
                    self.limit.on_success();
                    return Ok(value);
                }
                // A timeout reported by the transport carries no duration: name ours.
                Err(TargetError::Timeout(d)) if d.is_zero() => TargetError::Timeout(self.policy.timeout),
                Err(error) => error,
            };
            if !error.is_retryable() || retry >= self.policy.max_retries {
                return Err(error);
            }
            let delay = match &error {
                TargetError::RateLimited { retry_after, .. } => {
                    self.limit.on_overload(Instant::now());
                    retry_after.map_or_else(|| self.policy.backoff(retry), |d| d.min(self.policy.max_backoff))
                }
                _ => self.policy.backoff(retry),
            };
            tracing::debug!(error = %error, retry = retry + 1, delay_ms = delay.as_millis() as u64, "retrying target call");
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }
}

#[async_trait::async_trait]
impl Target for Reliable {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
        self.run(|| self.inner.chat(request)).await
    }

    async fn open_session(&self, system: Option<&str>) -> Result<Option<String>, TargetError> {
        self.run(|| self.inner.open_session(system)).await
    }

    async fn restart_session(&self, session_id: &str, system: Option<&str>) -> Result<String, TargetError> {
        self.run(|| self.inner.restart_session(session_id, system)).await
    }

    async fn end_session(&self, session_id: &str) -> Result<(), TargetError> {
        self.run(|| self.inner.end_session(session_id)).await
    }

    async fn warm_up(&self) -> Result<(), TargetError> {
        self.inner.warm_up().await
    }

    fn describe(&self) -> TargetDescription {
        self.inner.describe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_within_its_cap() {
        let policy = Policy { base_backoff: Duration::from_millis(100), max_backoff: Duration::from_millis(1000), ..Policy::default() };
        for _ in 0..200 {
            assert!(policy.backoff(0) <= Duration::from_millis(100));
            assert!(policy.backoff(2) <= Duration::from_millis(400));
            assert!(policy.backoff(30) <= Duration::from_millis(1000));
        }
        let samples: Vec<Duration> = (0..50).map(|_| policy.backoff(3)).collect();
        assert!(samples.iter().any(|d| *d != samples[0]), "jittered");
    }

    #[test]
    fn the_limit_halves_on_overload_once_per_cooldown_and_grows_back_additively() {
        let limit = AdaptiveLimit::new(8, true);
        let now = Instant::now();
        limit.on_overload(now);
        assert_eq!(limit.limit(), 4);
        limit.on_overload(now + Duration::from_millis(10));
        assert_eq!(limit.limit(), 4, "the same burst counts once");
        limit.on_overload(now + DECREASE_COOLDOWN);
        assert_eq!(limit.limit(), 2);
        // Additive increase: about `limit` successes per extra slot (2 → 2.5 → 2.9 → 3.23).
        for _ in 0..2 {
            limit.on_success();
        }
        assert_eq!(limit.limit(), 2);
        limit.on_success();
        assert_eq!(limit.limit(), 3);
        for _ in 0..100 {
            limit.on_success();
        }
        assert_eq!(limit.limit(), 8, "never above the configured maximum");
    }

    #[test]
    fn a_fixed_limit_ignores_overload() {
        let limit = AdaptiveLimit::new(4, false);
        limit.on_overload(Instant::now());
        assert_eq!(limit.limit(), 4);
    }

    #[test]
    fn the_pacer_allows_one_intervals_burst_then_spaces_requests() {
        let pacer = Pacer::new(2, Duration::from_secs(10));
        let now = Instant::now();
        assert_eq!(pacer.reserve(now), Duration::ZERO);
        assert_eq!(pacer.reserve(now), Duration::ZERO);
        assert_eq!(pacer.reserve(now), Duration::from_secs(5));
        assert_eq!(pacer.reserve(now + Duration::from_secs(5)), Duration::ZERO);
    }
}
