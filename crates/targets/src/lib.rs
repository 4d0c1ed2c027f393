//! Every way assay reaches a system under test: the `contract` client, OpenAI-compatible
//! APIs, Anthropic, the embedded model (`local`), the `mock` (in process and over HTTP), and [`reliable::Reliable`], the
//! timeout/retry/pacing/adaptive-concurrency wrapper applied to all of them.

pub mod anthropic;
pub mod bedrock;
pub mod bedrock_agents;
pub mod contract;
pub mod factory;
pub mod http;
pub mod local;
pub mod mock;
pub mod mock_server;
pub mod openai;
pub mod plain_http;
pub mod reliable;
pub mod sigv4;
pub mod spec;
pub mod system_prompt;
pub mod vertex;

pub use reliable::{Pace, Policy, Reliable};
pub use spec::TargetSpec;

/// Errors building a target (calling one yields [`assay_core::TargetError`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid target URL {0:?}: expected http://… or https://…")]
    InvalidUrl(String),
    #[error(
        "invalid target spec {0:?}: expected mock, local, contract+http://HOST:PORT/PATH, openai+http://HOST:PORT/v1#MODEL or anthropic+https://HOST#MODEL"
    )]
    InvalidSpec(String),
    #[error("no API key for {0}: pass --key or set the environment variable")]
    MissingKey(String),
    #[error("invalid target settings: {0}")]
    Settings(String),
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}
