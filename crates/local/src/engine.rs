//! The model, loaded once, and the worker threads that run generations on it.
//!
//! Each worker owns one llama.cpp context (contexts are not shareable; creating them is
//! serialised, as llama.cpp may touch the model while doing so) and takes jobs from a shared
//! queue; callers await a oneshot reply, so the async runtime never blocks on inference. A
//! context is cleared before each job: every request is a fresh conversation.

use std::num::NonZeroU32;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaChatTemplate, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;

use crate::{Error, Result};

/// Tokens of context per worker: room for long attack prompts plus the reply.
pub const CONTEXT_TOKENS: u32 = 4096;
/// The reply length when the request sets none.
pub const DEFAULT_MAX_TOKENS: u32 = 256;
/// SmolLM2's chat template adds this system prompt when none is given; llama.cpp's built-in
/// ChatML formatting does not, so it is added here to match the model's training.
pub const DEFAULT_SYSTEM_PROMPT: &str = "You are a helpful AI assistant named SmolLM, trained by Hugging Face";

static BACKEND: OnceLock<std::result::Result<LlamaBackend, String>> = OnceLock::new();
/// llama.cpp may modify the model while creating a context: one at a time.
static NEW_CONTEXT: Mutex<()> = Mutex::new(());

fn backend() -> Result<&'static LlamaBackend> {
    BACKEND
        .get_or_init(|| {
            // llama.cpp logs every load step to stderr; route it to nothing.
            llama_cpp_2::send_logs_to_tracing(llama_cpp_2::LogOptions::default().with_logs_enabled(false));
            LlamaBackend::init().map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::Load(e.clone()))
}

/// One generation to run.
#[derive(Debug, Clone, Default)]
pub struct GenerationRequest {
    pub system: Option<String>,
    /// `(role, content)` pairs, roles `user` / `assistant`, ending with the user's turn.
    pub messages: Vec<(String, String)>,
    pub max_tokens: Option<u32>,
    /// `None` or 0: greedy (deterministic).
    pub temperature: Option<f32>,
    pub seed: Option<u64>,
    pub stop: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation {
    pub text: String,
    pub prompt_tokens: usize,
    pub completion_tokens: usize,
    /// The reply stopped at `max_tokens` (or the context's end), not by the model's choice.
    pub truncated: bool,
    /// Time to read the prompt, and to generate the reply (for tokens/s figures).
    pub prompt_time: std::time::Duration,
    pub generation_time: std::time::Duration,
}

/// Receives the reply's text as it is generated.
pub type Pieces = tokio::sync::mpsc::UnboundedSender<String>;

struct Job {
    request: GenerationRequest,
    pieces: Option<Pieces>,
    reply: tokio::sync::oneshot::Sender<Result<Generation>>,
}

/// The loaded model and its workers. Cheap to share (`Arc`).
pub struct LocalEngine {
    jobs: Mutex<Sender<Job>>,
    model_name: String,
    workers: usize,
}

impl std::fmt::Debug for LocalEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalEngine").field("model", &self.model_name).field("workers", &self.workers).finish()
    }
}

impl LocalEngine {
    /// Loads the GGUF and starts `workers` threads, each with a context on `threads_per_worker`
    /// threads. Blocking: call it from a blocking-capable thread.
    pub fn start(gguf: &Path, workers: usize, threads_per_worker: i32) -> Result<Arc<Self>> {
        if !gguf.is_file() {
            // load_from_file asserts existence in debug builds: check first, answer plainly.
            return Err(Error::Load(format!("{} does not exist", gguf.display())));
        }
        let backend = backend()?;
        let model = LlamaModel::load_from_file(backend, gguf, &LlamaModelParams::default()).map_err(|e| Error::Load(e.to_string()))?;
        let model_name = model.meta_val_str("general.name").unwrap_or_else(|_| "SmolLM2-135M-Instruct".to_owned());
        // The model lives as long as the process: workers borrow it for their contexts.
        let model: &'static LlamaModel = Box::leak(Box::new(model));
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let workers = workers.max(1);
        let (ready_tx, ready_rx) = channel::<Result<()>>();
        for index in 0..workers {
            let (queue, ready) = (Arc::clone(&queue), ready_tx.clone());
            std::thread::Builder::new()
                .name(format!("assay-model-{index}"))
                .spawn(move || worker(model, backend, threads_per_worker, &queue, &ready))
                .map_err(|e| Error::Load(format!("cannot start a model worker: {e}")))?;
        }
        for _ in 0..workers {
            ready_rx.recv().map_err(|_| Error::Stopped)??;
        }
        Ok(Arc::new(Self { jobs: Mutex::new(jobs), model_name, workers }))
    }

