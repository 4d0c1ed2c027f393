//! The contract client (and the OpenAI and Anthropic clients) over real loopback HTTP against
//! the mock server: every fault maps to the right typed error or to a successful retry.

use std::sync::Arc;
use std::time::Duration;

use assay_core::{ChatRequest, Message, Target, TargetError, Usage};
use assay_targets::anthropic::{AnthropicConfig, AnthropicTarget};
use assay_targets::contract::{Auth, ContractConfig, ContractTarget};
use assay_targets::mock::{Behavior, Fault, ReplyMode};
use assay_targets::mock_server::{MockServer, MockServerOptions};
use assay_targets::openai::{OpenAiConfig, OpenAiTarget};
use assay_targets::{Policy, Reliable};
use serde_json::json;

async fn server(options: MockServerOptions) -> MockServer {
    MockServer::start(Behavior::new(Duration::ZERO, ReplyMode::Echo), options).await.expect("mock server")
}

fn contract(server: &MockServer, auth: Auth) -> ContractTarget {
    ContractTarget::new(ContractConfig { base_url: server.url(), chat_path: "/chat".into(), sessions_path: None, auth }).expect("target")
}

/// Fast retries so the suite stays quick; the timeout bounds a hang.
fn quick_policy() -> Policy {
    Policy {
        timeout: Duration::from_millis(300),
        max_retries: 2,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        ..Policy::default()
    }
}

/// An OpenAI-compatible target at `base_url` with key `key`, Azure's form when `azure` gives
/// its `api-version`.
fn openai_at(base_url: String, key: &str, model: &str, azure: Option<&str>) -> OpenAiTarget {
    OpenAiTarget::new(OpenAiConfig { base_url, api_key: Some(key.into()), model: model.into(), azure_api_version: azure.map(Into::into) })
        .expect("target")
}

fn reliable(target: ContractTarget) -> Reliable {
    Reliable::new(Arc::new(target), quick_policy())
}

#[tokio::test]
async fn a_single_turn_round_trips_with_usage() {
    let server = server(MockServerOptions::default()).await;
    let target = contract(&server, Auth::None);
    let request = ChatRequest { system: Some("be brief".into()), ..ChatRequest::single("hello there") };
    let reply = target.chat(&request).await.expect("reply");
    assert_eq!(reply.text, "echo: hello there");
    assert_eq!(reply.usage, Some(Usage { prompt_tokens: 2, completion_tokens: 3 }));
    assert_eq!(server.last_chat_body(), Some(json!({"message": "hello there", "system": "be brief"})));
}

#[tokio::test]
async fn history_goes_as_messages_and_the_reply_answers_the_last_user_turn() {
    let server = server(MockServerOptions::default()).await;
    let target = contract(&server, Auth::None);
    let request = ChatRequest {
        messages: vec![Message::user("2+2?"), Message::assistant("4"), Message::user("times ten?")],
        ..ChatRequest::default()
    };
    assert_eq!(target.chat(&request).await.expect("reply").text, "echo: times ten?");
    assert_eq!(server.last_chat_body().and_then(|b| b["messages"].as_array().map(Vec::len)), Some(3));
}

#[tokio::test]
async fn sessions_open_continue_restart_and_end() {
    let server = server(MockServerOptions { sessions: true, ..MockServerOptions::default() }).await;
    let target = reliable(contract(&server, Auth::None));
    let id = target.open_session(Some("sys")).await.expect("open").expect("the target has sessions");
    let turn = ChatRequest { session_id: Some(id.clone()), ..ChatRequest::single("hi") };
    for expected in 1..=2 {
        let reply = target.chat(&turn).await.expect("reply");
        assert_eq!(reply.session_id.as_deref(), Some(id.as_str()));
        assert_eq!(server.last_chat_body().map(|b| b["session_id"].clone()), Some(json!(id)));
        let _ = expected;
    }
    assert_eq!(target.restart_session(&id, None).await.expect("restart"), id);
    target.end_session(&id).await.expect("end");
    // An ended session is gone: 404, and not retried.
    let calls = server.chat_calls();
    assert!(matches!(target.chat(&turn).await, Err(TargetError::NotFound(_))));
    assert_eq!(server.chat_calls(), calls + 1, "404 is never retried");
    assert!(matches!(target.restart_session(&id, None).await, Err(TargetError::NotFound(_))));
    assert!(matches!(target.end_session(&id).await, Err(TargetError::NotFound(_))));
}

