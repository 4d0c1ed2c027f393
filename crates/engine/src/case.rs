//! Scenario simulation, the workbench's job kind: a simulated user (the assistant model)
//! pursues a case's scenario against the model under test, whose system prompt is the prompt
//! revision plus the contexts; tools are offered to that model in a plain-text protocol and
//! the simulator answers their calls in character. The conversation stops when the simulator
//! says the expected result is reached or after `responseThreshold` assistant replies; the
//! judge (the assistant model again) then reviews the thread.
//!
//! Tool protocol: the model under test calls a tool by answering with a line
//! `CALL tool_name {json arguments}`; the answer comes back as a user turn starting
//! `TOOL RESULT tool_name:`. A reply with a call does not count towards the threshold (the
//! spec counts replies to the user), but at most [`MAX_TOOL_CALLS_PER_REPLY`] calls are
//! answered before the next reply must be to the user.

use std::sync::Arc;
use std::time::Instant;

use assay_core::{
    CaseDefinition, CaseOutcome, ChatRequest, ClaimedJob, EvaluationDefinition, GenerationParams, Id, JobResult, Message, Target,
    ThreadMessage, ToolDefinition, Usage, unix_now,
};
use assay_store::NewCaseJob;
use serde::{Deserialize, Serialize};

use crate::assist::Assistant;

/// Tool calls answered before the model must reply to the user.
pub const MAX_TOOL_CALLS_PER_REPLY: usize = 3;
/// What the simulator answers once the expected result is reached.
const DONE: &str = "DONE";

/// A case job's item, stored as `{"case": …}` so [`crate::execute`] can tell it from a probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseJob {
    pub case: CaseItem,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseItem {
    pub case_run_id: String,
    /// The model id the workbench shows (the target itself is the job's target index).
    pub model: String,
    /// The revision content with the contexts appended.
    pub system_prompt: String,
    pub definition: CaseDefinition,
    #[serde(default)]
    pub tools: Vec<ToolDefinition>,
    /// Reply length cap for the model under test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
}

impl CaseJob {
    /// Whether a stored job item is a case (cheap: probes start with another field).
    pub fn is_case(item: &str) -> bool {
        item.starts_with("{\"case\":")
    }
}

/// The system prompt of the model under test: the revision, then each context by name.
pub fn system_prompt(revision: &str, contexts: &[assay_core::ContextDefinition]) -> String {
    let mut system = revision.trim().to_owned();
    for context in contexts {
        let title = if context.name.trim().is_empty() { "Context" } else { context.name.trim() };
        system.push_str(&format!("\n\n## {title}\n{}", context.content.trim()));
    }
    system
}

/// A workbench evaluation expanded into its jobs: one case run per case × model of
/// `definition` (in that order, the model's position being the job's target index), each
/// model under test prompted with `prompt_content` and the contexts.
pub fn case_jobs(definition: &EvaluationDefinition, prompt_content: &str) -> crate::Result<Vec<NewCaseJob>> {
    let system = system_prompt(prompt_content, &definition.contexts);
    let mut jobs = Vec::with_capacity(definition.models.len() * definition.cases.len());
    for (index, model) in definition.models.iter().enumerate() {
        let target_index = u32::try_from(index).map_err(|_| crate::Error::InvalidSuite("too many models".into()))?;
        for case in &definition.cases {
            let case_run_id = Id::generate();
            let item = CaseJob {
                case: CaseItem {
                    case_run_id: case_run_id.to_string(),
                    model: model.clone(),
                    system_prompt: system.clone(),
                    definition: case.clone(),
                    tools: definition.tools.clone(),
                    max_tokens: None,
                },
            };
            let item = serde_json::to_string(&item).map_err(|e| crate::Error::InvalidSuite(format!("unwritable case: {e}")))?;
            jobs.push(NewCaseJob { case_run_id, target_index, model: model.clone(), definition: case.clone(), item });
        }
    }
    Ok(jobs)
}

