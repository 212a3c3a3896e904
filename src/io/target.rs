//! What a command may read and what it may replace: one policy for every output and input.
//!
//! An output that exists is replaced only when it is a regular file, only with `--force`, and
//! never when it is one of the command's inputs (the same device and inode, after links are
//! resolved: a hard link or a symbolic link to an input is that input). Devices, FIFOs,
//! sockets and folders are never replaced, whatever the flags: `run -o /dev/null --force`
//! must not turn the device into a file. Inputs are checked for what they are before they are
//! opened, so a folder, a FIFO or a link loop is named as such instead of "no such file".

use super::error::IoError;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

/// What a file that is not a regular file is, in words ("a folder", "a FIFO", ...).
pub fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_file() {
        "a regular file"
    } else if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// Checks that `path` may be written as an output: a missing file, or with `overwrite` an
/// existing regular file that is none of `inputs`. The errors are bad input (exit 2).
pub fn check_output(path: &Path, overwrite: bool, inputs: &[PathBuf]) -> Result<(), IoError> {
    let folder = path.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(file) = folder.and_then(|d| d.ancestors().find(|a| a.is_file())) {
        return Err(IoError::Refused {
            path: path.to_path_buf(),
            why: format!(
                "cannot be written, {} is a file, not a folder",
                file.display()
            ),
        });
    }
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling symbolic link exists although what it names does not.
            if std::fs::symlink_metadata(path).is_ok() && !overwrite {
                return Err(IoError::Exists {
                    path: path.to_path_buf(),
                });
            }
            return Ok(());
        }
        Err(e) => {
            return Err(IoError::Refused {
                path: path.to_path_buf(),
                why: format!("cannot be used as an output: {e}"),
            })
        }
    };
    if !meta.is_file() {
        return Err(IoError::Refused {
            path: path.to_path_buf(),
            why: format!(
                "is {}, not a regular file; it is never replaced",
                kind_of(&meta)
            ),
        });
    }
    if let Some(input) = inputs.iter().find(|i| same_inode(&meta, i)) {
        return Err(IoError::Refused {
            path: path.to_path_buf(),
            why: format!(
                "is an input of this command ({}); write the output to another file",
                input.display()
            ),
        });
    }
    if !overwrite {
        return Err(IoError::Exists {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

fn same_inode(meta: &std::fs::Metadata, other: &Path) -> bool {
    std::fs::metadata(other).is_ok_and(|o| o.dev() == meta.dev() && o.ino() == meta.ino())
}

/// Whether two paths name the same file: the same inode when both exist, else the same
/// canonical folder and file name (two outputs of one command that do not exist yet).
pub fn same_file(a: &Path, b: &Path) -> bool {
    if let (Ok(ma), Ok(_)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        return same_inode(&ma, b);
    }
    let canonical = |p: &Path| -> Option<PathBuf> {
        let folder = p.parent().filter(|d| !d.as_os_str().is_empty());
        let folder = std::fs::canonicalize(folder.unwrap_or(Path::new("."))).ok()?;
        Some(folder.join(p.file_name()?))
    };
    match (canonical(a), canonical(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Checks that an input exists and is a regular file (HDF5 and PNG files are read with
/// seeks, which a FIFO or a device cannot give), naming what it is otherwise. `what` names the
/// input in the error ("potential.file", "source.image", "run file").
pub fn check_input(path: &Path, what: &str) -> Result<(), IoError> {
    let meta = std::fs::metadata(path).map_err(|e| IoError::Invalid {
        path: path.to_path_buf(),
        message: format!("{what}: cannot be read: {}", describe_io_error(&e)),
    })?;
    if !meta.is_file() {
        return Err(IoError::invalid(
            path,
            format!("{what}: is {}, not a regular file", kind_of(&meta)),
        ));
    }
    Ok(())
}

/// An OS error in words, without Rust's "(os error N)" tail.
pub fn describe_io_error(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(k) => s[..k].to_string(),
        None => s,
    }
}

/// The largest text input read (configs, sweep manifests): 64 MiB holds a catalogue of 10⁵
/// lenses several times over, and `check /dev/zero` ends at once instead of filling memory.
pub const MAX_TEXT_BYTES: u64 = 64 << 20;

/// Reads a text input (a config, a manifest) of at most [`MAX_TEXT_BYTES`]: a regular file
/// or a FIFO (`excalibur check <(...)`), never a folder or a device.
pub fn read_text(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| describe_io_error(&e))?;
    let t = meta.file_type();
    if !(t.is_file() || t.is_fifo()) {
        return Err(format!("is {}, not a regular file", kind_of(&meta)));
    }
    let file = std::fs::File::open(path).map_err(|e| describe_io_error(&e))?;
    let mut bytes = Vec::new();
    file.take(MAX_TEXT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| describe_io_error(&e))?;
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(format!(
            "is larger than {} MiB, the most a config or manifest may be",
            MAX_TEXT_BYTES >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|e| format!("is not UTF-8 text ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_that_are_inputs_devices_or_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.toml");
        std::fs::write(&input, "x").unwrap();
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let hard = dir.path().join("hard.toml");
        std::fs::hard_link(&input, &hard).unwrap();
        for out in [&input, &link, &hard] {
            let e = check_output(out, true, std::slice::from_ref(&input)).unwrap_err();
            assert!(e.to_string().contains("is an input"), "{e}");
        }
        let e = check_output(Path::new("/dev/null"), true, &[]).unwrap_err();
        assert!(e.to_string().contains("character device"), "{e}");
        let e = check_output(dir.path(), true, &[]).unwrap_err();
        assert!(e.to_string().contains("a folder"), "{e}");
        assert!(matches!(
            check_output(&input, false, &[]),
            Err(IoError::Exists { .. })
        ));
        check_output(&input, true, &[dir.path().join("other")]).unwrap();
        check_output(
            &dir.path().join("new.h5"),
            false,
            std::slice::from_ref(&input),
        )
        .unwrap();
    }

    #[test]
    fn two_new_outputs_with_one_name_are_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("x.h5");
        let b = dir.path().join(".").join("x.h5");
        assert!(same_file(&a, &b));
        assert!(!same_file(&a, &dir.path().join("y.h5")));
    }

    #[test]
    fn inputs_say_what_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let e = check_input(dir.path(), "run file").unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");
        let lp = dir.path().join("loop");
        std::os::unix::fs::symlink(&lp, &lp).unwrap();
        let e = check_input(&lp, "run file").unwrap_err();
        assert!(e.to_string().contains("symbolic links"), "{e}");
        let e = read_text(Path::new("/dev/zero")).unwrap_err();
        assert!(e.contains("character device"), "{e}");
    }
}
