//! The probe library (data files), attack converters and harness definitions.
//!
//! - [`Library`]: the built-in probes, one TOML file per [`Harness`] under `data/`, embedded
//!   at compile time and parsed (templates expanded, everything validated) at first use.
//! - [`converters`]: deterministic prompt rewrites (encodings, obfuscations, framings) that
//!   turn any probe prompt into a variant attack.
//! - [`crescendo`]: the multi-turn escalation attack driven by an attacker model.

pub mod catalogue;
pub mod converters;
pub mod crescendo;
mod harness;
mod library;
mod probe;

pub use converters::{CONVERTERS, Converter, converter, parse_converters};
pub use harness::Harness;
pub use library::Library;
pub use probe::{DETECTORS, DetectorUse, OWASP_IDS, Probe, Strategy, is_judge};

/// Why a name, a list or the probe data could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("unknown harness {0:?}: expected \"all\" or a comma-separated list of {names}", names = harness::names())]
    UnknownHarness(String),
    #[error("unknown converter {0:?}: expected a comma-separated list of {names}", names = CONVERTERS.join(", "))]
    UnknownConverter(String),
    #[error("invalid probe data: {0}")]
    Data(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
