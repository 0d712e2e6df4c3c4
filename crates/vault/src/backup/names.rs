//! Entry names: relative paths with `/` separators that cannot leave the restore directory.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::error::BackupError;

/// Longest entry name accepted, in bytes.
pub const MAX_NAME_LEN: usize = 1024;

/// Checks that `name` is a safe relative path: not empty, not absolute, no `.` or `..`
/// component, no empty component, no backslash, no control character.
pub(crate) fn check_name(name: &str) -> Result<(), BackupError> {
    let unsafe_name = || BackupError::UnsafeEntryName(name.to_owned());
    if name.is_empty()
        || name.len() > MAX_NAME_LEN
        || name.contains('\\')
        || name.chars().any(char::is_control)
    {
        return Err(unsafe_name());
    }
    for component in name.split('/') {
        if component.is_empty() || component == "." || component == ".." {
            return Err(unsafe_name());
        }
    }
    Ok(())
}

/// The path of an entry under `root`; the name must have passed [`check_name`].
pub(crate) fn path_under(root: &Path, name: &str) -> PathBuf {
    name.split('/')
        .fold(root.to_path_buf(), |path, component| path.join(component))
}

/// Names seen so far, refusing duplicates and a name that is both a file and a directory.
#[derive(Default)]
pub(crate) struct NameSet {
    files: HashSet<String>,
    dirs: HashSet<String>,
}

impl NameSet {
    pub(crate) fn insert(&mut self, name: &str) -> Result<(), BackupError> {
        check_name(name)?;
        let conflict = || BackupError::NameConflict(name.to_owned());
        if self.files.contains(name) || self.dirs.contains(name) {
            return Err(conflict());
        }
        let mut prefixes = Vec::new();
        for (index, _) in name.match_indices('/') {
            let prefix = &name[..index];
            if self.files.contains(prefix) {
                return Err(conflict());
            }
            prefixes.push(prefix.to_owned());
        }
        self.dirs.extend(prefixes);
        self.files.insert(name.to_owned());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_escape_the_restore_directory_are_refused() {
        for name in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a/",
            "a\\b",
            "a\nb",
            "C:\\x",
        ] {
            assert!(
                matches!(check_name(name), Err(BackupError::UnsafeEntryName(_))),
                "{name:?}"
            );
        }
        assert!(check_name(&"a".repeat(MAX_NAME_LEN + 1)).is_err());
        for name in [
            "kolo.sqlite",
            "attachments/2f/2f9a.jpg",
            "...",
            "файли/звіт.pdf",
            "a..b",
        ] {
            assert!(check_name(name).is_ok(), "{name:?}");
        }
    }

    #[test]
    fn a_name_cannot_be_both_a_file_and_a_directory_or_appear_twice() {
        let mut names = NameSet::default();
        names.insert("attachments/a.jpg").unwrap();
        assert!(matches!(
            names.insert("attachments/a.jpg"),
            Err(BackupError::NameConflict(_))
        ));
        assert!(matches!(
            names.insert("attachments"),
            Err(BackupError::NameConflict(_))
        ));
        assert!(matches!(
            names.insert("attachments/a.jpg/b"),
            Err(BackupError::NameConflict(_))
        ));
        names.insert("attachments/b.jpg").unwrap();
    }

    #[test]
    fn entry_paths_stay_under_the_root() {
        assert_eq!(
            path_under(Path::new("/restore"), "a/b.txt"),
            Path::new("/restore/a/b.txt")
        );
    }
}
