//! Files written so that a crash leaves either the old content or the new, never a mix, and
//! permission checks for files that only the service account may read.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::crypto::{random_array, to_hex};

/// Mode of key files and other private files: owner read/write only.
pub(crate) const PRIVATE_FILE_MODE: u32 = 0o600;
/// Mode of the key directory: owner only.
pub(crate) const PRIVATE_DIR_MODE: u32 = 0o700;

/// Writes `bytes` to `path` atomically: a temporary file in the same directory is written,
/// flushed to disk, renamed over `path`, and the directory entry is flushed too.
///
/// The file is created with mode 0600, so its content is never readable by others, not even
/// for a moment.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent_dir(path);
    let temp = temp_path(path);
    let result = write_new_private(&temp, bytes).and_then(|()| fs::rename(&temp, path));
    if result.is_err() {
        // Best effort: the temporary file holds nothing the final file would not.
        let _ = fs::remove_file(&temp);
    }
    result?;
    sync_dir(dir)
}

/// Creates `path` (which must not exist) with mode 0600, writes `bytes` and flushes them.
pub(crate) fn write_new_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = create_new_private(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Creates a new file with mode 0600; fails if anything already exists at `path`.
pub(crate) fn create_new_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(PRIVATE_FILE_MODE);
    }
    options.open(path)
}

/// Creates a directory with mode 0700 (the parent must exist).
pub(crate) fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(PRIVATE_DIR_MODE);
    }
    builder.create(path)
}

/// Flushes a directory's entries to disk, so a rename inside it survives a power cut.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// The permission bits that give access to group or others, when there are any.
///
/// Returns `Ok(None)` when only the owner has access (or on systems without Unix modes).
pub(crate) fn too_open_mode(path: &Path) -> io::Result<Option<u32>> {
    let metadata = fs::metadata(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        Ok((mode & 0o077 != 0).then_some(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        Ok(None)
    }
}

/// A sibling path for a temporary file: same directory (so rename is atomic), hidden name,
/// random suffix (so two writers never share one).
pub(crate) fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let suffix = to_hex(&random_array::<6>());
    parent_dir(path).join(format!(".{name}.tmp-{suffix}"))
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_content_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("head");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("head")]);
    }

    #[cfg(unix)]
    #[test]
    fn atomically_written_files_are_readable_by_the_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        write_atomic(&path, b"k").unwrap();
        assert_eq!(too_open_mode(&path).unwrap(), None);
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(too_open_mode(&path).unwrap(), Some(0o644));
    }
}
