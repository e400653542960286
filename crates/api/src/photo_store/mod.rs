//! Where photos' bytes are kept: in a folder (by default `photos` under the
//! data folder), each file named by the SHA-256 of its bytes under a
//! folder of its first two hex digits, or in an S3-compatible store
//! (`jobs.photo_s3`, see [`s3`]). A file is written to a temporary name
//! and renamed into place, so a reader never sees half of one.

pub mod s3;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jewel_services::jobs::photos::PhotoStore;

use crate::config::JobSettings;

/// Where photos are kept and the largest one taken.
#[derive(Clone)]
pub struct PhotoKeeping {
    pub store: Arc<dyn PhotoStore>,
    pub most_bytes: u64,
}

impl std::fmt::Debug for PhotoKeeping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhotoKeeping")
            .field("most_bytes", &self.most_bytes)
            .finish_non_exhaustive()
    }
}

impl PhotoKeeping {
    /// The S3-compatible store of the settings if one is set, else their
    /// folder (`photos` under `data_dir` unless set).
    pub fn from_settings(settings: &JobSettings, data_dir: &Path) -> anyhow::Result<Self> {
        let store: Arc<dyn PhotoStore> = match &settings.photo_s3 {
            Some(s3) => Arc::new(s3::S3Store::new(s3.clone())?),
            None => Arc::new(FolderStore::new(
                settings
                    .photo_dir
                    .clone()
                    .unwrap_or_else(|| data_dir.join("photos")),
            )),
        };
        Ok(Self {
            store,
            most_bytes: settings.photo_max_bytes,
        })
    }
}

/// Photos kept as files under `root`.
#[derive(Debug, Clone)]
pub struct FolderStore {
    root: PathBuf,
}

impl FolderStore {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    /// The file of `sha256`, if the name is a SHA-256 in lowercase hex.
    fn path_of(&self, sha256: &str) -> anyhow::Result<PathBuf> {
        let valid = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        anyhow::ensure!(valid, "not a SHA-256: {sha256}");
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }
}

#[async_trait::async_trait]
impl PhotoStore for FolderStore {
    async fn put(&self, sha256: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.path_of(sha256)?;
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || write_once(&path, &bytes)).await?
    }

    async fn get(&self, sha256: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let path = self.path_of(sha256)?;
        tokio::task::spawn_blocking(move || match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        })
        .await?
    }
}

/// Writes `bytes` to `path` unless a file is there already (same name,
/// same bytes): to a temporary file beside it first, then renamed.
fn write_once(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let folder = path
        .parent()
        .ok_or_else(|| anyhow::anyhow!("no folder for {}", path.display()))?;
    std::fs::create_dir_all(folder)?;
    let temporary = folder.join(format!(".{}.part", uuid::Uuid::now_v7()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })?;
    Ok(())
}
