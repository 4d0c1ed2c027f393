//! Sentence embeddings in pure Rust: all-MiniLM-L6-v2 (a 6-layer BERT) turns a text into one
//! unit vector of 384 numbers, and a logistic-regression head trained on such vectors turns
//! them into a probability, so "embedding + trained head" classifiers can be measured beside
//! the rule detectors.
//!
//! [`Embedder`] owns the pipeline: `wordpiece` splits the text into vocabulary ids, `bert`
//! runs the encoder over them (its weights read by `weights`), and this module mean-pools the
//! encoder's per-token vectors and scales the mean to length 1, as sentence-transformers does
//! for this model. [`LogisticHead`] (in `head`) is the classifier on top.

mod bert;
mod head;
mod weights;
mod wordpiece;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

pub use head::LogisticHead;

use bert::{Bert, BertConfig};
use weights::SafeTensors;
use wordpiece::WordPiece;

/// The longest token sequence embedded, `[CLS]` and `[SEP]` included: the limit all-MiniLM-L6-v2
/// was trained with (sentence-transformers' `max_seq_length`); later tokens are dropped.
pub const MAX_TOKENS: usize = 256;

/// Why a model directory could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddingError {
    #[error("model file {} is missing", .0.display())]
    MissingFile(PathBuf),
    #[error("cannot read model file {}: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("model file {} is malformed: {reason}", path.display())]
    Malformed { path: PathBuf, reason: String },
    #[error("tensor {name:?} is missing from the model weights")]
    MissingTensor { name: String },
    #[error("tensor {name:?} has shape {found:?}, expected {expected:?}")]
    TensorShape { name: String, expected: Vec<usize>, found: Vec<usize> },
    #[error("tensor {name:?} holds {found} values, expected F32")]
    TensorType { name: String, found: String },
}

/// all-MiniLM-L6-v2, loaded: text in, a unit vector out. Immutable once loaded, so one
/// embedder can serve many threads.
pub struct Embedder {
    vocabulary: WordPiece,
    encoder: Bert,
    /// The ids of `[CLS]` and `[SEP]`, which frame every sequence as in training.
    start_id: u32,
    end_id: u32,
    max_tokens: usize,
}

impl Embedder {
    /// Loads the model from a directory holding `config.json`, `vocab.txt` and
    /// `model.safetensors` (the layout sentence-transformers and Hugging Face publish).
    pub fn load(dir: &Path) -> Result<Embedder, EmbeddingError> {
        let config_path = dir.join("config.json");
        let config_text = String::from_utf8_lossy(&read(&config_path)?).into_owned();
        let config = BertConfig::parse(&config_text).map_err(|reason| EmbeddingError::Malformed { path: config_path, reason })?;

        let weights_path = dir.join("model.safetensors");
        let encoder = Bert::load(&SafeTensors::parse(&weights_path, read(&weights_path)?)?, &config)?;

        let vocab_path = dir.join("vocab.txt");
        let malformed_vocab = |reason: String| EmbeddingError::Malformed { path: vocab_path.clone(), reason };
        let vocabulary = WordPiece::from_vocab_text(&String::from_utf8_lossy(&read(&vocab_path)?)).map_err(malformed_vocab)?;
        // Every id the tokenizer can produce must have a row in the embedding table.
        if vocabulary.len() > encoder.vocab_rows() {
            return Err(malformed_vocab(format!("{} entries but the model embeds only {} tokens", vocabulary.len(), encoder.vocab_rows())));
        }
        let special = |token: &str| vocabulary.id(token).ok_or_else(|| malformed_vocab(format!("no {token} token")));
        let (start_id, end_id) = (special("[CLS]")?, special("[SEP]")?);

        let max_tokens = MAX_TOKENS.min(encoder.max_positions());
        Ok(Embedder { vocabulary, encoder, start_id, end_id, max_tokens })
    }

    /// How many numbers [`Embedder::embed`] returns (384 for all-MiniLM-L6-v2).
    pub fn dimensions(&self) -> usize {
        self.encoder.hidden_size()
    }

    /// The ids the encoder sees for `text`: `[CLS]`, the text's word pieces (cut so the whole
    /// sequence stays within [`MAX_TOKENS`]), `[SEP]`.
    pub fn token_ids(&self, text: &str) -> Vec<u32> {
        let mut ids = Vec::with_capacity(self.max_tokens);
        ids.push(self.start_id);
        self.vocabulary.push_token_ids(text, self.max_tokens.saturating_sub(2), &mut ids);
        ids.push(self.end_id);
        ids
    }

    /// The text's embedding: the mean of the encoder's output over every token (`[CLS]` and
    /// `[SEP]` included, as the model was trained), scaled to length 1. Any text is accepted.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        let hidden = self.encoder.hidden_states(&self.token_ids(text));
        let mean = hidden.mean_axis(ndarray::Axis(0)).map(|mean| mean.to_vec()).unwrap_or_else(|| vec![0.0; self.dimensions()]);
        unit_length(mean)
    }
}

/// Scales `vector` to length 1 (cosine similarity is then a dot product); a zero vector has no
/// direction and is returned as is rather than divided into NaNs.
fn unit_length(mut vector: Vec<f32>) -> Vec<f32> {
    let norm = vector.iter().map(|&value| f64::from(value) * f64::from(value)).sum::<f64>().sqrt();
    if norm > 0.0 && norm.is_finite() {
        for value in &mut vector {
            *value = (f64::from(*value) / norm) as f32;
        }
    }
    vector
}

fn read(path: &Path) -> Result<Vec<u8>, EmbeddingError> {
    std::fs::read(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => EmbeddingError::MissingFile(path.to_path_buf()),
        _ => EmbeddingError::Unreadable { path: path.to_path_buf(), source },
    })
}
