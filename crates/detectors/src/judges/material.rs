//! What a judge is shown: each [`Part`] a definition names, read from the detection input and
//! the detector's params, and rendered for the prompt.
//!
//! `DetectionInput` has one `context` string and no conversation, so two shapes are read from
//! it: a JSON array of strings is a list of passages (numbered in order for the judge), and a
//! JSON array of `{role, content}` messages is the conversation before the final exchange
//! (`input`, then `output`). Anything else in `context` is plain text.

use assay_core::{DetectionInput, DetectorError};
use serde::{Deserialize, Serialize};

use super::{JudgeDef, Params, Part};

/// The fenced blocks of one judge prompt: (tag, text), in the order the definition shows them.
pub(super) fn gather(def: &JudgeDef, input: &DetectionInput, params: &Params) -> Result<Vec<(&'static str, String)>, DetectorError> {
    let mut blocks = Vec::with_capacity(def.shows.len() + 1);
    for &part in def.shows {
        match part_text(part, input, params) {
            Some(text) => {
                if part == Part::Conversation
                    && let Some(background) = non_blank(&input.context).filter(|c| messages(c).is_none())
                {
                    // Plain text where a conversation was expected: shown, as what it is.
                    blocks.push((Part::Passages.tag(), background.to_owned()));
                }
                blocks.push((part.tag(), text));
            }
            None if def.needs.contains(&part) => {
                return Err(DetectorError::MissingInput(format!("{} needs {}", def.info.id, part.what())));
            }
            None => {}
        }
    }
    Ok(blocks)
}

fn part_text(part: Part, input: &DetectionInput, params: &Params) -> Option<String> {
    let text = match part {
        Part::Input => non_blank(&input.input)?.to_owned(),
        Part::Output => input.output.clone(),
        Part::Expected => non_blank(&input.expected)?.to_owned(),
        Part::Passages => passages(non_blank(&input.context)?),
        Part::Conversation => conversation(input)?,
        Part::Policy => non_blank(&params.policy).or_else(|| non_blank(&input.context))?.to_owned(),
        Part::Role => non_blank(&params.role).or_else(|| non_blank(&input.expected))?.to_owned(),
        Part::Instructions => non_blank(&params.instructions)?.to_owned(),
    };
    Some(text)
}

fn non_blank(text: &Option<String>) -> Option<&str> {
    text.as_deref().filter(|t| !t.trim().is_empty())
}

/// A JSON array of strings becomes "[1] …", "[2] …" (rank order matters to precision);
/// anything else is one passage, as written.
fn passages(context: &str) -> String {
    match serde_json::from_str::<Vec<String>>(context) {
        Ok(list) if !list.is_empty() => {
            list.iter().enumerate().map(|(i, passage)| format!("[{}] {}", i + 1, passage.trim())).collect::<Vec<_>>().join("\n\n")
        }
        _ => context.to_owned(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Turn {
    role: String,
    content: String,
}

/// `context` read as a conversation: a JSON array of `{role, content}` with roles user,
/// assistant or system.
fn messages(context: &str) -> Option<Vec<Turn>> {
    let mut turns: Vec<Turn> = serde_json::from_str(context).ok()?;
    for turn in &mut turns {
        turn.role = turn.role.to_ascii_lowercase();
        if !matches!(turn.role.as_str(), "user" | "assistant" | "system") {
            return None;
        }
    }
    Some(turns)
}

/// The conversation as pretty JSON: the earlier turns from `context`, then the final exchange
/// unless the earlier turns already end with it. JSON keeps each message's text inside its
/// quotes, so a reply cannot forge a turn of the other speaker.
fn conversation(input: &DetectionInput) -> Option<String> {
    let mut turns = non_blank(&input.context).and_then(messages).unwrap_or_default();
    let user = non_blank(&input.input).map(|prompt| Turn { role: "user".into(), content: prompt.to_owned() });
    let assistant = (!input.output.trim().is_empty()).then(|| Turn { role: "assistant".into(), content: input.output.clone() });
    let last_exchange: Vec<Turn> = user.into_iter().chain(assistant).collect();
    if !turns.ends_with(&last_exchange) {
        // The earlier turns may end with the final prompt, awaiting this reply.
        let overlap = usize::from(last_exchange.len() == 2 && turns.ends_with(&last_exchange[..1]));
        turns.extend_from_slice(&last_exchange[overlap..]);
    }
    if turns.is_empty() {
        return None;
    }
    serde_json::to_string_pretty(&turns).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_context(context: &str, prompt: &str, output: &str) -> DetectionInput {
        DetectionInput {
            context: Some(context.into()),
            input: (!prompt.is_empty()).then(|| prompt.into()),
            ..DetectionInput::output(output)
        }
    }

    fn turns(rendered: &str) -> Vec<(String, String)> {
        let turns: Vec<Turn> = serde_json::from_str(rendered).expect("conversation is JSON");
        turns.into_iter().map(|t| (t.role, t.content)).collect()
    }

    fn pair(role: &str, content: &str) -> (String, String) {
        (role.to_owned(), content.to_owned())
    }

    #[test]
    fn the_conversation_is_the_earlier_turns_then_the_final_exchange() {
        let input = with_context(
            r#"[{"role": "user", "content": "I'm Ana."}, {"role": "Assistant", "content": "Hi Ana!"}]"#,
            "What's my name?",
            "Your name is Ana.",
        );
        let rendered = conversation(&input).expect("a conversation");
        assert_eq!(
            turns(&rendered),
            [
                pair("user", "I'm Ana."),
                pair("assistant", "Hi Ana!"),
                pair("user", "What's my name?"),
                pair("assistant", "Your name is Ana.")
            ]
        );
    }

    #[test]
    fn a_context_that_already_ends_with_the_final_exchange_is_not_repeated() {
        let context = r#"[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]"#;
        let rendered = conversation(&with_context(context, "Hi", "Hello!")).expect("a conversation");
        assert_eq!(turns(&rendered), [pair("user", "Hi"), pair("assistant", "Hello!")]);
    }

    #[test]
    fn a_context_that_ends_with_the_final_prompt_gets_only_the_reply() {
        let context = r#"[{"role": "user", "content": "Hi"}]"#;
        let rendered = conversation(&with_context(context, "Hi", "Hello!")).expect("a conversation");
        assert_eq!(turns(&rendered), [pair("user", "Hi"), pair("assistant", "Hello!")]);
    }

    #[test]
    fn without_earlier_turns_the_conversation_is_the_final_exchange() {
        let input = DetectionInput { input: Some("Hi".into()), ..DetectionInput::output("Hello!") };
        assert_eq!(turns(&conversation(&input).expect("a conversation")), [pair("user", "Hi"), pair("assistant", "Hello!")]);
        assert_eq!(conversation(&DetectionInput::output("  ")), None);
    }

    #[test]
    fn only_user_assistant_and_system_messages_make_a_conversation() {
        assert!(messages(r#"[{"role": "system", "content": "Be brief."}]"#).is_some());
        assert!(messages(r#"[{"role": "narrator", "content": "Meanwhile…"}]"#).is_none());
        assert!(messages(r#"["a passage"]"#).is_none());
        assert!(messages("plain text").is_none());
    }

    #[test]
    fn a_list_of_passages_is_numbered_in_order_and_plain_text_is_kept() {
        assert_eq!(passages(r#"["Paris is in France.", " Lyon too. "]"#), "[1] Paris is in France.\n\n[2] Lyon too.");
        assert_eq!(passages("Paris is in France."), "Paris is in France.");
        assert_eq!(passages("[]"), "[]");
    }
}