    pub fn model_name(&self) -> &str {
        &self.model_name
    }

    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Runs a generation on the next free worker.
    pub async fn generate(&self, request: GenerationRequest) -> Result<Generation> {
        self.run(request, None).await
    }

    /// As [`LocalEngine::generate`], sending the text to `pieces` as it comes. With stop
    /// sequences the text is sent whole at the end (a piece could hold the start of one).
    pub async fn generate_streaming(&self, request: GenerationRequest, pieces: Pieces) -> Result<Generation> {
        self.run(request, Some(pieces)).await
    }

    async fn run(&self, request: GenerationRequest, pieces: Option<Pieces>) -> Result<Generation> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = Job { request, pieces, reply };
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner).send(job).map_err(|_| Error::Stopped)?;
        answer.await.map_err(|_| Error::Stopped)?
    }
}

fn worker(
    model: &'static LlamaModel,
    backend: &'static LlamaBackend,
    threads: i32,
    queue: &Mutex<Receiver<Job>>,
    ready: &Sender<Result<()>>,
) {
    let params = LlamaContextParams::default()
        .with_n_ctx(NonZeroU32::new(CONTEXT_TOKENS))
        .with_n_batch(512)
        .with_n_ubatch(512)
        .with_n_threads(threads)
        .with_n_threads_batch(threads);
    let context = {
        let _one_at_a_time = NEW_CONTEXT.lock().unwrap_or_else(PoisonError::into_inner);
        model.new_context(backend, params)
    };
    let mut context = match context {
        Ok(context) => {
            let _ = ready.send(Ok(()));
            context
        }
        Err(error) => {
            let _ = ready.send(Err(Error::Load(format!("cannot create a context: {error}"))));
            return;
        }
    };
    loop {
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = job else { return };
        let result = generate(model, &mut context, &job.request, job.pieces.as_ref());
        let _ = job.reply.send(result);
    }
}

fn inference(error: impl std::fmt::Display) -> Error {
    Error::Inference(error.to_string())
}

/// Holds the bytes of a character split across tokens until it is complete.
#[derive(Default)]
struct Utf8Tail(Vec<u8>);

impl Utf8Tail {
    fn push(&mut self, piece: &[u8], out: &mut String) {
        self.0.extend_from_slice(piece);
        loop {
            match std::str::from_utf8(&self.0) {
                Ok(text) => {
                    out.push_str(text);
                    self.0.clear();
                    return;
                }
                Err(error) => {
                    let valid = error.valid_up_to();
                    out.push_str(&String::from_utf8_lossy(&self.0[..valid]));
                    match error.error_len() {
                        None => {
                            self.0.drain(..valid);
                            return;
                        }
                        Some(bad) => {
                            out.push('\u{FFFD}');
                            self.0.drain(..valid + bad);
                        }
                    }
                }
            }
        }
    }
}

