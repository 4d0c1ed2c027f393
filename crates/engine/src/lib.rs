//! Expands evaluations into jobs, claims and runs them, judges the replies and persists every
//! result, surviving crashes. See [`runner`] for the loop and [`suite`] for what a scan runs.

pub mod assist;
pub mod case;
pub mod detections;
mod error;
pub mod execute;
pub mod harness_writer;
pub mod item;
pub mod judge_cache;
pub mod metrics;
pub mod playground;
pub mod report;
pub mod resolve;
pub mod runner;
pub mod shared_pace;
pub mod stored;
pub mod suite;
pub mod trust;

pub use error::{Error, Result};
pub use item::{StoredDetector, StoredItem, TestItem};
pub use resolve::{FixedResolver, SpecResolver, TargetResolver};
pub use runner::{Engine, EngineConfig, Tick};
pub use suite::Suite;
