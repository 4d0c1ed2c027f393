//! `json-schema`: does the JSON in the reply violate a JSON Schema (draft 2020-12)? The JSON
//! is the whole reply, a fenced block, or the first balanced `{…}`/`[…]`; no JSON is a hit.

use std::sync::{Arc, Mutex};

use assay_core::{Detection, DetectionInput, Detector, DetectorError, DetectorInfo, Finding, HitMeans};
use jsonschema::Validator;
use serde::Deserialize;
use serde_json::Value;

use crate::json_extract::extract_json;
use crate::params::{invalid, parse};
use crate::text::MAX_FINDINGS;

pub(crate) static INFO: DetectorInfo = DetectorInfo {
    id: "json-schema",
    version: 1,
    description: "The reply carries no JSON, or JSON that violates the JSON Schema (draft 2020-12) from params or input.",
    hit_means: HitMeans::Fail,
};

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Params {
    schema: Option<Value>,
}

/// Schemas given per input are compiled once and kept for the next replies of the same test:
/// a handful is enough, as a run usually checks many replies against few schemas.
const CACHE_SIZE: usize = 16;

pub(crate) fn build(params: &Value) -> crate::Result<Arc<dyn Detector>> {
    let params: Params = parse(&INFO, params)?;
    let fixed = params.schema.as_ref().map(compile).transpose().map_err(|e| invalid(&INFO, e))?;
    Ok(Arc::new(JsonSchema { fixed, cache: Mutex::new(Vec::new()) }))
}

fn compile(schema: &Value) -> Result<Arc<Validator>, String> {
    // Draft 2020-12 whatever `$schema` says; formats are asserted, as a test author expects.
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .map(Arc::new)
        .map_err(|e| format!("invalid JSON Schema: {e}"))
}

struct JsonSchema {
    fixed: Option<Arc<Validator>>,
    cache: Mutex<Vec<(Value, Arc<Validator>)>>,
}

impl JsonSchema {
    fn validator_for(&self, input: &DetectionInput) -> Result<Arc<Validator>, DetectorError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let Some(schema) = &input.schema else {
            return Err(DetectorError::MissingInput("json-schema needs a schema: give params.schema or input.schema".into()));
        };
        // A poisoned lock only means another call panicked mid-push; the cache is still usable.
        let mut cache = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, validator)) = cache.iter().find(|(cached, _)| cached == schema) {
            return Ok(validator.clone());
        }
        let validator = compile(schema).map_err(DetectorError::InvalidParams)?;
        if cache.len() >= CACHE_SIZE {
            cache.remove(0);
        }
        cache.push((schema.clone(), validator.clone()));
        Ok(validator)
    }
}

#[async_trait::async_trait]
impl Detector for JsonSchema {
    fn info(&self) -> &DetectorInfo {
        &INFO
    }

    async fn detect(&self, input: &DetectionInput) -> Result<Detection, DetectorError> {
        let validator = self.validator_for(input)?;
        let Some(instance) = extract_json(&input.output) else {
            return Ok(Detection::hit(1.0, "no JSON found", Vec::new()));
        };
        let errors: Vec<Finding> = validator
            .iter_errors(&instance)
            .take(MAX_FINDINGS)
            .map(|error| {
                let path = error.instance_path().to_string();
                let path = if path.is_empty() { "/".to_owned() } else { path };
                Finding { kind: "SCHEMA_ERROR".into(), value: format!("{path}: {error}"), start: None, end: None }
            })
            .collect();
        Ok(if errors.is_empty() {
            Detection::miss("the JSON satisfies the schema")
        } else {
            Detection::hit(1.0, format!("{} schema violation(s), first: {}", errors.len(), errors[0].value), errors)
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::{build, run, run_on, try_run};

    fn person_schema() -> Value {
        json!({
            "type": "object",
            "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
            "required": ["name", "age"],
            "additionalProperties": false
        })
    }

    fn detector() -> Arc<dyn Detector> {
        build("json-schema", json!({"schema": person_schema()}))
    }

    #[test]
    fn valid_json_as_the_whole_reply_is_a_miss() {
        let detection = run_on(detector().as_ref(), r#"{"name": "Ada", "age": 36}"#);
        assert!(!detection.hit, "{}", detection.reasoning);
    }

    #[test]
    fn valid_json_in_a_fenced_block_is_a_miss() {
        let output = "Sure:\n```json\n{\"name\": \"Ada\", \"age\": 36}\n```\nAnything else?";
        assert!(!run_on(detector().as_ref(), output).hit);
    }

    #[test]
    fn invalid_json_in_a_fenced_block_is_a_hit_with_each_violation() {
        let output = "```json\n{\"name\": 7, \"age\": -1}\n```";
        let detection = run_on(detector().as_ref(), output);
        assert!(detection.hit);
        let values: Vec<_> = detection.findings.iter().map(|f| f.value.as_str()).collect();
        assert!(values.iter().any(|v| v.starts_with("/name: ")), "{values:?}");
        assert!(values.iter().any(|v| v.starts_with("/age: ")), "{values:?}");
        assert!(detection.findings.iter().all(|f| f.kind == "SCHEMA_ERROR" && f.start.is_none()));
    }

    #[test]
    fn a_root_violation_names_the_root() {
        let detection = run_on(detector().as_ref(), r#"{"name": "Ada"}"#);
        assert!(detection.hit);
        assert!(detection.findings[0].value.starts_with("/: "), "{}", detection.findings[0].value);
    }

    #[test]
    fn json_embedded_in_prose_is_found() {
        let output = r#"The result is {"name": "Ada", "age": 36} as requested."#;
        assert!(!run_on(detector().as_ref(), output).hit);
    }

    #[test]
    fn a_reply_without_json_is_a_hit() {
        let detection = run_on(detector().as_ref(), "Ada is 36 years old.");
        assert!(detection.hit);
        assert_eq!(detection.reasoning, "no JSON found");
    }

    #[test]
    fn the_schema_can_come_with_the_input_and_is_reused() {
        let detector = build("json-schema", Value::Null);
        let input =
            DetectionInput { schema: Some(json!({"type": "array", "items": {"type": "number"}})), ..DetectionInput::output("[1, 2]") };
        assert!(!run(detector.as_ref(), &input).hit);
        let bad = DetectionInput { output: "[1, \"x\"]".into(), ..input };
        let detection = run(detector.as_ref(), &bad);
        assert!(detection.hit);
        assert!(detection.findings[0].value.starts_with("/1: "), "{}", detection.findings[0].value);
    }

    #[test]
    fn without_any_schema_the_input_is_missing() {
        let detector = build("json-schema", Value::Null);
        assert!(matches!(try_run(detector.as_ref(), &DetectionInput::output("{}")), Err(DetectorError::MissingInput(_))));
    }

    #[test]
    fn an_invalid_schema_is_rejected_at_build_or_per_input() {
        assert!(crate::Registry::new(None).build("json-schema", &json!({"schema": {"type": "nope"}})).is_err());
        let detector = build("json-schema", Value::Null);
        let input = DetectionInput { schema: Some(json!({"minimum": "five"})), ..DetectionInput::output("{}") };
        assert!(matches!(try_run(detector.as_ref(), &input), Err(DetectorError::InvalidParams(_))));
    }
}