/// The suite of a workbench evaluation: no probes; the assistant model simulates the user
/// and judges the thread.
pub fn workbench_suite(assistant_spec: &str) -> crate::Suite {
    crate::Suite { judge: Some(assistant_spec.to_owned()), attacker: Some(assistant_spec.to_owned()), ..crate::Suite::new(Vec::new()) }
}

fn tool_instructions(tools: &[ToolDefinition]) -> String {
    let mut text = String::from(
        "\n\n## Tools\nYou can call these tools. To call one, answer with only one line: CALL tool_name {\"argument\": \"value\"}\n\
         The result will come back in a message starting with TOOL RESULT.\n",
    );
    for tool in tools {
        text.push_str(&format!("- {}: {} Parameters: {}\n", tool.name, tool.description, tool.parameters));
    }
    text
}

/// A tool call found in a reply: the tool and its arguments text.
fn tool_call<'a>(reply: &'a str, tools: &'a [ToolDefinition]) -> Option<(&'a ToolDefinition, &'a str)> {
    reply.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("CALL ")?;
        let (name, arguments) = rest.split_once(char::is_whitespace).unwrap_or((rest, "{}"));
        let tool = tools.iter().find(|t| t.name == name.trim())?;
        Some((tool, arguments.trim()))
    })
}

/// Everything a run says, kept in the workbench's roles and in the target's view.
struct Conversation {
    thread: Vec<ThreadMessage>,
    /// What the model under test sees (tool results arrive as user turns).
    target_view: Vec<Message>,
    /// What the simulator sees: the roles flipped, so the model's replies are its "user".
    simulator_view: Vec<Message>,
}

impl Conversation {
    fn record(&mut self, role: &str, content: &str) {
        self.thread.push(ThreadMessage { role: role.to_owned(), content: content.to_owned(), date_created: unix_now() });
    }
}

/// Runs one case job to a result; every failure becomes the result's error.
pub async fn run_case(
    target: &Arc<dyn Target>,
    simulator: Option<&Assistant>,
    judge: Option<&Assistant>,
    job: &ClaimedJob,
    item: CaseItem,
) -> JobResult {
    let started = Instant::now();
    let date_started = unix_now();
    let mut conversation = Conversation { thread: Vec::new(), target_view: Vec::new(), simulator_view: Vec::new() };
    let mut system = item.system_prompt.clone();
    if !item.tools.is_empty() {
        system.push_str(&tool_instructions(&item.tools));
    }
    conversation.record("system", &system);
    let mut usage = Usage::default();
    let mut latencies = Vec::new();
    let outcome = match (simulator, judge) {
        (Some(simulator), Some(judge)) => {
            match converse(target, simulator, &item, &system, &mut conversation, &mut usage, &mut latencies).await {
                Ok(()) => judge_thread(judge, &item, &mut conversation).await,
                Err(error) => Err(error),
            }
        }
        _ => Err("a case needs an assistant model to simulate the user and judge the thread".to_owned()),
    };
    let avg_response_time = if latencies.is_empty() { 0 } else { latencies.iter().sum::<u64>() / latencies.len() as u64 };
    let (review, error) = match outcome {
        Ok(review) => (Some(review), None),
        Err(error) => (None, Some(error)),
    };
    let result_word = review.as_ref().map_or("not_set", |r| match r.result.as_str() {
        "succeed" => "passed",
        "failed" => "failed",
        _ => "not_set",
    });
    let passed = match (&error, result_word) {
        (Some(_), _) => None,
        (None, "passed") => Some(true),
        (None, _) => Some(false),
    };
    let case_outcome = CaseOutcome {
        case_run_id: item.case_run_id.clone(),
        result: result_word.to_owned(),
        assessment: review.as_ref().map(|r| r.assessment.clone()).unwrap_or_default(),
        recommendation: review.as_ref().map(|r| r.recommendation.clone()).unwrap_or_default(),
        attributes: review.as_ref().map(|r| r.attributes.clone()).unwrap_or_default(),
        hallucinations: review.as_ref().map_or_else(|| "none".to_owned(), |r| r.hallucinations.clone()),
        avg_response_time,
        thread: conversation.thread,
        date_started,
    };
    let first_user = case_outcome.thread.iter().find(|m| m.role == "user").map(|m| m.content.clone());
    JobResult {
        evaluation_id: job.evaluation_id.clone(),
        seq: job.seq,
        target_index: job.target_index,
        probe_id: format!("case:{}", item.case_run_id),
        harness: "workbench".into(),
        scenario: item.definition.title.clone(),
        converter: None,
        prompt: first_user.unwrap_or_else(|| item.definition.scenario.clone()),
        messages: conversation.target_view,
        passed,
        score: passed.map(|p| if p { 1.0 } else { 0.0 }),
        latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        error,
        detections: Vec::new(),
        created_at: unix_now(),
        outcome: serde_json::to_value(&case_outcome).ok(),
    }
}

