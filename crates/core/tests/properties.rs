//! Property tests of the parsers and validators that read input from outside: ids, team
//! names, ingest payloads and their field checks never panic, whatever they are given, and
//! accept exactly what they document.

use assay_core::id::Id;
use assay_core::ingest::{IngestPayload, valid_slug, valid_timestamp, valid_uuid};
use assay_core::tenancy::TeamName;
use proptest::prelude::*;
use serde_json::{Value, json};

fn valid_payload() -> Value {
    json!({
        "project_slug": "checkout-bot",
        "run_id": "5f0c8a52-3c1e-4b8e-9d59-0c6a9f1e2b7a",
        "run": {"started_at": "2026-11-23T08:00:00Z"},
        "evaluations": [{
            "assertion_type": "groundedness", "test_name": "t", "input_text": "q", "result": "pass",
            "score": 0.9, "reasoning": "r", "judge_model": "m", "judge_latency_ms": 1, "fallback_used": false, "threshold": 0.7
        }]
    })
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        "[0-9T:.+Z-]{0,30}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every field path of the valid payload that a mutation may replace.
const FIELDS: &[&[&str]] = &[
    &["project_slug"],
    &["run_id"],
    &["run"],
    &["run", "started_at"],
    &["run", "finished_at"],
    &["evaluations"],
    &["evaluations", "0"],
    &["evaluations", "0", "assertion_type"],
    &["evaluations", "0", "result"],
    &["evaluations", "0", "score"],
    &["evaluations", "0", "reasoning"],
    &["evaluations", "0", "judge_latency_ms"],
    &["evaluations", "0", "threshold"],
];

fn replaced(mut payload: Value, path: &[&str], with: Value) -> Value {
    let mut at = &mut payload;
    for key in &path[..path.len() - 1] {
        at = match key.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[*key],
        };
    }
    if let Some(last) = path.last() {
        match last.parse::<usize>() {
            Ok(i) => at[i] = with,
            Err(_) => at[*last] = with,
        }
    }
    payload
}

proptest! {
    #[test]
    fn ids_parse_without_panic_and_round_trip(raw in any::<String>()) {
        if let Ok(id) = Id::parse(&raw) {
            prop_assert_eq!(id.as_str(), raw.as_str());
        }
        let generated = Id::generate();
        prop_assert!(Id::parse(generated.as_str()).is_ok());
    }

    #[test]
    fn team_names_accept_exactly_the_documented_alphabet(raw in any::<String>()) {
        let documented = (1..=64).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        prop_assert_eq!(TeamName::parse(&raw).is_ok(), documented);
    }

    #[test]
    fn field_checks_never_panic(raw in any::<String>(), stamp in "[0-9]{0,5}-?[0-9]{0,3}-?[0-9]{0,3}T?[0-9:.]{0,14}(Z|[+-][0-9]{2}:[0-9]{2})?") {
        let _ = (valid_slug(&raw), valid_uuid(&raw), valid_timestamp(&raw), valid_timestamp(&stamp));
    }

    #[test]
    fn an_ingest_payload_with_any_field_replaced_is_parsed_and_validated_without_panic(
        field in 0..FIELDS.len(),
        with in json_value(),
    ) {
        let value = replaced(valid_payload(), FIELDS[field], with);
        if let Ok(payload) = serde_json::from_value::<IngestPayload>(value) {
            let _ = payload.validate();
            let bodies = payload.bodies();
            prop_assert_eq!(IngestPayload::batch_digest(&bodies).len(), 64);
        }
    }
}

#[test]
fn the_unchanged_template_is_valid() {
    let payload: IngestPayload = serde_json::from_value(valid_payload()).expect("parses");
    assert_eq!(payload.validate(), Ok(()));
}
