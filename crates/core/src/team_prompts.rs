//! A team's own prompts (`/v1/prompts`): messages to send a system under test, kept with
//! tags and a description so they can be found again by relevance.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Id;

/// What a prompt says, as its author wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PromptContent {
    /// The probe config or collection the prompt belongs to (free text).
    pub config_id: String,
    /// The messages, each a map such as `{"role": "user", "content": "…"}`.
    pub text: Vec<BTreeMap<String, String>>,
    pub tags: Vec<String>,
    pub description: String,
    pub is_runtime: bool,
}

impl PromptContent {
    /// Everything a search should find the prompt by: every message value, the description,
    /// the tags and the config id, one per line.
    pub fn search_text(&self) -> String {
        let messages = self.text.iter().flat_map(|message| message.values().cloned());
        messages
            .chain(std::iter::once(self.description.clone()))
            .chain(self.tags.iter().cloned())
            .chain(std::iter::once(self.config_id.clone()))
            .filter(|part| !part.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamPrompt {
    pub id: Id,
    pub team_id: Id,
    pub content: PromptContent,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A prompt found by a search, with its relevance (higher is better; comparable only within
/// one search).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundPrompt {
    pub prompt: TeamPrompt,
    pub relevance: f64,
}

/// The words of a search query, lowercased: runs of letters and digits, at most 32 of them.
/// Everything else (quotes, operators, punctuation) is dropped, so no input can break the
/// full-text query it is turned into.
pub fn search_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in query.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let word = word.to_lowercase();
        if !terms.contains(&word) {
            terms.push(word);
        }
    }
    terms.truncate(32);
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_terms_keep_only_words() {
        assert_eq!(search_terms("Refund \"policy\" OR NEAR(x) -- ümlaut's"), ["refund", "policy", "or", "near", "x", "ümlaut", "s"]);
        assert!(search_terms("  *:()\"' ").is_empty());
        assert_eq!(search_terms("a a A").len(), 1);
    }

    #[test]
    fn search_text_holds_messages_description_and_tags() {
        let content = PromptContent {
            config_id: "support".into(),
            text: vec![BTreeMap::from([("role".to_owned(), "user".to_owned()), ("content".to_owned(), "Where is my parcel?".to_owned())])],
            tags: vec!["shipping".into()],
            description: "Delivery status".into(),
            is_runtime: false,
        };
        let text = content.search_text();
        for part in ["Where is my parcel?", "Delivery status", "shipping", "support"] {
            assert!(text.contains(part), "{text}");
        }
    }
}
