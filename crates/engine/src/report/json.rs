//! The JSON report: the evaluation, the summary per harness and scenario, and every result
//! with its transcript and detections.

use std::io::Write;

use assay_core::{Evaluation, JobResult, SliceSummary};
use assay_store::Store;
use serde::Serialize;

use super::{ReportError, for_each_result};

#[derive(Serialize)]
struct Header<'a> {
    id: &'a str,
    name: &'a str,
    state: &'a str,
    targets: &'a [String],
    suite: &'a serde_json::Value,
    counts: &'a assay_core::Counts,
    score: Option<f64>,
    error: Option<&'a str>,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
}

#[derive(Serialize)]
struct Slice<'a> {
    #[serde(flatten)]
    slice: &'a SliceSummary,
    pass_rate: Option<f64>,
}

#[derive(Serialize)]
struct ResultLine<'a> {
    #[serde(flatten)]
    result: &'a JobResult,
    /// `passed`, `failed`, `unscorable` or `errored`.
    verdict: &'static str,
    target: Option<&'a str>,
    reply: Option<&'a str>,
}

/// Writes `{"evaluation": …, "summary": […], "results": […]}`.
pub async fn write_json(store: &Store, evaluation: &Evaluation, summary: &[SliceSummary], out: &mut impl Write) -> Result<(), ReportError> {
    let header = Header {
        id: evaluation.id.as_str(),
        name: &evaluation.name,
        state: evaluation.state.as_str(),
        targets: &evaluation.targets,
        suite: &evaluation.suite,
        counts: &evaluation.counts,
        score: evaluation.counts.score(),
        error: evaluation.error.as_deref(),
        created_at: evaluation.created_at,
        started_at: evaluation.started_at,
        finished_at: evaluation.finished_at,
    };
    let slices: Vec<Slice<'_>> = summary.iter().map(|slice| Slice { slice, pass_rate: slice.pass_rate() }).collect();
    out.write_all(b"{\"evaluation\":")?;
    serde_json::to_writer(&mut *out, &header)?;
    out.write_all(b",\"summary\":")?;
    serde_json::to_writer(&mut *out, &slices)?;
    out.write_all(b",\"results\":[")?;
    let mut first = true;
    for_each_result(store, evaluation, false, |result| {
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        let target = evaluation.targets.get(usize::try_from(result.target_index).unwrap_or(usize::MAX)).map(String::as_str);
        serde_json::to_writer(&mut *out, &ResultLine { result, verdict: result.verdict().as_str(), target, reply: result.reply() })?;
        Ok(())
    })
    .await?;
    out.write_all(b"]}\n")?;
    out.flush()?;
    Ok(())
}
