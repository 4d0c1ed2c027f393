//! Builds a live, reliable target from stored settings and the decrypted credential.

use std::sync::Arc;
use std::time::Duration;

use assay_core::{Target, TargetKind, TargetLimits, TargetSettings};

use crate::anthropic::{AnthropicConfig, AnthropicTarget};
use crate::bedrock::{BedrockConfig, BedrockTarget};
use crate::bedrock_agents::{BedrockAgentConfig, BedrockAgentTarget};
use crate::contract::{Auth, ContractConfig, ContractTarget};
use crate::mock::{Behavior, MockTarget, ReplyMode};
use crate::openai::{OpenAiConfig, OpenAiTarget};
use crate::sigv4::AwsCredentials;
use crate::vertex::{VertexConfig, VertexTarget};
use crate::{Error, Pace, Policy, Reliable};

/// The reliability policy a target's stored limits ask for.
pub fn policy_for(limits: &TargetLimits) -> Policy {
    let default = Policy::default();
    Policy {
        timeout: limits.timeout_ms.map_or(default.timeout, Duration::from_millis),
        max_retries: limits.max_retries.unwrap_or(default.max_retries),
        max_concurrency: limits.max_concurrency.map_or(default.max_concurrency, |n| n.max(1) as usize),
        rate_limit_per_interval: limits.rate_limit_per_interval.or(default.rate_limit_per_interval),
        rate_limit_interval: limits.rate_limit_interval.map_or(default.rate_limit_interval, Duration::from_secs),
        adaptive: limits.adaptive.unwrap_or(default.adaptive),
        ..default
    }
}

/// Where `local` targets find the embedded model, and where first-use progress goes.
#[derive(Debug, Clone)]
pub struct LocalModel {
    pub data_dir: std::path::PathBuf,
    pub progress: crate::local::Progress,
}

/// Checks settings without building: what a create or update must refuse.
pub fn validate(settings: &TargetSettings) -> Result<(), Error> {
    if matches!(settings.kind, TargetKind::Bedrock | TargetKind::Vertex | TargetKind::BedrockAgent) {
        // Their settings are in the credential, which is not at hand here.
        return required(&settings.model, "model", settings.kind).map(|_| ());
    }
    let nowhere = LocalModel { data_dir: std::path::PathBuf::new(), progress: |_| {} };
    build_raw(settings, Some("validation-only"), &nowhere).map(|_| ())
}

fn required<'a>(value: &'a Option<String>, what: &str, kind: TargetKind) -> Result<&'a str, Error> {
    value.as_deref().filter(|v| !v.is_empty()).ok_or_else(|| Error::Settings(format!("a {} target needs `{what}`", kind.as_str())))
}

fn build_raw(settings: &TargetSettings, credential: Option<&str>, local: &LocalModel) -> Result<Arc<dyn Target>, Error> {
    let target = build_kind(settings, credential, local)?;
    Ok(match settings.system_prompt.as_deref().filter(|prompt| !prompt.trim().is_empty()) {
        Some(prompt) => Arc::new(crate::system_prompt::WithSystemPrompt::new(target, prompt)),
        None => target,
    })
}

fn build_kind(settings: &TargetSettings, credential: Option<&str>, local: &LocalModel) -> Result<Arc<dyn Target>, Error> {
    let kind = settings.kind;
    Ok(match kind {
        TargetKind::Contract => {
            let auth = match (credential, settings.auth_header.as_deref()) {
                (None, _) => Auth::None,
                (Some(secret), None) => Auth::Bearer(secret.to_owned()),
                (Some(secret), Some(header)) if header.eq_ignore_ascii_case("authorization") => Auth::Bearer(secret.to_owned()),
                (Some(secret), Some(header)) => Auth::Header { name: header.to_owned(), value: secret.to_owned() },
            };
            Arc::new(ContractTarget::new(ContractConfig {
                base_url: required(&settings.base_url, "base_url", kind)?.to_owned(),
                chat_path: settings.chat_path.clone().unwrap_or_else(|| "/chat".into()),
                sessions_path: settings.sessions_path.clone(),
                auth,
            })?)
        }
        TargetKind::Openai => Arc::new(OpenAiTarget::new(OpenAiConfig {
            base_url: required(&settings.base_url, "base_url", kind)?.to_owned(),
            api_key: credential.map(str::to_owned),
            model: required(&settings.model, "model", kind)?.to_owned(),
            azure_api_version: settings.azure_api_version.clone(),
        })?),
        TargetKind::Anthropic => Arc::new(AnthropicTarget::new(AnthropicConfig {
            base_url: settings.base_url.clone().unwrap_or_else(|| "https://api.anthropic.com".into()),
            api_key: credential.ok_or_else(|| Error::MissingKey("anthropic".into()))?.to_owned(),
            model: required(&settings.model, "model", kind)?.to_owned(),
            version: settings.anthropic_version.clone(),
        })?),
        TargetKind::Mock => {
            let reply = settings.mock_reply.clone().map_or(ReplyMode::Echo, ReplyMode::Fixed);
            Arc::new(MockTarget::new(Behavior::new(Duration::from_millis(settings.mock_latency_ms.unwrap_or(0)), reply)))
        }
        // Building is cheap: the model is pulled and loaded on first use, once per process.
        TargetKind::Local => Arc::new(crate::local::LocalTarget::new(local.data_dir.clone(), local.progress)),
        TargetKind::Bedrock => {
            let config = CredentialFields::parse(credential, kind)?;
            Arc::new(BedrockTarget::new(BedrockConfig {
                base_url: settings.base_url.clone(),
                region: config.required("region")?,
                credentials: config.aws_credentials()?,
                model: required(&settings.model, "model", kind)?.to_owned(),
            })?)
        }
        TargetKind::BedrockAgent => {
            let config = CredentialFields::parse(credential, kind)?;
            Arc::new(BedrockAgentTarget::new(BedrockAgentConfig {
                base_url: settings.base_url.clone(),
                region: config.required("region")?,
                credentials: config.aws_credentials()?,
                agent_id: config.required("agent_id")?,
                agent_alias_id: config.required("agent_alias_id")?,
            })?)
        }
        TargetKind::Vertex => {
            let config = CredentialFields::parse(credential, kind)?;
            Arc::new(VertexTarget::new(VertexConfig {
                base_url: settings.base_url.clone(),
                token_url: config.optional("token_url"),
                region: config.required("region")?,
                project_id: config.required("project_id")?,
                client_id: config.required("client_id")?,
                client_secret: config.required("client_secret")?,
                refresh_token: config.required("refresh_token")?,
                model: required(&settings.model, "model", kind)?.to_owned(),
            })?)
        }
    })
}

