//! Five-fold cross-validation of the n-gram classifier on a labelled set's dev split: trains
//! the weights on four fifths (as the build script trains them on all of dev) and prints, for
//! each dev item, the probability read by weights that never saw it. How thresholds and
//! settings are chosen without the test split:
//!
//! `cargo run --example ngram_cv -- crates/detectors/eval/refusal.jsonl > probabilities.tsv`
//!
//! Each line: the item's id, its label (1 or 0) and the held-out probability. `SEED`,
//! `EPOCHS` and `AVERAGED_FROM` in the environment change the training's settings.

#[path = "../src/ngram_classifier.rs"]
#[allow(dead_code)]
mod ngram_classifier;

use ngram_classifier::{Example, NgramClassifier, Training};

const FOLDS: usize = 5;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "crates/detectors/eval/refusal.jsonl".into());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let items: Vec<(String, String, bool)> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|item| item["split"] == "dev")
        .filter_map(|item| {
            let label = item["label"].as_bool()?;
            Some((item["id"].as_str()?.to_owned(), item["output"].as_str()?.to_owned(), label))
        })
        .collect();
    let setting = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let mut training = Training::default();
    if let Some(seed) = setting("SEED") {
        training.seed = seed;
    }
    if let Some(epochs) = setting("EPOCHS") {
        training.epochs = epochs as usize;
    }
    if let Some(from) = setting("AVERAGED_FROM") {
        training.averaged_from = from as usize;
    }
    // Folds by position, interleaved: batches of one writer land in every fold.
    for fold in 0..FOLDS {
        let train: Vec<Example<'_>> = items
            .iter()
            .enumerate()
            .filter(|(i, _)| i % FOLDS != fold)
            .map(|(_, (_, text, label))| Example { text, label: *label })
            .collect();
        let classifier = NgramClassifier::train_with(&train, &training);
        for (_, (id, text, label)) in items.iter().enumerate().filter(|(i, _)| i % FOLDS == fold) {
            println!("{id}\t{}\t{:.4}", u8::from(*label), classifier.probability(text));
        }
    }
}