#[tokio::test]
async fn a_target_without_sessions_falls_back_to_stateless_messages() {
    let server = server(MockServerOptions::default()).await;
    let target = contract(&server, Auth::None);
    assert_eq!(target.open_session(None).await.expect("no error"), None);
    assert!(!target.describe().sessions);
}

#[tokio::test]
async fn credentials_are_sent_as_configured_and_a_wrong_key_is_an_auth_error_without_retry() {
    let options = MockServerOptions { required_key: Some("sekret".into()), ..MockServerOptions::default() };
    let server = server(options).await;
    for auth in [Auth::Bearer("sekret".into()), Auth::Header { name: "X-API-Key".into(), value: "sekret".into() }] {
        assert!(contract(&server, auth).chat(&ChatRequest::single("hi")).await.is_ok());
    }
    let before = server.chat_calls();
    let error = reliable(contract(&server, Auth::Bearer("wrong".into()))).chat(&ChatRequest::single("hi")).await.expect_err("refused");
    assert_eq!(error, TargetError::Auth("Invalid or missing API key.".into()), "the body's message is surfaced");
    assert_eq!(server.chat_calls(), before + 1);
}

#[tokio::test]
async fn transient_faults_are_retried_to_success() {
    let server = server(MockServerOptions::default()).await;
    let target = reliable(contract(&server, Auth::None));
    for fault in [Fault::Status(500), Fault::Status(502), Fault::Status(503), Fault::Hang, Fault::RateLimit { retry_after_secs: 0 }] {
        server.push_faults([fault.clone()]);
        let before = server.chat_calls();
        let reply = target.chat(&ChatRequest::single("again")).await.unwrap_or_else(|e| panic!("{fault:?} not recovered: {e}"));
        assert_eq!(reply.text, "echo: again");
        assert_eq!(server.chat_calls(), before + 2, "{fault:?}: one failure, one retry");
    }
}

#[tokio::test]
async fn final_faults_are_typed_and_never_retried() {
    let server = server(MockServerOptions::default()).await;
    let target = reliable(contract(&server, Auth::None));
    type Expectation = fn(&TargetError) -> bool;
    let cases: [(Fault, Expectation); 5] = [
        (Fault::Status(400), |e| matches!(e, TargetError::BadRequest(m) if m == "injected fault")),
        (Fault::Status(401), |e| matches!(e, TargetError::Auth(_))),
        (Fault::Status(403), |e| matches!(e, TargetError::Auth(_))),
        (Fault::Status(404), |e| matches!(e, TargetError::NotFound(_))),
        (Fault::Garbage, |e| matches!(e, TargetError::MalformedReply(_))),
    ];
    for (fault, expected) in cases {
        server.push_faults([fault.clone()]);
        let before = server.chat_calls();
        let error = target.chat(&ChatRequest::single("x")).await.expect_err("fails");
        assert!(expected(&error), "{fault:?} gave {error:?}");
        assert_eq!(server.chat_calls(), before + 1, "{fault:?} must not be retried");
    }
}

#[tokio::test]
async fn persistent_failures_give_up_after_the_retry_budget_with_the_last_error() {
    let server = server(MockServerOptions::default()).await;
    let target = reliable(contract(&server, Auth::None));
    server.push_faults([Fault::Status(503), Fault::Status(503), Fault::Status(503)]);
    let error = target.chat(&ChatRequest::single("x")).await.expect_err("gives up");
    assert!(matches!(error, TargetError::Server { status: 503, .. }), "{error:?}");
    assert_eq!(server.chat_calls(), 3, "first attempt + max_retries (2)");

    server.push_faults([Fault::Hang, Fault::Hang, Fault::Hang]);
    let error = target.chat(&ChatRequest::single("x")).await.expect_err("times out");
    assert_eq!(error, TargetError::Timeout(Duration::from_millis(300)), "a hang ends at the timeout");
}