/// The simulated conversation, until the simulator is satisfied or the threshold is hit.
async fn converse(
    target: &Arc<dyn Target>,
    simulator: &Assistant,
    item: &CaseItem,
    system: &str,
    conversation: &mut Conversation,
    usage: &mut Usage,
    latencies: &mut Vec<u64>,
) -> Result<(), String> {
    let persona = simulator_persona(&item.definition);
    let opening =
        simulate(simulator, &persona, &[Message::user("Start the conversation: write your first message to the assistant.")]).await?;
    push_user(conversation, &opening);
    let params = GenerationParams { max_tokens: item.max_tokens.or(Some(192)), ..GenerationParams::default() };
    for reply_number in 1..=item.definition.response_threshold {
        let mut tool_calls = 0;
        let reply = loop {
            let request = ChatRequest {
                system: Some(system.to_owned()),
                messages: conversation.target_view.clone(),
                params: params.clone(),
                ..ChatRequest::default()
            };
            let reply = target.chat(&request).await.map_err(|e| format!("model: {e}"))?;
            latencies.push(u64::try_from(reply.latency.as_millis()).unwrap_or(u64::MAX));
            if let Some(more) = reply.usage {
                usage.prompt_tokens += more.prompt_tokens;
                usage.completion_tokens += more.completion_tokens;
            }
            let call = (tool_calls < MAX_TOOL_CALLS_PER_REPLY).then(|| tool_call(&reply.text, &item.tools)).flatten();
            let Some((tool, arguments)) = call else { break reply.text };
            tool_calls += 1;
            conversation.record("assistant", &reply.text);
            conversation.target_view.push(Message::assistant(reply.text.clone()));
            let answer = simulate_tool(simulator, &item.definition, tool, arguments).await?;
            conversation.record("tool", &format!("{}({arguments}) → {answer}", tool.name));
            conversation.target_view.push(Message::user(format!("TOOL RESULT {}: {answer}", tool.name)));
        };
        conversation.record("assistant", &reply);
        conversation.target_view.push(Message::assistant(reply.clone()));
        conversation.simulator_view.push(Message::user(reply));
        if reply_number == item.definition.response_threshold {
            break;
        }
        let next = simulate(simulator, &persona, &conversation.simulator_view).await?;
        if next.trim().trim_matches(|c: char| !c.is_alphanumeric()).eq_ignore_ascii_case(DONE) {
            break;
        }
        push_user(conversation, &next);
    }
    Ok(())
}

fn push_user(conversation: &mut Conversation, text: &str) {
    conversation.record("user", text);
    conversation.target_view.push(Message::user(text));
    conversation.simulator_view.push(Message::assistant(text));
}

fn simulator_persona(case: &CaseDefinition) -> String {
    format!(
        "TASK: simulate-user\nYou play a user talking to an AI assistant. Stay in character; never say you are an AI.\n\
         Scenario: {}\nYour goal: {}\nWrite only your next message to the assistant, briefly. \
         When the assistant has fully achieved your goal, answer with only the word {DONE}.",
        if case.scenario.trim().is_empty() { &case.title } else { &case.scenario },
        if case.expected_result.trim().is_empty() { "get your request handled" } else { &case.expected_result },
    )
}

