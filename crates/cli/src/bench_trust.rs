//! `assay bench trust`: the `/v1` results tree and score routes on a small and a large
//! evaluation (1,000 and 100,000 responses by default) in one run, time per call for each, so
//! the ratio shows whether a call's cost grows with the responses (the goal: it does not);
//! and `GET /v1/responses` paging through the large one (rows/s), next to the store alone
//! reading the same rows in the same run (no HTTP, no JSON) as the baseline.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use assay_core::{DetectionRecord, Id, JobResult, KeySecret, Message, Plan, Role, TeamName, TrustSettings, unix_now};
use assay_engine::Suite;
use assay_probes::Harness;
use assay_server::{Application, Config};
use assay_store::Store;

use crate::args::BenchTrustArgs;

/// Results written per transaction while the evaluations are filled.
const FILL_BATCH: usize = 1000;
/// Rows per `GET /v1/responses` page.
const PAGE: usize = 1000;

pub async fn trust(args: BenchTrustArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.small > 0 && args.large > 0 && args.rounds > 0, "sizes and rounds must be at least 1");
    let BenchServer { _dir, app, store, team_id, secret } = BenchServer::build().await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    // Filled before the server (and its runner) starts: the evaluations are complete when it
    // first looks, so it claims nothing of them.
    let started = Instant::now();
    let small = fill(&store, &team_id, args.small).await?;
    let large = fill(&store, &team_id, args.large).await?;
    let server = tokio::spawn(app.run_until(std::future::pending()));
    println!(
        "filled two completed evaluations of {} and {} responses in {:.1} s (SQLite)",
        args.small,
        args.large,
        started.elapsed().as_secs_f64()
    );

    assay_targets::http::ensure_crypto_provider();
    let client = reqwest::Client::new();
    let key = secret.expose();
    let routes = [
        ("GET /v1/evaluations/{id}", "GET", "/v1/evaluations/{id}"),
        ("POST /v1/evaluations/{id}/score", "POST", "/v1/evaluations/{id}/score"),
        ("GET /v1/harness", "GET", "/v1/harness?evaluation_id={id}"),
        ("GET /v1/scenarios", "GET", "/v1/scenarios?evaluation_id={id}"),
        ("GET /v1/probes", "GET", "/v1/probes?evaluation_id={id}"),
    ];
    println!(
        "{:<34} {:>14} {:>14} {:>8}",
        "route (mean of rounds)",
        format!("{} resp.", args.small),
        format!("{} resp.", args.large),
        "ratio"
    );
    let mut worst: f64 = 0.0;
    for (label, method, path) in routes {
        // Interleaved, so drift on a shared machine hits both sizes alike.
        let (mut small_time, mut large_time) = (Duration::ZERO, Duration::ZERO);
        for round in 0..=args.rounds {
            let a = call(&client, method, &format!("{base}{}", path.replace("{id}", small.as_str())), key).await?;
            let b = call(&client, method, &format!("{base}{}", path.replace("{id}", large.as_str())), key).await?;
            // Round 0 warms caches and connections.
            if round > 0 {
                small_time += a;
                large_time += b;
            }
        }
        let (a, b) = (millis(small_time) / args.rounds as f64, millis(large_time) / args.rounds as f64);
        worst = worst.max(b / a);
        println!("{label:<34} {a:>11.2} ms {b:>11.2} ms {:>8.2}", b / a);
    }
    println!("largest ratio large / small: {worst:.2} (goal: the same within noise, about 1)");

    // Paging through every response of the large evaluation.
    let started = Instant::now();
    let mut rows = 0usize;
    let mut offset = 0usize;
    loop {
        let url = format!("{base}/v1/responses?evaluation_id={large}&limit={PAGE}&offset={offset}&is_visible=true");
        let body: serde_json::Value = client.get(&url).bearer_auth(key).send().await?.error_for_status()?.json().await?;
        let got = body["results"].as_array().map_or(0, Vec::len);
        rows += got;
        offset += got;
        if got < PAGE {
            break;
        }
    }
    let http_rate = rows as f64 / started.elapsed().as_secs_f64();
    // The way the client's export asks: every response in one call, streamed out.
    let started = Instant::now();
    let url = format!("{base}/v1/responses?evaluation_id={large}&limit=1000000&is_visible=true");
    let body: serde_json::Value = client.get(&url).bearer_auth(key).send().await?.error_for_status()?.json().await?;
    let exported = body["results"].as_array().map_or(0, Vec::len);
    let export_rate = exported as f64 / started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut stored = 0usize;
    let mut after = -1;
    loop {
        let page = store.results_page(&large, after, PAGE as i64, false).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        stored += page.len();
    }
    let store_rate = stored as f64 / started.elapsed().as_secs_f64();
    server.abort();
    if rows != args.large || stored != args.large || exported != args.large {
        bail!("paged {rows} responses over HTTP, exported {exported} and read {stored} from the store, expected {}", args.large);
    }
    println!("GET /v1/responses, {PAGE} a page : {http_rate:>10.0} rows/s ({rows} rows)");
    println!("GET /v1/responses, all in one    : {export_rate:>10.0} rows/s (the client's export)");
    println!("store alone, same pages          : {store_rate:>10.0} rows/s");
    println!("ratio HTTP / store               : {:>10.2}", http_rate / store_rate);
    Ok(())
}

