//! A logistic-regression head: the classifier trained on top of sentence embeddings.
//!
//! Training is deterministic (no shuffling, no random start, sums in a fixed order) so a
//! benchmark run can be repeated exactly. It minimises the class-balanced log loss (each class
//! weighs half, however many examples it has, so a rare class is not simply outvoted) plus an
//! L2 penalty on the weights (not the bias), by full-batch gradient descent with Nesterov
//! momentum and the step size `1 / L`, `L` bounding the loss's curvature, which needs no tuning
//! and cannot diverge.

/// A linear decision over the embedding's dimensions, read through the logistic function.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticHead {
    weights: Vec<f64>,
    bias: f64,
}

impl LogisticHead {
    /// Trains on `(features, is_positive)` pairs for `epochs` full passes. `l2` is the
    /// penalty's strength (`l2 / 2 · |w|²` added to a loss whose example weights sum to 1;
    /// negative counts as 0). Examples shorter than the longest count as zero-padded; with no
    /// examples the head says 0.5 for everything.
    pub fn train(examples: &[(Vec<f32>, bool)], l2: f32, epochs: usize) -> LogisticHead {
        let dimensions = examples.iter().map(|(features, _)| features.len()).max().unwrap_or(0);
        let l2 = f64::from(l2.max(0.0));
        let example_weights = balanced_weights(examples);
        // The log loss's Hessian is at most 1/4 · Σ sᵢ (xᵢ,1)(xᵢ,1)ᵀ, whose largest eigenvalue
        // is at most 1/4 · max |(xᵢ,1)|² because the sᵢ sum to 1.
        let largest_squared_norm = examples
            .iter()
            .map(|(features, _)| 1.0 + features.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>())
            .fold(0.0, f64::max);
        let step = 1.0 / (0.25 * largest_squared_norm + l2).max(f64::MIN_POSITIVE);

        let mut head = LogisticHead { weights: vec![0.0; dimensions], bias: 0.0 };
        let mut previous = head.clone();
        for epoch in 0..epochs {
            // Nesterov: step from a point pushed further along the last move.
            let momentum = epoch as f64 / (epoch as f64 + 3.0);
            let lookahead = LogisticHead {
                weights: head.weights.iter().zip(&previous.weights).map(|(&now, &before)| now + momentum * (now - before)).collect(),
                bias: head.bias + momentum * (head.bias - previous.bias),
            };
            let (weight_gradient, bias_gradient) = lookahead.gradient(examples, &example_weights, l2);
            previous = std::mem::replace(
                &mut head,
                LogisticHead {
                    weights: lookahead.weights.iter().zip(&weight_gradient).map(|(&weight, &gradient)| weight - step * gradient).collect(),
                    bias: lookahead.bias - step * bias_gradient,
                },
            );
        }
        head
    }

    /// The probability that `features` belong to the positive class. Features beyond the
    /// head's dimensions are ignored, missing ones count as 0.
    pub fn probability(&self, features: &[f32]) -> f64 {
        sigmoid(self.logit(features))
    }

    fn logit(&self, features: &[f32]) -> f64 {
        self.bias + self.weights.iter().zip(features).map(|(&weight, &feature)| weight * f64::from(feature)).sum::<f64>()
    }

    /// The gradient of the penalised, weighted log loss at this head.
    fn gradient(&self, examples: &[(Vec<f32>, bool)], example_weights: &[f64], l2: f64) -> (Vec<f64>, f64) {
        let mut weight_gradient: Vec<f64> = self.weights.iter().map(|&weight| l2 * weight).collect();
        let mut bias_gradient = 0.0;
        for ((features, positive), &example_weight) in examples.iter().zip(example_weights) {
            let error = example_weight * (self.probability(features) - if *positive { 1.0 } else { 0.0 });
            for (gradient, &feature) in weight_gradient.iter_mut().zip(features) {
                *gradient += error * f64::from(feature);
            }
            bias_gradient += error;
        }
        (weight_gradient, bias_gradient)
    }
}

/// Each example's weight in the loss: half the total for each class, split evenly within it
/// (or evenly over all examples when one class is absent). The weights sum to 1.
fn balanced_weights(examples: &[(Vec<f32>, bool)]) -> Vec<f64> {
    let positives = examples.iter().filter(|(_, positive)| *positive).count();
    let negatives = examples.len() - positives;
    examples
        .iter()
        .map(|(_, positive)| match (positives, negatives) {
            (0, _) | (_, 0) => 1.0 / examples.len() as f64,
            _ if *positive => 0.5 / positives as f64,
            _ => 0.5 / negatives as f64,
        })
        .collect()
}

/// The logistic function, written so neither branch can overflow `exp`.
fn sigmoid(logit: f64) -> f64 {
    if logit >= 0.0 {
        1.0 / (1.0 + (-logit).exp())
    } else {
        let e = logit.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two clouds either side of the line x + y = 0, spread by a fixed pattern (no randomness).
    fn separable_set() -> Vec<(Vec<f32>, bool)> {
        (0..40)
            .map(|i| {
                let spread = ((i * 7) % 11) as f32 / 10.0 - 0.5;
                let positive = i % 2 == 0;
                let centre = if positive { 1.0 } else { -1.0 };
                (vec![centre + spread, centre - 0.6 * spread, 0.3 * spread], positive)
            })
            .collect()
    }

    #[test]
    fn a_separable_set_is_classified_correctly() {
        let examples = separable_set();
        let head = LogisticHead::train(&examples, 1e-3, 300);
        for (features, positive) in &examples {
            assert_eq!(head.probability(features) > 0.5, *positive, "{features:?}");
        }
        assert!(head.probability(&[3.0, 3.0, 0.0]) > 0.99);
        assert!(head.probability(&[-3.0, -3.0, 0.0]) < 0.01);
    }

    #[test]
    fn training_twice_gives_the_same_head() {
        let examples = separable_set();
        assert_eq!(LogisticHead::train(&examples, 1e-2, 50), LogisticHead::train(&examples, 1e-2, 50));
    }

    #[test]
    fn with_nothing_to_learn_from_the_head_says_one_half_whatever_the_class_ratio() {
        let examples: Vec<(Vec<f32>, bool)> = (0..33).map(|i| (vec![0.0, 0.0], i < 3)).collect();
        let head = LogisticHead::train(&examples, 1e-2, 200);
        assert!((head.probability(&[0.0, 0.0]) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn a_rare_class_is_not_outvoted() {
        // 3 positives against 30 negatives, overlapping at 0.2: unweighted, the fit leaves all
        // three positives under 0.5; balanced, all three are over it.
        let mut examples: Vec<(Vec<f32>, bool)> = (0..30).map(|i| (vec![-0.2 + (i % 5) as f32 * 0.1], false)).collect();
        examples.extend([0.15, 0.2, 0.25].map(|x| (vec![x], true)));
        let head = LogisticHead::train(&examples, 1e-3, 500);
        assert!(examples.iter().filter(|(_, positive)| *positive).all(|(features, _)| head.probability(features) > 0.5));
    }

    #[test]
    fn no_examples_or_no_epochs_give_a_head_that_says_one_half() {
        assert_eq!(LogisticHead::train(&[], 1e-3, 100).probability(&[1.0, 2.0]), 0.5);
        assert_eq!(LogisticHead::train(&separable_set(), 1e-3, 0).probability(&[1.0, 2.0, 3.0]), 0.5);
    }

    #[test]
    fn extreme_logits_give_probabilities_of_zero_and_one_not_nan() {
        assert_eq!(sigmoid(1e6), 1.0);
        assert_eq!(sigmoid(-1e6), 0.0);
    }
}