/// One simulator turn; an empty answer is an error (the thread would stall).
async fn simulate(simulator: &Assistant, persona: &str, messages: &[Message]) -> Result<String, String> {
    let request = ChatRequest {
        system: Some(persona.to_owned()),
        messages: messages.to_vec(),
        params: GenerationParams { max_tokens: Some(96), temperature: Some(0.7), ..GenerationParams::default() },
        ..ChatRequest::default()
    };
    let reply = simulator.target().chat(&request).await.map_err(|e| format!("simulator: {e}"))?;
    let text = reply.text.trim().to_owned();
    if text.is_empty() {
        return Err("simulator: an empty message".into());
    }
    Ok(text)
}

async fn simulate_tool(simulator: &Assistant, case: &CaseDefinition, tool: &ToolDefinition, arguments: &str) -> Result<String, String> {
    let persona = format!(
        "TASK: simulate-tool\nYou play the tool `{}` ({}) in this scenario: {}\nAnswer the call with a short, plausible result \
         (JSON when it fits), and nothing else.",
        tool.name, tool.description, case.scenario
    );
    simulate(simulator, &persona, &[Message::user(format!("{}({arguments})", tool.name))]).await
}

/// The judge's review of the thread, also recorded as the thread's `result` message.
async fn judge_thread(judge: &Assistant, item: &CaseItem, conversation: &mut Conversation) -> Result<crate::assist::ThreadReview, String> {
    let text = conversation
        .thread
        .iter()
        .map(|m| {
            let speaker = match m.role.as_str() {
                "system" => "System",
                "user" => "User",
                "assistant" => "Assistant",
                "tool" => "Tool",
                _ => "Note",
            };
            format!("{speaker}: {}", m.content)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let review = judge
        .review_thread(&text, Some(&item.definition.expected_result), item.definition.response_threshold)
        .await
        .map_err(|e| format!("judge: {e}"))?;
    conversation.record("result", &format!("{}: {}", review.result, review.assessment));
    Ok(review)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(name: &str) -> ToolDefinition {
        ToolDefinition { name: name.into(), description: "d".into(), parameters: serde_json::json!({}) }
    }

    #[test]
    fn a_call_line_names_a_known_tool_and_its_arguments() {
        let tools = vec![tool("lookup_order"), tool("refund")];
        let (found, arguments) = tool_call("Let me check.\nCALL lookup_order {\"id\": \"A1\"}", &tools).expect("a call");
        assert_eq!(found.name, "lookup_order");
        assert_eq!(arguments, "{\"id\": \"A1\"}");
        assert_eq!(tool_call("CALL refund", &tools).map(|(t, a)| (t.name.as_str(), a)), Some(("refund", "{}")));
        assert!(tool_call("CALL unknown {}", &tools).is_none());
        assert!(tool_call("I would CALL lookup_order now", &tools).is_none());
    }

    #[test]
    fn contexts_follow_the_revision_under_their_names() {
        let contexts = vec![assay_core::ContextDefinition { name: "Policy".into(), content: "No refunds after 30 days.".into() }];
        assert_eq!(
            system_prompt("You are a support agent.", &contexts),
            "You are a support agent.\n\n## Policy\nNo refunds after 30 days."
        );
    }

    #[test]
    fn case_items_are_told_from_probe_items() {
        let job = CaseJob {
            case: CaseItem {
                case_run_id: "x".into(),
                model: "mock-echo".into(),
                system_prompt: "s".into(),
                definition: CaseDefinition { title: "t".into(), scenario: "s".into(), expected_result: "e".into(), response_threshold: 2 },
                tools: Vec::new(),
                max_tokens: None,
            },
        };
        assert!(CaseJob::is_case(&serde_json::to_string(&job).expect("json")));
        assert!(!CaseJob::is_case("{\"probe_id\":\"a\"}"));
    }
}
