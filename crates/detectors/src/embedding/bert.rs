//! The BERT encoder's forward pass: token ids in, one vector per token out.
//!
//! Embeddings (word + position + token type 0, then LayerNorm), then each layer: multi-head
//! self-attention, its output projection added back to the input and LayerNorm'd, then a
//! feed-forward block (exact GELU) added back and LayerNorm'd. One unpadded sequence at a
//! time, so no attention mask is needed. Every matrix product goes through ndarray's
//! `general_mat_mul` (matrixmultiply's sgemm).

use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayRef2, Axis, Slice, Zip};
use serde::Deserialize;

use super::EmbeddingError;
use super::weights::SafeTensors;

/// The fields of a Hugging Face BERT `config.json` the forward pass needs.
#[derive(Debug, Deserialize)]
pub(super) struct BertConfig {
    hidden_size: usize,
    num_hidden_layers: usize,
    num_attention_heads: usize,
    intermediate_size: usize,
    max_position_embeddings: usize,
    vocab_size: usize,
    #[serde(default = "two")]
    type_vocab_size: usize,
    #[serde(default = "bert_layer_norm_eps")]
    layer_norm_eps: f64,
    #[serde(default = "gelu")]
    hidden_act: String,
    #[serde(default = "absolute")]
    position_embedding_type: String,
}

fn two() -> usize {
    2
}

fn bert_layer_norm_eps() -> f64 {
    1e-12
}

fn gelu() -> String {
    "gelu".into()
}

fn absolute() -> String {
    "absolute".into()
}

impl BertConfig {
    /// Parses `config.json`, refusing what this forward pass does not implement.
    pub(super) fn parse(text: &str) -> Result<BertConfig, String> {
        let config: BertConfig = serde_json::from_str(text).map_err(|error| error.to_string())?;
        if config.hidden_act != "gelu" {
            return Err(format!("hidden_act {:?} is not supported (only \"gelu\")", config.hidden_act));
        }
        if config.position_embedding_type != "absolute" {
            return Err(format!("position_embedding_type {:?} is not supported (only \"absolute\")", config.position_embedding_type));
        }
        if config.num_attention_heads == 0 || !config.hidden_size.is_multiple_of(config.num_attention_heads) {
            return Err(format!("hidden_size {} does not split into {} heads", config.hidden_size, config.num_attention_heads));
        }
        // Room for [CLS] and [SEP], and a token-type row for single sentences.
        if config.max_position_embeddings < 2 || config.type_vocab_size == 0 || config.vocab_size == 0 {
            return Err("max_position_embeddings under 2, or no token types, or no vocabulary".into());
        }
        Ok(config)
    }
}

/// A BERT encoder with its weights loaded.
pub(super) struct Bert {
    word_embeddings: Array2<f32>,
    position_embeddings: Array2<f32>,
    /// Token type 0's row: every token of a single sentence has type 0.
    token_type_embedding: Array1<f32>,
    embedding_norm: LayerNorm,
    layers: Vec<EncoderLayer>,
    heads: usize,
}

impl Bert {
    /// Reads every weight the config calls for, under the names Hugging Face's `BertModel`
    /// saves them (`embeddings.*`, `encoder.layer.N.*`).
    pub(super) fn load(weights: &SafeTensors, config: &BertConfig) -> Result<Bert, EmbeddingError> {
        let hidden = config.hidden_size;
        let eps = config.layer_norm_eps as f32;
        let type_embeddings = matrix(weights, "embeddings.token_type_embeddings.weight", config.type_vocab_size, hidden)?;
        let layers = (0..config.num_hidden_layers)
            .map(|index| EncoderLayer::load(weights, &format!("encoder.layer.{index}"), config))
            .collect::<Result<_, _>>()?;
        Ok(Bert {
            word_embeddings: matrix(weights, "embeddings.word_embeddings.weight", config.vocab_size, hidden)?,
            position_embeddings: matrix(weights, "embeddings.position_embeddings.weight", config.max_position_embeddings, hidden)?,
            token_type_embedding: type_embeddings.row(0).to_owned(),
            embedding_norm: LayerNorm::load(weights, "embeddings.LayerNorm", hidden, eps)?,
            layers,
            heads: config.num_attention_heads,
        })
    }

    pub(super) fn hidden_size(&self) -> usize {
        self.word_embeddings.ncols()
    }

    /// How many token ids have an embedding: every id passed in must be below this.
    pub(super) fn vocab_rows(&self) -> usize {
        self.word_embeddings.nrows()
    }

    /// The longest sequence the position embeddings cover.
    pub(super) fn max_positions(&self) -> usize {
        self.position_embeddings.nrows()
    }

