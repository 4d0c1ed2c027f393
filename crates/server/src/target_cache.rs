//! The server's default target (`/chat` at the root) and how a target that cannot be built
//! answers. The cache of live stored targets is the engine's ([`assay_engine::stored`]).

use std::sync::Arc;

use assay_targets::Reliable;

use crate::error::ApiError;

/// The server's default target (`/chat` at the root): built at start from `--default-target`,
/// or the reason it cannot be used.
pub type DefaultTarget = Result<Arc<Reliable>, String>;

/// Why a target cannot be built, as an API error: its stored settings are the caller's to fix.
pub fn build_error(error: assay_targets::Error) -> ApiError {
    ApiError::invalid(error.to_string())
}
