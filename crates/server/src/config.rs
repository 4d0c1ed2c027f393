//! Server configuration and how its layers combine: flags > environment (`ASSAY_…`) > config
//! file > built-in defaults. clap already merges flags over the environment; this module
//! lays that result over the file and fills the rest with defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use assay_store::DatabaseUrl;
use serde::Deserialize;

/// The listen address when none is given.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7700";
/// The request body limit when none is given: 1 MiB, as the ingest API documents.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(format!("unknown log format {other:?}: expected text or json")),
        }
    }
}

/// One layer of settings (the config file, or flags+env): every field optional.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub addr: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub no_auth: Option<bool>,
    pub body_limit: Option<usize>,
    pub log_format: Option<LogFormat>,
    pub rate_limit_free_per_hour: Option<u32>,
    pub rate_limit_pro_per_hour: Option<u32>,
    /// The target behind the root contract endpoints, as a target spec (default `local`).
    pub default_target: Option<String>,
    /// The workbench's assistant model (AI helpers, simulated users, case judge), as a target
    /// spec (default `local`, the embedded model).
    pub assistant: Option<String>,
    /// Evaluations a free team may ingest per calendar month (UTC).
    pub ingest_quota_free_per_month: Option<u64>,
    /// Evaluations a pro team may ingest per calendar month (UTC).
    pub ingest_quota_pro_per_month: Option<u64>,
    /// A TOML price table replacing the built-in one (`/v1/hubs/cost`, estimates).
    pub price_table: Option<PathBuf>,
}

