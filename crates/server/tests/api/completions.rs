//! `/v1/chat/completions`: the embedded model over the OpenAI wire format. Generation runs on
//! the real model when `$ASSAY_TEST_MODEL_DIR` holds it (scripts/test.sh pulls it).

use assay_core::Plan;
use serde_json::{Value, json};

use crate::helpers::{json_of, spawn_app, spawn_app_with};

#[tokio::test]
async fn invalid_completion_requests_are_400_before_any_model_work() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    for body in [
        json!({"model": "x", "messages": []}),
        json!({"model": "x", "messages": [{"role": "system", "content": "only a system prompt"}]}),
        json!({"model": "x", "messages": [{"role": "wizard", "content": "hi"}]}),
        json!({"model": "x", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}),
        json!({"model": "x", "messages": [{"role": "user", "content": "hi"}], "stop": 3}),
        json!({"model": "x"}),
    ] {
        let (status, error) = json_of(app.post_json("/v1/chat/completions", &acme.key, &body).await).await;
        assert_eq!((status, error["error"].as_str()), (400, Some("invalid_request")), "{body}: {error}");
    }
    assert_eq!(app.post_json("/v1/chat/completions", "nope", &json!({})).await.status(), 401);
}

#[tokio::test]
async fn the_embedded_model_answers_openai_clients_plain_and_streamed() {
    let Some(models) = assay_local::testing::model_dir() else { return };
    let app = spawn_app_with(|_| {}).await;
    std::os::unix::fs::symlink(models.join("models"), app.data_dir().join("models")).expect("link the pulled model");
    let acme = app.team("acme", Plan::Free).await;
    let question = json!({"model": "anything", "messages": [{"role": "user", "content": "What is the capital of France."}]});

    let (status, completion) = json_of(app.post_json("/v1/chat/completions", &acme.key, &question).await).await;
    assert_eq!(status, 200, "{completion}");
    assert_eq!(completion["object"], "chat.completion");
    let answer = completion["choices"][0]["message"]["content"].as_str().expect("content").to_owned();
    assert!(answer.contains("Paris"), "{answer}");
    assert_eq!(completion["choices"][0]["finish_reason"], "stop");
    let usage = &completion["usage"];
    assert_eq!(
        usage["total_tokens"].as_u64(),
        Some(usage["prompt_tokens"].as_u64().unwrap_or(0) + usage["completion_tokens"].as_u64().unwrap_or(0))
    );

    let mut streamed = question.clone();
    streamed["stream"] = json!(true);
    let response = app.post_json("/v1/chat/completions", &acme.key, &streamed).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().expect("ascii").starts_with("text/event-stream"));
    let body = response.text().await.expect("stream");
    let data: Vec<&str> = body.lines().filter_map(|line| line.strip_prefix("data: ")).collect();
    assert_eq!(data.last(), Some(&"[DONE]"), "{body}");
    let chunks: Vec<Value> = data[..data.len() - 1].iter().map(|d| serde_json::from_str(d).expect("chunk JSON")).collect();
    assert!(chunks.iter().all(|c| c["object"] == "chat.completion.chunk"));
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let text: String = chunks.iter().filter_map(|c| c["choices"][0]["delta"]["content"].as_str()).collect();
    assert_eq!(text.trim(), answer, "the stream spells the same greedy answer");
    assert!(chunks.len() > 3, "token by token, not one lump: {}", chunks.len());
    assert_eq!(chunks.last().map(|c| c["choices"][0]["finish_reason"].clone()), Some(json!("stop")));

    let mut capped = question.clone();
    capped["max_tokens"] = json!(2);
    let (_, completion) = json_of(app.post_json("/v1/chat/completions", &acme.key, &capped).await).await;
    assert_eq!(completion["choices"][0]["finish_reason"], "length");
}
