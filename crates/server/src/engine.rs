//! The workbench's assistant model, built from its spec. (The resolver that turns an
//! evaluation's target references into live targets is the engine's: see
//! [`assay_engine::stored`], shared with `assay worker`.)

use std::sync::Arc;

use assay_core::Target;
use assay_targets::factory::LocalModel;
use assay_targets::{Policy, Reliable};

/// Builds the assistant model from its spec, with the default reliability policy.
pub fn assistant_target(spec: &str, local: &LocalModel) -> Result<Arc<dyn Target>, String> {
    let target = assay_targets::TargetSpec::parse(spec)
        .and_then(|spec| spec.build(None, &local.data_dir, local.progress))
        .map_err(|e| e.to_string())?;
    Ok(Arc::new(Reliable::new(target, Policy::default())))
}