    /// The last layer's output, one row per token. The caller keeps `ids` within
    /// [`Bert::vocab_rows`] and its length within [`Bert::max_positions`].
    pub(super) fn hidden_states(&self, ids: &[u32]) -> Array2<f32> {
        let mut states = Array2::zeros((ids.len(), self.hidden_size()));
        for (position, (&id, mut row)) in ids.iter().zip(states.rows_mut()).enumerate() {
            row.assign(&self.word_embeddings.row(id as usize));
            row += &self.position_embeddings.row(position);
            row += &self.token_type_embedding;
        }
        self.embedding_norm.apply(&mut states);
        for layer in &self.layers {
            states = layer.forward(&states, self.heads);
        }
        states
    }
}

/// One transformer layer.
struct EncoderLayer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_output: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

impl EncoderLayer {
    fn load(weights: &SafeTensors, prefix: &str, config: &BertConfig) -> Result<EncoderLayer, EmbeddingError> {
        let (hidden, inner, eps) = (config.hidden_size, config.intermediate_size, config.layer_norm_eps as f32);
        let linear = |name: &str, inputs, outputs| Linear::load(weights, &format!("{prefix}.{name}"), inputs, outputs);
        let norm = |name: &str| LayerNorm::load(weights, &format!("{prefix}.{name}"), hidden, eps);
        Ok(EncoderLayer {
            query: linear("attention.self.query", hidden, hidden)?,
            key: linear("attention.self.key", hidden, hidden)?,
            value: linear("attention.self.value", hidden, hidden)?,
            attention_output: linear("attention.output.dense", hidden, hidden)?,
            attention_norm: norm("attention.output.LayerNorm")?,
            intermediate: linear("intermediate.dense", hidden, inner)?,
            output: linear("output.dense", inner, hidden)?,
            output_norm: norm("output.LayerNorm")?,
        })
    }

    fn forward(&self, input: &Array2<f32>, heads: usize) -> Array2<f32> {
        let mut attended = self.attention_output.forward(&self.self_attention(input, heads));
        attended += input;
        self.attention_norm.apply(&mut attended);

        let mut inner = self.intermediate.forward(&attended);
        inner.mapv_inplace(gelu_erf);
        let mut output = self.output.forward(&inner);
        output += &attended;
        self.output_norm.apply(&mut output);
        output
    }

    /// Scaled dot-product attention, each head over its own slice of the columns; the heads'
    /// outputs side by side.
    fn self_attention(&self, input: &Array2<f32>, heads: usize) -> Array2<f32> {
        let (queries, keys, values) = (self.query.forward(input), self.key.forward(input), self.value.forward(input));
        let (tokens, hidden) = input.dim();
        let head_size = hidden / heads;
        let scale = 1.0 / (head_size as f32).sqrt();
        let mut context = Array2::zeros((tokens, hidden));
        let mut weights = Array2::zeros((tokens, tokens));
        for head in 0..heads {
            // Not `s![…]`: the macro expands to an `allow(unsafe_code)`, which the workspace's
            // `forbid` rejects.
            let columns = Slice::from(head * head_size..(head + 1) * head_size);
            let (queries, keys, values) =
                (queries.slice_axis(Axis(1), columns), keys.slice_axis(Axis(1), columns), values.slice_axis(Axis(1), columns));
            general_mat_mul(scale, &queries, &keys.t(), 0.0, &mut weights);
            softmax_rows(&mut weights);
            general_mat_mul(1.0, &weights, &values, 0.0, &mut context.slice_axis_mut(Axis(1), columns));
        }
        context
    }
}

/// `x Wᵀ + b`, a dense layer.
struct Linear {
    /// `Wᵀ`, one row per input, stored row-major: sgemm packs contiguous rows faster than the
    /// saved layout's columns (about a fifth off the whole forward pass).
    weight: Array2<f32>,
    bias: Array1<f32>,
}

impl Linear {
    fn load(weights: &SafeTensors, prefix: &str, inputs: usize, outputs: usize) -> Result<Linear, EmbeddingError> {
        Ok(Linear {
            weight: matrix(weights, &format!("{prefix}.weight"), outputs, inputs)?.reversed_axes().as_standard_layout().into_owned(),
            bias: Array1::from(weights.tensor(&format!("{prefix}.bias"), &[outputs])?),
        })
    }

    fn forward(&self, input: &ArrayRef2<f32>) -> Array2<f32> {
        // Start from the bias in every row, then let sgemm add the product to it.
        let mut output = Array2::zeros((input.nrows(), self.bias.len()));
        output += &self.bias;
        general_mat_mul(1.0, input, &self.weight, 1.0, &mut output);
        output
    }
}

/// Normalizes each row to mean 0 and variance 1, then scales and shifts it per column.
struct LayerNorm {
    gain: Array1<f32>,
    shift: Array1<f32>,
    eps: f32,
}

