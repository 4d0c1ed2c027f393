//! Detection requests (`POST /v1/detections`): a detector run over a list of inputs off the
//! request path, each input's outcome stored with the input's id, the request then marked
//! `COMPLETED` (or `FAILED` when the detector itself could not be built).

use std::sync::Arc;

use assay_core::{DetectionInput, Detector, TrustDetection};
use assay_store::Store;
use serde_json::{Value, json};

use crate::Result;

/// How many inputs are judged at once (judge detectors call a model for each).
const CONCURRENT_INPUTS: usize = 4;

/// The detector's view of one client input: `response` is the reply; `question`, `input` or
/// `forbidden_prompt` the prompt; `ground_truth` the expected answer; `contexts` (as a JSON array) or
/// `policy` the context; `triggers` as given.
pub fn detection_input(raw: &Value) -> DetectionInput {
    let text = |key: &str| raw.get(key).and_then(Value::as_str).map(str::to_owned);
    // Ranked passages stay a JSON array, so a judge sees them numbered and in order.
    let contexts = raw.get("contexts").and_then(Value::as_array).filter(|list| !list.is_empty()).map(|list| {
        let passages: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
        serde_json::to_string(&passages).unwrap_or_default()
    });
    let triggers =
        raw.get("triggers").and_then(Value::as_array).map(|list| list.iter().filter_map(Value::as_str).map(str::to_owned).collect());
    DetectionInput {
        output: text("response").or_else(|| text("output")).unwrap_or_default(),
        input: text("question").or_else(|| text("input")).or_else(|| text("forbidden_prompt")),
        expected: text("ground_truth").or_else(|| text("expected")),
        schema: raw.get("schema").cloned(),
        triggers,
        context: contexts.filter(|c| !c.is_empty()).or_else(|| text("policy")).or_else(|| text("context")),
    }
}

/// Runs the detector `build` makes for each input (judges take an input's `policy`, `role`
/// and `instructions` as parameters) on every input of `detection`, and stores the outputs:
/// `input_id`, `score` 0..1 (how strongly it found what it looks for), `hit`, `reason`,
/// `error`.
pub async fn run_detection<B>(store: &Store, build: B, detection: &TrustDetection) -> Result<()>
where
    B: Fn(&Value) -> std::result::Result<Arc<dyn Detector>, String>,
{
    use futures_util::StreamExt;
    let outputs: Vec<Value> = futures_util::stream::iter(detection.inputs.iter().cloned())
        .map(|raw| {
            let detector = build(&raw);
            async move {
                let input_id = raw.get("id").cloned().unwrap_or(Value::Null);
                let detector = match detector {
                    Ok(detector) => detector,
                    Err(error) => {
                        return json!({
                            "id": format!("{}-out", input_id.as_str().unwrap_or_default()), "detection_id": detection.id.as_str(), "input_id": input_id,
                            "score": 0.0, "hit": Value::Null, "reason": Value::Null, "error": error, "error_message": error, "created_at": assay_core::unix_now(),
                        });
                    }
                };
                match detector.detect(&detection_input(&raw)).await {
                    Ok(found) => json!({
                        "id": format!("{}-out", input_id.as_str().unwrap_or_default()), "detection_id": detection.id.as_str(), "input_id": input_id,
                        "score": found.score, "hit": if found.unscorable { Value::Null } else { json!(found.hit) },
                        "verdict": if found.unscorable { "unscorable" } else if found.hit { "hit" } else { "no_hit" },
                        "confidence": found.confidence(), "reason": found.reasoning, "findings": found.findings, "error": Value::Null,
                        "error_message": Value::Null, "created_at": assay_core::unix_now(),
                    }),
                    Err(error) => json!({
                        "id": format!("{}-out", input_id.as_str().unwrap_or_default()), "detection_id": detection.id.as_str(), "input_id": input_id,
                        "score": 0.0, "hit": Value::Null, "reason": Value::Null, "error": error.to_string(), "error_message": error.to_string(),
                        "created_at": assay_core::unix_now(),
                    }),
                }
            }
        })
        .buffered(CONCURRENT_INPUTS)
        .collect()
        .await;
    store.finish_detection(&detection.id, "COMPLETED", &outputs, None).await?;
    Ok(())
}

/// Records that a detection could not run at all (its detector or judge could not be built).
pub async fn fail_detection(store: &Store, detection: &TrustDetection, reason: &str) -> Result<()> {
    store.finish_detection(&detection.id, "FAILED", &[], Some(reason)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_inputs_map_onto_the_detector_input() {
        let input = detection_input(&json!({
            "response": "Paris.", "question": "Capital of France?", "ground_truth": "Paris",
            "contexts": ["France's capital is Paris.", "It is large."], "triggers": ["Paris"],
        }));
        assert_eq!(input.output, "Paris.");
        assert_eq!(input.input.as_deref(), Some("Capital of France?"));
        assert_eq!(input.expected.as_deref(), Some("Paris"));
        assert_eq!(input.context.as_deref(), Some(r#"["France's capital is Paris.","It is large."]"#));
        assert_eq!(input.triggers, Some(vec!["Paris".to_owned()]));
        assert_eq!(detection_input(&json!({"response": "x", "forbidden_prompt": "how to"})).input.as_deref(), Some("how to"));
    }
}
