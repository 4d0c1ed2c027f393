//! The assistant model's jobs for the workbench: name a prompt, optimize or remark it,
//! generate test cases, contexts and tools, and review a thread. Each job asks for one JSON
//! object, reads it leniently (a fenced block or the first balanced object in prose), checks
//! every field, and on an unusable answer asks again with the reason; after the last attempt
//! it fails with [`Error::AssistantUnusable`]. Callers never see malformed data.
//!
//! Every system prompt starts with `TASK: <name>`, so a scripted test double (and a person
//! reading logs) can tell the jobs apart.

use std::sync::Arc;

use assay_core::{CaseDefinition, ChatRequest, ContextDefinition, GenerationParams, Message, Target, ToolDefinition};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{Error, Result};

/// Asks per job: the first answer and two corrections.
pub const ATTEMPTS: u32 = 3;

/// A generated name and description for a prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Described {
    pub name: String,
    pub description: String,
}

/// A rewritten prompt and what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revised {
    pub prompt: String,
    pub notes: String,
}

/// How a thread went, judged against its expected result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadReview {
    /// `succeed`, `failed` or `not_set` (the thread is too incomplete to tell).
    pub result: String,
    pub assessment: String,
    pub recommendation: String,
    pub attributes: Vec<String>,
    /// `none`, `low` or `high`.
    pub hallucinations: String,
}

/// Problems a review may name, as the workbench's clients know them.
pub const ATTRIBUTES: [&str; 8] = [
    "missing_tools",
    "missing_context",
    "unclear_instructions",
    "conflicting_instructions",
    "tool_misuse",
    "off_topic",
    "too_verbose",
    "unsafe_content",
];

/// The assistant: one target (the embedded model unless configured otherwise).
#[derive(Clone)]
pub struct Assistant {
    target: Arc<dyn Target>,
}

impl Assistant {
    pub fn new(target: Arc<dyn Target>) -> Self {
        Self { target }
    }

    pub fn target(&self) -> &Arc<dyn Target> {
        &self.target
    }

    /// A short name and a one-sentence description of what `prompt` makes a model do.
    pub async fn describe(&self, prompt: &str) -> Result<Described> {
        let system = "TASK: describe\nYou name prompts. Read the prompt the user sends and answer with only a JSON object: \
             {\"name\": \"a title of at most 8 words\", \"description\": \"one sentence saying what the prompt makes a model do\"}";
        self.ask(system, prompt, 128, |object| {
            Ok(Described { name: text_field(object, "name", 120)?, description: text_field(object, "description", 1000)? })
        })
        .await
    }

    /// A clearer, more complete version of `prompt`.
    pub async fn optimize(&self, prompt: &str) -> Result<Revised> {
        self.remark(prompt, "").await
    }

    /// `prompt` rewritten to follow `remarks` (empty: a general optimization).
    pub async fn remark(&self, prompt: &str, remarks: &str) -> Result<Revised> {
        let (task, ask) = if remarks.trim().is_empty() {
            ("optimize", "Improve it: make the instructions clear, specific and complete, keeping its intent.".to_owned())
        } else {
            ("remark", format!("Rewrite it to follow these remarks: {remarks}"))
        };
        let system = format!(
            "TASK: {task}\nYou improve system prompts for AI assistants. The user sends a prompt. {ask}\n\
             Answer with only a JSON object: {{\"prompt\": \"the full improved prompt\", \"notes\": \"what you changed and why\"}}"
        );
        self.ask(&system, prompt, 1024, |object| {
            Ok(Revised { prompt: text_field(object, "prompt", 100_000)?, notes: optional_text(object, "notes") })
        })
        .await
    }

    /// A new test case for `prompt`, different from `existing` (titles or descriptions).
    pub async fn gen_testcase(&self, prompt: &str, existing: &[String], transcript: Option<&str>) -> Result<CaseDefinition> {
        let mut user = format!("Prompt under test:\n{prompt}\n");
        if !existing.is_empty() {
            user.push_str(&format!("\nExisting test cases (write a different one):\n- {}\n", existing.join("\n- ")));
        }
        if let Some(transcript) = transcript.filter(|t| !t.trim().is_empty()) {
            user.push_str(&format!("\nBase the case on this conversation:\n{transcript}\n"));
        }
        let system = "TASK: gen-testcase\nYou write test cases for AI assistants: a user with a goal talks to the assistant. \
             Answer with only a JSON object: {\"title\": \"short title\", \"scenario\": \"who the user is and what they want\", \
             \"expectedResult\": \"what the assistant must achieve\", \"responseThreshold\": 5}";
        self.ask(system, &user, 384, |object| {
            let threshold = object
                .get("responseThreshold")
                .and_then(Value::as_u64)
                .unwrap_or(u64::from(assay_core::workbench::DEFAULT_RESPONSE_THRESHOLD));
            let threshold = u32::try_from(threshold.clamp(1, u64::from(assay_core::workbench::MAX_RESPONSE_THRESHOLD))).unwrap_or(1);
            Ok(CaseDefinition {
                title: text_field(object, "title", 200)?,
                scenario: text_field(object, "scenario", 5000)?,
                expected_result: text_field(object, "expectedResult", 5000)?,
                response_threshold: threshold,
            })
        })
        .await
    }

