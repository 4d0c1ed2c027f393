//! Reading F32 tensors out of a safetensors file: 8 bytes giving the header's length (little
//! endian), a JSON header naming each tensor with its dtype, shape and byte range, then the
//! tensors' bytes. Every range is checked against the file before it is read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::EmbeddingError;

/// One tensor's entry in the header.
#[derive(Debug, Deserialize)]
struct Entry {
    dtype: String,
    shape: Vec<usize>,
    /// Start and end of the tensor's bytes, counted from the end of the header.
    data_offsets: (usize, usize),
}

/// A safetensors file held in memory, its header parsed.
pub(super) struct SafeTensors {
    path: PathBuf,
    bytes: Vec<u8>,
    data_start: usize,
    entries: HashMap<String, Entry>,
}

impl SafeTensors {
    pub(super) fn parse(path: &Path, bytes: Vec<u8>) -> Result<SafeTensors, EmbeddingError> {
        let malformed = |reason: String| EmbeddingError::Malformed { path: path.to_path_buf(), reason };
        let (length, rest) = bytes.split_first_chunk::<8>().ok_or_else(|| malformed("shorter than its 8-byte header length".into()))?;
        let header_length = usize::try_from(u64::from_le_bytes(*length))
            .ok()
            .filter(|&header_length| header_length <= rest.len())
            .ok_or_else(|| malformed("the header length runs past the end of the file".into()))?;
        let mut header: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&rest[..header_length]).map_err(|error| malformed(format!("header: {error}")))?;
        // Free-form metadata, not a tensor.
        header.remove("__metadata__");
        let entries = serde_json::from_value(serde_json::Value::Object(header)).map_err(|error| malformed(format!("header: {error}")))?;
        Ok(SafeTensors { path: path.to_path_buf(), bytes, data_start: 8 + header_length, entries })
    }

    /// The values of tensor `name`, which must be F32 of exactly `shape`, in row-major order.
    pub(super) fn tensor(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, EmbeddingError> {
        let entry = self.entries.get(name).ok_or_else(|| EmbeddingError::MissingTensor { name: name.to_string() })?;
        if entry.dtype != "F32" {
            return Err(EmbeddingError::TensorType { name: name.to_string(), found: entry.dtype.clone() });
        }
        if entry.shape != shape {
            return Err(EmbeddingError::TensorShape { name: name.to_string(), expected: shape.to_vec(), found: entry.shape.clone() });
        }
        let (start, end) = entry.data_offsets;
        let expected_bytes = shape.iter().try_fold(size_of::<f32>(), |bytes, &dimension| bytes.checked_mul(dimension));
        let bytes = (self.data_start.checked_add(start))
            .and_then(|from| self.bytes.get(from..))
            .and_then(|data| data.get(..end.checked_sub(start)?))
            .filter(|bytes| Some(bytes.len()) == expected_bytes)
            .ok_or_else(|| EmbeddingError::Malformed {
                path: self.path.clone(),
                reason: format!("tensor {name:?}: byte range {start}..{end} does not fit its shape or the file"),
            })?;
        let (values, _) = bytes.as_chunks::<4>();
        Ok(values.iter().map(|&value| f32::from_le_bytes(value)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A safetensors file holding `header` and `data`.
    fn file(header: &str, data: &[u8]) -> Vec<u8> {
        let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(data);
        bytes
    }

    fn parse(bytes: Vec<u8>) -> Result<SafeTensors, EmbeddingError> {
        SafeTensors::parse(Path::new("model.safetensors"), bytes)
    }

    fn two_by_two() -> SafeTensors {
        let data: Vec<u8> = [1.0f32, 2.0, 3.0, -4.5].iter().flat_map(|value| value.to_le_bytes()).collect();
        let header = r#"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"ids":{"dtype":"I64","shape":[1],"data_offsets":[16,24]}}"#;
        parse(file(header, &[data, vec![0; 8]].concat())).expect("a well-formed file parses")
    }

    #[test]
    fn an_f32_tensor_reads_in_row_major_order() {
        assert_eq!(two_by_two().tensor("w", &[2, 2]).expect("w is there"), [1.0, 2.0, 3.0, -4.5]);
    }

    #[test]
    fn a_tensor_of_another_shape_is_refused_with_both_shapes() {
        let error = two_by_two().tensor("w", &[4]).expect_err("the shape differs");
        assert_eq!(error.to_string(), r#"tensor "w" has shape [2, 2], expected [4]"#);
    }

    #[test]
    fn a_missing_or_non_f32_tensor_is_refused_by_name() {
        let weights = two_by_two();
        assert!(matches!(weights.tensor("v", &[2, 2]), Err(EmbeddingError::MissingTensor { name }) if name == "v"));
        assert!(matches!(weights.tensor("ids", &[1]), Err(EmbeddingError::TensorType { found, .. }) if found == "I64"));
    }

    #[test]
    fn a_byte_range_past_the_end_of_the_file_is_refused() {
        let weights = parse(file(r#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, &[0; 8])).expect("the header parses");
        assert!(matches!(weights.tensor("w", &[2, 2]), Err(EmbeddingError::Malformed { .. })));
    }

    #[test]
    fn a_truncated_file_or_header_is_malformed() {
        assert!(matches!(parse(vec![1, 2, 3]), Err(EmbeddingError::Malformed { .. })));
        assert!(matches!(parse(file("{", &[])), Err(EmbeddingError::Malformed { .. })));
        let mut lying = file("{}", &[]);
        lying[0] = 200;
        assert!(matches!(parse(lying), Err(EmbeddingError::Malformed { .. })));
    }
}
