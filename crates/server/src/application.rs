//! [`Application`]: builds the server from a [`Config`] (opens and migrates the database,
//! binds the listener, port 0 allowed), then serves until SIGINT/SIGTERM.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use assay_core::{Id, Plan, Principal, TeamName};
use assay_store::{SecretKey, Store};
use assay_targets::factory::LocalModel;
use assay_targets::local::LocalTarget;
use assay_targets::{Policy, Reliable};
use tokio::net::TcpListener;

use assay_engine::assist::Assistant;
use assay_engine::stored::{StoredResolver, TargetCache};
use assay_engine::{Engine, EngineConfig};

use crate::config::{Config, ConfigError};
use crate::engine::assistant_target;
use crate::error::{Error, Result};
use crate::metrics::HttpMetrics;
use crate::pricing::PriceTable;
use crate::rate_limit::RateLimiter;
use crate::routes;
use crate::state::{AppState, IngestQuota};
use crate::target_cache::DefaultTarget;

/// The team every request acts as under `--no-auth`.
pub const LOCAL_TEAM: &str = "local";

pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    store: Store,
    engine: Engine,
    local_addr: SocketAddr,
    /// Kept to resume the background work of `/v1` (detections, reports) a stop interrupted.
    state: AppState,
    /// Run the evaluation runner beside the API (off for API-only nodes, `serve --no-runner`).
    runner: bool,
}

impl Application {
    /// Opens and migrates the configured database, then builds on it.
    pub async fn build(config: Config) -> Result<Self> {
        let store = Store::open_and_migrate(&config.database).await?;
        Self::build_with_store(config, store).await
    }

    /// The default target from its spec, or why it cannot serve.
    fn default_target(spec: &str, local: &LocalModel) -> DefaultTarget {
        let target = assay_targets::TargetSpec::parse(spec)
            .and_then(|spec| spec.build(None, &local.data_dir, local.progress))
            .map_err(|e| e.to_string())?;
        Ok(Arc::new(Reliable::new(target, Policy::default())))
    }

    /// Builds on an already opened (and migrated) store.
    pub async fn build_with_store(config: Config, store: Store) -> Result<Self> {
        let RunnerParts { store, engine, local_model, targets } = RunnerParts::build(&config, store, EngineConfig::default())?;
        let no_auth_principal = if config.no_auth { Some(local_principal(&store).await?) } else { None };
        let assistant =
            assistant_target(&config.assistant, &local_model).map_err(|reason| ConfigError::Assistant(config.assistant.clone(), reason))?;
        let prices = match &config.price_table {
            Some(path) => PriceTable::load(path)?,
            None => PriceTable::builtin(),
        };
        let state = AppState {
            store: store.clone(),
            prices: Arc::new(prices),
            rate_limiter: Arc::new(RateLimiter::new(config.rate_limit_free_per_hour, config.rate_limit_pro_per_hour)),
            metrics: Arc::new(HttpMetrics::default()),
            no_auth_principal,
            body_limit: config.body_limit,
            targets,
            default_target: Self::default_target(&config.default_target, &local_model),
            local: Arc::new(LocalTarget::new(local_model.data_dir.clone(), local_model.progress)),
            local_model,
            engine: engine.clone(),
            assistant: Arc::new(Assistant::new(assistant)),
            assistant_spec: config.assistant.clone(),
            sse_keep_alive: config.sse_keep_alive,
            ingest_quota: IngestQuota {
                free_per_month: config.ingest_quota_free_per_month,
                pro_per_month: config.ingest_quota_pro_per_month,
            },
        };
        let listener = TcpListener::bind(config.addr).await.map_err(|e| Error::Bind(config.addr, e))?;
        let local_addr = listener.local_addr().map_err(|e| Error::Bind(config.addr, e))?;
        tracing::info!(addr = %local_addr, backend = store.backend(), "listening");
        Ok(Self { listener, router: routes::router(state.clone()), store, engine, local_addr, state, runner: true })
    }