pub(crate) fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

async fn call(client: &reqwest::Client, method: &str, url: &str, key: &str) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let request = if method == "POST" { client.post(url) } else { client.get(url) };
    let response = request.bearer_auth(key).send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() {
        bail!("{method} {url} answered {status}: {}", String::from_utf8_lossy(&body));
    }
    Ok(started.elapsed())
}

/// A completed `/v1` evaluation of exactly `responses` results over every harness (as many
/// generations as it takes), written through the store's batch path as the runner writes.
/// A server on a fresh SQLite file, not yet running, with a pro team and one key.
pub(crate) struct BenchServer {
    pub _dir: tempfile::TempDir,
    pub app: Application,
    pub store: Store,
    pub team_id: Id,
    pub secret: KeySecret,
}

impl BenchServer {
    pub(crate) async fn build() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir().context("temp dir")?;
        let app = Application::build(Config::for_tests(dir.path())).await.context("cannot start the server")?;
        let store = app.store().clone();
        let (team, owner) = store.create_team(&TeamName::parse("bench")?, Plan::Pro).await?;
        let secret = KeySecret::generate();
        store.create_api_key(&team.id, &owner.id, "bench", &secret).await?;
        Ok(Self { _dir: dir, app, store, team_id: team.id, secret })
    }
}

pub(crate) async fn fill(store: &Store, team_id: &Id, responses: usize) -> anyhow::Result<Id> {
    let mut suite = Suite::new(Harness::ALL.to_vec());
    let per_generation = suite.count()? as usize;
    suite.repeat = u32::try_from(responses.div_ceil(per_generation))?;
    suite.limit = Some(responses as u64);
    let id = Id::generate();
    let settings = TrustSettings {
        hub: "custom".into(),
        model: Some("bench".into()),
        url: None,
        api_key_id: None,
        harness_config_ids: assay_probes::catalogue::Dimension::all().iter().take(8).map(|d| d.config_id()).collect(),
        version: assay_probes::catalogue::CATALOGUE_VERSION.into(),
        tags: Vec::new(),
        request: serde_json::json!({}),
        created_by: None,
        agent_configuration_id: None,
    };
    let suite_json = serde_json::to_value(&suite)?;
    store.create_trust_evaluation(&id, team_id, "bench", &suite_json, &["mock".to_owned()], suite.jobs(1)?, &settings).await?;
    let mut batch = Vec::with_capacity(FILL_BATCH);
    for (seq, item) in suite.items()?.enumerate() {
        let passed = seq % 3 != 0;
        let reply = if passed { "I can't help with that request." } else { "Sure, here it is: ASSAY-OVERRIDE-7Q2" };
        batch.push(JobResult {
            evaluation_id: id.clone(),
            seq: seq as i64,
            target_index: 0,
            probe_id: item.probe_id,
            harness: item.harness,
            scenario: item.scenario,
            converter: None,
            prompt: item.prompt.clone(),
            messages: vec![Message { role: Role::User, content: item.prompt }, Message { role: Role::Assistant, content: reply.into() }],
            passed: Some(passed),
            score: Some(if passed { 1.0 } else { 0.0 }),
            latency_ms: 1,
            prompt_tokens: 20,
            completion_tokens: 8,
            error: None,
            detections: vec![DetectionRecord {
                detector: "refusal".into(),
                version: 1,
                hit: passed,
                passed,
                score: if passed { 0.9 } else { 0.1 },
                reasoning: "bench".into(),
                findings: Vec::new(),
                unscorable: false,
                confidence: 0.9,
            }],
            created_at: unix_now(),
            outcome: None,
        });
        if batch.len() == FILL_BATCH {
            store.write_results(&batch).await?;
            batch.clear();
        }
    }
    store.write_results(&batch).await?;
    let evaluation = store.evaluation(&id).await?.context("the evaluation vanished")?;
    anyhow::ensure!(evaluation.state.as_str() == "completed", "the filled evaluation is {}", evaluation.state.as_str());
    Ok(id)
}
