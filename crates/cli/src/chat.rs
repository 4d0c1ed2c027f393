//! `assay chat` (one prompt to any target, through the reliability layer) and
//! `assay mock-target` (a mock system under test over HTTP).

use std::time::Duration;

use anyhow::Context;
use assay_core::{ChatRequest, Target};
use assay_targets::mock::{Behavior, ReplyMode};
use assay_targets::mock_server::{MockServer, MockServerOptions};
use assay_targets::{Policy, Reliable, TargetSpec};

use crate::args::{ChatArgs, Global, MockTargetArgs};

pub async fn run(global: &Global, args: ChatArgs) -> anyhow::Result<()> {
    let spec = TargetSpec::parse(&args.target)?;
    let data_dir = global.data_dir()?;
    let target = spec.build(args.key, &data_dir, print_progress)?;
    let target = Reliable::new(target, Policy { timeout: Duration::from_secs(args.timeout_secs), ..Policy::default() });
    target.warm_up().await.with_context(|| format!("{} is not ready", args.target))?;
    let request = ChatRequest { system: args.system, ..ChatRequest::single(args.prompt) };
    let reply = target.chat(&request).await.with_context(|| format!("{} did not answer", args.target))?;
    println!("{}", reply.text);
    let usage =
        reply.usage.map_or_else(String::new, |u| format!(", {} prompt + {} completion tokens", u.prompt_tokens, u.completion_tokens));
    eprintln!("({} ms{usage})", reply.latency.as_millis());
    Ok(())
}

fn print_progress(line: &str) {
    eprintln!("model: {line}");
}

/// `assay model pull [--embedding]`: prints the installed file's (or directory's) path as the
/// last line of stdout.
pub async fn model_pull(global: &Global, embedding: bool) -> anyhow::Result<()> {
    let data_dir = global.data_dir()?;
    let installed = tokio::task::spawn_blocking(move || {
        let mut progress = |line: &str| print_progress(line);
        if embedding {
            assay_local::ensure_embedding_model(&data_dir, &mut progress)
        } else {
            assay_local::pull(&data_dir, &mut progress).map(|files| files.gguf)
        }
    })
    .await??;
    println!("{}", installed.display());
    Ok(())
}

pub fn model_info(global: &Global) -> anyhow::Result<()> {
    let data_dir = global.data_dir()?;
    let files = assay_local::installed(&data_dir).context("the embedded model is not installed: run `assay model pull`")?;
    println!(
        "file    {}
size    {} bytes
sha256  {}
source  {} (PyPI)",
        files.gguf.display(),
        files.size,
        files.sha256,
        files.source
    );
    Ok(())
}

pub async fn mock_target(args: MockTargetArgs) -> anyhow::Result<()> {
    let reply = args.reply.map_or(ReplyMode::Echo, ReplyMode::Fixed);
    let behavior = Behavior::new(Duration::from_millis(args.latency_ms), reply);
    let options = MockServerOptions { sessions: args.sessions, required_key: args.key };
    let server = MockServer::start_on(args.addr, behavior, options).await.with_context(|| format!("cannot listen on {}", args.addr))?;
    println!("mock target listening on {}", server.url());
    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    drop(server);
    Ok(())
}
