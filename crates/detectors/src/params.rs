//! Parsing of detector params: JSON object (or null) into a typed struct, errors named.

use assay_core::DetectorInfo;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;

/// Deserializes `params` into `T`; null means "all defaults" and is read as `{}`, so required
/// fields still fail with serde's "missing field" message.
pub(crate) fn parse<T: DeserializeOwned>(info: &DetectorInfo, params: &Value) -> crate::Result<T> {
    let result = if params.is_null() { T::deserialize(&Value::Object(serde_json::Map::new())) } else { T::deserialize(params) };
    result.map_err(|e| invalid(info, e.to_string()))
}

pub(crate) fn invalid(info: &DetectorInfo, message: impl Into<String>) -> Error {
    Error::InvalidParams { detector: info.id.to_owned(), message: message.into() }
}

/// Rejects a threshold outside 0..=1 (NaN included).
pub(crate) fn check_unit(info: &DetectorInfo, name: &str, value: f64) -> crate::Result<()> {
    if (0.0..=1.0).contains(&value) { Ok(()) } else { Err(invalid(info, format!("{name} must be between 0 and 1, got {value}"))) }
}