    /// A new context (background knowledge) the prompt's assistant would need.
    pub async fn gen_context(&self, prompt: &str, cases: &[Value], tools: &[Value], contexts: &[Value]) -> Result<ContextDefinition> {
        let user = format!(
            "Prompt under test:\n{prompt}\n\nTest cases: {}\nTools: {}\nExisting contexts (write a different one): {}",
            Value::from(cases.to_vec()),
            Value::from(tools.to_vec()),
            Value::from(contexts.to_vec())
        );
        let system = "TASK: gen-context\nYou write background knowledge (policies, product facts, reference data) that an AI \
             assistant needs to handle its test cases. Answer with only a JSON object: \
             {\"name\": \"short name\", \"content\": \"the knowledge itself\"}";
        self.ask(system, &user, 512, |object| {
            Ok(ContextDefinition { name: text_field(object, "name", 200)?, content: text_field(object, "content", 20_000)? })
        })
        .await
    }

    /// A new tool definition whose `parameters` is a valid JSON Schema (draft 2020-12) object.
    pub async fn gen_tool(&self, prompt: &str, cases: &[Value], tools: &[Value]) -> Result<ToolDefinition> {
        let user = format!(
            "Prompt under test:\n{prompt}\n\nTest cases: {}\nExisting tools (write a different one): {}",
            Value::from(cases.to_vec()),
            Value::from(tools.to_vec())
        );
        let system = "TASK: gen-tool\nYou design tools (functions) an AI assistant can call to handle its test cases. \
             Answer with only a JSON object: {\"name\": \"snake_case_name\", \"description\": \"what it does\", \
             \"parameters\": {\"type\": \"object\", \"properties\": {\"arg\": {\"type\": \"string\", \"description\": \"...\"}}, \"required\": [\"arg\"]}}";
        self.ask(system, &user, 512, |object| {
            let name = text_field(object, "name", 64)?;
            if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
                return Err(format!("\"name\" must be letters, digits, '_' or '-', not {name:?}"));
            }
            let parameters = object.get("parameters").cloned().ok_or("\"parameters\" is missing")?;
            check_parameters_schema(&parameters)?;
            Ok(ToolDefinition { name, description: text_field(object, "description", 2000)?, parameters })
        })
        .await
    }

    /// Judges a thread: did it reach `expected` within `threshold` assistant replies?
    pub async fn review_thread(&self, thread: &str, expected: Option<&str>, threshold: u32) -> Result<ThreadReview> {
        let expected = expected.filter(|e| !e.trim().is_empty()).unwrap_or("the user's request is fully and correctly handled");
        let system = format!(
            "TASK: thread-review\nYou review a conversation between a user and an AI assistant (with its instructions, \
             context and tool calls). Expected result: {expected}\nThe assistant may use at most {threshold} replies to the user.\n\
             Answer with only a JSON object: {{\"result\": \"succeed\" or \"failed\" or \"not_set\" (too incomplete to tell), \
             \"assessment\": \"what happened\", \"recommendation\": \"how to improve the instructions\", \
             \"attributes\": [problems from: {}], \"hallucinations\": \"none\" or \"low\" or \"high\"}}",
            ATTRIBUTES.join(", ")
        );
        self.ask(&system, thread, 320, read_review).await
    }

    /// One job: ask, read, check; ask again with the reason until an answer is usable.
    /// `max_tokens` bounds each answer: a small model that never closes its JSON would
    /// otherwise run to the end of its context three times over.
    pub(crate) async fn ask<T>(
        &self,
        system: &str,
        user: &str,
        max_tokens: u32,
        read: impl Fn(&Map<String, Value>) -> Result<T, String>,
    ) -> Result<T> {
        let mut messages = vec![Message::user(user)];
        let mut reason = String::new();
        for attempt in 1..=ATTEMPTS {
            let request = ChatRequest {
                system: Some(system.to_owned()),
                messages: messages.clone(),
                params: GenerationParams { max_tokens: Some(max_tokens), temperature: Some(0.2), ..GenerationParams::default() },
                ..ChatRequest::default()
            };
            let reply = self.target.chat(&request).await.map_err(Error::AssistantUnavailable)?;
            let outcome =
                json_object(&reply.text).ok_or_else(|| "the answer holds no JSON object".to_owned()).and_then(|object| read(&object));
            match outcome {
                Ok(value) => return Ok(value),
                Err(why) => {
                    tracing::debug!(attempt, reason = %why, "the assistant's answer was unusable");
                    reason = why;
                    messages.push(Message::assistant(reply.text));
                    messages.push(Message::user(format!("That answer was unusable: {reason}. Answer again with only the JSON object.")));
                }
            }
        }
        Err(Error::AssistantUnusable { attempts: ATTEMPTS, reason })
    }
}

