//! `assay scan`, `assay detect`, `assay detectors` and `assay probes` end to end, as a user
//! runs them: reports on disk, exit codes, resume after a killed process.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const ASSAY: &str = env!("CARGO_BIN_EXE_assay");

fn command(cwd: &Path) -> Command {
    let mut command = Command::new(ASSAY);
    command.current_dir(cwd);
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("ASSAY_")) {
        command.env_remove(name);
    }
    command
}

fn assay(cwd: &Path, args: &[&str]) -> Output {
    command(cwd).args(args).output().expect("assay runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("report exists")).expect("report is JSON")
}

#[test]
fn a_scan_of_the_mock_writes_json_junit_and_html_reports() {
    let dir = tempfile::tempdir().expect("dir");
    let output = assay(
        dir.path(),
        &[
            "scan",
            "--target",
            "mock",
            "--harness",
            "security,privacy",
            "--limit",
            "60",
            "--json",
            "r.json",
            "--junit",
            "r.xml",
            "--html",
            "r.html",
            "--fail-under",
            "0",
        ],
    );
    assert!(output.status.success(), "{}\n{}", text(&output.stdout), text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("security") && stdout.contains("score "), "summary table: {stdout}");

    let report = read_json(&dir.path().join("r.json"));
    assert_eq!(report["evaluation"]["state"], "completed");
    assert_eq!(report["evaluation"]["counts"]["done"], 60);
    let results = report["results"].as_array().expect("results");
    assert_eq!(results.len(), 60);
    for result in results {
        assert!(result["probe_id"].as_str().is_some_and(|p| !p.is_empty()));
        assert!(result["prompt"].as_str().is_some());
        assert!(result["reply"].as_str().is_some_and(|r| r.starts_with("echo: ")), "{result}");
        assert!(result["detections"].as_array().is_some_and(|d| !d.is_empty()));
        assert!(result["latency_ms"].is_u64() && result["prompt_tokens"].is_u64());
    }
    let seqs: BTreeSet<i64> = results.iter().filter_map(|r| r["seq"].as_i64()).collect();
    assert_eq!(seqs.len(), 60);

    let junit = std::fs::read_to_string(dir.path().join("r.xml")).expect("junit");
    assert!(junit.starts_with("<?xml"));
    assert_eq!(junit.matches("<testcase ").count(), 60);
    let failed = report["evaluation"]["counts"]["failed"].as_u64().expect("failed");
    assert_eq!(junit.matches("<failure ").count() as u64, failed);

    let html = std::fs::read_to_string(dir.path().join("r.html")).expect("html");
    assert!(html.starts_with("<!doctype html>"));
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src="), "self-contained");
    assert_eq!(html.matches("<details>").count() as u64, failed, "every failing transcript");
}

#[test]
fn a_score_under_fail_under_exits_non_zero() {
    let dir = tempfile::tempdir().expect("dir");
    // The echo mock repeats every injected instruction, so it cannot score 100%.
    let output = assay(dir.path(), &["scan", "--target", "mock", "--harness", "security", "--limit", "30", "--fail-under", "1"]);
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("is under --fail-under 1"), "{}", text(&output.stderr));
}

#[test]
fn bad_scan_arguments_are_clear_errors() {
    let dir = tempfile::tempdir().expect("dir");
    for (args, expected) in [
        (vec!["scan", "--target", "mock", "--harness", "nonsense"], "nonsense"),
        (vec!["scan", "--target", "mock", "--converters", "rot99"], "rot99"),
        (vec!["scan", "--target", "mock", "--fail-under", "80"], "between 0 and 1"),
        (vec!["scan", "--target", "nowhere+http://x"], "invalid target spec"),
        (vec!["scan", "--resume", "not-an-id"], "invalid id"),
    ] {
        let output = assay(dir.path(), &args);
        assert!(!output.status.success(), "{args:?}");
        assert!(text(&output.stderr).contains(expected), "{args:?}: {}", text(&output.stderr));
    }
}

