//! Finding the JSON in a model's reply: the whole reply, a fenced block, or the first
//! balanced `{…}` / `[…]` span that parses. Shared by `json-schema` and `llm-judge`.

use serde_json::Value;

/// How many opening brackets are tried as the start of a balanced span before giving up:
/// bounds the work on a long reply full of braces that never parse.
const MAX_SPAN_STARTS: usize = 32;

/// The JSON value a reply carries, if any.
pub(crate) fn extract_json(text: &str) -> Option<Value> {
    let trimmed = text.trim();
    if let Ok(value) = serde_json::from_str(trimmed) {
        return Some(value);
    }
    fenced_blocks(text).find_map(|block| serde_json::from_str(block.trim()).ok()).or_else(|| first_balanced(text))
}

/// The contents of every ``` fenced block, language tag line excluded. An unclosed last fence
/// runs to the end of the text (models cut off by a token limit).
fn fenced_blocks(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let open = rest.find("```")?;
        let after_fence = &rest[open + 3..];
        // The opening line may carry a language tag (```json); the block starts on the next line.
        let body_start = match after_fence.find('\n') {
            Some(newline) if !after_fence[..newline].trim().contains(['{', '[']) => newline + 1,
            _ => 0,
        };
        let body = &after_fence[body_start..];
        match body.find("```") {
            Some(close) => {
                rest = &body[close + 3..];
                Some(&body[..close])
            }
            None => {
                rest = "";
                Some(body)
            }
        }
    })
}

/// The first `{…}` or `[…]` span with balanced brackets (strings respected) that parses.
fn first_balanced(text: &str) -> Option<Value> {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().filter(|(_, b)| matches!(b, b'{' | b'[')).take(MAX_SPAN_STARTS).find_map(|(start, _)| {
        let end = balanced_end(bytes, start)?;
        // Brackets and quotes are ASCII, so both ends sit on char boundaries.
        serde_json::from_str(text.get(start..end)?).ok()
    })
}

/// The end (exclusive) of the bracketed span opening at `start`, if it closes properly.
fn balanced_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut expected = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for (at, &b) in bytes.iter().enumerate().skip(start) {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' => expected.push(b'}'),
            b'[' => expected.push(b']'),
            b'}' | b']' => {
                if expected.pop() != Some(b) {
                    return None;
                }
                if expected.is_empty() {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_whole_reply_is_taken_when_it_is_json() {
        assert_eq!(extract_json("  {\"a\": 1}\n"), Some(json!({"a": 1})));
        assert_eq!(extract_json("[1, 2]"), Some(json!([1, 2])));
    }

    #[test]
    fn a_fenced_block_is_found_with_or_without_a_language_tag() {
        assert_eq!(extract_json("Here you go:\n```json\n{\"a\": 1}\n```\nDone."), Some(json!({"a": 1})));
        assert_eq!(extract_json("```\n[true]\n```"), Some(json!([true])));
        assert_eq!(extract_json("```{\"inline\": true}```"), Some(json!({"inline": true})));
    }

    #[test]
    fn the_first_balanced_span_that_parses_is_found_in_prose() {
        let text = "The set {not json} then the answer {\"score\": 0.8, \"note\": \"a } in a string\"} ok";
        assert_eq!(extract_json(text), Some(json!({"score": 0.8, "note": "a } in a string"})));
    }

    #[test]
    fn text_without_json_yields_nothing() {
        assert_eq!(extract_json("no json here { at all"), None);
        assert_eq!(extract_json("mismatched { ] }"), None);
        assert_eq!(extract_json(""), None);
        assert_eq!(extract_json("héllo ``` wörld"), None);
    }
}
