//! Writing files so that nothing on disk is ever half-written or lost.
//!
//! Every output is written to a temporary file beside it, synced to disk, and renamed over the
//! target in one step, after [`check_output`](super::target::check_output) has said the target
//! may be replaced. Temporary files are registered while they exist, so that an interrupting
//! signal removes them before the process ends ([`remove_temporaries_on_signals`]).

use super::error::IoError;
use super::target::check_output;
use crate::config::RunConfig;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporary files that exist now. Created, persisted and removed under this lock, so a
/// signal's clean-up (which takes it and never gives it back) sees every one of them and no
/// new one appears after it.
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Longest file name Linux allows (NAME_MAX, bytes).
const NAME_MAX: usize = 255;

/// The temporary name's additions to the target's name: "." before, ".XXXXXX.tmp" after.
const TEMP_EXTRA: usize = 1 + 1 + 6 + 4;

/// Writes a file atomically: `write` fills a temporary file in the target folder, which is
/// synced and then replaces `path` (or, without `overwrite`, takes its place only if `path`
/// still does not exist). `path` must pass [`check_output`] against `inputs` both before and
/// after the write. The new file gets the mode the umask gives (0644 under 022); one that
/// replaces a file keeps that file's mode. On any error the temporary file is removed and
/// `path` is untouched.
pub fn write_atomically(
    path: &Path,
    overwrite: bool,
    inputs: &[PathBuf],
    write: impl FnOnce(&Path) -> Result<(), IoError>,
) -> Result<(), IoError> {
    stage(path, overwrite, inputs, write)?.commit()
}

/// A finished, synced temporary output that has not replaced its target yet: a command with
/// several outputs stages them all and commits them together, so that a failure in any one
/// (a full disk) leaves none behind. Dropped without a commit, it is removed.
pub struct Staged {
    tmp: Temporary,
    path: PathBuf,
    dir: PathBuf,
    overwrite: bool,
    inputs: Vec<PathBuf>,
}

/// Writes the temporary file of [`write_atomically`] and stops before the rename.
pub fn stage(
    path: &Path,
    overwrite: bool,
    inputs: &[PathBuf],
    write: impl FnOnce(&Path) -> Result<(), IoError>,
) -> Result<Staged, IoError> {
    check_output(path, overwrite, inputs)?;
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => {
            std::fs::create_dir_all(d).map_err(IoError::file(path, "cannot create its folder"))?;
            d
        }
        None => Path::new("."),
    };
    let tmp = Temporary::create(path, dir)?;
    write(tmp.path()).and_then(|()| sync_file(tmp.path(), path))?;
    Ok(Staged {
        tmp,
        path: path.to_path_buf(),
        dir: dir.to_path_buf(),
        overwrite,
        inputs: inputs.to_vec(),
    })
}

impl Staged {
    /// Renames the temporary file over the target (checked again: it may have appeared, or
    /// changed kind, during the write), keeping a replaced file's mode.
    pub fn commit(self) -> Result<(), IoError> {
        let path = &self.path;
        check_output(path, self.overwrite, &self.inputs)?;
        if let Ok(old) = std::fs::metadata(path) {
            std::fs::set_permissions(self.tmp.path(), old.permissions()).map_err(IoError::file(
                path,
                "cannot give the new file the old file's mode",
            ))?;
        }
        self.tmp.persist(path, self.overwrite)?;
        // The rename itself is durable once the folder is synced (cluster file systems).
        if let Ok(d) = std::fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// Flushes a finished temporary file to disk, so that a crash after the rename cannot leave an
/// empty or short file, and so that a late write error (a full disk) fails the write.
fn sync_file(tmp: &Path, target: &Path) -> Result<(), IoError> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(tmp)
        .and_then(|f| f.sync_all())
        .map_err(IoError::file(
            target,
            "cannot write (syncing to disk failed)",
        ))
}

/// A registered temporary file beside the target; removed when dropped unless persisted.
struct Temporary {
    file: Option<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl Temporary {
    fn create(target: &Path, dir: &Path) -> Result<Temporary, IoError> {
        let name = target
            .file_name()
            .map_or("file".into(), |n| n.to_string_lossy().to_string());
        let name = truncated(&name, NAME_MAX - TEMP_EXTRA);
        let mut list = lock();
        let file = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .rand_bytes(6)
            // Created with 0666, less the umask, like any file a program creates.
            .permissions(std::fs::Permissions::from_mode(0o666))
            .tempfile_in(dir)
            .map_err(IoError::file(
                target,
                "cannot create a temporary file beside it",
            ))?;
        let path = file.path().to_path_buf();
        list.push(path.clone());
        Ok(Temporary {
            file: Some(file),
            path,
        })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn persist(mut self, target: &Path, overwrite: bool) -> Result<(), IoError> {
        let mut list = lock();
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        list.retain(|p| *p != self.path);
        let persisted = if overwrite {
            file.persist(target)
        } else {
            file.persist_noclobber(target)
        };
        persisted.map(drop).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                IoError::Exists {
                    path: target.to_path_buf(),
                }
            } else {
                IoError::file(target, "cannot move the finished file into place")(e.error)
            }
        })
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let mut list = lock();
            list.retain(|p| *p != self.path);
            drop(file);
        }
    }
}

fn lock() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARIES.lock().unwrap_or_else(|e| e.into_inner())
}

/// The longest prefix of `name` of at most `max` bytes that ends on a character boundary.
fn truncated(name: &str, max: usize) -> &str {
    if name.len() <= max {
        return name;
    }
    let mut end = max;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Removes every temporary file when SIGINT, SIGTERM, SIGHUP or SIGQUIT arrives, then ends the
/// process as that signal would have (the shell sees 130 for Ctrl-C). A program that writes
/// outputs calls this once at start; the signal is taken on a thread of its own, and the
/// clean-up keeps the lock, so no temporary file is created after it.
pub fn remove_temporaries_on_signals() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT])?;
    std::thread::Builder::new()
        .name("exc-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let list = lock();
                for p in list.iter() {
                    let _ = std::fs::remove_file(p);
                }
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                // A signal whose default is to be ignored cannot reach here (none is asked).
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// Saves a config as its resolved TOML (atomically, replacing an existing regular file).
pub fn save_config(config: &RunConfig, path: &Path) -> Result<(), IoError> {
    write_atomically(path, true, &[], |tmp| {
        std::fs::write(tmp, config.to_toml()).map_err(IoError::file(path, "cannot write"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_get_temporaries_within_name_max_and_umask_modes() {
        let dir = tempfile::tempdir().unwrap();
        let name = "é".repeat(124) + "x"; // 249 bytes
        let path = dir.path().join(&name);
        write_atomically(&path, false, &[], |tmp| {
            assert!(tmp.file_name().unwrap().len() <= NAME_MAX);
            std::fs::write(tmp, "data").map_err(IoError::file(&path, "w"))
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "data");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&path, true, &[], |tmp| {
            std::fs::write(tmp, "new").map_err(IoError::file(&path, "w"))
        })
        .unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let e = write_atomically(&path, true, &[], |_| {
            Err(IoError::invalid(&path, "planted failure"))
        });
        assert!(e.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // No temporary of this folder is still registered (other tests may write elsewhere).
        assert!(!lock().iter().any(|p| p.starts_with(dir.path())));
    }
}
