//! [`SharedPace`]: a target's rate limit kept through a bucket in the database, so all the
//! runners on one database (servers and `assay worker`s) together start at most the limit's
//! requests per interval, however many there are.

use std::sync::Arc;
use std::time::Duration;

use assay_store::{BucketShape, Store, unix_millis};
use assay_targets::Pace;

pub struct SharedPace {
    store: Store,
    bucket: String,
    shape: BucketShape,
}

impl SharedPace {
    /// The pace of `per_interval` requests per `interval` through the bucket named `bucket`
    /// (one per provider key or stored target).
    pub fn shared(store: Store, bucket: String, per_interval: u32, interval: Duration) -> Arc<dyn Pace> {
        Arc::new(Self { store, bucket, shape: BucketShape::per_interval(per_interval, interval) })
    }
}

#[async_trait::async_trait]
impl Pace for SharedPace {
    async fn wait(&self) {
        let wait = match self.store.take_rate_token(&self.bucket, self.shape, unix_millis()).await {
            Ok(wait) => wait,
            // The database did not answer: space this call by one token's time rather than
            // stop it (the database's trouble shows where results are written).
            Err(error) => {
                tracing::warn!(bucket = %self.bucket, error = %error, "shared rate limit unavailable; pacing locally");
                Duration::from_secs_f64(1.0 / self.shape.per_second)
            }
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}
