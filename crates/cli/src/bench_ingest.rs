//! `assay bench ingest`: evaluations/s that `POST /api/ingest` stores in SQLite, sent over
//! loopback HTTP in full batches by concurrent senders, with the p50/p99 batch latency; and,
//! in the same run, the same senders posting the same bodies to an endpoint that only reads
//! them (the loopback HTTP limit for these bodies), so the ratio shows what storing costs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use assay_core::{KeySecret, Plan, TeamName};
use assay_server::{Application, Config};
use serde_json::{Value, json};

use crate::args::BenchIngestArgs;

pub async fn ingest(args: BenchIngestArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.senders > 0 && args.batches > 0 && (1..=500).contains(&args.batch_size),
        "senders and batches must be at least 1, batch size 1 to 500"
    );
    let dir = tempfile::tempdir().context("temp dir")?;
    let mut config = Config::for_tests(dir.path());
    config.ingest_quota_free_per_month = u64::MAX / 2;
    config.ingest_quota_pro_per_month = u64::MAX / 2;
    let app = Application::build(config).await.context("cannot start the server")?;
    let store = app.store().clone();
    let (team, owner) = store.create_team(&TeamName::parse("bench")?, Plan::Pro).await?;
    let secret = KeySecret::generate();
    store.create_api_key(&team.id, &owner.id, "bench", &secret).await?;
    store.create_project(&team.id, "bench", "bench").await?;
    let url = format!("http://127.0.0.1:{}", app.port());
    let server = tokio::spawn(app.run_until(std::future::pending()));

    let bodies = Arc::new(build_bodies(&args)?);
    let size = bodies.first().map_or(0, Vec::len);
    let total = (args.senders * args.batches * args.batch_size) as f64;
    println!(
        "{} senders × {} batches × {} evaluations ({} KB a batch), SQLite, loopback HTTP",
        args.senders,
        args.batches,
        args.batch_size,
        size / 1024
    );

    let sink = start_sink().await?;
    let (baseline, _) = send_all(&format!("{sink}/sink"), secret.expose(), &bodies, &args).await?;
    let (elapsed, mut latencies) = send_all(&format!("{url}/api/ingest"), secret.expose(), &bodies, &args).await?;
    server.abort();

    latencies.sort();
    let rate = total / elapsed.as_secs_f64();
    let limit = total / baseline.as_secs_f64();
    println!("   ingest (stored)      : {rate:>9.0} evaluations/s  (goal >= 50,000)");
    println!("   read-only endpoint   : {limit:>9.0} evaluations/s  (same senders, same bodies)");
    println!("   ratio ingest / limit : {:>9.2}", rate / limit);
    println!(
        "   batch latency        : p50 {:.1} ms, p99 {:.1} ms",
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0
    );
    let stored = store.ingested_runs(&store.project_by_slug(&team.id, "bench").await?.context("project")?, 500, 0).await?.0;
    let count: i64 = stored.iter().map(|r| r.total).sum();
    if count != total as i64 {
        bail!("{count} evaluations stored, {total} sent");
    }
    Ok(())
}

/// One body per (sender, batch): each sender has its own run, each batch other test names, so
/// no batch is a replay of another.
fn build_bodies(args: &BenchIngestArgs) -> anyhow::Result<Vec<Vec<u8>>> {
    let mut bodies = Vec::with_capacity(args.senders * args.batches);
    for sender in 0..args.senders {
        let run_id = format!("00000000-0000-4000-8000-{sender:012}");
        for batch in 0..args.batches {
            let evaluations: Vec<Value> = (0..args.batch_size)
                .map(|i| {
                    let assertion_type = ["groundedness", "pii", "sentiment", "schema", "fuzzy"][i % 5];
                    json!({
                        "assertion_type": assertion_type,
                        "test_name": format!("suite {batch} test {i}"),
                        "test_file": "tests/assistant.spec.ts",
                        "input_text": "What is the refund window for an order paid by card?",
                        "context_text": "Refunds are accepted within 30 days of delivery.",
                        "expected_value": "30 days",
                        "result": if i.is_multiple_of(7) { "fail" } else { "pass" },
                        "score": 0.82,
                        "reasoning": "The answer states the 30-day window given in the context.",
                        "judge_model": "gpt-4o-mini",
                        "judge_latency_ms": 240,
                        "judge_input_tokens": 310,
                        "judge_output_tokens": 42,
                        "judge_cost_usd": 0.00021,
                        "fallback_used": false,
                        "threshold": 0.7,
                        "threshold_source": "inline",
                    })
                })
                .collect();
            let body = json!({
                "project_slug": "bench",
                "run_id": run_id,
                "run": {"started_at": "2026-11-23T08:00:00Z", "ci_provider": "bench"},
                "evaluations": evaluations,
            });
            bodies.push(serde_json::to_vec(&body)?);
        }
    }
    Ok(bodies)
}

/// Posts every body (sender `s` takes its own slice, in order); returns the wall time and
/// each batch's latency. Any non-200 answer fails the benchmark.
async fn send_all(url: &str, key: &str, bodies: &Arc<Vec<Vec<u8>>>, args: &BenchIngestArgs) -> anyhow::Result<(Duration, Vec<Duration>)> {
    assay_targets::http::ensure_crypto_provider();
    let client = reqwest::Client::builder().pool_max_idle_per_host(args.senders).build()?;
    let started = Instant::now();
    let mut senders = Vec::with_capacity(args.senders);
    for sender in 0..args.senders {
        let (client, url, key, bodies) = (client.clone(), url.to_owned(), key.to_owned(), bodies.clone());
        let batches = args.batches;
        senders.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(batches);
            for body in &bodies[sender * batches..(sender + 1) * batches] {
                let sent = Instant::now();
                let response =
                    client.post(&url).bearer_auth(&key).header("content-type", "application/json").body(body.clone()).send().await?;
                let status = response.status();
                let text = response.text().await?;
                if !status.is_success() {
                    anyhow::bail!("{url} answered {status}: {text}");
                }
                latencies.push(sent.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for sender in senders {
        latencies.extend(sender.await.context("a sender panicked")??);
    }
    Ok((started.elapsed(), latencies))
}

/// An HTTP endpoint that reads each body whole and answers 200: the loopback limit.
async fn start_sink() -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let router = axum::Router::new()
        .route("/sink", axum::routing::post(|body: axum::body::Bytes| async move { format!("{{\"bytes\":{}}}", body.len()) }))
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024));
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(url)
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}
