//! The one error of the config layer: which file, which key, what is allowed.

use thiserror::Error;

/// A configuration problem: which file, which key, what is allowed. Shown as
/// "FILE: KEY: MESSAGE", or "KEY: MESSAGE" for a config that has no file (the window's draft).
#[derive(Debug, Error, Clone, PartialEq)]
#[error("{}{key}: {message}", if file.is_empty() { String::new() } else { format!("{file}: ") })]
pub struct ConfigError {
    pub file: String,
    pub key: String,
    pub message: String,
}

pub(crate) fn err(key: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError {
        file: String::new(),
        key: key.into(),
        message: message.into(),
    }
}