#[tokio::test]
async fn a_429_halves_the_adaptive_concurrency_limit() {
    let server = server(MockServerOptions::default()).await;
    let target = Reliable::new(Arc::new(contract(&server, Auth::None)), Policy { max_concurrency: 8, ..quick_policy() });
    assert_eq!(target.concurrency_limit(), 8);
    server.push_faults([Fault::RateLimit { retry_after_secs: 0 }]);
    target.chat(&ChatRequest::single("x")).await.expect("recovered");
    assert_eq!(target.concurrency_limit(), 4);
}

#[tokio::test]
async fn connection_failures_are_typed_and_retried() {
    // Bind then drop a listener: its port refuses connections.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let target = ContractTarget::new(ContractConfig {
        base_url: format!("http://127.0.0.1:{port}"),
        chat_path: "/chat".into(),
        sessions_path: None,
        auth: Auth::None,
    })
    .expect("target");
    let error = reliable(target).chat(&ChatRequest::single("x")).await.expect_err("refused");
    assert!(matches!(error, TargetError::Connection(_)), "{error:?}");
}

#[tokio::test]
async fn the_openai_client_speaks_chat_completions_and_azure() {
    let server = server(MockServerOptions { required_key: Some("k".into()), ..MockServerOptions::default() }).await;
    let plain = openai_at(format!("{}/v1", server.url()), "k", "gpt-test", None);
    let reply = plain.chat(&ChatRequest::single("capital of France")).await.expect("reply");
    assert_eq!((reply.text.as_str(), reply.model.as_deref()), ("echo: capital of France", Some("gpt-test")));
    assert_eq!(reply.usage, Some(Usage { prompt_tokens: 3, completion_tokens: 4 }));

    let azure = openai_at(server.url(), "k", "my-deployment", Some("2024-02-01"));
    assert_eq!(azure.chat(&ChatRequest::single("hi")).await.expect("azure reply").text, "echo: hi");

    server.push_faults([Fault::Status(429)]);
    assert!(matches!(plain.chat(&ChatRequest::single("hi")).await, Err(TargetError::RateLimited { .. })));
}

#[tokio::test]
async fn the_anthropic_client_speaks_the_messages_api() {
    let server = server(MockServerOptions { required_key: Some("k".into()), ..MockServerOptions::default() }).await;
    let target =
        AnthropicTarget::new(AnthropicConfig { base_url: server.url(), api_key: "k".into(), model: "claude-test".into(), version: None })
            .expect("target");
    let request = ChatRequest { system: Some("sys".into()), ..ChatRequest::single("hi there") };
    let reply = target.chat(&request).await.expect("reply");
    assert_eq!(reply.text, "echo: hi there");
    assert_eq!(reply.usage, Some(Usage { prompt_tokens: 2, completion_tokens: 3 }));
    let body = server.last_chat_body().expect("body");
    assert_eq!((body["system"].as_str(), body["max_tokens"].as_u64()), (Some("sys"), Some(1024)));
    let wrong = AnthropicTarget::new(AnthropicConfig { base_url: server.url(), api_key: "nope".into(), model: "c".into(), version: None })
        .expect("target");
    assert!(matches!(wrong.chat(&request).await, Err(TargetError::Auth(_))));
}

/// A server that answers every connection's first request with `body` as JSON, then closes.
async fn raw_json_server(body: &'static [u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = vec![0u8; 64 * 1024];
            let _ = socket.read(&mut request).await;
            let head =
                format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(body).await;
        }
    });
    url
}

