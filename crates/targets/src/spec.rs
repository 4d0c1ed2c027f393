//! Target specs on the command line (`assay chat --target SPEC`):
//!
//! | SPEC | target |
//! |---|---|
//! | `mock` | the in-process mock (echoes) |
//! | `contract+http://host:port/chat` | a contract endpoint (path = chat path) |
//! | `openai+http://host:port/v1#model` | an OpenAI-compatible API |
//! | `anthropic+https://api.anthropic.com#model` | the Anthropic Messages API |
//! | `local` | the embedded model (pulled into the data dir on first use) |
//! | `local:PATH` | another GGUF model file run in process the same way (for measuring judges) |
//!
//! The key, if any, comes from `--key` or the environment (`ASSAY_TARGET_KEY`, else
//! `OPENAI_API_KEY` / `ANTHROPIC_API_KEY` for those kinds). Contract keys are sent as Bearer.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use assay_core::Target;

use crate::Error;
use crate::anthropic::{AnthropicConfig, AnthropicTarget};
use crate::contract::{Auth, ContractConfig, ContractTarget};
use crate::local::{LocalTarget, Progress};
use crate::mock::MockTarget;
use crate::openai::{OpenAiConfig, OpenAiTarget};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSpec {
    Mock,
    Local,
    LocalFile(PathBuf),
    Contract { base_url: String, chat_path: String },
    OpenAi { base_url: String, model: String },
    Anthropic { base_url: String, model: String },
}

impl TargetSpec {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let invalid = || Error::InvalidSpec(raw.to_owned());
        match raw {
            "mock" => return Ok(Self::Mock),
            "local" => return Ok(Self::Local),
            _ => {}
        }
        if let Some(path) = raw.strip_prefix("local:") {
            return if path.is_empty() { Err(invalid()) } else { Ok(Self::LocalFile(PathBuf::from(path))) };
        }
        let (kind, rest) = raw.split_once('+').ok_or_else(invalid)?;
        let (scheme, after_scheme) = rest.split_once("://").ok_or_else(invalid)?;
        if scheme != "http" && scheme != "https" {
            return Err(invalid());
        }
        match kind {
            "contract" => {
                let (host, path) = after_scheme.split_once('/').map_or((after_scheme, "chat"), |(h, p)| (h, p));
                if host.is_empty() {
                    return Err(invalid());
                }
                let chat_path = if path.is_empty() { "/chat".to_owned() } else { format!("/{path}") };
                Ok(Self::Contract { base_url: format!("{scheme}://{host}"), chat_path })
            }
            "openai" | "anthropic" => {
                let (url, model) = rest.rsplit_once('#').ok_or_else(invalid)?;
                if model.is_empty() {
                    return Err(invalid());
                }
                let (base_url, model) = (url.to_owned(), model.to_owned());
                Ok(if kind == "openai" { Self::OpenAi { base_url, model } } else { Self::Anthropic { base_url, model } })
            }
            _ => Err(invalid()),
        }
    }

    /// Builds the target; `key` overrides the environment; the embedded model lives in
    /// `data_dir` and reports first-use progress to `progress`.
    pub fn build(&self, key: Option<String>, data_dir: &Path, progress: Progress) -> Result<Arc<dyn Target>, Error> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let key = key.or_else(|| env("ASSAY_TARGET_KEY"));
        Ok(match self {
            Self::Mock => Arc::new(MockTarget::default()),
            Self::Local => Arc::new(LocalTarget::new(data_dir.to_owned(), progress)),
            Self::LocalFile(path) => Arc::new(LocalTarget::from_file(path.clone(), progress)),
            Self::Contract { base_url, chat_path } => Arc::new(ContractTarget::new(ContractConfig {
                base_url: base_url.clone(),
                chat_path: chat_path.clone(),
                sessions_path: None,
                auth: key.map_or(Auth::None, Auth::Bearer),
            })?),
            Self::OpenAi { base_url, model } => Arc::new(OpenAiTarget::new(OpenAiConfig {
                base_url: base_url.clone(),
                api_key: key.or_else(|| env("OPENAI_API_KEY")),
                model: model.clone(),
                azure_api_version: None,
            })?),
            Self::Anthropic { base_url, model } => Arc::new(AnthropicTarget::new(AnthropicConfig {
                base_url: base_url.clone(),
                api_key: key.or_else(|| env("ANTHROPIC_API_KEY")).ok_or_else(|| Error::MissingKey("anthropic".into()))?,
                model: model.clone(),
                version: None,
            })?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_form_parses() {
        assert_eq!(TargetSpec::parse("mock").ok(), Some(TargetSpec::Mock));
        assert_eq!(TargetSpec::parse("local").ok(), Some(TargetSpec::Local));
        assert_eq!(TargetSpec::parse("local:/models/gemma.gguf").ok(), Some(TargetSpec::LocalFile("/models/gemma.gguf".into())));
        assert_eq!(
            TargetSpec::parse("contract+http://127.0.0.1:8080/v1/chat").ok(),
            Some(TargetSpec::Contract { base_url: "http://127.0.0.1:8080".into(), chat_path: "/v1/chat".into() })
        );
        assert_eq!(
            TargetSpec::parse("contract+http://h:1").ok(),
            Some(TargetSpec::Contract { base_url: "http://h:1".into(), chat_path: "/chat".into() })
        );
        assert_eq!(
            TargetSpec::parse("openai+http://127.0.0.1:11434/v1#llama3").ok(),
            Some(TargetSpec::OpenAi { base_url: "http://127.0.0.1:11434/v1".into(), model: "llama3".into() })
        );
        assert_eq!(
            TargetSpec::parse("anthropic+https://api.anthropic.com#claude").ok(),
            Some(TargetSpec::Anthropic { base_url: "https://api.anthropic.com".into(), model: "claude".into() })
        );
    }

    #[test]
    fn malformed_specs_are_refused() {
        for bad in [
            "",
            "local:",
            "openai",
            "openai+http://h/v1",
            "openai+http://h/v1#",
            "ftp+http://h",
            "contract+ftp://h/chat",
            "contract+http:///chat",
        ] {
            assert!(TargetSpec::parse(bad).is_err(), "{bad}");
        }
    }
}
