//! Live targets for the served contract: built once per stored version (id + `updated_at`)
//! so their HTTP connection pools and adaptive concurrency state carry across requests, and
//! rebuilt when the target is edited.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use assay_core::{Id, StoredTarget};
use assay_engine::shared_pace::SharedPace;
use assay_store::Store;
use assay_targets::Reliable;
use assay_targets::factory::LocalModel;

use crate::error::ApiError;

/// The server's default target (`/chat` at the root): built at start from `--default-target`,
/// or the reason it cannot be used.
pub type DefaultTarget = Result<Arc<Reliable>, String>;

#[derive(Default)]
pub struct TargetCache {
    live: Mutex<HashMap<Id, (i64, Arc<Reliable>)>>,
}

impl TargetCache {
    /// The live target for a stored one (its credential decrypted on first use only).
    pub async fn get(&self, store: &Store, target: &StoredTarget, local: &LocalModel) -> Result<Arc<Reliable>, ApiError> {
        if let Some((version, live)) = self.live.lock().unwrap_or_else(PoisonError::into_inner).get(&target.id)
            && *version == target.updated_at
        {
            return Ok(Arc::clone(live));
        }
        let credential = store.target_credential(&target.team_id, &target.id).await?;
        // Its rate limit is kept in the database: every server and worker on it shares it.
        let pace = |per_interval, interval| SharedPace::shared(store.clone(), format!("target:{}", target.id), per_interval, interval);
        let live = assay_targets::factory::build_paced(&target.settings, credential.as_deref(), local, pace).map_err(build_error)?;
        self.live.lock().unwrap_or_else(PoisonError::into_inner).insert(target.id.clone(), (target.updated_at, Arc::clone(&live)));
        Ok(live)
    }

    pub fn forget(&self, id: &Id) {
        self.live.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
    }
}

/// Why a target cannot be built, as an API error: its stored settings are the caller's to fix.
pub fn build_error(error: assay_targets::Error) -> ApiError {
    ApiError::invalid(error.to_string())
}
