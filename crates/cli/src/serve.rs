//! `assay serve` and `assay migrate`.

use anyhow::Context;
use assay_server::{Application, Config, Layer, Worker, termination_signal};
use assay_store::Store;

use crate::args::{Global, ServeArgs, WorkerArgs};
use crate::logging;

pub async fn run(global: &Global, args: ServeArgs) -> anyhow::Result<()> {
    let command_layer = Layer {
        addr: args.addr,
        no_auth: args.no_auth.then_some(true),
        body_limit: args.body_limit,
        rate_limit_free_per_hour: args.rate_limit_free_per_hour,
        rate_limit_pro_per_hour: args.rate_limit_pro_per_hour,
        default_target: args.default_target,
        assistant: args.assistant,
        ingest_quota_free_per_month: args.ingest_quota_free_per_month,
        ingest_quota_pro_per_month: args.ingest_quota_pro_per_month,
        price_table: args.price_table,
        ..Layer::default()
    };
    let mut config = Config::resolve(global.layer(command_layer)?).context("invalid configuration")?;
    config.secret_key = std::env::var("ASSAY_SECRET_KEY").ok();
    logging::init(config.log_format);
    tracing::info!(database = %config.database.redacted(), no_auth = config.no_auth, "starting");
    let mut app = Application::build(config).await.context("cannot start the server")?;
    if args.no_runner {
        app = app.without_runner();
    }
    let stop = termination_signal().context("cannot listen for SIGINT/SIGTERM")?;
    // Printed on stdout, once ready, so scripts (and tests using port 0) learn the address.
    println!("assay listening on http://{}", app.local_addr());
    app.run_until(stop).await.context("server error")
}

/// `assay worker`: the runner alone, until SIGINT or SIGTERM.
pub async fn worker(global: &Global, args: WorkerArgs) -> anyhow::Result<()> {
    let mut config = Config::resolve(global.layer(Layer::default())?).context("invalid configuration")?;
    config.secret_key = std::env::var("ASSAY_SECRET_KEY").ok();
    logging::init(config.log_format);
    tracing::info!(database = %config.database.redacted(), "starting a worker");
    let worker = Worker::build(config, args.name, args.health_addr).await.context("cannot start the worker")?;
    let stop = termination_signal().context("cannot listen for SIGINT/SIGTERM")?;
    // Printed on stdout, once ready, so scripts learn the runner's name and health address.
    match worker.health_addr() {
        Some(addr) => println!("assay worker {} running; health on http://{addr}/healthz", worker.name()),
        None => println!("assay worker {} running", worker.name()),
    }
    worker.run_until(stop).await.context("worker error")
}

pub async fn migrate(global: &Global) -> anyhow::Result<()> {
    let database = global.database()?;
    let store = Store::open(&database).await.with_context(|| format!("cannot open {}", database.redacted()))?;
    let applied = store.migrate().await.context("migration failed")?;
    println!("{applied} migration(s) applied to {}", database.redacted());
    Ok(())
}