#[tokio::test]
async fn a_json_reply_is_read_from_its_bytes_with_or_without_a_byte_order_mark() {
    for body in [&b"\xEF\xBB\xBF{\"content\":\"caf\xC3\xA9\"}"[..], &b"{\"content\":\"caf\xC3\xA9\"}"[..]] {
        let body: &'static [u8] = Box::leak(body.to_vec().into_boxed_slice());
        let url = raw_json_server(body).await;
        let target =
            ContractTarget::new(ContractConfig { base_url: url, chat_path: "/chat".into(), sessions_path: None, auth: Auth::None })
                .expect("target");
        assert_eq!(target.chat(&ChatRequest::single("hi")).await.expect("reply").text, "café");
    }
    let url = raw_json_server(b"\xEF\xBB\xBF<html>oops</html>").await;
    let target = ContractTarget::new(ContractConfig { base_url: url, chat_path: "/chat".into(), sessions_path: None, auth: Auth::None })
        .expect("target");
    let error = target.chat(&ChatRequest::single("hi")).await.expect_err("not JSON");
    assert!(matches!(&error, TargetError::MalformedReply(message) if message.contains("oops")), "{error:?}");
}

/// What [`keep_alive_server`] saw: each request's head, and how many connections it accepted.
#[derive(Default)]
struct Seen {
    heads: std::sync::Mutex<Vec<String>>,
    connections: std::sync::atomic::AtomicUsize,
}

