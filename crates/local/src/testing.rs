//! For tests of the crates above that run the real model: where `scripts/test.sh` pulled it.

use std::path::PathBuf;

/// The data dir holding the pulled model, from `ASSAY_TEST_MODEL_DIR`. Under `CI=true` it must
/// be set: the embedded-model tests may not be skipped silently there.
pub fn model_dir() -> Option<PathBuf> {
    match std::env::var("ASSAY_TEST_MODEL_DIR") {
        Ok(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "ASSAY_TEST_MODEL_DIR must be set under CI=true (scripts/test.sh sets it)"
            );
            eprintln!("note: ASSAY_TEST_MODEL_DIR is not set; skipping the embedded-model test");
            None
        }
    }
}
