//! The JUnit XML report: one test case per result, grouped by `harness.scenario` class names,
//! so any CI system shows failing probes with their prompt and reply.

use std::io::Write;

use assay_core::Evaluation;
use assay_store::Store;

use super::{ReportError, escape, escaped, for_each_result};

pub async fn write_junit(store: &Store, evaluation: &Evaluation, out: &mut impl Write) -> Result<(), ReportError> {
    let counts = &evaluation.counts;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<testsuites name="assay" tests="{}" failures="{}" errors="{}">"#, counts.done, counts.failed, counts.errored)?;
    writeln!(
        out,
        r#"  <testsuite name="{}" id="{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
        escaped(&evaluation.name),
        evaluation.id,
        counts.total,
        counts.failed,
        counts.errored,
        // Not run yet, and run but undecidable: neither passed nor failed.
        counts.total - counts.done + counts.unscorable
    )?;
    for_each_result(store, evaluation, false, |result| {
        let converter = result.converter.as_deref().map_or_else(String::new, |c| format!(" [{c}]"));
        write!(
            out,
            r#"    <testcase classname="{}.{}" name="{} #{}{}" time="{:.3}">"#,
            escaped(&result.harness),
            escaped(&result.scenario),
            escaped(&result.probe_id),
            result.seq,
            escaped(&converter),
            result.latency_ms as f64 / 1000.0
        )?;
        match (result.passed, &result.error) {
            (_, Some(error)) => {
                out.write_all(b"<error message=\"")?;
                escape(error, out)?;
                out.write_all(b"\"/>")?;
            }
            (None, None) => {
                let why: Vec<String> =
                    result.detections.iter().filter(|d| d.unscorable).map(|d| format!("{}: {}", d.detector, d.reasoning)).collect();
                out.write_all(b"<skipped message=\"unscorable: ")?;
                escape(&why.join("; "), out)?;
                out.write_all(b"\"/>")?;
            }
            (Some(false), None) => {
                let failing: Vec<String> =
                    result.detections.iter().filter(|d| !d.passed).map(|d| format!("{}: {}", d.detector, d.reasoning)).collect();
                out.write_all(b"<failure message=\"")?;
                escape(&failing.join("; "), out)?;
                out.write_all(b"\">")?;
                out.write_all(b"PROMPT:\n")?;
                escape(&result.prompt, out)?;
                out.write_all(b"\nREPLY:\n")?;
                escape(result.reply().unwrap_or(""), out)?;
                out.write_all(b"</failure>")?;
            }
            _ => {}
        }
        out.write_all(b"</testcase>\n")?;
        Ok(())
    })
    .await?;
    writeln!(out, "  </testsuite>\n</testsuites>")?;
    out.flush()?;
    Ok(())
}