/// Reads a review object; shared by thread reviews and the case judge.
pub fn read_review(object: &Map<String, Value>) -> Result<ThreadReview, String> {
    let result = match text_field(object, "result", 40)?.to_ascii_lowercase().as_str() {
        "succeed" | "succeeded" | "success" | "passed" | "pass" => "succeed",
        "failed" | "fail" | "failure" => "failed",
        "not_set" | "not set" | "unknown" => "not_set",
        other => return Err(format!("\"result\" must be succeed, failed or not_set, not {other:?}")),
    };
    let hallucinations = match optional_text(object, "hallucinations").to_ascii_lowercase().as_str() {
        "" | "none" | "no" => "none",
        "low" | "some" | "minor" => "low",
        "high" | "many" | "severe" => "high",
        other => return Err(format!("\"hallucinations\" must be none, low or high, not {other:?}")),
    };
    let attributes = match object.get("attributes") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|s| s.trim().to_ascii_lowercase().replace([' ', '-'], "_"))
            .filter(|s| !s.is_empty() && s.len() <= 64)
            .collect(),
        Some(_) => return Err("\"attributes\" must be a list of strings".into()),
    };
    Ok(ThreadReview {
        result: result.to_owned(),
        assessment: text_field(object, "assessment", 5000).or_else(|_| text_field(object, "assesment", 5000))?,
        recommendation: optional_text(object, "recommendation"),
        attributes,
        hallucinations: hallucinations.to_owned(),
    })
}

/// A required, non-empty string field of at most `max` characters.
pub(crate) fn text_field(object: &Map<String, Value>, name: &str, max: usize) -> Result<String, String> {
    let text = object.get(name).and_then(Value::as_str).map(str::trim).ok_or_else(|| format!("\"{name}\" is missing or not a string"))?;
    if text.is_empty() {
        return Err(format!("\"{name}\" is empty"));
    }
    if text.chars().count() > max {
        return Err(format!("\"{name}\" is longer than {max} characters"));
    }
    Ok(text.to_owned())
}

fn optional_text(object: &Map<String, Value>, name: &str) -> String {
    object.get(name).and_then(Value::as_str).map(str::trim).unwrap_or_default().to_owned()
}

/// A tool's parameters must be an object schema that compiles as JSON Schema draft 2020-12.
pub fn check_parameters_schema(parameters: &Value) -> Result<(), String> {
    if parameters.get("type").and_then(Value::as_str) != Some("object") {
        return Err("\"parameters\" must be a JSON Schema with \"type\": \"object\"".into());
    }
    jsonschema::draft202012::options().build(parameters).map(|_| ()).map_err(|e| format!("\"parameters\" is not a valid JSON Schema: {e}"))
}

/// The JSON object in a model's answer: a fenced ```json block, the whole answer, or the first
/// balanced `{…}` that parses.
pub fn json_object(text: &str) -> Option<Map<String, Value>> {
    let parse = |candidate: &str| match serde_json::from_str::<Value>(candidate.trim()) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    };
    if let Some(start) = text.find("```") {
        let after = &text[start + 3..];
        let body_start = after.find('\n').map_or(0, |i| i + 1);
        if let Some(end) = after[body_start..].find("```")
            && let Some(map) = parse(&after[body_start..body_start + end])
        {
            return Some(map);
        }
    }
    if let Some(map) = parse(text) {
        return Some(map);
    }
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(offset) = text[from..].find('{') {
        let start = from + offset;
        if let Some(end) = balanced_end(bytes, start)
            && let Some(map) = parse(&text[start..=end])
        {
            return Some(map);
        }
        from = start + 1;
    }
    None
}

