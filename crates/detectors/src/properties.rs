//! Property tests: no rule detector panics on any reply, prompt, context, expected text or
//! triggers, however odd (any Unicode, control characters, lone combining marks, very long
//! runs), and every finding it returns points inside the reply.

use proptest::prelude::*;
use serde_json::json;

use crate::Registry;
use crate::testing::try_run;
use assay_core::DetectionInput;

/// Every rule detector, built with the params it needs (the others take none).
fn rule_detectors() -> Vec<(&'static str, std::sync::Arc<dyn assay_core::Detector>)> {
    let registry = Registry::new(None);
    Registry::list()
        .into_iter()
        .filter(|info| !crate::needs_judge(info.id))
        .map(|info| {
            let params = match info.id {
                "regex" => json!({"patterns": ["[0-9]{3}", "(?i)secret"]}),
                "substring" => json!({"strings": ["ignore", "ß"]}),
                _ => json!(null),
            };
            let detector = registry.build(info.id, &params).unwrap_or_else(|e| panic!("{}: {e}", info.id));
            (info.id, detector)
        })
        .collect()
}

/// Text built from the pieces detectors treat specially, mixed with anything at all.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9 .,:;!?'\"()\\[\\]{}<>@#$%*_/\\\\+=-]{0,40}",
        Just("I can't help with that. ".to_owned()),
        Just("```python\nprint(1)\n```".to_owned()),
        Just("Name: Ana María O'Neil-Ba\u{301}\n".to_owned()),
        Just("+44 20 7946 0958 4111 1111 1111 1111 ".to_owned()),
        Just("DE89 3704 0044 0532 0130 00 sk-ant-".to_owned()),
        Just("\u{200b}\u{202e}\u{e0041}\u{301}\u{fe0f}".to_owned()),
        Just("«non» 死ね Я знаю, где ты живёшь ".to_owned()),
        Just("{\"a\": [1, {\"b\": null}]}".to_owned()),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|parts| parts.concat())
}

fn input() -> impl Strategy<Value = DetectionInput> {
    (
        text(),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(prop::collection::vec(text(), 0..3)),
    )
        .prop_map(|(output, input, expected, context, triggers)| DetectionInput {
            output,
            input,
            expected,
            schema: None,
            triggers,
            context,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn no_rule_detector_panics_and_findings_stay_inside_the_reply(input in input()) {
        let chars = input.output.chars().count();
        for (id, detector) in rule_detectors() {
            let detection = try_run(detector.as_ref(), &input);
            if let Ok(detection) = detection {
                prop_assert!((0.0..=1.0).contains(&detection.score), "{id}: score {}", detection.score);
                for finding in &detection.findings {
                    let (start, end) = (finding.start.unwrap_or(0), finding.end.unwrap_or(0));
                    prop_assert!(start <= end && end <= chars, "{id}: finding {start}..{end} outside {chars} chars");
                }
            }
        }
    }

    #[test]
    fn json_schema_survives_any_schema_in_the_input(output in text(), schema in "[\\[\\]{}:,\"a-z0-9 ]{0,60}") {
        let detector = Registry::new(None).build("json-schema", &json!(null)).expect("builds");
        let schema = serde_json::from_str(&schema).ok();
        let _ = try_run(detector.as_ref(), &DetectionInput { output, schema, ..DetectionInput::default() });
    }
}
