//! Property tests: a target spec of any text parses or is refused cleanly, and the OpenAI
//! and Anthropic reply readers take any JSON a provider (or an impostor) might send.

use assay_targets::TargetSpec;
use proptest::prelude::*;
use serde_json::Value;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("choices".to_owned()),
                    Just("message".to_owned()),
                    Just("content".to_owned()),
                    Just("text".to_owned()),
                    Just("type".to_owned()),
                    Just("usage".to_owned()),
                    Just("stop_reason".to_owned()),
                    Just("finish_reason".to_owned()),
                    "[a-z_]{1,10}",
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn specs_parse_or_fail_cleanly(raw in "(mock|local|local:[^ ]{0,10}|(contract|openai|anthropic|azure|x)\\+(https?|ftp)://[a-z0-9.:]{0,20}(/[a-zA-Z0-9/#._-]{0,20})?)|\\PC{0,40}") {
        let _ = TargetSpec::parse(&raw);
    }

    #[test]
    fn provider_replies_of_any_shape_are_read_or_refused(value in json_value()) {
        let _ = assay_targets::openai::parse_reply(&value);
        let _ = assay_targets::anthropic::parse_reply(&value);
    }
}
