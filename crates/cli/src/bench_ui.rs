//! `assay bench ui`: the server time of the web UI's pages over a store holding one
//! evaluation of 100,000 results and 100,000 further evaluations (by default), each page the
//! mean of its rounds, next to `GET /healthz` timed in the same run as the loopback and
//! framework baseline. The goal: every page under 200 ms.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::args::BenchUiArgs;
use crate::bench_trust::{BenchServer, fill, millis};

/// The goal per page, in milliseconds.
const GOAL_MS: f64 = 200.0;

pub async fn ui(args: BenchUiArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.results > 0 && args.rounds > 0, "results and rounds must be at least 1");
    let BenchServer { _dir, app, store, team_id, secret } = BenchServer::build().await?;

    // Filled before the server's runner starts: nothing is left for it to claim.
    let started = Instant::now();
    let large = fill(&store, &team_id, args.results).await?;
    let small = fill(&store, &team_id, 1_000.min(args.results)).await?;
    let suite = serde_json::json!({});
    let targets = ["mock".to_owned()];
    for n in 0..args.evaluations {
        store.create_evaluation(&team_id, &format!("evaluation {n}"), &suite, &targets, std::iter::empty(), None).await?;
    }
    println!(
        "filled one evaluation of {} results and {} further evaluations in {:.1} s (SQLite)",
        args.results,
        args.evaluations,
        started.elapsed().as_secs_f64()
    );
    let base = format!("http://127.0.0.1:{}", app.port());
    let server = tokio::spawn(app.run_until(std::future::pending()));

    assay_targets::http::ensure_crypto_provider();
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let cookie = sign_in(&client, &base, secret.expose()).await?;
    // A cursor half-way down the overview: the page a person reaches after many "Older".
    let deep = deep_cursor(&client, &base, &cookie, args.evaluations / 2 / 50).await?;
    let pages = [
        ("overview, first page".to_owned(), "/ui/".to_owned()),
        ("overview, half-way down".to_owned(), format!("/ui/?before={deep}")),
        ("overview, searched".to_owned(), "/ui/?q=evaluation%2099".to_owned()),
        ("overview, search matching none".to_owned(), "/ui/?q=no-such-name".to_owned()),
        ("overview, state filter".to_owned(), "/ui/?state=completed".to_owned()),
        ("overview, kind filter".to_owned(), "/ui/?kind=workbench".to_owned()),
        (format!("evaluation of {} results", args.results), format!("/ui/evaluations/{large}")),
        ("  … failed only".to_owned(), format!("/ui/evaluations/{large}?failed=1")),
        ("  … failed by a detector".to_owned(), format!("/ui/evaluations/{large}?detector=refusal&failed=1")),
        ("  … a late page of results".to_owned(), format!("/ui/evaluations/{large}?after={}", args.results.saturating_sub(100))),
        ("one result's transcript".to_owned(), format!("/ui/evaluations/{large}/results/{}", args.results / 2)),
        ("trends of the target".to_owned(), "/ui/trends?target=%5B%22mock%22%5D".to_owned()),
        ("compare large and small".to_owned(), format!("/ui/compare?a={small}&b={large}")),
    ];

    println!("{:<34} {:>10} {:>10}", "page (mean of rounds)", "ms", "× healthz");
    let mut health = Duration::ZERO;
    let mut totals = vec![Duration::ZERO; pages.len()];
    // Interleaved rounds, so drift on a shared machine hits every page and the baseline alike.
    for round in 0..=args.rounds {
        let baseline = timed(&client, &format!("{base}/healthz"), "").await?;
        let mut times = Vec::with_capacity(pages.len());
        for (_, path) in &pages {
            times.push(timed(&client, &format!("{base}{path}"), &cookie).await?);
        }
        if round > 0 {
            health += baseline;
            for (total, time) in totals.iter_mut().zip(times) {
                *total += time;
            }
        }
    }
    server.abort();
    let rounds = args.rounds as f64;
    let health_ms = millis(health) / rounds;
    println!("{:<34} {:>10.2} {:>10.1}", "GET /healthz (baseline)", health_ms, 1.0);
    let mut worst: f64 = 0.0;
    for ((label, _), total) in pages.iter().zip(&totals) {
        let ms = millis(*total) / rounds;
        worst = worst.max(ms);
        println!("{label:<34} {ms:>10.2} {:>10.1}", ms / health_ms);
    }
    println!("slowest page: {worst:.1} ms (goal: under {GOAL_MS:.0} ms) — {}", if worst < GOAL_MS { "met" } else { "NOT met" });
    Ok(())
}

async fn sign_in(client: &reqwest::Client, base: &str, key: &str) -> anyhow::Result<String> {
    let response = client
        .post(format!("{base}/ui/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("key={key}"))
        .send()
        .await?;
    let cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).context("sign-in set no cookie")?;
    Ok(cookie.split(';').next().unwrap_or_default().to_owned())
}

/// Follows the overview's "Older" link `pages` times and answers the cursor reached.
async fn deep_cursor(client: &reqwest::Client, base: &str, cookie: &str, pages: usize) -> anyhow::Result<String> {
    let mut path = "/ui/".to_owned();
    let mut cursor = String::new();
    for _ in 0..pages {
        let html = client.get(format!("{base}{path}")).header("cookie", cookie).send().await?.text().await?;
        let Some(start) = html.find("href=\"/ui/?before=") else { break };
        let href = &html[start + "href=\"".len()..];
        path = href.split('"').next().unwrap_or_default().replace("&amp;", "&");
        cursor = path.trim_start_matches("/ui/?before=").to_owned();
    }
    Ok(cursor)
}

async fn timed(client: &reqwest::Client, url: &str, cookie: &str) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let response = client.get(url).header("cookie", cookie).send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() {
        bail!("GET {url} answered {status}: {}", String::from_utf8_lossy(&body).chars().take(300).collect::<String>());
    }
    Ok(started.elapsed())
}
