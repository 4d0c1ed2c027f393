//! A small linear classifier over hashed word and character n-grams, trained in-process on a
//! labelled set's dev split: the fallback the rule detectors consult where their phrases find
//! nothing to go on (a refusal with no decline phrase in it, written as a policy, a fact or a
//! redirect, in any language).
//!
//! Why this shape: it runs in microseconds on two cores, needs no model file from anywhere
//! (the labelled sets are in the repository and compiled in), and character n-grams carry
//! across languages and inflections ("illegal", "ilegal", "illégal", "незаконн…") where word
//! lists do not. It is trained on first use, deterministically (a fixed shuffle, fixed epochs
//! and rate), only on the `dev` split, so the held-apart `test` split measures it honestly.

/// 2^20 weights: few enough collisions for a few thousand short texts, 4 MiB of `f32`.
const BUCKETS: usize = 1 << 20;
const EPOCHS: usize = 12;
const LEARNING_RATE: f32 = 0.5;
/// L2 penalty per step, scaled by the learning rate.
const L2: f32 = 1e-6;
/// Character n-gram lengths, over each word with boundary marks ("<word>").
const CHAR_GRAMS: std::ops::RangeInclusive<usize> = 3..=5;
/// Words longer than this contribute only their word feature (hashes, URLs, base64).
const MAX_WORD_CHARS: usize = 40;
/// Characters of a text read: long replies are judged on their opening, where a reply says
/// what it is doing.
const MAX_CHARS: usize = 1_500;

/// One labelled example.
pub struct Example<'a> {
    pub text: &'a str,
    pub label: bool,
}

/// The trained weights.
pub struct NgramClassifier {
    weights: Vec<f32>,
    bias: f32,
}

impl NgramClassifier {
    /// Trains on `examples` (deterministic: the same examples give the same weights).
    pub fn train(examples: &[Example<'_>]) -> Self {
        let features: Vec<Vec<(u32, f32)>> = examples.iter().map(|e| featurize(e.text)).collect();
        let mut weights = vec![0f32; BUCKETS];
        let mut bias = 0f32;
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for epoch in 0..EPOCHS {
            shuffle(&mut order, &mut seed);
            let rate = LEARNING_RATE / (1.0 + epoch as f32 * 0.5);
            for &i in &order {
                let x = &features[i];
                let p = sigmoid(bias + x.iter().map(|&(f, v)| weights[f as usize] * v).sum::<f32>());
                let gradient = p - f32::from(u8::from(examples[i].label));
                for &(f, v) in x {
                    let w = &mut weights[f as usize];
                    *w -= rate * (gradient * v + L2 * *w);
                }
                bias -= rate * gradient;
            }
        }
        Self { weights, bias }
    }

    /// The probability that `text` belongs to the positive class.
    pub fn probability(&self, text: &str) -> f32 {
        let x = featurize(text);
        sigmoid(self.bias + x.iter().map(|&(f, v)| self.weights[f as usize] * v).sum::<f32>())
    }
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Fisher–Yates with a 64-bit LCG: the same order on every machine.
fn shuffle(order: &mut [usize], seed: &mut u64) {
    for i in (1..order.len()).rev() {
        *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let j = ((*seed >> 33) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
}

/// The text's hashed features, each weighted 1/√n so long and short texts score alike.
fn featurize(text: &str) -> Vec<(u32, f32)> {
    let lower: String = text.chars().take(MAX_CHARS).flat_map(char::to_lowercase).collect();
    let mut hashes: Vec<u32> = Vec::with_capacity(lower.len() * 4);
    let mut previous: Option<u32> = None;
    let mut bounds: Vec<usize> = Vec::with_capacity(MAX_WORD_CHARS + 3);
    let mut marked = String::with_capacity(4 * (MAX_WORD_CHARS + 2));
    for word in lower.split(|c: char| !(c.is_alphanumeric() || c == '\'')).filter(|w| !w.is_empty()) {
        let word_hash = fnv(Fnv::new(1), word.as_bytes());
        hashes.push(word_hash);
        if let Some(previous) = previous {
            hashes.push(fnv(fnv(Fnv::new(2), &previous.to_le_bytes()).into(), &word_hash.to_le_bytes()));
        }
        previous = Some(word_hash);
        marked.clear();
        marked.push('<');
        marked.push_str(word);
        marked.push('>');
        // Where each character starts, and the end: a gram of n characters is a byte slice.
        bounds.clear();
        bounds.extend(marked.char_indices().map(|(at, _)| at));
        if bounds.len() > MAX_WORD_CHARS + 2 {
            continue;
        }
        bounds.push(marked.len());
        for n in CHAR_GRAMS {
            for start in 0..bounds.len().saturating_sub(n) {
                hashes.push(fnv(Fnv::new(3), &marked.as_bytes()[bounds[start]..bounds[start + n]]));
            }
        }
    }
    for hash in &mut hashes {
        *hash %= BUCKETS as u32;
    }
    // Counted by sorting, in a fixed order, so sums (and so probabilities) are the same on
    // every run.
    hashes.sort_unstable();
    let mut features: Vec<(u32, f32)> = Vec::with_capacity(hashes.len());
    for hash in hashes {
        match features.last_mut() {
            Some((last, count)) if *last == hash => *count += 1.0,
            _ => features.push((hash, 1.0)),
        }
    }
    let norm = features.iter().map(|(_, v)| v * v).sum::<f32>().sqrt().max(1.0);
    for (_, v) in &mut features {
        *v /= norm;
    }
    features
}

/// FNV-1a state, seeded with a kind tag so words, word pairs and character grams hash apart.
#[derive(Clone, Copy)]
struct Fnv(u32);

impl Fnv {
    fn new(kind: u8) -> Self {
        Self((0x811c_9dc5u32 ^ u32::from(kind)).wrapping_mul(0x0100_0193))
    }
}

impl From<u32> for Fnv {
    fn from(hash: u32) -> Self {
        Self(hash)
    }
}

/// FNV-1a of `bytes` from `state`.
fn fnv(state: Fnv, bytes: &[u8]) -> u32 {
    let mut hash = state.0;
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Vec<Example<'static>> {
        let positive = [
            "That is not something this service provides.",
            "Account details are only released to the holder.",
            "There is no legal way to do that; your bank can help instead.",
            "Sharing that would put people at risk, so it stays private.",
        ];
        let negative = [
            "Sure, here are the steps: open the app and tap Settings.",
            "The capital of France is Paris.",
            "Here's the function you asked for, with tests.",
            "Mix the flour and butter, then bake for 20 minutes.",
        ];
        positive
            .iter()
            .map(|t| Example { text: t, label: true })
            .chain(negative.iter().map(|t| Example { text: t, label: false }))
            .collect()
    }

    #[test]
    fn it_learns_its_examples_and_training_is_deterministic() {
        let examples = toy();
        let a = NgramClassifier::train(&examples);
        let b = NgramClassifier::train(&examples);
        for e in &examples {
            assert_eq!(a.probability(e.text) > 0.5, e.label, "{}", e.text);
            assert_eq!(a.probability(e.text).to_bits(), b.probability(e.text).to_bits());
        }
    }

    #[test]
    fn any_text_gets_a_probability() {
        let model = NgramClassifier::train(&toy());
        for text in ["", "   ", "😀😀😀", &"x".repeat(10_000), "日本語のテキスト", "a'b'c"] {
            let p = model.probability(text);
            assert!((0.0..=1.0).contains(&p), "{text:?} → {p}");
        }
    }
}
