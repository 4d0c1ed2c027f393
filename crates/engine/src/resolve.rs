//! Turns the target references an evaluation names (specs on the command line, stored-target
//! ids in the server) into live, reliable targets.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use assay_core::{Id, Target};
use assay_targets::{Policy, Reliable, TargetSpec};

use crate::{Error, Result};

/// Resolves one target reference of a team. Implementations cache: every job of an
/// evaluation asks for the same few targets. An error for which
/// [`Error::is_runner_fault`] holds is this process's, not the reference's.
#[async_trait::async_trait]
pub trait TargetResolver: Send + Sync {
    async fn resolve(&self, team_id: &Id, reference: &str) -> Result<Arc<dyn Target>>;
}

/// Resolves target specs (`mock`, `local`, `contract+http://…`, …), each wrapped in the
/// reliability policy (timeout, retries, concurrency limit).
pub struct SpecResolver {
    data_dir: PathBuf,
    key: Option<String>,
    policy: Policy,
    progress: assay_targets::local::Progress,
    built: Mutex<HashMap<String, Arc<dyn Target>>>,
}

impl SpecResolver {
    pub fn new(data_dir: PathBuf, key: Option<String>, policy: Policy, progress: assay_targets::local::Progress) -> Self {
        Self { data_dir, key, policy, progress, built: Mutex::new(HashMap::new()) }
    }
}

#[async_trait::async_trait]
impl TargetResolver for SpecResolver {
    async fn resolve(&self, _team_id: &Id, reference: &str) -> Result<Arc<dyn Target>> {
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(target) = built.get(reference) {
            return Ok(target.clone());
        }
        let invalid = |e: &dyn std::fmt::Display| Error::InvalidTarget(reference.to_owned(), e.to_string());
        let spec = TargetSpec::parse(reference).map_err(|e| invalid(&e))?;
        let raw = spec.build(self.key.clone(), &self.data_dir, self.progress).map_err(|e| invalid(&e))?;
        let target: Arc<dyn Target> = Arc::new(Reliable::new(raw, self.policy.clone()));
        built.insert(reference.to_owned(), target.clone());
        Ok(target)
    }
}

/// Fixed targets by name: for tests and embedders that build targets themselves.
#[derive(Default)]
pub struct FixedResolver {
    targets: HashMap<String, Arc<dyn Target>>,
}

impl FixedResolver {
    pub fn with(mut self, reference: &str, target: Arc<dyn Target>) -> Self {
        self.targets.insert(reference.to_owned(), target);
        self
    }
}

#[async_trait::async_trait]
impl TargetResolver for FixedResolver {
    async fn resolve(&self, _team_id: &Id, reference: &str) -> Result<Arc<dyn Target>> {
        self.targets.get(reference).cloned().ok_or_else(|| Error::InvalidTarget(reference.to_owned(), "no target of that name".to_owned()))
    }
}
