//! The `assay` binary: parses the command line and runs one command.

mod args;
mod bench;
mod bench_classifier;
mod bench_detectors;
mod bench_ingest;
mod bench_scan;
mod bench_trust;
mod bench_ui;
mod bench_workers;
mod chat;
mod detect;
mod evals;
mod keys;
mod logging;
mod scan;
mod serve;
mod teams;

use clap::Parser;

use crate::args::{BenchCommand, Cli, Command, ModelCommand};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match runtime_for(&cli.command) {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // The one place an error is reported: with its whole chain of causes.
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The runtime a command runs on. A scan gets one thread for its async work (its calls, its
/// detectors, its bookkeeping), SQLite's connections keeping threads of their own: a scan
/// waits on its target far more than it computes, and on a second worker thread the same
/// work cost about a tenth more CPU (wake-ups and hand-offs between the threads, and every
/// built-in pattern warming a lazy DFA cache per thread) for throughput it shows only
/// against a target that answers instantly. Everything else (the server, workers,
/// benchmarks) gets a thread per core.
fn runtime_for(command: &Command) -> std::io::Result<tokio::runtime::Runtime> {
    match command {
        Command::Scan(_) => tokio::runtime::Builder::new_current_thread().enable_all().build(),
        _ => tokio::runtime::Builder::new_multi_thread().enable_all().build(),
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(serve) => serve::run(&cli.global, serve).await,
        Command::Migrate => serve::migrate(&cli.global).await,
        Command::Worker(worker) => serve::worker(&cli.global, worker).await,
        Command::Keys(command) => keys::run(&cli.global, command).await,
        Command::Teams(command) => teams::run(&cli.global, command).await,
        Command::Projects(command) => teams::projects(&cli.global, command).await,
        Command::Chat(args) => chat::run(&cli.global, args).await,
        Command::Scan(args) => scan::run(&cli.global, *args).await,
        Command::Detect(args) => detect::detect(&cli.global, args).await,
        Command::Detectors => {
            detect::detectors();
            Ok(())
        }
        Command::Probes => {
            detect::probes();
            Ok(())
        }
        Command::Evals(command) => evals::run(&cli.global, command).await,
        Command::Model(ModelCommand::Pull(args)) => chat::model_pull(&cli.global, args.embedding).await,
        Command::Model(ModelCommand::Info) => chat::model_info(&cli.global),
        Command::MockTarget(args) => chat::mock_target(args).await,
        Command::Bench(BenchCommand::Contract(args)) => bench::contract(args).await,
        Command::Bench(BenchCommand::Model(args)) => bench::model(&cli.global, args).await,
        Command::Bench(BenchCommand::Scan(args)) => bench_scan::scan(args).await,
        Command::Bench(BenchCommand::Ingest(args)) => bench_ingest::ingest(args).await,
        Command::Bench(BenchCommand::Trust(args)) => bench_trust::trust(args).await,
        Command::Bench(BenchCommand::Detectors(args)) => bench_detectors::detectors(args).await,
        Command::Bench(BenchCommand::Ui(args)) => bench_ui::ui(args).await,
        Command::Bench(BenchCommand::Workers(args)) => bench_workers::workers(args).await,
    }
}
