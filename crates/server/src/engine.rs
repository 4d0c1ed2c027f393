//! The engine inside the server: the resolver that turns an evaluation's target references
//! into live targets (`stored:{id}` for a team's stored target, any target spec such as
//! `local` or `mock` otherwise), and the workbench's assistant model.

use std::sync::Arc;

use assay_core::{Hub, Id, Target};
use assay_engine::trust::ProviderTarget;
use assay_engine::{SpecResolver, TargetResolver};
use assay_store::Store;
use assay_targets::factory::LocalModel;
use assay_targets::{Policy, Reliable};

use crate::target_cache::TargetCache;

/// The reference prefix of a stored target.
pub const STORED_PREFIX: &str = "stored:";

pub struct ServerResolver {
    store: Store,
    local: LocalModel,
    stored: Arc<TargetCache>,
    specs: SpecResolver,
}

impl ServerResolver {
    pub fn new(store: Store, local: LocalModel, stored: Arc<TargetCache>) -> Self {
        let specs = SpecResolver::new(local.data_dir.clone(), None, Policy::default(), local.progress);
        Self { store, local, stored, specs }
    }
}

#[async_trait::async_trait]
impl TargetResolver for ServerResolver {
    async fn resolve(&self, team_id: &Id, reference: &str) -> Result<Arc<dyn Target>, String> {
        if let Some(provider) = ProviderTarget::parse(reference) {
            return self.provider_target(team_id, &provider?).await;
        }
        let Some(raw_id) = reference.strip_prefix(STORED_PREFIX) else {
            return self.specs.resolve(team_id, reference).await;
        };
        let id = Id::parse(raw_id).map_err(|e| e.to_string())?;
        let target = self
            .store
            .target(team_id, &id)
            .await
            .map_err(|e| format!("cannot read stored target {id}: {e}"))?
            .ok_or_else(|| format!("stored target {id} no longer exists"))?;
        let live = self.stored.get(&self.store, &target, &self.local).await.map_err(|e| e.message().to_owned())?;
        Ok(live)
    }
}

impl ServerResolver {
    /// A `/v1` evaluation's target: its hub, called with its provider key's secret.
    async fn provider_target(&self, team_id: &Id, provider: &ProviderTarget) -> Result<Arc<dyn Target>, String> {
        let hub = Hub::parse(&provider.hub).ok_or_else(|| format!("unknown hub {:?}", provider.hub))?;
        if !hub.info().callable {
            return Err(format!("assay cannot call the {} hub yet: use an OpenAI-compatible hub, azure or custom", hub.as_str()));
        }
        let key = match &provider.key_id {
            Some(key_id) => Some(
                self.store
                    .open_provider_key(team_id, key_id)
                    .await
                    .map_err(|e| format!("cannot read provider key {key_id}: {e}"))?
                    .ok_or_else(|| format!("provider key {key_id} no longer exists"))?,
            ),
            None => None,
        };
        Ok(provider.build_for_runner(key.as_ref(), &self.local, &self.store)?)
    }
}

/// Builds the assistant model from its spec, with the default reliability policy.
pub fn assistant_target(spec: &str, local: &LocalModel) -> Result<Arc<dyn Target>, String> {
    let target = assay_targets::TargetSpec::parse(spec)
        .and_then(|spec| spec.build(None, &local.data_dir, local.progress))
        .map_err(|e| e.to_string())?;
    Ok(Arc::new(Reliable::new(target, Policy::default())))
}
