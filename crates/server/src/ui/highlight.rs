//! Marks the detectors' findings in a reply: each finding with character offsets (or, without
//! them, its first occurrence of its value) becomes a `<mark>` naming its detector and kind.
//! Overlapping findings keep the earlier one; everything else is escaped text.

use assay_core::DetectionRecord;
use maud::{Markup, html};

/// A finding's place in the reply, in bytes, and what found it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Mark {
    start: usize,
    end: usize,
    label: String,
}

/// The byte offset of character `index` of `text` (its end when past it).
fn byte_at(text: &str, index: usize) -> usize {
    text.char_indices().nth(index).map_or(text.len(), |(at, _)| at)
}

fn marks(reply: &str, detections: &[DetectionRecord]) -> Vec<Mark> {
    let mut marks: Vec<Mark> = Vec::new();
    for detection in detections.iter().filter(|d| !d.unscorable) {
        for finding in &detection.findings {
            let span = match (finding.start, finding.end) {
                (Some(start), Some(end)) if start < end => Some((byte_at(reply, start), byte_at(reply, end))),
                _ if !finding.value.is_empty() => reply.find(&finding.value).map(|at| (at, at + finding.value.len())),
                _ => None,
            };
            if let Some((start, end)) = span.filter(|(start, end)| start < end && *end <= reply.len()) {
                marks.push(Mark { start, end, label: format!("{}: {}", detection.detector, finding.kind) });
            }
        }
    }
    marks.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut kept: Vec<Mark> = Vec::new();
    for mark in marks {
        if kept.last().is_none_or(|last| mark.start >= last.end) {
            kept.push(mark);
        }
    }
    kept
}

/// The reply as markup with its findings marked.
pub fn marked_reply(reply: &str, detections: &[DetectionRecord]) -> Markup {
    let mut pieces: Vec<(&str, Option<&str>)> = Vec::new();
    let marks = marks(reply, detections);
    let mut at = 0;
    for mark in &marks {
        pieces.push((&reply[at..mark.start], None));
        pieces.push((&reply[mark.start..mark.end], Some(mark.label.as_str())));
        at = mark.end;
    }
    pieces.push((&reply[at..], None));
    html! {
        @for (text, label) in pieces {
            @if let Some(label) = label {
                mark.finding title=(label) { (text) span.visually-hidden { " [" (label) "]" } }
            } @else {
                (text)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use assay_core::Finding;

    fn detection(findings: Vec<Finding>) -> DetectionRecord {
        DetectionRecord {
            detector: "pii".into(),
            version: 1,
            hit: true,
            passed: false,
            score: 1.0,
            reasoning: String::new(),
            findings,
            unscorable: false,
            confidence: 1.0,
        }
    }

    fn finding(value: &str, start: Option<usize>, end: Option<usize>) -> Finding {
        Finding { kind: "EMAIL".into(), value: value.into(), start, end }
    }

    #[test]
    fn findings_are_marked_at_their_character_offsets_and_the_rest_escaped() {
        let reply = "Zoë <b> writes to zoe@example.org now";
        let d = detection(vec![finding("zoe@example.org", Some(18), Some(33))]);
        let html = marked_reply(reply, &[d]).into_string();
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(html.contains(r#"<mark class="finding" title="pii: EMAIL">zoe@example.org"#), "{html}");
        assert!(html.ends_with(" now"), "{html}");
    }

    #[test]
    fn a_finding_without_offsets_is_found_by_its_value_and_overlaps_keep_the_first() {
        let reply = "call 555-0100 or 555-0100";
        let d = detection(vec![finding("555-0100", None, None), finding("0100 or", Some(9), Some(16))]);
        let found = marks(reply, &[d]);
        assert_eq!(found.len(), 1);
        assert_eq!(&reply[found[0].start..found[0].end], "555-0100");
    }
}
