//! The exceptions: `ConfigError` (a `ValueError` naming the config key, with the CLI's exit-2
//! message) and the mapping of the library's other errors.

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;

pyo3::create_exception!(
    excalibur,
    ConfigError,
    PyValueError,
    "A bad config value: the message is the CLI's (exit 2); `.key` names the key, `.file` the file."
);

/// A library `ConfigError` as the Python one, with `.key` and `.file` set.
pub fn config_error(py: Python<'_>, e: &excalibur::config::ConfigError) -> PyErr {
    let err = ConfigError::new_err(e.to_string());
    let value = err.value(py);
    // Setting attributes on a fresh exception instance cannot fail but for memory.
    let _ = value.setattr("key", e.key.as_str());
    let _ = value.setattr("file", e.file.as_str());
    err
}

/// A file problem: OSError for what the system refused, ValueError for a file that is not what
/// it should be (the CLI's exit 2 either way).
pub fn io_error(e: excalibur::io::IoError) -> PyErr {
    if e.is_bad_input() {
        PyValueError::new_err(e.to_string())
    } else {
        PyOSError::new_err(e.to_string())
    }
}

/// Any other error that the CLI reports as bad input, with its chain of causes.
pub fn bad_input(context: &str, e: &dyn std::error::Error) -> PyErr {
    let mut msg = format!("{context}: {e}");
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    PyValueError::new_err(msg)
}
