//! The blob store: files of forms and submissions on disk under `DATA/blobs`,
//! named by the SHA-256 of their content (`blobs/ab/abcdef...`).
//!
//! A file is durable before any row names it, and a row names only complete
//! files:
//!
//! 1. it is streamed to `blobs/tmp/RANDOM.part` (hashing on the way), fsynced,
//!    renamed to `blobs/tmp/SHA.RANDOM.staged`, and `tmp/` is fsynced;
//! 2. the database transaction that names it commits;
//! 3. it is renamed to `blobs/ab/SHA` and that directory is fsynced;
//! 4. only then is the client told it was received.
//!
//! A crash between 2 and 3 leaves a staged file the rows name: `recover` (at
//! every start) finishes its move. A crash before 2 leaves a staged or partial
//! file nothing names: `recover` deletes it once it is older than a grace
//! period, because another process (a `kolo` command, or a second server on
//! PostgreSQL) may be between 1 and 2 with it. So the final directories only
//! ever hold complete files that rows name.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use kolo_core::StoreError;
use kolo_core::clm::{BlobRef, ClmStore};
use kolo_core::ids::{hex, new_id};
use md5::Md5;
use sha2::{Digest, Sha256};
use tokio::fs::{self, File};
use tokio::io::AsyncWriteExt;

/// How long an unnamed staged or partial file may be in use by another process.
pub const STAGING_GRACE: Duration = Duration::from_secs(15 * 60);

#[derive(Clone, Debug)]
pub struct BlobStore {
    root: PathBuf,
}

/// Why a file could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the blob store: {0}")]
    Io(#[from] io::Error),
}

/// A file being received.
pub struct BlobWriter {
    file: File,
    path: PathBuf,
    tmp: PathBuf,
    sha256: Sha256,
    md5: Md5,
    size: u64,
    limit: u64,
}

/// A complete, durable file that no row names yet.
#[derive(Debug)]
pub struct StagedBlob {
    pub blob: BlobRef,
    path: PathBuf,
}

