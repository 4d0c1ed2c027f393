//! The targets a shared evaluation names, for every process that runs its jobs (a server or
//! an `assay worker`): a team's stored target (`stored:{id}`), a `/v1` evaluation's provider
//! target (its hub called with a stored provider key), or any target spec (`local`, `mock`,
//! `contract+http://…`). Everything needed is in the database, so any node opens them alike.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use assay_core::{Hub, Id, StoredTarget, Target};
use assay_store::Store;
use assay_targets::factory::LocalModel;
use assay_targets::{Policy, Reliable};

use crate::resolve::{SpecResolver, TargetResolver};
use crate::shared_pace::SharedPace;
use crate::trust::ProviderTarget;
use crate::{Error, Result};

/// The reference prefix of a stored target.
pub const STORED_PREFIX: &str = "stored:";

/// Live stored targets, built once per stored version (id + `updated_at`) so their HTTP
/// connection pools and adaptive concurrency state carry across calls, and rebuilt when the
/// target is edited.
#[derive(Default)]
pub struct TargetCache {
    live: Mutex<HashMap<Id, (i64, Arc<Reliable>)>>,
}

impl TargetCache {
    /// The live target for a stored one (its credential decrypted on first use only).
    pub async fn get(&self, store: &Store, target: &StoredTarget, local: &LocalModel) -> Result<Arc<Reliable>> {
        if let Some((version, live)) = self.live.lock().unwrap_or_else(PoisonError::into_inner).get(&target.id)
            && *version == target.updated_at
        {
            return Ok(Arc::clone(live));
        }
        let credential = store.target_credential(&target.team_id, &target.id).await?;
        // Its rate limit is kept in the database: every server and worker on it shares it.
        let pace = |per_interval, interval| SharedPace::shared(store.clone(), format!("target:{}", target.id), per_interval, interval);
        let live = assay_targets::factory::build_paced(&target.settings, credential.as_deref(), local, pace)
            .map_err(|e| Error::TargetUnbuildable(e.to_string()))?;
        self.live.lock().unwrap_or_else(PoisonError::into_inner).insert(target.id.clone(), (target.updated_at, Arc::clone(&live)));
        Ok(live)
    }

    pub fn forget(&self, id: &Id) {
        self.live.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
    }
}

/// Resolves every kind of reference a shared evaluation may name (see the module docs).
pub struct StoredResolver {
    store: Store,
    local: LocalModel,
    stored: Arc<TargetCache>,
    specs: SpecResolver,
}

impl StoredResolver {
    pub fn new(store: Store, local: LocalModel, stored: Arc<TargetCache>) -> Self {
        let specs = SpecResolver::new(local.data_dir.clone(), None, Policy::default(), local.progress);
        Self { store, local, stored, specs }
    }

    /// A `/v1` evaluation's target: its hub, called with its provider key's secret.
    async fn provider_target(&self, team_id: &Id, reference: &str, provider: &ProviderTarget) -> Result<Arc<dyn Target>> {
        let invalid = |reason: String| Error::InvalidTarget(reference.to_owned(), reason);
        let hub = Hub::parse(&provider.hub).ok_or_else(|| invalid(format!("unknown hub {:?}", provider.hub)))?;
        if !hub.info().callable {
            return Err(invalid(format!("assay cannot call the {} hub yet: use an OpenAI-compatible hub, azure or custom", hub.as_str())));
        }
        let key = match &provider.key_id {
            // A key that does not open here (another secret key, the database unreachable) is
            // this process's fault: the store's error says so.
            Some(key_id) => Some(
                self.store
                    .open_provider_key(team_id, key_id)
                    .await?
                    .ok_or_else(|| invalid(format!("provider key {key_id} no longer exists")))?,
            ),
            None => None,
        };
        Ok(provider.build_for_runner(key.as_ref(), &self.local, &self.store).map_err(Error::TargetUnbuildable)?)
    }
}

#[async_trait::async_trait]
impl TargetResolver for StoredResolver {
    async fn resolve(&self, team_id: &Id, reference: &str) -> Result<Arc<dyn Target>> {
        if let Some(provider) = ProviderTarget::parse(reference) {
            let provider = provider.map_err(|reason| Error::InvalidTarget(reference.to_owned(), reason))?;
            return self.provider_target(team_id, reference, &provider).await;
        }
        let Some(raw_id) = reference.strip_prefix(STORED_PREFIX) else {
            return self.specs.resolve(team_id, reference).await;
        };
        let id = Id::parse(raw_id).map_err(|e| Error::InvalidTarget(reference.to_owned(), e.to_string()))?;
        let target = self
            .store
            .target(team_id, &id)
            .await?
            .ok_or_else(|| Error::InvalidTarget(reference.to_owned(), format!("stored target {id} no longer exists")))?;
        Ok(self.stored.get(&self.store, &target, &self.local).await?)
    }
}