fn generate(
    model: &LlamaModel,
    context: &mut LlamaContext<'_>,
    request: &GenerationRequest,
    pieces: Option<&Pieces>,
) -> Result<Generation> {
    context.clear_kv_cache();
    let template = match model.chat_template(None) {
        Ok(template) => template,
        // The GGUF names none: SmolLM2's is ChatML.
        Err(_) => LlamaChatTemplate::new("chatml").map_err(inference)?,
    };
    let system = request.system.as_deref().unwrap_or(DEFAULT_SYSTEM_PROMPT);
    let mut messages = vec![LlamaChatMessage::new("system".into(), system.into()).map_err(inference)?];
    for (role, content) in &request.messages {
        messages.push(LlamaChatMessage::new(role.clone(), content.clone()).map_err(inference)?);
    }
    let prompt = model.apply_chat_template(&template, &messages, true).map_err(inference)?;
    let vocab = model.vocab();
    let tokens = vocab.tokenize(prompt.as_bytes(), false, true);
    let limit = context.n_ctx() as usize;
    if tokens.is_empty() || tokens.len() >= limit {
        return Err(Error::PromptTooLong { tokens: tokens.len(), limit });
    }
    let max_new = (request.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS) as usize).min(limit - tokens.len());
    // A batch larger than the context's batch size aborts llama.cpp: feed the prompt in chunks.
    let chunk_size = context.n_batch() as usize;
    let mut batch = LlamaBatch::new(chunk_size, 1);
    let mut position: i32 = 0;
    let prompt_started = std::time::Instant::now();
    for chunk in tokens.chunks(chunk_size) {
        batch.clear();
        for (offset, token) in chunk.iter().enumerate() {
            let is_last = position as usize + offset + 1 == tokens.len();
            batch.add(*token, position + offset as i32, &[0], is_last).map_err(inference)?;
        }
        context.decode(&mut batch).map_err(inference)?;
        position += chunk.len() as i32;
    }
    let prompt_time = prompt_started.elapsed();
    let generation_started = std::time::Instant::now();
    let mut sampler = match request.temperature.filter(|t| *t > 0.0) {
        None => LlamaSampler::greedy(),
        Some(temperature) => {
            let seed = request.seed.map_or(0, |s| s as u32);
            LlamaSampler::chain_simple([LlamaSampler::temp(temperature), LlamaSampler::dist(seed)])
        }
    };
    let (mut text, mut tail, mut piece) = (String::new(), Utf8Tail::default(), Vec::new());
    let stops: Vec<&str> = request.stop.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
    let live = pieces.filter(|_| stops.is_empty());
    let (mut generated, mut truncated) = (0, true);
    while generated < max_new {
        let token = sampler.sample(context, batch.n_tokens() - 1);
        if vocab.is_eog(token) {
            truncated = false;
            break;
        }
        generated += 1;
        piece.clear();
        vocab.token_to_piece_into(token, &mut piece, false, None);
        let before = text.len();
        tail.push(&piece, &mut text);
        if let Some(sink) = live.filter(|_| text.len() > before) {
            // A closed receiver (client gone) is not an error: the result is still returned.
            let _ = sink.send(text[before..].to_owned());
        }
        if let Some(at) = stops.iter().filter_map(|s| text.find(s)).min() {
            text.truncate(at);
            truncated = false;
            break;
        }
        batch.clear();
        batch.add(token, position, &[0], true).map_err(inference)?;
        position += 1;
        context.decode(&mut batch).map_err(inference)?;
    }
    if let Some(sink) = pieces.filter(|_| !stops.is_empty()) {
        let _ = sink.send(text.clone());
    }
    Ok(Generation {
        text: text.trim().to_owned(),
        prompt_tokens: tokens.len(),
        completion_tokens: generated,
        truncated,
        prompt_time,
        generation_time: generation_started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_split_across_tokens_are_reassembled() {
        let mut tail = Utf8Tail::default();
        let mut out = String::new();
        let euro = "€".as_bytes();
        tail.push(&euro[..1], &mut out);
        assert_eq!(out, "");
        tail.push(&euro[1..], &mut out);
        tail.push(b" ok", &mut out);
        assert_eq!(out, "€ ok");
        tail.push(&[0xff, b'x'], &mut out);
        assert_eq!(out, "€ ok\u{FFFD}x");
    }
}
