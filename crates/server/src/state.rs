//! The state every handler and layer shares.

use std::sync::Arc;

use assay_core::Principal;
use assay_engine::stored::TargetCache;
use assay_store::Store;

use crate::metrics::HttpMetrics;
use crate::rate_limit::RateLimiter;
use crate::target_cache::DefaultTarget;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub rate_limiter: Arc<RateLimiter>,
    pub metrics: Arc<HttpMetrics>,
    /// Set only under `--no-auth`: the caller every request acts as.
    pub no_auth_principal: Option<Principal>,
    pub body_limit: usize,
    pub targets: Arc<TargetCache>,
    pub default_target: DefaultTarget,
    /// Where `local` targets find the embedded model.
    pub local_model: assay_targets::factory::LocalModel,
    /// The embedded model behind `/v1/chat/completions`.
    pub local: Arc<assay_targets::local::LocalTarget>,
    /// Runs evaluations (the server's own runner claims their jobs).
    pub engine: assay_engine::Engine,
    /// The workbench's assistant model: AI helpers, simulated users and the case judge.
    pub assistant: Arc<assay_engine::assist::Assistant>,
    /// The assistant's target spec, named in workbench evaluations' suites.
    pub assistant_spec: String,
    /// Idle time after which an SSE stream sends a keep-alive comment.
    pub sse_keep_alive: std::time::Duration,
    /// Evaluations a team may ingest per month, by plan.
    pub ingest_quota: IngestQuota,
    /// Prices of hubs' models, for cost figures and estimates.
    pub prices: Arc<crate::pricing::PriceTable>,
}

#[derive(Debug, Clone, Copy)]
pub struct IngestQuota {
    pub free_per_month: u64,
    pub pro_per_month: u64,
}

impl IngestQuota {
    pub fn for_plan(self, plan: assay_core::Plan) -> u64 {
        match plan {
            assay_core::Plan::Free => self.free_per_month,
            assay_core::Plan::Pro => self.pro_per_month,
        }
    }
}
