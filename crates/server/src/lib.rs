//! assay's HTTP server: every API surface (trust platform `/v1`, workbench `/api/v1`, ingest
//! `/api/ingest`, operations) over one store, with authentication, per-key rate limits, one
//! error table rendered in each surface's envelope, metrics and an OpenAPI document.

mod application;
mod auth;
pub mod config;
mod engine;
mod envelope;
mod error;
mod extract;
mod limits;
mod metrics;
pub mod models;
mod openapi;
mod pricing;
mod rate_limit;
mod roles;
mod routes;
mod state;
mod target_cache;
mod ui;
mod worker;

pub use application::{Application, LOCAL_TEAM, termination_signal};
pub use config::{Config, ConfigError, Layer, LogFormat};
pub use error::{ApiError, Error, Result};
pub use worker::Worker;
