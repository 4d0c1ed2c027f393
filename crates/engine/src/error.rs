//! The engine's error type.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid suite: {0}")]
    InvalidSuite(String),
    #[error("invalid target {0:?}: {1}")]
    InvalidTarget(String, String),
    #[error(transparent)]
    Store(#[from] assay_store::Error),
    /// A stored target's settings no longer build a target (the owner's to fix).
    #[error("{0}")]
    TargetUnbuildable(String),
    /// The assistant model (AI helpers, simulator, case judge) could not be reached.
    #[error("the assistant model failed: {0}")]
    AssistantUnavailable(#[source] assay_core::TargetError),
    /// The assistant model answered, but never in a usable shape.
    #[error("the assistant model gave no usable answer in {attempts} attempts (last problem: {reason})")]
    AssistantUnusable { attempts: u32, reason: String },
}

impl Error {
    /// True when the fault lies with this process (its secret key, its connection to the
    /// database), not with what it was asked to run: another runner, or this one later, may
    /// well succeed, so the evaluation must not be failed for it.
    pub fn is_runner_fault(&self) -> bool {
        matches!(self, Self::Store(error) if error.is_environmental())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
