//! [`Worker`]: the evaluation runner without the HTTP API (`assay worker`), for scaling out on
//! one PostgreSQL database; a small optional port answers `GET /healthz` and `GET /metrics`.
//!
//! A worker resolves stored targets and provider keys exactly as the server does, so it needs
//! the same secret key: on PostgreSQL (where workers run on other hosts than the API node)
//! `ASSAY_SECRET_KEY` is required rather than a key file of this host's data dir, which the
//! other nodes would not share.

use std::future::Future;
use std::net::SocketAddr;

use assay_engine::{Engine, EngineConfig};
use assay_store::{DatabaseUrl, Store};
use axum::Json;
use axum::routing::get;
use tokio::net::TcpListener;

use crate::application::{RunnerParts, join_runner};
use crate::config::{Config, ConfigError};
use crate::error::{Error, Result};

pub struct Worker {
    store: Store,
    engine: Engine,
    name: String,
    health: Option<TcpListener>,
}

impl Worker {
    /// Opens and migrates the database and builds the runner named `name` (a generated name
    /// when `None`); binds `health_addr` when given.
    pub async fn build(config: Config, name: Option<String>, health_addr: Option<SocketAddr>) -> Result<Self> {
        if matches!(config.database, DatabaseUrl::Postgres(_)) && config.secret_key.is_none() {
            return Err(ConfigError::WorkerWithoutSecretKey.into());
        }
        let mut engine_config = EngineConfig::default();
        if let Some(name) = name {
            engine_config.runner_name = name;
        }
        let name = engine_config.runner_name.clone();
        let RunnerParts { store, engine, .. } =
            RunnerParts::build(&config, Store::open_and_migrate(&config.database).await?, engine_config)?;
        let health = match health_addr {
            Some(addr) => Some(TcpListener::bind(addr).await.map_err(|e| Error::Bind(addr, e))?),
            None => None,
        };
        Ok(Self { store, engine, name, health })
    }

    /// The runner's name, which its leases carry.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where `GET /healthz` answers, if a health port was asked for.
    pub fn health_addr(&self) -> Option<SocketAddr> {
        self.health.as_ref().and_then(|listener| listener.local_addr().ok())
    }

    /// Runs until `shutdown` completes; then stops claiming, lets the jobs in flight finish,
    /// writes their results, gives back what it still holds and closes the database.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let health = self.health.map(|listener| {
            let name = self.name.clone();
            let engine = self.engine.clone();
            // The worker's health port is not an API surface (it serves no /openapi.json); its
            // two routes are documented in the README beside `assay worker`.
            #[allow(clippy::disallowed_methods)]
            let router = axum::Router::new()
                .route("/healthz", get(move || std::future::ready(Json(serde_json::json!({ "status": "ok", "runner": name })))))
                .route("/metrics", get(move || worker_metrics(engine.clone())));
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.wait_for(|stop| *stop).await;
                    })
                    .await;
            })
        });
        let engine = self.engine.clone();
        let runner = tokio::spawn(async move { engine.run(stopped).await });
        shutdown.await;
        let _ = stop.send(true);
        join_runner(runner).await;
        if let Some(health) = health {
            let _ = health.await;
        }
        self.store.close().await;
        tracing::info!("worker stopped");
        Ok(())
    }
}

/// The queue's depth and this worker's runner series, in Prometheus text format.
async fn worker_metrics(engine: Engine) -> axum::response::Response {
    use axum::response::IntoResponse;
    match engine.render_metrics().await {
        Ok(text) => ([(axum::http::header::CONTENT_TYPE, assay_engine::metrics::CONTENT_TYPE)], text).into_response(),
        Err(error) => (axum::http::StatusCode::SERVICE_UNAVAILABLE, format!("queue metrics unavailable: {error}\n")).into_response(),
    }
}
