//! The `local` kind: the embedded model, in process. The model is pulled on first use if
//! absent (with progress), loaded once per process, and shared by every local target. A
//! `local:PATH` target runs another GGUF file from disk the same way (one engine per file),
//! so other small models can be measured as judges beside the embedded one.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use assay_core::{ChatReply, ChatRequest, Role, Target, TargetDescription, TargetError, Usage, append_system};
use assay_local::{GenerationRequest, LocalEngine, Pieces};
use tokio::sync::OnceCell;

/// Model workers: one per core here, each on one thread (llama.cpp's threads spin and
/// collapse when oversubscribed; several single-thread contexts scale better).
pub const WORKERS: usize = 2;

static ENGINE: OnceCell<Arc<LocalEngine>> = OnceCell::const_new();
/// An engine loaded on first use.
type EngineCell = Arc<OnceCell<Arc<LocalEngine>>>;
/// Engines of `local:PATH` targets, one per file.
static FILE_ENGINES: Mutex<Option<HashMap<PathBuf, EngineCell>>> = Mutex::new(None);

/// Where progress of a first-use pull goes (stderr for the CLI, the log for the server).
pub type Progress = fn(&str);

pub struct LocalTarget {
    data_dir: PathBuf,
    progress: Progress,
    /// A GGUF file to run instead of the embedded model.
    gguf: Option<PathBuf>,
}

impl LocalTarget {
    pub fn new(data_dir: PathBuf, progress: Progress) -> Self {
        Self { data_dir, progress, gguf: None }
    }

    /// A target running the GGUF file at `gguf` (its own chat template, read from the file).
    pub fn from_file(gguf: PathBuf, progress: Progress) -> Self {
        Self { data_dir: PathBuf::new(), progress, gguf: Some(gguf) }
    }

    /// The process's engine for this target's model, pulling (the embedded model only) and
    /// loading it on first use.
    pub async fn engine(&self) -> Result<Arc<LocalEngine>, TargetError> {
        let (data_dir, progress, gguf) = (self.data_dir.clone(), self.progress, self.gguf.clone());
        let cell = match &gguf {
            None => None,
            Some(path) => {
                let mut engines = FILE_ENGINES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                Some(engines.get_or_insert_with(HashMap::new).entry(path.clone()).or_default().clone())
            }
        };
        let start = || async move {
            tokio::task::spawn_blocking(move || {
                let path = match gguf {
                    Some(path) => path,
                    None => assay_local::ensure_model(&data_dir, &mut |line: &str| progress(line))?.gguf,
                };
                progress(&format!("loading {}", path.display()));
                LocalEngine::start(&path, WORKERS, 1)
            })
            .await
            .map_err(|e| assay_local::Error::Load(e.to_string()))?
        };
        let engine = match &cell {
            Some(cell) => cell.get_or_try_init(start).await,
            None => ENGINE.get_or_try_init(start).await,
        };
        engine.cloned().map_err(|e| TargetError::Server { status: 503, message: e.to_string() })
    }
}

fn to_generation(request: &ChatRequest) -> GenerationRequest {
    let mut system = request.system.clone();
    let mut messages = Vec::with_capacity(request.messages.len());
    for message in &request.messages {
        match message.role {
            Role::System => append_system(&mut system, &message.content),
            role => messages.push((role.as_str().to_owned(), message.content.clone())),
        }
    }
    GenerationRequest {
        system,
        messages,
        max_tokens: request.params.max_tokens,
        temperature: request.params.temperature,
        seed: request.params.seed,
        stop: request.params.stop.clone(),
    }
}

impl LocalTarget {
    /// Generates a reply, streaming its text to `pieces` if given; also says whether the reply
    /// was cut at the length limit.
    pub async fn complete(&self, request: &ChatRequest, pieces: Option<Pieces>) -> Result<(ChatReply, bool), TargetError> {
        if request.last_user_message().is_none() {
            return Err(TargetError::BadRequest("the conversation has no user message".into()));
        }
        let engine = self.engine().await?;
        let started = Instant::now();
        let generation = match pieces {
            Some(pieces) => engine.generate_streaming(to_generation(request), pieces).await,
            None => engine.generate(to_generation(request)).await,
        };
        let generation = generation.map_err(|e| match e {
            assay_local::Error::PromptTooLong { .. } => TargetError::BadRequest(e.to_string()),
            other => TargetError::Server { status: 500, message: other.to_string() },
        })?;
        let truncated = generation.truncated;
        let reply = ChatReply {
            text: generation.text,
            usage: Some(Usage {
                prompt_tokens: u32::try_from(generation.prompt_tokens).unwrap_or(u32::MAX),
                completion_tokens: u32::try_from(generation.completion_tokens).unwrap_or(u32::MAX),
            }),
            latency: started.elapsed(),
            session_id: None,
            model: Some(engine.model_name().to_owned()),
        };
        Ok((reply, truncated))
    }
}

#[async_trait::async_trait]
impl Target for LocalTarget {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatReply, TargetError> {
        self.complete(request, None).await.map(|(reply, _)| reply)
    }

    async fn warm_up(&self) -> Result<(), TargetError> {
        self.engine().await.map(|_| ())
    }

    fn describe(&self) -> TargetDescription {
        let model = match &self.gguf {
            None => ENGINE.get().map_or_else(|| "SmolLM2-135M-Instruct".to_owned(), |e| e.model_name().to_owned()),
            Some(path) => path.file_stem().map_or_else(|| path.display().to_string(), |stem| stem.to_string_lossy().into_owned()),
        };
        TargetDescription { kind: "local".into(), model: Some(model), sessions: false, multi_turn: true, system_prompt: true }
    }
}
