//! `assay bench contract`: requests per second of assay's contract client (through the full
//! reliability layer) against a zero-latency mock target, next to `wrk` driving the same
//! mock in the same run, so the ratio holds on a noisy shared machine.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use assay_core::{ChatRequest, Target};
use assay_targets::contract::{Auth, ContractConfig, ContractTarget};
use assay_targets::mock::{Behavior, ReplyMode};
use assay_targets::mock_server::{MockServer, MockServerOptions};
use assay_targets::{Policy, Reliable};

use crate::args::BenchContractArgs;

pub async fn contract(args: BenchContractArgs) -> anyhow::Result<()> {
    let server =
        MockServer::start(Behavior::new(Duration::ZERO, ReplyMode::Echo), MockServerOptions::default()).await.context("mock target")?;
    let duration = Duration::from_secs(args.seconds);
    println!("mock target: {} (zero latency); {} connections, {} s per run", server.url(), args.connections, args.seconds);

    // Warm both sides (connections, caches) before measuring.
    let _ = run_client(&server, args.connections, Duration::from_millis(500)).await?;
    let (client_ok, client_err, elapsed) = run_client(&server, args.connections, duration).await?;
    let client_rps = client_ok as f64 / elapsed.as_secs_f64();
    println!("assay contract client: {client_rps:>10.0} req/s ({client_ok} ok, {client_err} failed)");

    match run_wrk(&server, args.connections, args.seconds) {
        Ok(wrk_rps) => {
            println!("wrk (same mock)      : {wrk_rps:>10.0} req/s");
            println!("ratio client / wrk   : {:>10.2}", client_rps / wrk_rps);
        }
        Err(error) => println!("wrk baseline skipped: {error:#} (install Debian's `wrk`)"),
    }
    if client_err > 0 {
        bail!("{client_err} requests failed against a fault-free mock");
    }
    Ok(())
}

async fn run_client(server: &MockServer, connections: usize, duration: Duration) -> anyhow::Result<(u64, u64, Duration)> {
    let inner =
        ContractTarget::new(ContractConfig { base_url: server.url(), chat_path: "/chat".into(), sessions_path: None, auth: Auth::None })?;
    let policy = Policy { max_concurrency: connections, ..Policy::default() };
    let target = Arc::new(Reliable::new(Arc::new(inner), policy));
    let (ok, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let started = Instant::now();
    let deadline = started + duration;
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (target, ok, failed) = (Arc::clone(&target), Arc::clone(&ok), Arc::clone(&failed));
            tokio::spawn(async move {
                let request = ChatRequest::single("What is the capital of France.");
                while Instant::now() < deadline {
                    match target.chat(&request).await {
                        Ok(_) => ok.fetch_add(1, Ordering::Relaxed),
                        Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                    };
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.context("bench worker")?;
    }
    Ok((ok.load(Ordering::Relaxed), failed.load(Ordering::Relaxed), started.elapsed()))
}

/// Runs wrk with the same request body; returns its requests per second.
fn run_wrk(server: &MockServer, connections: usize, seconds: u64) -> anyhow::Result<f64> {
    let dir = std::env::temp_dir().join(format!("assay-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let script = dir.join("post.lua");
    std::fs::write(
        &script,
        "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = '{\"message\":\"What is the capital of France.\"}'\n",
    )?;
    let output = std::process::Command::new("wrk")
        .args(["-t", "1", "-c", &connections.to_string(), "-d", &format!("{seconds}s"), "-s"])
        .arg(&script)
        .arg(format!("{}/chat", server.url()))
        .output()
        .context("cannot run wrk")?;
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("wrk failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    text.lines()
        .find_map(|line| line.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("no Requests/sec in wrk output:\n{text}"))
}