impl BlobStore {
    /// The blob store of a data directory; its folders are made on first use.
    pub fn new(data_dir: &Path) -> BlobStore {
        BlobStore {
            root: data_dir.join("blobs"),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn tmp(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// Where a blob with this SHA-256 lives once published.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let prefix = sha256.get(..2).unwrap_or("00");
        self.root.join(prefix).join(sha256)
    }

    /// Starts receiving a file of at most `limit` bytes.
    pub async fn writer(&self, limit: u64) -> Result<BlobWriter, BlobError> {
        let tmp = self.tmp();
        fs::create_dir_all(&tmp).await?;
        let path = tmp.join(format!("{}.part", new_id()));
        let file = File::create(&path).await?;
        Ok(BlobWriter {
            file,
            path,
            tmp,
            sha256: Sha256::new(),
            md5: Md5::new(),
            size: 0,
            limit,
        })
    }

    /// Stages bytes already in memory (small files: a form's itemsets CSV).
    pub async fn stage_bytes(&self, bytes: &[u8]) -> Result<StagedBlob, BlobError> {
        let mut writer = self.writer(u64::MAX).await?;
        writer.write(bytes).await?;
        writer.finish().await
    }

    /// Moves a staged file to its final place, once a committed row names it.
    pub async fn publish(&self, staged: StagedBlob) -> Result<BlobRef, BlobError> {
        let target = self.path_of(&staged.blob.sha256);
        if fs::try_exists(&target).await? {
            // The same content is already there (files are named by content).
            remove_if_present(&staged.path).await?;
            return Ok(staged.blob);
        }
        let dir = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        if !fs::try_exists(&dir).await? {
            fs::create_dir_all(&dir).await?;
            sync_dir(&self.root).await?;
        }
        fs::rename(&staged.path, &target).await?;
        sync_dir(&dir).await?;
        Ok(staged.blob)
    }

    /// Deletes a staged file that no row will name (a refused submission).
    pub async fn discard(&self, staged: StagedBlob) {
        if let Err(error) = remove_if_present(&staged.path).await {
            tracing::warn!(%error, "could not delete a staged file; the next start will");
        }
    }

    /// After a commit: publishes the staged files some row names now, and
    /// discards the others (a name that already held a file keeps it).
    pub async fn settle(
        &self,
        store: &dyn ClmStore,
        staged: Vec<StagedBlob>,
    ) -> Result<(), BlobError> {
        for blob in staged {
            let named = store
                .blob_referenced(&blob.blob.sha256)
                .await
                .map_err(store_io)?;
            if named {
                self.publish(blob).await?;
            } else {
                self.discard(blob).await;
            }
        }
        Ok(())
    }

    /// Deletes the files of blobs whose rows are gone (a draft's discarded
    /// test submissions). A blob some row still names, or may name again
    /// (the same content sent elsewhere), is kept.
    ///
    /// A submission with the same content may commit between the first look
    /// and the deletion, find the file in place and drop its own copy. So the
    /// file is first moved aside under a staged name and the rows are read
    /// again: named now, it goes back; a crash in between leaves a staged file
    /// that `open` and `recover` put back if a row names it.
    pub async fn remove_unnamed(
        &self,
        store: &dyn ClmStore,
        sha256s: &[String],
    ) -> Result<(), BlobError> {
        fs::create_dir_all(self.tmp()).await?;
        for sha256 in sha256s.iter().filter(|s| is_sha256(s)) {
            if store.blob_referenced(sha256).await.map_err(store_io)? {
                continue;
            }
            let aside = self.tmp().join(format!("{sha256}.{}.staged", new_id()));
            match fs::rename(self.path_of(sha256), &aside).await {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                Err(error) => return Err(error.into()),
            }
            let staged = StagedBlob {
                blob: BlobRef {
                    sha256: sha256.clone(),
                    size: 0,
                    md5: String::new(),
                },
                path: aside,
            };
            if store.blob_referenced(sha256).await.map_err(store_io)? {
                self.publish(staged).await?;
            } else {
                self.discard(staged).await;
            }
        }
        Ok(())
    }

    /// Opens a blob for reading. A blob whose move was interrupted by a crash
    /// is moved now.
    pub async fn open(&self, sha256: &str) -> Result<File, BlobError> {
        if !is_sha256(sha256) {
            return Err(BlobError::Io(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a SHA-256",
            )));
        }
        match File::open(self.path_of(sha256)).await {
            Ok(file) => Ok(file),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                if let Some(staged) = self.find_staged(sha256).await? {
                    let blob = BlobRef {
                        sha256: sha256.to_owned(),
                        size: 0,
                        md5: String::new(),
                    };
                    self.publish(StagedBlob { blob, path: staged }).await?;
                    Ok(File::open(self.path_of(sha256)).await?)
                } else {
                    Err(error.into())
                }
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn find_staged(&self, sha256: &str) -> Result<Option<PathBuf>, BlobError> {
        let mut entries = match fs::read_dir(self.tmp()).await {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let prefix = format!("{sha256}.");
        while let Some(entry) = entries.next_entry().await? {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&prefix) && name.ends_with(".staged") {
                return Ok(Some(entry.path()));
            }
        }
        Ok(None)
    }

    /// Finishes interrupted moves and deletes staged and partial files that no
    /// row names and that are older than `grace`. Run at every start.
    pub async fn recover(
        &self,
        store: &dyn ClmStore,
        grace: Duration,
    ) -> Result<Recovery, BlobError> {
        let mut recovery = Recovery::default();
        let mut entries = match fs::read_dir(self.tmp()).await {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(recovery),
            Err(error) => return Err(error.into()),
        };
        let now = SystemTime::now();
        while let Some(entry) = entries.next_entry().await? {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let old = entry
                .metadata()
                .await
                .and_then(|m| m.modified())
                .map(|at| now.duration_since(at).unwrap_or_default() >= grace)
                .unwrap_or(true);
            let sha = name
                .strip_suffix(".staged")
                .and_then(|rest| rest.split('.').next())
                .filter(|sha| is_sha256(sha));
            match sha {
                Some(sha) if store.blob_referenced(sha).await.map_err(store_io)? => {
                    let blob = BlobRef {
                        sha256: sha.to_owned(),
                        size: 0,
                        md5: String::new(),
                    };
                    self.publish(StagedBlob { blob, path }).await?;
                    recovery.finished += 1;
                }
                _ if old => {
                    remove_if_present(&path).await?;
                    recovery.deleted += 1;
                }
                _ => recovery.left += 1,
            }
        }
        Ok(recovery)
    }
}

/// What `recover` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recovery {
    /// Staged files named by rows, moved to their place.
    pub finished: usize,
    /// Unnamed staged or partial files deleted.
    pub deleted: usize,
    /// Unnamed files younger than the grace period, left for now.
    pub left: usize,
}

impl BlobWriter {
    /// Appends bytes; refuses to grow past the limit (the partial file is
    /// deleted by `abort` or by the next start).
    pub async fn write(&mut self, bytes: &[u8]) -> Result<(), BlobError> {
        let size = self.size + bytes.len() as u64;
        if size > self.limit {
            return Err(BlobError::TooLarge { limit: self.limit });
        }
        self.sha256.update(bytes);
        self.md5.update(bytes);
        self.file.write_all(bytes).await?;
        self.size = size;
        Ok(())
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Makes the file durable under its content's name in `tmp/`.
    pub async fn finish(mut self) -> Result<StagedBlob, BlobError> {
        self.file.flush().await?;
        self.file.sync_all().await?;
        let sha256 = hex(&self.sha256.finalize());
        let md5 = hex(&self.md5.finalize());
        let staged = self.tmp.join(format!("{sha256}.{}.staged", new_id()));
        fs::rename(&self.path, &staged).await?;
        sync_dir(&self.tmp).await?;
        Ok(StagedBlob {
            blob: BlobRef {
                sha256,
                size: self.size,
                md5,
            },
            path: staged,
        })
    }

    /// Deletes the partial file.
    pub async fn abort(self) {
        drop(self.file);
        let _ = remove_if_present(&self.path).await;
    }
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

async fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path).await {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// Makes a directory's entries (a new or renamed file) durable.
async fn sync_dir(dir: &Path) -> io::Result<()> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(&dir)?.sync_all())
        .await
        .map_err(io::Error::other)?
}

fn store_io(error: StoreError) -> BlobError {
    BlobError::Io(io::Error::other(error.to_string()))
}
