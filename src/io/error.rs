//! The one error of the io layer: which file, what failed, and the underlying cause.

use std::path::{Path, PathBuf};
use thiserror::Error;

/// A file that could not be read or written, with the path and the underlying cause.
#[derive(Debug, Error)]
pub enum IoError {
    #[error("{}: {what}", path.display())]
    Hdf5 {
        path: PathBuf,
        what: String,
        #[source]
        source: hdf5::Error,
    },
    #[error("{}: {what}", path.display())]
    Fits {
        path: PathBuf,
        what: String,
        #[source]
        source: fitsio::errors::Error,
    },
    #[error("{}: {what}", path.display())]
    File {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: already exists", path.display())]
    Exists { path: PathBuf },
    /// An output that may not be written whatever the flags (a device, a folder, an input).
    #[error("{}: {why}", path.display())]
    Refused { path: PathBuf, why: String },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

impl IoError {
    /// Whether the error is the user's choice of files (an output that exists, is not a
    /// regular file or is an input; an input that is not readable): exit status 2.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            IoError::Exists { .. } | IoError::Refused { .. } | IoError::Invalid { .. }
        )
    }
    pub(crate) fn h5(path: &Path, what: impl Into<String>) -> impl FnOnce(hdf5::Error) -> IoError {
        let (path, what) = (path.to_path_buf(), what.into());
        move |source| IoError::Hdf5 { path, what, source }
    }
    /// A failed HDF5 write. HDF5 reports a full disk in its own words, or (when the failure
    /// comes at a flush) not at all: the reason is added when the file system has no room.
    pub(crate) fn h5_write(
        path: &Path,
        what: impl Into<String>,
    ) -> impl FnOnce(hdf5::Error) -> IoError {
        let (path, mut what) = (path.to_path_buf(), what.into());
        move |source| {
            let folder = path.parent().unwrap_or(Path::new(""));
            let full = super::disk::free_disk_bytes(folder).is_some_and(|b| b < 1 << 20);
            if full && !source.to_string().contains("No space left on device") {
                what.push_str(": No space left on device");
            }
            IoError::Hdf5 { path, what, source }
        }
    }
    /// A failed FITS write; a full disk is named as for HDF5 (cfitsio says only "error
    /// writing to file").
    pub(crate) fn fits(
        path: &Path,
        what: impl Into<String>,
    ) -> impl FnOnce(fitsio::errors::Error) -> IoError {
        let (path, mut what) = (path.to_path_buf(), what.into());
        move |source| {
            let folder = path.parent().unwrap_or(Path::new(""));
            if super::disk::free_disk_bytes(folder).is_some_and(|b| b < 1 << 20) {
                what.push_str(": No space left on device");
            }
            IoError::Fits { path, what, source }
        }
    }
    pub fn file(path: &Path, what: &'static str) -> impl FnOnce(std::io::Error) -> IoError {
        let path = path.to_path_buf();
        move |source| IoError::File { path, what, source }
    }
    pub(crate) fn invalid(path: &Path, message: impl Into<String>) -> IoError {
        IoError::Invalid {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}