impl LayerNorm {
    fn load(weights: &SafeTensors, prefix: &str, size: usize, eps: f32) -> Result<LayerNorm, EmbeddingError> {
        Ok(LayerNorm {
            gain: Array1::from(weights.tensor(&format!("{prefix}.weight"), &[size])?),
            shift: Array1::from(weights.tensor(&format!("{prefix}.bias"), &[size])?),
            eps,
        })
    }

    fn apply(&self, rows: &mut Array2<f32>) {
        let width = rows.ncols() as f32;
        for mut row in rows.rows_mut() {
            let mean = row.sum() / width;
            let variance = row.iter().map(|&value| (value - mean) * (value - mean)).sum::<f32>() / width;
            let inverse_deviation = 1.0 / (variance + self.eps).sqrt();
            Zip::from(&mut row).and(&self.gain).and(&self.shift).for_each(|value, &gain, &shift| {
                *value = (*value - mean) * inverse_deviation * gain + shift;
            });
        }
    }
}

/// Softmax along each row, the row's maximum subtracted first so `exp` cannot overflow.
fn softmax_rows(rows: &mut Array2<f32>) {
    for mut row in rows.rows_mut() {
        let max = row.fold(f32::NEG_INFINITY, |max, &value| max.max(value));
        row.mapv_inplace(|value| (value - max).exp());
        let sum = row.sum();
        row /= sum;
    }
}

/// GELU as BERT defines it, `x Φ(x)` with the exact normal CDF (not the tanh approximation).
fn gelu_erf(x: f32) -> f32 {
    let x = f64::from(x);
    (0.5 * x * (1.0 + erf(x / std::f64::consts::SQRT_2))) as f32
}

/// The error function, to within 1.5e-7 everywhere (Abramowitz and Stegun, formula 7.1.26).
fn erf(x: f64) -> f64 {
    const P: f64 = 0.327_591_1;
    const A: [f64; 5] = [0.254_829_592, -0.284_496_736, 1.421_413_741, -1.453_152_027, 1.061_405_429];
    let t = 1.0 / (1.0 + P * x.abs());
    let polynomial = A.iter().rev().fold(0.0, |sum, &coefficient| sum * t + coefficient) * t;
    let magnitude = 1.0 - polynomial * (-x * x).exp();
    magnitude.copysign(x)
}

fn matrix(weights: &SafeTensors, name: &str, rows: usize, columns: usize) -> Result<Array2<f32>, EmbeddingError> {
    let values = weights.tensor(name, &[rows, columns])?;
    // `tensor` returned exactly rows × columns values, so this cannot fail; map it anyway.
    Array2::from_shape_vec((rows, columns), values).map_err(|_| EmbeddingError::TensorShape {
        name: name.to_string(),
        expected: vec![rows, columns],
        found: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_is_within_a_millionth_of_its_tabulated_values() {
        // erf at these points, to 16 digits.
        let table = [
            (0.0, 0.0),
            (0.1, 0.1124629160182849),
            (0.5, 0.5204998778130465),
            (1.0, 0.8427007929497149),
            (1.5, 0.9661051464753108),
            (2.0, 0.9953222650189527),
            (3.0, 0.9999779095030014),
            (-0.5, -0.5204998778130465),
            (-2.0, -0.9953222650189527),
        ];
        for (x, expected) in table {
            assert!((erf(x) - expected).abs() < 1e-6, "erf({x}) = {}, expected {expected}", erf(x));
        }
    }

    #[test]
    fn gelu_passes_large_positives_and_zeroes_large_negatives() {
        assert_eq!(gelu_erf(0.0), 0.0);
        assert!((f64::from(gelu_erf(1.0)) - 0.841_344_746).abs() < 1e-6);
        assert!((f64::from(gelu_erf(-1.0)) + 0.158_655_254).abs() < 1e-6);
        assert!((gelu_erf(10.0) - 10.0).abs() < 1e-6);
        assert!(gelu_erf(-10.0).abs() < 1e-6);
    }

    #[test]
    fn softmax_rows_sum_to_one_even_for_large_scores() {
        let mut rows = ndarray::array![[1000.0f32, 1000.0], [0.0, f32::ln(3.0)]];
        softmax_rows(&mut rows);
        assert_eq!(rows.row(0).to_vec(), [0.5, 0.5]);
        assert!((rows[[1, 0]] - 0.25).abs() < 1e-6 && (rows[[1, 1]] - 0.75).abs() < 1e-6);
    }

    #[test]
    fn a_config_with_an_unsupported_activation_is_refused() {
        let config = r#"{"hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":16,
            "max_position_embeddings":4,"vocab_size":10,"hidden_act":"relu"}"#;
        assert!(BertConfig::parse(config).is_err_and(|reason| reason.contains("relu")));
        assert!(BertConfig::parse(&config.replace("relu", "gelu")).is_ok());
    }
}
