//! The one error of the config layer: which file, which key, what is allowed.

use thiserror::Error;

/// A configuration problem: which file, which key, what is allowed.
#[derive(Debug, Error, Clone, PartialEq)]
#[error("{file}: {key}: {message}")]
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
