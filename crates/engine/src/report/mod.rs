//! Reports of a finished (or stopped) evaluation, written by paging through the store so an
//! evaluation of any size is never held in memory: JSON (everything), JUnit XML (for CI) and
//! one self-contained HTML file (scores and every failing transcript, no network).

mod html;
mod json;
mod junit;

use std::io::Write;

use assay_core::{Evaluation, JobResult};
use assay_store::Store;

pub use html::write_html;
pub use json::write_json;
pub use junit::write_junit;

/// Results read per page while writing a report.
const PAGE: i64 = 500;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] assay_store::Error),
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot encode the report: {0}")]
    Json(#[from] serde_json::Error),
}

/// Calls `each` for every result of the evaluation (only the failing ones when asked), in
/// job order, one page in memory at a time.
async fn for_each_result(
    store: &Store,
    evaluation: &Evaluation,
    only_failed: bool,
    mut each: impl FnMut(&JobResult) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    let mut after = -1;
    loop {
        let page = store.results_page(&evaluation.id, after, PAGE, only_failed).await?;
        let Some(last) = page.last() else { return Ok(()) };
        after = last.seq;
        for result in &page {
            each(result)?;
        }
    }
}

/// Escapes text for XML and HTML content and attribute values.
fn escape(text: &str, out: &mut impl Write) -> std::io::Result<()> {
    let mut start = 0;
    for (index, ch) in text.char_indices() {
        let replacement = match ch {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            // XML 1.0 forbids most control characters even escaped: drop them.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => "",
            _ => continue,
        };
        out.write_all(&text.as_bytes()[start..index])?;
        out.write_all(replacement.as_bytes())?;
        start = index + ch.len_utf8();
    }
    out.write_all(&text.as_bytes()[start..])
}

fn escaped(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    let _ = escape(text, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::escaped;

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(escaped("<a href=\"x\">&'</a>\u{1}ok\n"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;ok\n");
        assert_eq!(escaped("héllo — ✓"), "héllo — ✓");
    }
}
