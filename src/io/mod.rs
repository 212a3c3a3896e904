//! HDF5 run files (interface.md §3; physics.md §12): write, read, merge; and Φ-grid import.
//!
//! Every file is written to a temporary name in the target folder and renamed when complete,
//! so a failed or interrupted write never leaves a truncated file or clobbers an existing one.

mod merge;
mod read;
mod write;

pub use merge::{merge, MergeError};
pub use read::{read_potential, read_run, StoredRay};
pub use write::{write_run, RayRecord, RunMeta};

use crate::config::RunConfig;
use crate::integrate::EndReason;
use crate::observables::Observables;
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
    File {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: already exists", path.display())]
    Exists { path: PathBuf },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

impl IoError {
    pub(crate) fn h5(path: &Path, what: impl Into<String>) -> impl FnOnce(hdf5::Error) -> IoError {
        let (path, what) = (path.to_path_buf(), what.into());
        move |source| IoError::Hdf5 { path, what, source }
    }
    pub(crate) fn file(path: &Path, what: &'static str) -> impl FnOnce(std::io::Error) -> IoError {
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
    let name = path.file_name().map_or("file".into(), |n| n.to_string_lossy());
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(IoError::file(path, "cannot create a temporary file beside it"))?;
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

/// Column names of a state row.
pub const COLUMNS: [&str; 14] = [
    "eta",
    "x",
    "y",
    "z",
    "u0",
    "ux",
    "uy",
    "uz",
    "a",
    "phi",
    "dphi_dx",
    "dphi_dy",
    "dphi_dz",
    "dphi_deta",
];
/// Units of the columns.
pub const UNITS: [&str; 14] = [
    "s", "m", "m", "m", "1", "m/s", "m/s", "m/s", "1", "m^2/s^2", "m/s^2", "m/s^2", "m/s^2",
    "m^2/s^3",
];
pub const VELOCITY_CONVENTION: &str = "u0<0, u^i along line of sight";
pub const SOFTWARE: &str = concat!("excalibur ", env!("CARGO_PKG_VERSION"));

type Getter = fn(&Observables) -> f64;
type Setter = fn(&mut Observables, f64);

/// Scalar per-ray observables stored under `observables/`, with their dataset names.
pub(crate) const SCALAR_OBSERVABLES: [(&str, Getter, Setter); 14] = [
    (
        "deflection_rad",
        |o| o.deflection_rad,
        |o, v| o.deflection_rad = v,
    ),
    (
        "deflection_toward_lens_rad",
        |o| o.deflection_toward_lens_rad,
        |o, v| o.deflection_toward_lens_rad = v,
    ),
    (
        "impact_parameter_m",
        |o| o.impact_parameter_m,
        |o, v| o.impact_parameter_m = v,
    ),
    ("redshift", |o| o.redshift, |o, v| o.redshift = v),
    ("z_expansion", |o| o.z_expansion, |o, v| o.z_expansion = v),
    (
        "z_sachs_wolfe",
        |o| o.z_sachs_wolfe,
        |o, v| o.z_sachs_wolfe = v,
    ),
    ("z_isw", |o| o.z_isw, |o, v| o.z_isw = v),
    ("z_linear", |o| o.z_linear, |o, v| o.z_linear = v),
    (
        "time_delay_s",
        |o| o.time_delay_s,
        |o, v| o.time_delay_s = v,
    ),
    (
        "shapiro_delay_s",
        |o| o.shapiro_delay_s,
        |o, v| o.shapiro_delay_s = v,
    ),
    (
        "null_error_max",
        |o| o.null_error_max,
        |o, v| o.null_error_max = v,
    ),
    (
        "null_error_final",
        |o| o.null_error_final,
        |o, v| o.null_error_final = v,
    ),
    (
        "energy_drift",
        |o| o.energy_drift,
        |o, v| o.energy_drift = v,
    ),
    (
        "path_length_m",
        |o| o.path_length_m,
        |o, v| o.path_length_m = v,
    ),
];

/// End-reason labels in code order.
pub fn end_reason_labels() -> Vec<&'static str> {
    use strum::VariantArray;
    EndReason::VARIANTS.iter().map(|e| e.label()).collect()
}
