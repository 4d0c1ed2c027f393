//! The models a team can pick for the workbench (`GET /api/v1/models`, a template's `models`):
//! the embedded model, the mock, and one per stored target, each under a `vendor-model` id.
//! This is the one place that maps those ids to targets: [`ModelEntry::reference`] is the
//! target reference the engine resolves.

use assay_core::{ErrorCode, Id, StoredTarget, TargetKind};
use assay_store::Store;

use crate::error::ApiError;

/// SmolLM2-135M-Instruct, run in-process: always there, needs no credential.
pub const EMBEDDED_MODEL_ID: &str = "local-smollm2-135m";
/// The deterministic test double: echoes what it is sent.
pub const MOCK_MODEL_ID: &str = "mock-echo";

/// One model as the workbench lists it, and the target behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelEntry {
    /// `vendor-model`, e.g. `openai-gpt-4.1`.
    pub id: String,
    /// What the `vendor` filter matches: the target kind (`openai`, `local`, …).
    pub vendor: &'static str,
    pub vendor_name: &'static str,
    pub model_name: String,
    /// Whether a call can be made: a credential is stored, or the kind needs none.
    pub available: bool,
    /// The target reference the engine resolves: `local`, `mock` or `stored:{target id}`.
    pub reference: String,
}

/// The models of a team: the two built-in ones first, then its stored targets, oldest first.
pub async fn team_models(store: &Store, team_id: &Id) -> Result<Vec<ModelEntry>, ApiError> {
    let targets = store.list_targets(team_id).await?;
    Ok(models_of(&targets))
}

/// Refuses the first of `ids` that is not one of the team's models with 400
/// `model_not_available` naming it.
pub async fn ensure_listed(store: &Store, team_id: &Id, ids: &[String]) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    refuse_unlisted(&team_models(store, team_id).await?, ids)
}

fn refuse_unlisted(models: &[ModelEntry], ids: &[String]) -> Result<(), ApiError> {
    match ids.iter().find(|id| !models.iter().any(|model| &model.id == *id)) {
        Some(unknown) => {
            Err(ApiError::with_message(ErrorCode::ModelNotAvailable, format!("Model {unknown} is not available (see GET /api/v1/models)")))
        }
        None => Ok(()),
    }
}

fn built_in() -> [ModelEntry; 2] {
    [
        ModelEntry {
            id: EMBEDDED_MODEL_ID.to_owned(),
            vendor: TargetKind::Local.as_str(),
            vendor_name: "assay (embedded)",
            model_name: "SmolLM2-135M-Instruct".to_owned(),
            available: true,
            reference: "local".to_owned(),
        },
        ModelEntry {
            id: MOCK_MODEL_ID.to_owned(),
            vendor: TargetKind::Mock.as_str(),
            vendor_name: "assay (mock)",
            model_name: "Echo".to_owned(),
            available: true,
            reference: "mock".to_owned(),
        },
    ]
}

fn vendor_name(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Openai => "OpenAI",
        TargetKind::Anthropic => "Anthropic",
        TargetKind::Contract => "Contract",
        TargetKind::Local => "Local",
        TargetKind::Mock => "Mock",
        TargetKind::Bedrock => "Amazon Bedrock",
        TargetKind::Vertex => "Google Vertex AI",
        TargetKind::BedrockAgent => "Amazon Bedrock Agents",
    }
}

fn needs_credential(kind: TargetKind) -> bool {
    match kind {
        TargetKind::Openai | TargetKind::Anthropic | TargetKind::Bedrock | TargetKind::Vertex | TargetKind::BedrockAgent => true,
        TargetKind::Contract | TargetKind::Local | TargetKind::Mock => false,
    }
}

