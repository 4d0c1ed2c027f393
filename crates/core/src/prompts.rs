//! Prompts with their numbered revisions, and evaluation templates: the workbench's stored
//! objects. A prompt is a named container; its text lives in revisions, numbered per prompt
//! from 1, so "the latest revision" is the one with the highest number.

use crate::Id;
use crate::workbench::{AccessMode, CaseDefinition, ContextDefinition, DefinitionError, EvaluationDefinition, ToolDefinition};

/// The name a template gets when its creator gives none.
pub const DEFAULT_TEMPLATE_NAME: &str = "Untitled evaluation";

/// How many words of a prompt make its name when no name is given and none can be generated.
const FALLBACK_NAME_WORDS: usize = 6;
/// ...and at most this many characters of them (a "word" may be a long URL).
const FALLBACK_NAME_CHARS: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub id: Id,
    pub team_id: Id,
    pub name: String,
    pub description: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptRevision {
    pub id: Id,
    pub prompt_id: Id,
    /// 1 for a prompt's first revision; each new one takes the highest number plus one.
    pub number: i64,
    pub content: String,
    /// Why this revision differs from the one before (written by the assistant or a person).
    pub notes: String,
    /// What was asked of the assistant to produce this revision (empty when nothing was).
    pub remarks: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The text of a revision about to be written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevisionText {
    pub content: String,
    pub notes: String,
    pub remarks: String,
}

impl RevisionText {
    /// Content as given, with no notes or remarks.
    pub fn plain(content: impl Into<String>) -> Self {
        Self { content: content.into(), ..Self::default() }
    }
}

/// A prompt with every revision, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptWithRevisions {
    pub prompt: Prompt,
    pub revisions: Vec<PromptRevision>,
}

impl PromptWithRevisions {
    pub fn latest(&self) -> Option<&PromptRevision> {
        self.revisions.iter().max_by_key(|revision| revision.number)
    }
}

/// Which revision is a prompt's newest, and when it was made (what a prompt list shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionStamp {
    pub id: Id,
    pub created_at: i64,
}

/// One row of a prompt list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptSummary {
    pub prompt: Prompt,
    pub revision_count: i64,
    pub latest_revision: Option<RevisionStamp>,
}

/// One page of a list, and how many items the whole list holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// A reusable evaluation: a prompt and the cases, tools, contexts and models to run it with.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationTemplate {
    pub id: Id,
    pub team_id: Id,
    pub prompt_id: Id,
    pub name: String,
    pub definition: EvaluationDefinition,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A template about to be created.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTemplate {
    pub prompt_id: Id,
    pub name: String,
    pub definition: EvaluationDefinition,
}

/// The parts of a template an update replaces; `None` keeps what is stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateChange {
    pub name: Option<String>,
    pub prompt_id: Option<Id>,
    pub cases: Option<Vec<CaseDefinition>>,
    pub tools: Option<Vec<ToolDefinition>>,
    pub contexts: Option<Vec<ContextDefinition>>,
    pub models: Option<Vec<String>>,
    pub access_mode: Option<AccessMode>,
}

impl TemplateChange {
    /// Validates the given parts. Every rule of [`EvaluationDefinition::validate`] concerns one
    /// part alone, so the parts left unchanged (already valid when stored) need no second look.
    pub fn validate(&self) -> Result<(), DefinitionError> {
        EvaluationDefinition {
            cases: self.cases.clone().unwrap_or_default(),
            tools: self.tools.clone().unwrap_or_default(),
            contexts: self.contexts.clone().unwrap_or_default(),
            models: self.models.clone().unwrap_or_default(),
            access_mode: self.access_mode.unwrap_or_default(),
        }
        .validate()
    }
}

/// A prompt name made of the prompt's first few words, for when none is given and none can be
/// generated.
pub fn fallback_prompt_name(content: &str) -> String {
    let mut words = content.split_whitespace();
    let head: Vec<&str> = words.by_ref().take(FALLBACK_NAME_WORDS).collect();
    if head.is_empty() {
        return "Untitled prompt".to_owned();
    }
    let joined = head.join(" ");
    let name: String = joined.chars().take(FALLBACK_NAME_CHARS).collect();
    let cut_short = words.next().is_some() || name.len() < joined.len();
    if cut_short { format!("{name}…") } else { name }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_name_is_the_first_words_of_the_prompt() {
        assert_eq!(fallback_prompt_name("  Write a story\nabout AI. "), "Write a story about AI.");
        assert_eq!(fallback_prompt_name("You are a helpful assistant for a bank"), "You are a helpful assistant for…");
        assert_eq!(fallback_prompt_name(" \n "), "Untitled prompt");
        assert_eq!(fallback_prompt_name(&"x".repeat(100)), format!("{}…", "x".repeat(60)));
    }

    #[test]
    fn a_template_change_names_its_first_bad_part() {
        let change = TemplateChange { models: Some(vec!["local-smollm2-135m".into(), " ".into()]), ..TemplateChange::default() };
        assert_eq!(change.validate().map_err(|e| e.field), Err("models[1]".to_owned()));
        assert!(TemplateChange { name: Some("x".into()), ..TemplateChange::default() }.validate().is_ok());
    }

    #[test]
    fn the_latest_revision_is_the_highest_numbered() {
        let prompt = Prompt {
            id: Id::generate(),
            team_id: Id::generate(),
            name: "n".into(),
            description: String::new(),
            created_at: 1,
            updated_at: 1,
        };
        let revision = |number: i64| PromptRevision {
            id: Id::generate(),
            prompt_id: prompt.id.clone(),
            number,
            content: format!("v{number}"),
            notes: String::new(),
            remarks: String::new(),
            created_at: 1,
            updated_at: 1,
        };
        let detail = PromptWithRevisions { prompt: prompt.clone(), revisions: vec![revision(1), revision(3), revision(2)] };
        assert_eq!(detail.latest().map(|r| r.number), Some(3));
        assert_eq!(PromptWithRevisions { prompt, revisions: vec![] }.latest(), None);
    }
}
