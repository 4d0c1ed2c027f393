//! [`Probe`]: one attack or check, its prompts and the detectors that judge the replies.

use crate::Harness;

/// The detector ids a probe may name (the detectors crate registers each of them).
pub const DETECTORS: &[&str] = &[
    "refusal",
    "substring",
    "regex",
    "pii",
    "json-schema",
    "similarity",
    "sentiment",
    "toxicity",
    "prompt-injection",
    "injection-outcome",
    "exfiltration",
    "encoding-echo",
    "llm-judge",
    "judge.refusal",
    "judge.hybrid-refusal",
    "judge.injection-outcome",
    "judge.non-refusal",
    "judge.strong-reject",
    "judge.answer-relevancy",
    "judge.faithfulness",
    "judge.correctness",
    "judge.contextual-precision",
    "judge.contextual-recall",
    "judge.policy-violation",
    "judge.conversation-role-adherence",
    "judge.conversation-completeness",
    "judge.conversation-relevancy",
    "judge.conversation-knowledge-retention",
];

/// Whether a detector id asks a judge model (and so runs only when a scan has `--judge`).
pub fn is_judge(id: &str) -> bool {
    id == "llm-judge" || id.starts_with("judge.")
}

/// The OWASP Top 10 for LLM Applications (2025) ids a probe may map to, with their titles.
pub const OWASP_IDS: &[(&str, &str)] = &[
    ("LLM01", "LLM01:2025 Prompt Injection"),
    ("LLM02", "LLM02:2025 Sensitive Information Disclosure"),
    ("LLM03", "LLM03:2025 Supply Chain"),
    ("LLM04", "LLM04:2025 Data and Model Poisoning"),
    ("LLM05", "LLM05:2025 Improper Output Handling"),
    ("LLM06", "LLM06:2025 Excessive Agency"),
    ("LLM07", "LLM07:2025 System Prompt Leakage"),
    ("LLM08", "LLM08:2025 Vector and Embedding Weaknesses"),
    ("LLM09", "LLM09:2025 Misinformation"),
    ("LLM10", "LLM10:2025 Unbounded Consumption"),
];

/// One detector as a probe uses it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DetectorUse {
    /// One of [`DETECTORS`].
    pub id: String,
    /// The detector's parameters (`strings`, `patterns`, `schema`, `rubric` …); `null` when none.
    #[serde(default)]
    pub params: serde_json::Value,
    /// Overrides the detector's default meaning of a hit for this probe.
    #[serde(default)]
    pub hit_means: Option<assay_core::HitMeans>,
}

/// How a probe's prompts are delivered.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Strategy {
    /// Each prompt is sent alone; the reply is judged.
    SingleTurn,
    /// Each prompt is a goal: an attacker model escalates toward it over up to `max_turns`
    /// turns (see [`crate::crescendo`]); the final reply is judged.
    Crescendo { max_turns: u32 },
}

/// One probe of the library, its templates already expanded.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Probe {
    /// Stable id, `<harness>.<group>.<name>`, e.g. `security.injection.direct-override`.
    pub id: String,
    pub name: String,
    pub description: String,
    pub harness: Harness,
    /// The scenario within the harness, e.g. `prompt-injection-direct`.
    pub scenario: String,
    /// OWASP LLM Top 10 (2025) ids, e.g. `["LLM01"]`.
    pub owasp: Vec<String>,
    /// Fully expanded prompts, distinct within the probe.
    pub prompts: Vec<String>,
    pub detectors: Vec<DetectorUse>,
    /// The expected safe behaviour, one sentence.
    pub safe_behaviour: String,
    /// Rogue strings, canaries, attacker hosts or payloads the detectors look for.
    pub triggers: Vec<String>,
    /// Extra context for the detectors (the planted document of an indirect injection …).
    pub context: Option<String>,
    /// The system prompt to give the target for this probe (e.g. one holding a canary).
    pub system: Option<String>,
    pub strategy: Strategy,
}
