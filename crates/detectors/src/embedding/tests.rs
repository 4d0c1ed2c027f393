//! The embedder against all-MiniLM-L6-v2 itself: token ids, embeddings and cosines equal to a
//! reference run (Hugging Face `tokenizers` 0.21 and candle 0.9's BERT on the same files,
//! without padding, mean-pooled, normalized), odd inputs, and the time an embedding takes.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use super::*;

/// The sentences of the reference run, and the ids its tokenizer gave them.
const REFERENCE_IDS: [(&str, &[u32]); 5] = [
    (
        "I'm sorry, but I can't help with that request.",
        &[101, 1045, 1005, 1049, 3374, 1010, 2021, 1045, 2064, 1005, 1056, 2393, 2007, 2008, 5227, 1012, 102],
    ),
    ("I cannot assist with that.", &[101, 1045, 3685, 6509, 2007, 2008, 1012, 102]),
    (
        "Sure! Here is a recipe for banana bread with walnuts.",
        &[101, 2469, 999, 2182, 2003, 1037, 17974, 2005, 15212, 7852, 2007, 18489, 2015, 1012, 102],
    ),
    ("Of course, the capital of France is Paris.", &[101, 1997, 2607, 1010, 1996, 3007, 1997, 2605, 2003, 3000, 1012, 102]),
    (
        "Je ne peux pas vous aider avec ça, désolé.",
        &[101, 15333, 11265, 21877, 5602, 14674, 29536, 2271, 14895, 2099, 13642, 2278, 6187, 1010, 4078, 9890, 1012, 102],
    ),
];

/// The first 8 dimensions of each sentence's embedding in the reference run.
const REFERENCE_FIRST_DIMENSIONS: [[f32; 8]; 5] = [
    [-0.09372155, 0.01145651, -0.034694344, -0.04797686, -0.028671874, 0.04458673, 0.0038790908, 0.019718342],
    [0.0012728057, -0.02950733, -0.07757663, 0.0042279223, 0.046815544, 0.08371731, 0.044561062, -0.032400575],
    [-0.050327793, -0.026835985, 0.027193224, 0.03768465, -0.060573746, 0.08165882, -0.08167733, 0.0015281942],
    [0.11147053, 0.011633482, 0.03241773, -0.0460324, 0.07041449, -0.05749852, -0.0060474924, -0.055400327],
    [-0.07390026, 0.027717479, 0.062034745, -0.032568123, -0.033595514, 0.047377687, 0.012509112, 0.09728408],
];

/// The cosines between the sentences' embeddings in the reference run.
const REFERENCE_COSINES: [[f32; 5]; 5] = [
    [1.000000, 0.449569, 0.171230, 0.002279, 0.111847],
    [0.449569, 1.000000, 0.087454, 0.015692, 0.098473],
    [0.171230, 0.087454, 1.000000, -0.032037, 0.005534],
    [0.002279, 0.015692, -0.032037, 1.000000, 0.219782],
    [0.111847, 0.098473, 0.005534, 0.219782, 1.000000],
];

/// The directory holding all-MiniLM-L6-v2, from `ASSAY_TEST_MINILM_DIR`. Under `CI=true` it
/// must be set: the model tests may not be skipped silently there.
fn model_dir() -> Option<PathBuf> {
    match std::env::var("ASSAY_TEST_MINILM_DIR") {
        Ok(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "ASSAY_TEST_MINILM_DIR must be set under CI=true");
            eprintln!("note: ASSAY_TEST_MINILM_DIR is not set; skipping the all-MiniLM-L6-v2 test");
            None
        }
    }
}

/// The model, loaded once for every test here.
fn embedder() -> Option<&'static Embedder> {
    static EMBEDDER: OnceLock<Embedder> = OnceLock::new();
    let dir = model_dir()?;
    Some(EMBEDDER.get_or_init(|| Embedder::load(&dir).unwrap_or_else(|error| panic!("loading {}: {error}", dir.display()))))
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn the_reference_sentences_tokenize_to_the_reference_ids() {
    let Some(embedder) = embedder() else { return };
    for (text, ids) in REFERENCE_IDS {
        assert_eq!(embedder.token_ids(text), ids, "{text:?}");
    }
}

#[test]
fn embeddings_match_the_reference_run() {
    let Some(embedder) = embedder() else { return };
    let embeddings: Vec<Vec<f32>> = REFERENCE_IDS.iter().map(|(text, _)| embedder.embed(text)).collect();
    for ((embedding, expected), (text, _)) in embeddings.iter().zip(REFERENCE_FIRST_DIMENSIONS).zip(REFERENCE_IDS) {
        assert_eq!(embedding.len(), 384);
        for (dimension, (&got, want)) in embedding.iter().zip(expected).enumerate() {
            assert!((got - want).abs() < 1e-3, "{text:?} dimension {dimension}: {got} vs the reference's {want}");
        }
    }
    for (i, row) in REFERENCE_COSINES.iter().enumerate() {
        for (j, &want) in row.iter().enumerate() {
            let got = cosine(&embeddings[i], &embeddings[j]);
            assert!((got - want).abs() < 2e-3, "cosine({i}, {j}) = {got}, the reference's {want}");
        }
    }
}

#[test]
fn any_text_embeds_to_a_finite_unit_vector() {
    let Some(embedder) = embedder() else { return };
    let huge = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(900);
    assert!(huge.len() >= 50_000);
    let texts = [
        "",
        " \t\n ",
        &huge,
        &"x".repeat(50_000),
        "\u{0}\u{1}\u{7}\u{1b}[31m\u{7f}\u{85}\u{200b}\u{feff}\u{fffd}",
        "🙂🙃🤖 👩‍👩‍👧‍👦 🇫🇷",
        "中文字符和日本語のテキスト 한국어",
        "\u{301}\u{301}\u{301}",
        "[CLS] [SEP] [MASK] [PAD]",
    ];
    for text in texts {
        let embedding = embedder.embed(text);
        assert_eq!(embedding.len(), 384, "{:?}", text.chars().take(40).collect::<String>());
        assert!(embedding.iter().all(|value| value.is_finite()));
        assert!((cosine(&embedding, &embedding) - 1.0).abs() < 1e-4);
    }
    assert_eq!(embedder.token_ids(&huge).len(), MAX_TOKENS);
}

#[test]
fn an_embedder_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Embedder>();
    shareable::<LogisticHead>();
}

#[test]
fn a_directory_without_the_model_names_the_missing_file() {
    let dir = Path::new("/nonexistent/assay-minilm");
    let error = Embedder::load(dir).err().expect("nothing to load");
    assert!(matches!(&error, EmbeddingError::MissingFile(path) if path.ends_with("config.json")), "{error}");
}

#[test]
fn time_per_embed_of_a_128_token_text() {
    let Some(embedder) = embedder() else { return };
    let text = "The quick brown fox jumps over the lazy dog. ".repeat(12) + "Then it runs away quickly.";
    let tokens = embedder.token_ids(&text).len();
    assert_eq!(tokens, 128);
    embedder.embed(&text);
    let calls = 20;
    let start = Instant::now();
    for _ in 0..calls {
        std::hint::black_box(embedder.embed(std::hint::black_box(&text)));
    }
    let per_call = start.elapsed() / calls;
    println!("embedding a {tokens}-token text: {:.1} ms per call (mean of {calls})", per_call.as_secs_f64() * 1e3);
}
