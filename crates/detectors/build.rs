//! Trains the n-gram classifiers of `refusal` and `toxicity` on the dev split of their
//! labelled sets (`eval/*.jsonl`) and writes their weights to `OUT_DIR`, where
//! `include_bytes!` takes them: the detectors then load nothing and train nothing at run time.

#[path = "src/ngram_classifier.rs"]
#[allow(dead_code)]
mod ngram_classifier;

use std::path::PathBuf;

use ngram_classifier::{Example, NgramClassifier};

/// The `(output, label)` of every `dev` item of `eval/{set}.jsonl`.
fn dev_items(set: &str) -> Vec<(String, bool)> {
    let path = format!("eval/{set}.jsonl");
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("{path}: {e}")))
        .filter(|item| item["split"] == "dev")
        .map(|item| {
            let output = item["output"].as_str().unwrap_or_default().to_owned();
            (output, item["label"].as_bool().unwrap_or_else(|| panic!("{path}: an item without a boolean label")))
        })
        .collect()
}

fn main() {
    println!("cargo:rerun-if-changed=src/ngram_classifier.rs");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let refusal = dev_items("refusal");
    let toxicity = dev_items("toxicity");
    // Toxicity's own set is mostly people's posts; replies of assistants, polite and full of
    // "I'll end your subscription" and "kill the process", come from the refusal set, whose
    // replies (refusals and compliances alike) are not abusive: each one, as a negative.
    let assistant_replies = refusal.iter().map(|(text, _)| (text.clone(), false));
    let toxicity: Vec<(String, bool)> = toxicity.iter().cloned().chain(assistant_replies).collect();
    for (set, items) in [("refusal", refusal), ("toxicity", toxicity)] {
        let examples: Vec<Example<'_>> = items.iter().map(|(text, label)| Example { text, label: *label }).collect();
        let weights = NgramClassifier::train(&examples).to_bytes();
        let target = out_dir.join(format!("{set}.ngram"));
        std::fs::write(&target, weights).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
    }
}