/// Ids are `{kind}-{model}` (or `{kind}-{target name}` without a model). An id already taken,
/// by a built-in model or an older target, gets `-{target name}` appended, and if even that
/// is taken, `-{target id}`, which no other target has.
fn models_of(targets: &[StoredTarget]) -> Vec<ModelEntry> {
    let mut models = Vec::from(built_in());
    for target in targets {
        let kind = target.settings.kind;
        let model_name = target.settings.model.clone().unwrap_or_else(|| target.name.clone());
        let base = format!("{}-{model_name}", kind.as_str());
        let taken = |id: &str| models.iter().any(|model: &ModelEntry| model.id == id);
        let id = [base.clone(), format!("{base}-{}", target.name)]
            .into_iter()
            .find(|candidate| !taken(candidate))
            .unwrap_or_else(|| format!("{base}-{}", target.id));
        models.push(ModelEntry {
            id,
            vendor: kind.as_str(),
            vendor_name: vendor_name(kind),
            model_name,
            available: target.has_credential || !needs_credential(kind),
            reference: format!("stored:{}", target.id),
        });
    }
    models
}

#[cfg(test)]
mod tests {
    use super::*;
    use assay_core::TargetSettings;

    fn target(name: &str, settings: serde_json::Value, has_credential: bool) -> StoredTarget {
        StoredTarget {
            id: Id::generate(),
            team_id: Id::generate(),
            name: name.to_owned(),
            settings: serde_json::from_value::<TargetSettings>(settings).expect("settings"),
            has_credential,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn the_built_in_models_come_first_and_map_to_local_and_mock() {
        let models = models_of(&[]);
        let summary: Vec<_> = models.iter().map(|m| (m.id.as_str(), m.reference.as_str(), m.available)).collect();
        assert_eq!(summary, vec![(EMBEDDED_MODEL_ID, "local", true), (MOCK_MODEL_ID, "mock", true)]);
    }

    #[test]
    fn stored_targets_are_named_by_kind_and_model_or_target_name() {
        let openai = target("prod", serde_json::json!({"kind": "openai", "base_url": "http://h/v1", "model": "gpt-4.1"}), false);
        let contract = target("support-bot", serde_json::json!({"kind": "contract", "base_url": "http://h"}), false);
        let models = models_of(&[openai.clone(), contract.clone()]);
        let openai_model = &models[2];
        assert_eq!(
            (openai_model.id.as_str(), openai_model.vendor_name, openai_model.model_name.as_str(), openai_model.available),
            ("openai-gpt-4.1", "OpenAI", "gpt-4.1", false),
            "an OpenAI target without a credential cannot be called"
        );
        assert_eq!(openai_model.reference, format!("stored:{}", openai.id));
        assert_eq!((models[3].id.as_str(), models[3].vendor, models[3].available), ("contract-support-bot", "contract", true));
    }

    #[test]
    fn colliding_ids_are_told_apart_by_target_name_then_target_id() {
        let settings = serde_json::json!({"kind": "openai", "base_url": "http://h/v1", "model": "gpt-4.1"});
        let first = target("a", settings.clone(), true);
        let second = target("b", settings.clone(), true);
        let echo = target("echo", serde_json::json!({"kind": "mock"}), false);
        // `openai` + model `gpt-4.1-b` would take the id the second target falls back to.
        let tricky = target("c", serde_json::json!({"kind": "openai", "base_url": "http://h/v1", "model": "gpt-4.1-b"}), true);
        let models = models_of(&[first, tricky.clone(), second.clone(), echo]);
        let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
        let fallback = format!("openai-gpt-4.1-{}", second.id);
        assert_eq!(ids, vec![EMBEDDED_MODEL_ID, MOCK_MODEL_ID, "openai-gpt-4.1", "openai-gpt-4.1-b", fallback.as_str(), "mock-echo-echo"]);
        assert_eq!(models[3].reference, format!("stored:{}", tricky.id));
    }

    #[test]
    fn an_unlisted_model_is_refused_by_name() {
        let models = models_of(&[]);
        assert!(refuse_unlisted(&models, &[MOCK_MODEL_ID.to_owned()]).is_ok());
        let error = refuse_unlisted(&models, &[MOCK_MODEL_ID.to_owned(), "openai-gpt-5".to_owned()]).expect_err("unlisted");
        assert_eq!(error.code, ErrorCode::ModelNotAvailable);
        assert!(error.message().contains("openai-gpt-5"), "{}", error.message());
    }
}