    /// Serves the API only: evaluations are created and read here, and run by `assay worker`
    /// processes (or other servers) on the same database.
    #[must_use]
    pub fn without_runner(mut self) -> Self {
        self.runner = false;
        self
    }

    pub fn port(&self) -> u16 {
        self.local_addr.port()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until SIGINT or SIGTERM, then finishes in-flight requests and closes the database.
    pub async fn run_until_stopped(self) -> Result<()> {
        let stop = termination_signal().map_err(Error::Serve)?;
        self.run_until(stop).await
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    /// The engine's runner works beside the listener and stops with it, letting its calls in
    /// flight finish and writing their results before the database closes.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        let (stop_runner, runner_stopped) = tokio::sync::watch::channel(false);
        let engine = self.engine.clone();
        let runner = self.runner.then(|| tokio::spawn(async move { engine.run(runner_stopped).await }));
        routes::resume_background_work(self.state.clone());
        let served = axum::serve(self.listener, self.router).with_graceful_shutdown(shutdown).await;
        let _ = stop_runner.send(true);
        if let Some(runner) = runner {
            join_runner(runner).await;
        }
        self.store.close().await;
        tracing::info!("stopped");
        served.map_err(Error::Serve)
    }
}

/// What the server and `assay worker` both run evaluations with: the store sealed with the
/// configured secret key, and the engine on it resolving stored targets, provider keys and the
/// embedded model the same way on every node.
pub(crate) struct RunnerParts {
    pub store: Store,
    pub engine: Engine,
    pub local_model: LocalModel,
    pub targets: Arc<TargetCache>,
}

impl RunnerParts {
    pub fn build(config: &Config, store: Store, engine_config: EngineConfig) -> Result<Self> {
        let store = store.with_secret_key(SecretKey::resolve(config.secret_key.as_deref(), &config.data_dir)?);
        let local_model = LocalModel { data_dir: config.data_dir.clone(), progress: log_model_progress };
        let targets = Arc::new(TargetCache::default());
        let resolver = Arc::new(StoredResolver::new(store.clone(), local_model.clone(), targets.clone()));
        let engine = Engine::new(store.clone(), resolver, engine_config);
        Ok(Self { store, engine, local_model, targets })
    }
}

/// Waits for the evaluation runner's task to end and logs how it ended (the server and
/// `assay worker` stop it the same way).
pub(crate) async fn join_runner(runner: tokio::task::JoinHandle<assay_engine::Result<()>>) {
    match runner.await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::error!(error = %error, "the evaluation runner stopped with an error"),
        Err(error) => tracing::error!(error = %error, "the evaluation runner panicked"),
    }
}

/// Progress of the embedded model's first-use pull and load, for the server's log.
pub(crate) fn log_model_progress(line: &str) {
    tracing::info!(target: "assay::model", "{line}");
}

/// The `local` team's owner, created on first use, acting under `--no-auth`. Its rate limit is
/// keyed by the team id, shared by all anonymous callers.
async fn local_principal(store: &Store) -> Result<Principal> {
    let name = TeamName::parse(LOCAL_TEAM).expect("the local team name is valid");
    let team = store.team_or_create(&name, Plan::Pro).await?;
    let owner = store.team_owner(&team.id).await?.ok_or_else(|| assay_store::Error::Corrupt("the local team has no owner".into()))?;
    Ok(Principal { key_id: Id::clone(&team.id), team_id: team.id, user_id: owner.id, plan: team.plan, role: owner.role })
}

/// A future that completes on SIGINT or SIGTERM. The handlers are installed now, not when
/// the future is first polled, so a signal sent right after the server announces itself is
/// never lost to the default action (which would kill the process without a clean stop).
pub fn termination_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => tracing::info!("SIGINT received, shutting down"),
                _ = terminate.recv() => tracing::info!("SIGTERM received, shutting down"),
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("Ctrl-C received, shutting down");
        })
    }
}
