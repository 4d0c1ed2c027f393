//! A small linear classifier over hashed word and character n-grams, trained on a labelled
//! set's dev split: the fallback the rule detectors consult where their phrases find nothing
//! to go on (a refusal with no decline phrase in it, written as a policy, a fact or a
//! redirect; an insult with no insult word), in any language.
//!
//! Why this shape: it runs in microseconds on two cores, needs no model from anywhere (the
//! labelled sets are in the repository), and character n-grams carry across languages and
//! inflections ("illegal", "ilegal", "illégal", "незаконн…") where word lists do not. The
//! build script (`build.rs`, which compiles this same file) trains it deterministically (a
//! fixed shuffle, fixed epochs and rate) on the `dev` split only, so the held-apart `test`
//! split measures it honestly, and writes the weights the detectors read with [`Weights`].

/// 2^18 weights: few enough collisions for a few thousand short texts, 1 MiB of `f32`.
const BUCKETS: usize = 1 << 18;
const EPOCHS: usize = 24;
/// The weights kept are the mean of those at the end of each epoch from this one on: the last
/// pass alone leans on whichever examples the shuffle put last.
const AVERAGED_FROM: usize = 12;
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

/// How [`NgramClassifier::train_with`] trains.
#[derive(Clone, Copy)]
pub struct Training {
    /// The shuffle's seed.
    pub seed: u64,
    pub epochs: usize,
    /// The weights kept are the mean of those at the end of each epoch from this one on.
    pub averaged_from: usize,
}

impl Default for Training {
    fn default() -> Self {
        Self { seed: 0x9e37_79b9_7f4a_7c15, epochs: EPOCHS, averaged_from: AVERAGED_FROM }
    }
}

/// The trained weights.
pub struct NgramClassifier {
    weights: Vec<f32>,
    bias: f32,
}

