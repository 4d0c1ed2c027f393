//! Property tests: every converter and the list parsers take any input without panicking,
//! and converters are deterministic (the same prompt always gives the same disguise).

use assay_probes::converters::{CONVERTERS, converter, parse_converters};
use proptest::prelude::*;

proptest! {
    #[test]
    fn every_converter_is_total_and_deterministic(prompt in any::<String>()) {
        for name in CONVERTERS {
            let convert = converter(name).expect("listed converter exists");
            let once = convert.convert(&prompt);
            prop_assert_eq!(once, convert.convert(&prompt));
        }
    }

    #[test]
    fn converter_lists_parse_or_fail_cleanly(list in "[a-z0-9, -]{0,60}|\\PC{0,30}") {
        let _ = parse_converters(&list);
    }
}