/// The index of the `}` closing the `{` at `start`, skipping braces inside strings.
fn balanced_end(bytes: &[u8], start: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (index, &byte) in bytes.iter().enumerate().skip(start) {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' => depth += 1,
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use assay_core::{ChatReply, TargetDescription, TargetError};

    use super::*;

    /// Answers with the given replies in turn and keeps the requests.
    struct Scripted {
        replies: Mutex<Vec<&'static str>>,
        requests: Mutex<Vec<ChatRequest>>,
    }

    impl Scripted {
        fn new(replies: &[&'static str]) -> Arc<Self> {
            Arc::new(Self { replies: Mutex::new(replies.iter().rev().copied().collect()), requests: Mutex::new(Vec::new()) })
        }
    }

    #[async_trait::async_trait]
    impl Target for Scripted {
        async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
            self.requests.lock().expect("lock").push(request.clone());
            let text = self.replies.lock().expect("lock").pop().unwrap_or("no more");
            Ok(ChatReply { text: text.to_owned(), usage: None, latency: std::time::Duration::ZERO, session_id: None, model: None })
        }

        fn describe(&self) -> TargetDescription {
            TargetDescription { kind: "mock".into(), model: None, sessions: false, multi_turn: true, system_prompt: true }
        }
    }

    #[test]
    fn json_is_found_in_fences_prose_and_alone() {
        assert_eq!(json_object("{\"a\": 1}").and_then(|m| m.get("a").cloned()), Some(Value::from(1)));
        let fenced = "Here you go:\n```json\n{\"a\": \"}\"}\n```\nDone.";
        assert_eq!(json_object(fenced).and_then(|m| m.get("a").cloned()), Some(Value::from("}")));
        let prose = "Sure! {not json} and then {\"name\": \"x {y}\", \"n\": {\"m\": 2}} trailing";
        assert_eq!(json_object(prose).and_then(|m| m.get("name").cloned()), Some(Value::from("x {y}")));
        assert!(json_object("no object here").is_none());
        assert!(json_object("[1, 2]").is_none());
        assert!(json_object("{\"unclosed\": ").is_none());
    }

    #[tokio::test]
    async fn an_unusable_answer_is_retried_with_the_reason() {
        let target = Scripted::new(&["I think it is great", "{\"prompt\": \"\"}", "{\"prompt\": \"Be brief.\", \"notes\": \"shorter\"}"]);
        let revised = Assistant::new(target.clone()).optimize("be short pls").await.expect("third answer is usable");
        assert_eq!(revised, Revised { prompt: "Be brief.".into(), notes: "shorter".into() });
        let requests = target.requests.lock().expect("lock");
        assert_eq!(requests.len(), 3);
        assert!(requests[0].system.as_deref().is_some_and(|s| s.starts_with("TASK: optimize")));
        let last = &requests[2].messages;
        assert!(last.last().is_some_and(|m| m.content.contains("\"prompt\" is empty")), "{last:?}");
    }

    #[tokio::test]
    async fn answers_that_never_parse_fail_after_every_attempt() {
        let target = Scripted::new(&["nope", "still nope", "{\"name\": 3}"]);
        let error = Assistant::new(target).describe("x").await.expect_err("never usable");
        assert!(matches!(error, Error::AssistantUnusable { attempts: ATTEMPTS, .. }), "{error}");
    }

    #[tokio::test]
    async fn a_generated_tool_needs_a_valid_object_schema() {
        let target = Scripted::new(&[
            "{\"name\": \"lookup\", \"description\": \"d\", \"parameters\": {\"type\": \"string\"}}",
            "{\"name\": \"lookup\", \"description\": \"d\", \"parameters\": {\"type\": \"object\", \"properties\": {\"q\": {\"type\": 5}}}}",
            "{\"name\": \"lookup_order\", \"description\": \"Finds an order\", \"parameters\": {\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"string\"}}, \"required\": [\"id\"]}}",
        ]);
        let tool = Assistant::new(target).gen_tool("p", &[], &[]).await.expect("third is valid");
        assert_eq!(tool.name, "lookup_order");
        assert_eq!(tool.parameters["required"], serde_json::json!(["id"]));
    }

    #[tokio::test]
    async fn a_review_normalises_its_words_and_refuses_unknown_results() {
        let target = Scripted::new(&[
            "{\"result\": \"maybe\", \"assessment\": \"a\"}",
            "```json\n{\"result\": \"Passed\", \"assesment\": \"Did it\", \"attributes\": [\"Missing Tools\"], \"hallucinations\": \"Low\"}\n```",
        ]);
        let review = Assistant::new(target).review_thread("User: hi\nAssistant: hello", Some("greets"), 5).await.expect("second is usable");
        assert_eq!(review.result, "succeed");
        assert_eq!(review.assessment, "Did it");
        assert_eq!(review.attributes, vec!["missing_tools".to_owned()]);
        assert_eq!(review.hallucinations, "low");
    }

    #[tokio::test]
    async fn a_generated_case_keeps_its_threshold_in_range() {
        let target = Scripted::new(&["{\"title\": \"t\", \"scenario\": \"s\", \"expectedResult\": \"e\", \"responseThreshold\": 900}"]);
        let case = Assistant::new(target).gen_testcase("p", &["other".into()], None).await.expect("usable");
        assert_eq!(case.response_threshold, assay_core::workbench::MAX_RESPONSE_THRESHOLD);
    }
}