impl NgramClassifier {
    /// Trains on `examples` (deterministic: the same examples give the same weights).
    pub fn train(examples: &[Example<'_>]) -> Self {
        Self::train_with(examples, &Training::default())
    }

    /// [`NgramClassifier::train`] with other settings: how `examples/ngram_cv.rs` measures
    /// what a setting changes.
    pub fn train_with(examples: &[Example<'_>], training: &Training) -> Self {
        let Training { seed, epochs, averaged_from } = *training;
        let features: Vec<(Vec<u32>, f32)> = examples
            .iter()
            .map(|e| {
                let mut grams = Vec::new();
                for_each_gram(e.text, |gram| grams.push(gram));
                let scale = scale(grams.len());
                (grams, scale)
            })
            .collect();
        let mut weights = vec![0f32; BUCKETS];
        let mut bias = 0f32;
        let (mut sums, mut bias_sum) = (vec![0f32; BUCKETS], 0f32);
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut seed = seed;
        for epoch in 0..epochs {
            shuffle(&mut order, &mut seed);
            let rate = LEARNING_RATE / (1.0 + epoch as f32 * 0.5);
            for &i in &order {
                let (grams, scale) = &features[i];
                let p = sigmoid(bias + grams.iter().map(|&g| weights[g as usize]).sum::<f32>() * scale);
                let gradient = p - f32::from(u8::from(examples[i].label));
                for &g in grams {
                    let w = &mut weights[g as usize];
                    *w -= rate * (gradient * scale + L2 * *w);
                }
                bias -= rate * gradient;
            }
            if epoch >= averaged_from {
                for (sum, w) in sums.iter_mut().zip(&weights) {
                    *sum += *w;
                }
                bias_sum += bias;
            }
        }
        if averaged_from >= epochs {
            return Self { weights, bias };
        }
        let averaged = (epochs - averaged_from) as f32;
        Self { weights: sums.into_iter().map(|sum| sum / averaged).collect(), bias: bias_sum / averaged }
    }

    /// The probability that `text` belongs to the positive class.
    pub fn probability(&self, text: &str) -> f32 {
        let (mut sum, mut count) = (0f32, 0usize);
        for_each_gram(text, |gram| {
            sum += self.weights[gram as usize];
            count += 1;
        });
        sigmoid(self.bias + sum * scale(count))
    }

    /// The bias, then every weight, as little-endian `f32`: what [`Weights`] reads.
    pub fn to_bytes(&self) -> Vec<u8> {
        std::iter::once(self.bias).chain(self.weights.iter().copied()).flat_map(f32::to_le_bytes).collect()
    }
}

/// Trained weights as [`NgramClassifier::to_bytes`] wrote them (compiled into the binary):
/// read in place, so a detector pays nothing to load them.
pub struct Weights(pub &'static [u8]);

impl Weights {
    /// The probability that `text` belongs to the positive class; 0.5 when the weights are
    /// not of this build's size (never, for weights written by this crate's build script).
    pub fn probability(&self, text: &str) -> f32 {
        if self.0.len() != 4 * (BUCKETS + 1) {
            return 0.5;
        }
        let at = |i: usize| self.0.get(4 * i..4 * i + 4).and_then(|b| b.try_into().ok()).map_or(0.0, f32::from_le_bytes);
        let (mut sum, mut count) = (0f32, 0usize);
        for_each_gram(text, |gram| {
            sum += at(gram as usize + 1);
            count += 1;
        });
        sigmoid(at(0) + sum * scale(count))
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

/// Each gram of the text's length: 1/√n, so long and short texts score alike. (A gram that
/// occurs twice counts twice.)
fn scale(grams: usize) -> f32 {
    1.0 / (grams.max(1) as f32).sqrt()
}

thread_local! {
    /// The lowercase copy of the text being read, kept from one call to the next: a fresh
    /// copy of a reply is an allocation of over a kilobyte, which in glibc's allocator first
    /// consolidates every small freed block, and that cost a scan more than the scoring did.
    static LOWER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Calls `f` with the bucket of each of the text's grams, in order: each word, each pair of
/// adjacent words, and each character n-gram of each word. Nothing is collected, and the
/// lowercase copy reuses this thread's buffer, so scoring a reply allocates nothing.
fn for_each_gram(text: &str, f: impl FnMut(u32)) {
    LOWER.with_borrow_mut(|lower| {
        lower.clear();
        let opening = text.char_indices().nth(MAX_CHARS).map_or(text, |(end, _)| &text[..end]);
        if opening.is_ascii() {
            lower.push_str(opening);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(opening.chars().flat_map(char::to_lowercase));
        }
        grams_of_lowercase(lower, f);
    });
}

/// [`for_each_gram`] on text already lowercased.
fn grams_of_lowercase(lower: &str, mut f: impl FnMut(u32)) {
    let mut emit = |hash: u32| f(hash % BUCKETS as u32);
    let mut previous: Option<u32> = None;
    let mut bounds = [0usize; MAX_WORD_CHARS + 3];
    let mut marked = [0u8; 4 * (MAX_WORD_CHARS + 2)];
    for word in lower.split(|c: char| !(c.is_alphanumeric() || c == '\'')).filter(|w| !w.is_empty()) {
        let word_hash = fnv(Fnv::new(1), word.as_bytes());
        emit(word_hash);
        if let Some(previous) = previous {
            emit(fnv(fnv(Fnv::new(2), &previous.to_le_bytes()).into(), &word_hash.to_le_bytes()));
        }
        previous = Some(word_hash);
        // "<word>" and where each of its characters starts: a gram of n characters is then a
        // byte slice.
        let chars = word.chars().count() + 2;
        if chars > MAX_WORD_CHARS + 2 {
            continue;
        }
        let mut len = 0;
        for (n, c) in std::iter::once('<').chain(word.chars()).chain(std::iter::once('>')).enumerate() {
            bounds[n] = len;
            len += c.encode_utf8(&mut marked[len..]).len();
        }
        bounds[chars] = len;
        for n in CHAR_GRAMS {
            for start in 0..chars.saturating_sub(n - 1) {
                emit(fnv(Fnv::new(3), &marked[bounds[start]..bounds[start + n]]));
            }
        }
    }
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
    fn written_weights_read_back_to_the_same_probabilities() {
        let model = NgramClassifier::train(&toy());
        let bytes: &'static [u8] = Box::leak(model.to_bytes().into_boxed_slice());
        let read = Weights(bytes);
        for e in &toy() {
            assert_eq!(read.probability(e.text).to_bits(), model.probability(e.text).to_bits());
        }
        assert_eq!(Weights(&[0u8; 8]).probability("anything"), 0.5);
    }

    fn grams(text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        for_each_gram(text, |g| out.push(g));
        out
    }

    #[test]
    fn the_reused_buffer_reads_each_text_as_a_fresh_lowercase_copy_would() {
        let long = format!("{} ÉCOLE ", "Word ".repeat(400));
        // Long then short, ASCII then not: nothing of one text is left in the next one's read.
        for text in [long.as_str(), "I CAN'T do that", "Ünïcode İstanbul ΣΑΣ", "short", "x", "", long.as_str()] {
            let fresh: String = text.chars().take(MAX_CHARS).flat_map(char::to_lowercase).collect();
            let mut expected = Vec::new();
            grams_of_lowercase(&fresh, |g| expected.push(g));
            assert_eq!(grams(text), expected, "{text:?}");
        }
        assert!(!grams("I CAN'T").is_empty());
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
