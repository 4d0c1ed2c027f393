//! The price table behind `/v1/hubs/cost` and `/v1/evaluation-estimate`: US dollars per
//! million tokens by hub and model, built in (`data/prices.toml`) or read from
//! `--price-table FILE`, which replaces it whole.

use std::path::Path;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ConfigError;

const BUILTIN: &str = include_str!("../data/prices.toml");

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Entry {
    hub: String,
    model: String,
    /// Dollars per million prompt tokens.
    input: f64,
    /// Dollars per million completion tokens.
    output: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    price: Vec<Entry>,
}

#[derive(Debug, Clone)]
pub struct PriceTable {
    entries: Vec<Entry>,
}

/// What some tokens cost on a hub's model.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Cost {
    pub hub: String,
    pub model: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Dollars per million tokens applied.
    pub input_price_per_million: f64,
    pub output_price_per_million: f64,
    pub input_cost: f64,
    pub output_cost: f64,
    pub total_cost: f64,
    pub currency: &'static str,
    /// Which table row priced it: `hub/model`, `hub/*` or `*/*`.
    pub priced_by: String,
}

impl PriceTable {
    pub fn builtin() -> Self {
        Self::parse(BUILTIN, "built-in price table").unwrap_or(Self { entries: Vec::new() })
    }

    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::PriceTable(format!("cannot read {}: {e}", path.display())))?;
        Self::parse(&text, &path.display().to_string())
    }

    fn parse(text: &str, what: &str) -> Result<Self, ConfigError> {
        let file: File = toml::from_str(text).map_err(|e| ConfigError::PriceTable(format!("{what}: {e}")))?;
        if let Some(bad) = file.price.iter().find(|e| !(e.input.is_finite() && e.output.is_finite() && e.input >= 0.0 && e.output >= 0.0)) {
            return Err(ConfigError::PriceTable(format!("{what}: {}/{} has a negative or non-finite price", bad.hub, bad.model)));
        }
        Ok(Self { entries: file.price })
    }

    /// The cost of `input_tokens` and `output_tokens` on `hub`'s `model`: the exact row, else
    /// the hub's `*` row, else the `*/*` row, else free.
    pub fn cost(&self, hub: &str, model: &str, input_tokens: u64, output_tokens: u64) -> Cost {
        let exact = self.entries.iter().find(|e| e.hub == hub && e.model == model);
        let by_hub = || self.entries.iter().find(|e| e.hub == hub && e.model == "*");
        let fallback = || self.entries.iter().find(|e| e.hub == "*" && e.model == "*");
        let entry = exact.or_else(by_hub).or_else(fallback);
        let (input_price, output_price, priced_by) =
            entry.map_or((0.0, 0.0, "none".to_owned()), |e| (e.input, e.output, format!("{}/{}", e.hub, e.model)));
        let input_cost = input_tokens as f64 * input_price / 1e6;
        let output_cost = output_tokens as f64 * output_price / 1e6;
        Cost {
            hub: hub.to_owned(),
            model: model.to_owned(),
            input_tokens,
            output_tokens,
            input_price_per_million: input_price,
            output_price_per_million: output_price,
            input_cost,
            output_cost,
            total_cost: input_cost + output_cost,
            currency: "USD",
            priced_by,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_parses_and_prices_by_the_most_specific_row() {
        let table = PriceTable::builtin();
        assert!(!table.entries.is_empty());
        let exact = table.cost("openai", "gpt-4o-mini", 1_000_000, 2_000_000);
        assert_eq!(exact.priced_by, "openai/gpt-4o-mini");
        assert!((exact.total_cost - (0.15 + 1.20)).abs() < 1e-9);
        assert_eq!(table.cost("openai", "some-new-model", 1, 1).priced_by, "openai/*");
        assert_eq!(table.cost("custom", "x", 10, 10).total_cost, 0.0);
        assert_eq!(table.cost("unheard-of", "x", 10, 10).priced_by, "*/*");
    }

    #[test]
    fn a_negative_price_is_refused() {
        let text = "[[price]]\nhub = \"a\"\nmodel = \"*\"\ninput = -1.0\noutput = 1.0\n";
        assert!(PriceTable::parse(text, "t").is_err());
    }
}
