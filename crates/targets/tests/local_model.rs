//! The embedded model for real: SmolLM2-135M-Instruct pulled by `assay model pull` into
//! `$ASSAY_TEST_MODEL_DIR` (scripts/test.sh does it). Skipped with a note elsewhere; required
//! under `CI=true`.

use std::sync::Arc;

use assay_core::{ChatRequest, GenerationParams, Target, TargetError};
use assay_targets::local::LocalTarget;

fn quiet(_: &str) {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_model_answers_and_serves_concurrent_requests() {
    let Some(dir) = assay_local::testing::model_dir() else { return };
    assert!(assay_local::installed(&dir).is_some(), "the test model dir holds no pulled model");
    let target = Arc::new(LocalTarget::new(dir, quiet));
    target.warm_up().await.expect("the model loads");

    // SmolLM2-135M answers the full-stop form correctly (the question-mark form trips it on
    // every engine, llama.cpp included; see ../shared/CRATES.md).
    let reply = target.chat(&ChatRequest::single("What is the capital of France.")).await.expect("reply");
    eprintln!("embedded model: {:?} ({:?})", reply.text, reply.usage);
    assert!(reply.text.contains("Paris"), "{:?}", reply.text);
    let usage = reply.usage.expect("usage");
    assert!(usage.prompt_tokens > 10 && usage.completion_tokens > 0, "{usage:?}");
    assert_eq!(target.describe().kind, "local");

    // Greedy decoding is deterministic; two requests at once are both served.
    let question = ChatRequest::single("What is the capital of France.");
    let (a, b) = tokio::join!(target.chat(&question), target.chat(&question));
    assert_eq!(a.expect("first").text, reply.text);
    assert_eq!(b.expect("second").text, reply.text);

    // The reply length is bounded by max_tokens.
    let short = ChatRequest {
        params: GenerationParams { max_tokens: Some(3), ..GenerationParams::default() },
        ..ChatRequest::single("Tell me a long story.")
    };
    assert!(target.chat(&short).await.expect("short").usage.expect("usage").completion_tokens <= 3);

    // A conversation longer than the context is refused, not crashed on.
    let huge = ChatRequest::single("word ".repeat(10_000));
    assert!(matches!(target.chat(&huge).await, Err(TargetError::BadRequest(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_path_spec_runs_that_gguf_file() {
    let Some(dir) = assay_local::testing::model_dir() else { return };
    let gguf = assay_local::installed(&dir).expect("the test model dir holds a pulled model").gguf;
    let spec = assay_targets::TargetSpec::parse(&format!("local:{}", gguf.display())).expect("parses");
    let target = spec.build(None, std::path::Path::new("/nonexistent"), quiet).expect("builds");
    // Named after the file, loaded from it (the data dir is never looked at).
    assert_eq!(target.describe().model.as_deref(), Some("SmolLM2-135M-Instruct.Q4_1"));
    let reply = target.chat(&ChatRequest::single("What is the capital of France.")).await.expect("reply");
    assert!(reply.text.contains("Paris"), "{:?}", reply.text);

    let missing = assay_targets::TargetSpec::parse("local:/nonexistent/model.gguf").expect("parses");
    let error = missing.build(None, &dir, quiet).expect("builds").chat(&ChatRequest::single("hi")).await.expect_err("no such file");
    assert!(error.to_string().contains("does not exist"), "{error}");
}
