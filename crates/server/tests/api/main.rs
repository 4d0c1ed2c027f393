//! Black-box tests of the HTTP server over real loopback HTTP and a real SQLite file.

mod agents;
mod auth;
mod completions;
mod contract;
mod custom_harnesses;
mod errors;
mod helpers;
mod ingest;
mod local_token;
mod ops;
mod playgrounds;
mod probe_variants;
mod roles;
mod routes;
mod spec_routes;
mod targets;
mod team_prompts;
mod tenancy;
mod tenancy_sweep;
mod trust;
mod ui;
mod workbench_prompts;
mod workbench_runs;