/// An HTTP/1.1 server that keeps connections open (or closes each after `per_connection`
/// answers) and answers `POST /chat` with an echo; `POST /old` is redirected there (307).
async fn keep_alive_server(per_connection: usize) -> (String, Arc<Seen>) {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let seen = Arc::new(Seen::default());
    let shared = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            shared.connections.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let seen = Arc::clone(&shared);
            tokio::spawn(async move {
                let mut socket = BufReader::new(socket);
                for answered in 1..=per_connection {
                    let mut head = String::new();
                    loop {
                        let mut line = String::new();
                        if socket.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        head.push_str(&line);
                    }
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase().strip_prefix("content-length:").map(|n| n.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    let mut body = vec![0u8; length];
                    if socket.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    let close = if answered == per_connection { "connection: close\r\n" } else { "" };
                    let answer = if head.starts_with("POST /v1/chat/completions") || head.starts_with("POST /openai/deployments/") {
                        // An OpenAI-compatible answer, echoing the last message.
                        let last = serde_json::from_slice::<serde_json::Value>(&body).ok().and_then(|v| {
                            v["messages"].as_array().and_then(|m| m.last()).and_then(|m| m["content"].as_str().map(str::to_owned))
                        });
                        let reply = json!({ "choices": [{ "message": { "role": "assistant", "content": format!("echo: {}", last.unwrap_or_default()) } }], "model": "m" }).to_string();
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{close}\r\n{reply}",
                            reply.len()
                        )
                    } else if head.starts_with("POST /old ") {
                        format!("HTTP/1.1 307 Temporary Redirect\r\nlocation: /chat\r\ncontent-length: 0\r\n{close}\r\n")
                    } else {
                        let message =
                            serde_json::from_slice::<serde_json::Value>(&body).ok().and_then(|v| v["message"].as_str().map(str::to_owned));
                        let reply = json!({ "content": format!("echo: {}", message.unwrap_or_default()) }).to_string();
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{close}\r\n{reply}",
                            reply.len()
                        )
                    };
                    seen.heads.lock().expect("heads").push(head);
                    if socket.get_mut().write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, seen)
}

fn contract_at(url: &str, chat_path: &str, auth: Auth) -> ContractTarget {
    ContractTarget::new(ContractConfig { base_url: url.to_owned(), chat_path: chat_path.into(), sessions_path: None, auth })
        .expect("target")
}

#[tokio::test]
async fn plain_http_calls_share_one_kept_alive_connection_and_send_reqwests_headers() {
    let (url, seen) = keep_alive_server(usize::MAX).await;
    let target = contract_at(&url, "/chat?v=1", Auth::Bearer("sekret".into()));
    for n in 0..10 {
        assert_eq!(target.chat(&ChatRequest::single(format!("hi {n}"))).await.expect("reply").text, format!("echo: hi {n}"));
    }
    assert_eq!(seen.connections.load(std::sync::atomic::Ordering::SeqCst), 1, "one connection for ten sequential calls");
    let heads = seen.heads.lock().expect("heads").clone();
    assert_eq!(heads.len(), 10);
    let head = heads[0].to_ascii_lowercase();
    assert!(head.starts_with("post /chat?v=1 http/1.1\r\n"), "{head}");
    let port = url.rsplit(':').next().expect("port");
    for header in [
        format!("host: 127.0.0.1:{port}"),
        "content-type: application/json".to_owned(),
        "accept: */*".to_owned(),
        format!("user-agent: assay/{}", env!("CARGO_PKG_VERSION")),
        "authorization: bearer sekret".to_owned(),
    ] {
        assert!(head.contains(&format!("{header}\r\n")), "{header} missing from {head}");
    }
}

#[tokio::test]
async fn plain_http_opens_a_fresh_connection_when_the_server_closes_one() {
    // The server closes every connection after its first answer, as some do.
    let (url, seen) = keep_alive_server(1).await;
    let target = reliable(contract_at(&url, "/chat", Auth::Header { name: "X-API-Key".into(), value: "k".into() }));
    for n in 0..5 {
        assert_eq!(target.chat(&ChatRequest::single(format!("m{n}"))).await.expect("reply").text, format!("echo: m{n}"));
    }
    assert_eq!(seen.connections.load(std::sync::atomic::Ordering::SeqCst), 5);
    assert!(seen.heads.lock().expect("heads").iter().all(|h| h.to_ascii_lowercase().contains("x-api-key: k\r\n")));
}

#[tokio::test]
async fn concurrent_plain_http_calls_each_get_their_answer() {
    let (url, _) = keep_alive_server(usize::MAX).await;
    let target = Arc::new(contract_at(&url, "/chat", Auth::None));
    let calls = (0..64).map(|n| {
        let target = Arc::clone(&target);
        tokio::spawn(async move { target.chat(&ChatRequest::single(format!("c{n}"))).await.map(|r| r.text) })
    });
    for (n, call) in calls.enumerate() {
        assert_eq!(call.await.expect("task").expect("reply"), format!("echo: c{n}"));
    }
}

#[tokio::test]
async fn a_redirected_plain_http_call_is_followed_as_reqwest_follows_it() {
    let (url, seen) = keep_alive_server(usize::MAX).await;
    let target = contract_at(&url, "/old", Auth::None);
    assert_eq!(target.chat(&ChatRequest::single("moved")).await.expect("reply").text, "echo: moved");
    let heads = seen.heads.lock().expect("heads").clone();
    let requests: Vec<&str> = heads.iter().filter_map(|h| h.lines().next()).collect();
    // The plain call meets the redirect; reqwest sends it again and follows it to /chat.
    assert_eq!(requests, ["POST /old HTTP/1.1", "POST /old HTTP/1.1", "POST /chat HTTP/1.1"]);
}

#[tokio::test]
async fn an_openai_compatible_server_on_plain_http_is_called_over_kept_alive_connections() {
    let (url, seen) = keep_alive_server(usize::MAX).await;
    let plain = openai_at(format!("{url}/v1"), "k1", "m", None);
    let azure = openai_at(url.clone(), "k2", "dep", Some("2024-06-01"));
    for n in 0..5 {
        assert_eq!(plain.chat(&ChatRequest::single(format!("q{n}"))).await.expect("reply").text, format!("echo: q{n}"));
    }
    assert_eq!(azure.chat(&ChatRequest::single("az")).await.expect("reply").text, "echo: az");
    // One connection per target: the five calls shared theirs.
    assert_eq!(seen.connections.load(std::sync::atomic::Ordering::SeqCst), 2);
    let heads: Vec<String> = seen.heads.lock().expect("heads").iter().map(|h| h.to_ascii_lowercase()).collect();
    assert!(
        heads[..5].iter().all(|h| h.starts_with("post /v1/chat/completions http/1.1\r\n") && h.contains("authorization: bearer k1\r\n"))
    );
    assert!(heads[5].starts_with("post /openai/deployments/dep/chat/completions?api-version=2024-06-01 http/1.1\r\n"), "{}", heads[5]);
    assert!(heads[5].contains("api-key: k2\r\n") && !heads[5].contains("authorization"), "{}", heads[5]);
}
