//! The HTML report: one self-contained file (inline CSS, no scripts, no network) with the
//! overall score, a table per harness and scenario, and every failing transcript.

use std::io::Write;

use assay_core::{Evaluation, SliceSummary};
use assay_store::Store;

use super::{ReportError, escape, escaped, for_each_result};

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;width:100%}\
th,td{border-bottom:1px solid #d8dee4;padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}\
.num{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b42318}.good{color:#1a7f37}\
.score{font-size:2rem;font-weight:600}details{border:1px solid #d8dee4;border-radius:6px;margin:.5rem 0;padding:.4rem .7rem}\
summary{cursor:pointer}pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:.5rem;border-radius:4px}\
.role{font-weight:600;text-transform:uppercase;font-size:.75rem;color:#57606a}.meta{color:#57606a}";

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

pub async fn write_html(store: &Store, evaluation: &Evaluation, summary: &[SliceSummary], out: &mut impl Write) -> Result<(), ReportError> {
    let counts = &evaluation.counts;
    let score = counts.score();
    let class = if score.is_some_and(|s| s >= 0.8) { "good" } else { "bad" };
    write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>assay: {name}</title><style>{STYLE}</style></head><body>\n\
         <h1>assay scan: {name}</h1>\n<p class=\"meta\">Evaluation {id} · {state} · targets: {targets}</p>\n\
         <p class=\"score {class}\">{score}</p>\n\
         <p>{done} of {total} tests run: {passed} passed, {failed} failed, {unscorable} unscorable, {errored} errors.</p>\n",
        name = escaped(&evaluation.name),
        id = evaluation.id,
        state = evaluation.state.as_str(),
        targets = escaped(&evaluation.targets.join(", ")),
        score = percent(score),
        done = counts.done,
        total = counts.total,
        passed = counts.passed,
        failed = counts.failed,
        errored = counts.errored,
        unscorable = counts.unscorable,
    )?;
    out.write_all(b"<h2>By harness and scenario</h2>\n<table><tr><th>Harness</th><th>Scenario</th><th class=\"num\">Tests</th><th class=\"num\">Pass rate</th><th class=\"num\">Failed</th><th class=\"num\">Unscorable</th><th class=\"num\">Errors</th><th>Most failing probe</th></tr>\n")?;
    for slice in summary {
        let worst = slice.worst_probe.as_ref().map_or_else(String::new, |(probe, n)| format!("{} ({n})", escaped(probe)));
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{worst}</td></tr>",
            escaped(&slice.harness),
            escaped(&slice.scenario),
            slice.total,
            percent(slice.pass_rate()),
            slice.failed,
            slice.unscorable,
            slice.errored
        )?;
    }
    out.write_all(b"</table>\n<h2>Failing transcripts</h2>\n")?;
    let mut failures = 0usize;
    for_each_result(store, evaluation, true, |result| {
        failures += 1;
        let converter = result.converter.as_deref().map_or_else(String::new, |c| format!(" · converter {}", escaped(c)));
        writeln!(
            out,
            "<details><summary><b>{}</b> <span class=\"meta\">#{} · {}/{}{converter} · {} ms</span></summary>",
            escaped(&result.probe_id),
            result.seq,
            escaped(&result.harness),
            escaped(&result.scenario),
            result.latency_ms
        )?;
        for message in &result.messages {
            write!(out, "<div class=\"role\">{}</div><pre>", message.role.as_str())?;
            escape(&message.content, out)?;
            out.write_all(b"</pre>\n")?;
        }
        out.write_all(
            b"<table><tr><th>Detector</th><th>Verdict</th><th class=\"num\">Score</th><th class=\"num\">Confidence</th><th>Reasoning</th><th>Findings</th></tr>\n",
        )?;
        for detection in &result.detections {
            let verdict = match detection.verdict() {
                "pass" => "<span class=\"good\">pass</span>",
                "fail" => "<span class=\"bad\">fail</span>",
                _ => "<span class=\"meta\">unscorable</span>",
            };
            let findings: Vec<String> = detection.findings.iter().map(|f| format!("{}: {}", f.kind, f.value)).collect();
            writeln!(
                out,
                "<tr><td>{}</td><td>{verdict}</td><td class=\"num\">{:.2}</td><td class=\"num\">{:.2}</td><td>{}</td><td>{}</td></tr>",
                escaped(&detection.detector),
                detection.score,
                detection.confidence,
                escaped(&detection.reasoning),
                escaped(&findings.join(", "))
            )?;
        }
        out.write_all(b"</table></details>\n")?;
        Ok(())
    })
    .await?;
    if failures == 0 {
        out.write_all(b"<p class=\"good\">No failing transcripts.</p>\n")?;
    }
    out.write_all(b"</body></html>\n")?;
    out.flush()?;
    Ok(())
}
