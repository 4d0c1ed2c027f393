//! `assay chat` (one prompt to any target, through the reliability layer) and
//! `assay mock-target` (a mock system under test over HTTP).

use std::time::Duration;

use anyhow::Context;
use assay_core::{ChatRequest, Target};
use assay_targets::mock::{Behavior, ReplyMode};
use assay_targets::mock_server::{MockServer, MockServerOptions};
use assay_targets::{Policy, Reliable, TargetSpec};

use crate::args::{ChatArgs, MockTargetArgs};

pub async fn run(args: ChatArgs) -> anyhow::Result<()> {
    let spec = TargetSpec::parse(&args.target)?;
    let target = Reliable::new(spec.build(args.key)?, Policy { timeout: Duration::from_secs(args.timeout_secs), ..Policy::default() });
    let request = ChatRequest { system: args.system, ..ChatRequest::single(args.prompt) };
    let reply = target.chat(&request).await.with_context(|| format!("{} did not answer", args.target))?;
    println!("{}", reply.text);
    let usage =
        reply.usage.map_or_else(String::new, |u| format!(", {} prompt + {} completion tokens", u.prompt_tokens, u.completion_tokens));
    eprintln!("({} ms{usage})", reply.latency.as_millis());
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