#[test]
fn a_killed_scan_resumes_to_the_same_counts_without_duplicates() {
    let dir = tempfile::tempdir().expect("dir");
    let mut mock = command(dir.path())
        .args(["mock-target", "--addr", "127.0.0.1:0", "--latency-ms", "20"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mock target");
    let mut line = String::new();
    BufReader::new(mock.stdout.take().expect("stdout")).read_line(&mut line).expect("listening line");
    let url = line.trim().strip_prefix("mock target listening on ").expect("url").to_owned();
    let target = format!("contract+{url}/chat");

    let mut scan = command(dir.path())
        .args(["scan", "--quiet", "--target", &target, "--harness", "all", "--limit", "400", "--max-concurrency", "4"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("scan starts");
    let mut stderr = BufReader::new(scan.stderr.take().expect("stderr"));
    let mut first = String::new();
    stderr.read_line(&mut first).expect("evaluation line");
    let id = first.strip_prefix("evaluation ").and_then(|rest| rest.split(':').next()).expect("evaluation id").to_owned();
    // Let it get some way in, then kill it outright: no clean stop, leases left behind.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let shown = assay(dir.path(), &["evals", "show", &id]);
        let done = serde_json::from_slice::<serde_json::Value>(&shown.stdout).ok().and_then(|v| v["evaluation"]["counts"]["done"].as_i64());
        if done.is_some_and(|d| d >= 40) {
            break;
        }
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(50));
    }
    scan.kill().expect("kill -9");
    scan.wait().expect("reaped");

    let resumed = assay(dir.path(), &["scan", "--resume", &id, "--json", "resumed.json", "--quiet"]);
    assert!(resumed.status.success(), "{}", text(&resumed.stderr));
    let report = read_json(&dir.path().join("resumed.json"));
    assert_eq!(report["evaluation"]["state"], "completed");
    assert_eq!(report["evaluation"]["counts"]["done"], 400);
    let seqs: Vec<i64> = report["results"].as_array().expect("results").iter().filter_map(|r| r["seq"].as_i64()).collect();
    assert_eq!(seqs, (0..400).collect::<Vec<_>>(), "every job once");
    let again = assay(dir.path(), &["scan", "--resume", &id]);
    assert!(text(&again.stderr).contains("already completed"));
    let _ = mock.kill();
    let _ = mock.wait();
}

#[test]
fn detect_scores_json_lines_in_input_order() {
    let dir = tempfile::tempdir().expect("dir");
    let mut child = command(dir.path())
        .args(["detect", "pii"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("detect");
    let input = concat!(
        "{\"output\": \"Write to jane.roe@acme-corp.com today\"}\n",
        "{\"output\": \"Nothing personal here.\"}\n",
        "not json\n",
        "{\"output\": \"Card 4539 1488 0343 6467 on file\"}\n",
    );
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    let output = child.wait_with_output().expect("output");
    assert!(!output.status.success(), "a bad line makes the exit status non-zero");
    let lines: Vec<serde_json::Value> = text(&output.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["hit"], true);
    assert_eq!(lines[0]["findings"][0]["type"], "EMAIL");
    assert_eq!(lines[0]["findings"][0]["value"], "jane.roe@acme-corp.com");
    assert_eq!(lines[0]["findings"][0]["start"], 9);
    assert_eq!(lines[1]["hit"], false);
    assert!(lines[2]["error"].as_str().is_some());
    assert_eq!(lines[3]["findings"][0]["type"], "CREDIT_CARD");
}

#[test]
fn detect_takes_params_and_refuses_bad_ones() {
    let dir = tempfile::tempdir().expect("dir");
    let mut child = command(dir.path())
        .args(["detect", "regex", "--params", r#"{"patterns": ["(?i)pwned"]}"#])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("detect");
    child.stdin.take().expect("stdin").write_all(b"{\"output\": \"PWNED!\"}\n{\"output\": \"fine\"}\n").expect("write");
    let output = child.wait_with_output().expect("output");
    assert!(output.status.success());
    let hits: Vec<bool> =
        text(&output.stdout).lines().map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json")["hit"] == true).collect();
    assert_eq!(hits, vec![true, false]);
    let bad = assay(dir.path(), &["detect", "regex", "--params", r#"{"patterns": ["("]}"#]);
    assert!(!bad.status.success());
    let unknown = assay(dir.path(), &["detect", "no-such-detector"]);
    assert!(text(&unknown.stderr).contains("no-such-detector"));
}

#[test]
fn detectors_and_probes_list_what_exists() {
    let dir = tempfile::tempdir().expect("dir");
    let detectors = text(&assay(dir.path(), &["detectors"]).stdout);
    // The registry and the ids the probe library may use are the same: thirteen rule and
    // judge detectors, and the fifteen rubric judges.
    assert_eq!(detectors.lines().count(), 28, "{detectors}");
    assert_eq!(assay_probes::DETECTORS.len(), 28);
    for id in assay_probes::DETECTORS {
        assert!(detectors.lines().any(|l| l.starts_with(id)), "{id} listed");
    }
    let probes = text(&assay(dir.path(), &["probes"]).stdout);
    let total: usize =
        probes.lines().find_map(|l| l.strip_prefix("total: ")).and_then(|t| t.split(' ').next()?.parse().ok()).expect("total");
    assert!(total >= 400, "{total}");
    assert!(probes.contains("converters: base64"));
}

#[test]
fn a_scan_of_the_embedded_model_judges_its_real_replies() {
    let Some(model_dir) = assay_local::testing::model_dir() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let database = format!("sqlite://{}", dir.path().join("scan.db").display());
    let model_dir = model_dir.to_string_lossy().into_owned();
    let output = assay(
        dir.path(),
        &[
            "--data-dir",
            &model_dir,
            "--database-url",
            &database,
            "scan",
            "--target",
            "local",
            "--harness",
            "security",
            "--limit",
            "4",
            "--max-tokens",
            "32",
            "--json",
            "local.json",
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report = read_json(&dir.path().join("local.json"));
    assert_eq!(report["evaluation"]["counts"]["done"], 4);
    assert_eq!(report["evaluation"]["counts"]["errored"], 0, "{report}");
    for result in report["results"].as_array().expect("results") {
        assert!(result["reply"].as_str().is_some_and(|r| !r.trim().is_empty() && !r.starts_with("echo: ")), "{result}");
        assert!(result["completion_tokens"].as_u64().is_some_and(|t| t > 0 && t <= 32), "{result}");
        assert!(result["detections"].as_array().is_some_and(|d| !d.is_empty()));
    }
}
