//! Writing files so that nothing on disk is ever half-written or lost.

use super::error::IoError;
use crate::config::RunConfig;
use std::path::Path;

/// Writes a file atomically: `write` fills a temporary file in the target folder, which then
/// replaces `path` (or, without `overwrite`, takes its place only if `path` still does not
/// exist). On any error the temporary file is removed and `path` is untouched.
pub fn write_atomically(
    path: &Path,
    overwrite: bool,
    write: impl FnOnce(&Path) -> Result<(), IoError>,
) -> Result<(), IoError> {
    if !overwrite && path.exists() {
        return Err(IoError::Exists {
            path: path.to_path_buf(),
        });
    }
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => {
            std::fs::create_dir_all(d).map_err(IoError::file(path, "cannot create its folder"))?;
            d
        }
        None => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or("file".into(), |n| n.to_string_lossy());
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(IoError::file(
            path,
            "cannot create a temporary file beside it",
        ))?;
    write(tmp.path())?;
    let persisted = if overwrite {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    persisted.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            IoError::Exists {
                path: path.to_path_buf(),
            }
        } else {
            IoError::file(path, "cannot move the finished file into place")(e.error)
        }
    })?;
    Ok(())
}

/// Saves a config as its resolved TOML (atomically, replacing an existing file).
pub fn save_config(config: &RunConfig, path: &Path) -> Result<(), IoError> {
    write_atomically(path, true, |tmp| {
        std::fs::write(tmp, config.to_toml()).map_err(IoError::file(path, "cannot write"))
    })
}