impl Layer {
    /// Reads a TOML config file whose keys are the field names above.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read(path.display().to_string(), e))?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse(path.display().to_string(), e.to_string()))
    }

    /// `self` wins wherever it has a value.
    pub fn over(self, lower: Layer) -> Layer {
        Layer {
            addr: self.addr.or(lower.addr),
            data_dir: self.data_dir.or(lower.data_dir),
            database_url: self.database_url.or(lower.database_url),
            no_auth: self.no_auth.or(lower.no_auth),
            body_limit: self.body_limit.or(lower.body_limit),
            log_format: self.log_format.or(lower.log_format),
            rate_limit_free_per_hour: self.rate_limit_free_per_hour.or(lower.rate_limit_free_per_hour),
            rate_limit_pro_per_hour: self.rate_limit_pro_per_hour.or(lower.rate_limit_pro_per_hour),
            default_target: self.default_target.or(lower.default_target),
            assistant: self.assistant.or(lower.assistant),
            ingest_quota_free_per_month: self.ingest_quota_free_per_month.or(lower.ingest_quota_free_per_month),
            ingest_quota_pro_per_month: self.ingest_quota_pro_per_month.or(lower.ingest_quota_pro_per_month),
            price_table: self.price_table.or(lower.price_table),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {0}: {1}")]
    Read(String, #[source] std::io::Error),
    #[error("invalid config file {0}: {1}")]
    Parse(String, String),
    #[error(transparent)]
    Database(#[from] assay_store::Error),
    #[error("--no-auth is only allowed on a loopback address, not {0}")]
    NoAuthOffLoopback(SocketAddr),
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    #[error("invalid assistant model {0:?}: {1}")]
    Assistant(String, String),
    #[error("invalid price table: {0}")]
    PriceTable(String),
    #[error("a worker on PostgreSQL needs ASSAY_SECRET_KEY, the same on every node, to open stored provider keys")]
    WorkerWithoutSecretKey,
}

/// The resolved configuration the server runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database: DatabaseUrl,
    pub no_auth: bool,
    pub body_limit: usize,
    pub log_format: LogFormat,
    pub rate_limit_free_per_hour: u32,
    pub rate_limit_pro_per_hour: u32,
    pub default_target: String,
    /// The workbench's assistant model, as a target spec.
    pub assistant: String,
    /// Idle time before an SSE stream sends a keep-alive comment (15 s; tests shorten it).
    pub sse_keep_alive: std::time::Duration,
    pub ingest_quota_free_per_month: u64,
    pub ingest_quota_pro_per_month: u64,
    /// The price table file, when the built-in one is replaced.
    pub price_table: Option<PathBuf>,
    /// Seals stored credentials: 64 hex digits from `ASSAY_SECRET_KEY`, else the data dir's
    /// `secret.key` (created on first start). Never read from the config file.
    pub secret_key: Option<String>,
}

/// `$ASSAY_DATA_DIR` aside, data lives in `./assay-data` so a first run needs no setup.
pub fn default_data_dir() -> PathBuf {
    PathBuf::from("assay-data")
}

impl Config {
    /// Fills the gaps of `layer` with defaults and checks the combination.
    pub fn resolve(layer: Layer) -> Result<Self, ConfigError> {
        let addr = layer.addr.unwrap_or_else(|| DEFAULT_ADDR.parse().expect("the default address parses"));
        let data_dir = layer.data_dir.unwrap_or_else(default_data_dir);
        let database = match &layer.database_url {
            Some(url) => DatabaseUrl::parse(url)?,
            None => DatabaseUrl::default_in(&data_dir),
        };
        let no_auth = layer.no_auth.unwrap_or(false);
        if no_auth && !addr.ip().is_loopback() {
            return Err(ConfigError::NoAuthOffLoopback(addr));
        }
        let config = Config {
            addr,
            data_dir,
            database,
            no_auth,
            body_limit: layer.body_limit.unwrap_or(DEFAULT_BODY_LIMIT),
            log_format: layer.log_format.unwrap_or_default(),
            rate_limit_free_per_hour: layer.rate_limit_free_per_hour.unwrap_or(1_000),
            rate_limit_pro_per_hour: layer.rate_limit_pro_per_hour.unwrap_or(10_000),
            default_target: layer.default_target.unwrap_or_else(|| "local".to_owned()),
            assistant: layer.assistant.unwrap_or_else(|| "local".to_owned()),
            sse_keep_alive: std::time::Duration::from_secs(15),
            ingest_quota_free_per_month: layer.ingest_quota_free_per_month.unwrap_or(100_000),
            ingest_quota_pro_per_month: layer.ingest_quota_pro_per_month.unwrap_or(10_000_000),
            price_table: layer.price_table,
            secret_key: None,
        };
        for (name, value) in [
            ("body_limit", config.body_limit as u64),
            ("rate_limit_free_per_hour", u64::from(config.rate_limit_free_per_hour)),
            ("rate_limit_pro_per_hour", u64::from(config.rate_limit_pro_per_hour)),
        ] {
            if value == 0 {
                return Err(ConfigError::Zero(name));
            }
        }
        Ok(config)
    }

    /// A loopback-only configuration on a random port over the given data dir: for tests.
    pub fn for_tests(data_dir: &Path) -> Self {
        let config = Self::resolve(Layer {
            addr: Some("127.0.0.1:0".parse().expect("literal address")),
            data_dir: Some(data_dir.to_owned()),
            // Tests never pull the embedded model by accident.
            default_target: Some("mock".to_owned()),
            assistant: Some("mock".to_owned()),
            ..Layer::default()
        })
        .expect("test defaults are valid");
        Self { sse_keep_alive: std::time::Duration::from_millis(500), ..config }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_give_a_loopback_sqlite_server() {
        let config = Config::resolve(Layer::default()).expect("defaults resolve");
        assert_eq!(config.addr.to_string(), DEFAULT_ADDR);
        assert_eq!(config.database, DatabaseUrl::Sqlite(PathBuf::from("assay-data/assay.db")));
        assert_eq!(config.body_limit, 1024 * 1024);
        assert!(!config.no_auth);
    }

    #[test]
    fn the_upper_layer_wins_and_the_lower_fills_gaps() {
        let file: Layer = toml::from_str("addr = \"127.0.0.1:9000\"\nbody_limit = 10\nlog_format = \"json\"").expect("toml");
        let flags = Layer { addr: Some("127.0.0.1:9100".parse().expect("addr")), ..Layer::default() };
        let config = Config::resolve(flags.over(file)).expect("resolves");
        assert_eq!(config.addr.port(), 9100);
        assert_eq!(config.body_limit, 10);
        assert_eq!(config.log_format, LogFormat::Json);
    }

    #[test]
    fn no_auth_is_refused_off_loopback() {
        let layer = Layer { addr: Some("0.0.0.0:7700".parse().expect("addr")), no_auth: Some(true), ..Layer::default() };
        assert!(matches!(Config::resolve(layer), Err(ConfigError::NoAuthOffLoopback(_))));
        let loopback = Layer { addr: Some("[::1]:7700".parse().expect("addr")), no_auth: Some(true), ..Layer::default() };
        assert!(Config::resolve(loopback).is_ok());
    }

    #[test]
    fn unknown_keys_in_the_file_are_errors() {
        assert!(toml::from_str::<Layer>("adress = \"x\"").is_err());
    }
}
