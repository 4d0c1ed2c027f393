//! The engine's error type.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid suite: {0}")]
    InvalidSuite(String),
    #[error("invalid target {0:?}: {1}")]
    InvalidTarget(String, String),
    #[error(transparent)]
    Store(#[from] assay_store::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
