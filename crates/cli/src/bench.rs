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

    match run_wrk(&server.url(), args.connections, args.seconds) {
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
pub(crate) fn run_wrk(url: &str, connections: usize, seconds: u64) -> anyhow::Result<f64> {
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
        .arg(format!("{url}/chat"))
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

/// `assay bench model`: prompt and generation tokens/s of the embedded model with 1 and 2
/// threads, next to llama-cpp-python (PyPI) on the same GGUF, prompt and length when it is
/// installed; peak RSS of this process at the end.
pub async fn model(global: &crate::args::Global, args: crate::args::BenchModelArgs) -> anyhow::Result<()> {
    let data_dir = global.data_dir()?;
    let files = assay_local::installed(&data_dir).context("the embedded model is not installed: run `assay model pull`")?;
    let prompt = "Summarise the following text in one sentence. ".to_owned()
        + &"The quick brown fox jumps over the lazy dog near the river bank. ".repeat(20);
    let request = assay_local::GenerationRequest {
        system: None,
        messages: vec![("user".into(), prompt.clone())],
        max_tokens: Some(args.tokens),
        temperature: None,
        seed: None,
        stop: Vec::new(),
    };
    println!("model: {} ({} bytes); {} generated tokens, median of {} runs", files.gguf.display(), files.size, args.tokens, args.runs);
    for threads in [1, 2] {
        let gguf = files.gguf.clone();
        let engine = tokio::task::spawn_blocking(move || assay_local::LocalEngine::start(&gguf, 1, threads)).await??;
        let _warm = engine.generate(request.clone()).await?;
        let mut prompt_rates = Vec::new();
        let mut generation_rates = Vec::new();
        let mut prompt_tokens = 0;
        for _ in 0..args.runs {
            let g = engine.generate(request.clone()).await?;
            prompt_tokens = g.prompt_tokens;
            prompt_rates.push(g.prompt_tokens as f64 / g.prompt_time.as_secs_f64());
            generation_rates.push(g.completion_tokens as f64 / g.generation_time.as_secs_f64().max(1e-9));
        }
        println!(
            "assay (llama-cpp-2), {threads} thread(s): prompt {:>7.1} tok/s ({prompt_tokens} tokens), generation {:>6.1} tok/s",
            median(&mut prompt_rates),
            median(&mut generation_rates)
        );
        if let Some((baseline_prompt, baseline_generation)) = llama_cpp_python(&files.gguf, &prompt, args.tokens, threads, args.runs) {
            println!(
                "llama-cpp-python,       {threads} thread(s): prompt {baseline_prompt:>7.1} tok/s, generation {baseline_generation:>6.1} tok/s; ratio prompt {:.2}, generation {:.2}",
                median(&mut prompt_rates) / baseline_prompt,
                median(&mut generation_rates) / baseline_generation
            );
        } else {
            println!("llama-cpp-python baseline skipped (python3 -m pip install llama-cpp-python to compare)");
        }
    }
    if let Some(peak) = peak_rss_kib() {
        println!("peak RSS of this process: {} MiB", peak / 1024);
    }
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The same generation through llama-cpp-python: (prompt tok/s, generation tok/s), medians.
fn llama_cpp_python(gguf: &std::path::Path, prompt: &str, tokens: u32, threads: i32, runs: usize) -> Option<(f64, f64)> {
    const SCRIPT: &str = r#"
import sys, time, statistics
from llama_cpp import Llama
path, prompt, tokens, threads, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
llm = Llama(model_path=path, n_ctx=4096, n_threads=threads, n_threads_batch=threads, verbose=False)
text = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\n" + prompt + "<|im_end|>\n<|im_start|>assistant\n"
toks = llm.tokenize(text.encode(), add_bos=False, special=True)
p_rates, g_rates = [], []
for i in range(runs + 1):
    llm.reset()
    t0 = time.perf_counter(); llm.eval(toks); t1 = time.perf_counter()
    n = 0
    for _ in range(tokens):
        tok = llm.sample(temp=0.0)
        if llm.token_eos() == tok or tok in (llm.tokenize(b"<|im_end|>", add_bos=False, special=True)): break
        llm.eval([tok]); n += 1
    t2 = time.perf_counter()
    if i: p_rates.append(len(toks) / (t1 - t0)); g_rates.append(n / max(t2 - t1, 1e-9))
print(statistics.median(p_rates), statistics.median(g_rates))
"#;
    let output = std::process::Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(gguf)
        .arg(prompt)
        .args([tokens.to_string(), threads.to_string(), runs.to_string()])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut numbers = text.split_whitespace().filter_map(|n| n.parse::<f64>().ok());
    Some((numbers.next()?, numbers.next()?))
}