/// A signing hub's credential: its `hub_config` as a JSON object of strings.
struct CredentialFields {
    kind: TargetKind,
    fields: serde_json::Map<String, serde_json::Value>,
}

impl CredentialFields {
    fn parse(credential: Option<&str>, kind: TargetKind) -> Result<Self, Error> {
        let text = credential.ok_or_else(|| Error::MissingKey(kind.as_str().into()))?;
        match serde_json::from_str(text) {
            Ok(serde_json::Value::Object(fields)) => Ok(Self { kind, fields }),
            _ => Err(Error::Settings(format!("a {} credential is its hub_config as a JSON object", kind.as_str()))),
        }
    }

    fn optional(&self, name: &str) -> Option<String> {
        self.fields.get(name).and_then(serde_json::Value::as_str).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
    }

    fn required(&self, name: &str) -> Result<String, Error> {
        self.optional(name).ok_or_else(|| Error::Settings(format!("a {} target needs `{name}` in its hub_config", self.kind.as_str())))
    }

    /// The AWS keys of a Bedrock or Bedrock Agents hub_config.
    fn aws_credentials(&self) -> Result<AwsCredentials, Error> {
        Ok(AwsCredentials {
            access_key: self.required("access_key")?,
            secret_key: self.required("secret_access_key")?,
            session_token: self.optional("session_token"),
        })
    }
}

/// The target the settings describe, wrapped in the reliability layer its limits ask for.
pub fn build(settings: &TargetSettings, credential: Option<&str>, local: &LocalModel) -> Result<Arc<Reliable>, Error> {
    Ok(Arc::new(Reliable::new(build_raw(settings, credential, local)?, policy_for(&settings.limits))))
}

/// [`build`], with a rate limit paced by `pace` (given the limit: requests per interval)
/// instead of in this process: where workers share a database, they share one bucket.
pub fn build_paced(
    settings: &TargetSettings,
    credential: Option<&str>,
    local: &LocalModel,
    pace: impl FnOnce(u32, Duration) -> Arc<dyn Pace>,
) -> Result<Arc<Reliable>, Error> {
    let policy = policy_for(&settings.limits);
    let pace = policy.rate_limit_per_interval.map(|n| pace(n, policy.rate_limit_interval));
    Ok(Arc::new(Reliable::with_pace(build_raw(settings, credential, local)?, policy, pace)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(json: serde_json::Value) -> TargetSettings {
        serde_json::from_value(json).expect("settings")
    }

    #[test]
    fn each_kind_states_what_it_needs() {
        assert!(validate(&settings(serde_json::json!({"kind": "mock"}))).is_ok());
        assert!(validate(&settings(serde_json::json!({"kind": "contract", "base_url": "http://h:1"}))).is_ok());
        assert!(matches!(validate(&settings(serde_json::json!({"kind": "contract"}))), Err(Error::Settings(_))));
        assert!(matches!(validate(&settings(serde_json::json!({"kind": "openai", "base_url": "http://h/v1"}))), Err(Error::Settings(_))));
        assert!(matches!(validate(&settings(serde_json::json!({"kind": "contract", "base_url": "ftp://h"}))), Err(Error::InvalidUrl(_))));
    }

    #[test]
    fn limits_map_onto_the_policy() {
        let policy = policy_for(&TargetLimits {
            timeout_ms: Some(1500),
            max_retries: Some(0),
            max_concurrency: Some(0),
            rate_limit_per_interval: Some(10),
            rate_limit_interval: Some(1),
            adaptive: Some(false),
        });
        assert_eq!(policy.timeout, Duration::from_millis(1500));
        assert_eq!((policy.max_retries, policy.max_concurrency, policy.adaptive), (0, 1, false));
        assert_eq!((policy.rate_limit_per_interval, policy.rate_limit_interval), (Some(10), Duration::from_secs(1)));
    }
}
