//! The requests a session's thread serves.

use super::messages::{ImageMessage, SimMessage};
use crate::config::ValidConfig;
use crossbeam_channel::Sender;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// A run request.
pub(super) struct Job {
    pub config: ValidConfig,
    /// Resolves a relative `potential.file`.
    pub base_dir: PathBuf,
    pub threads: usize,
    pub cancel: Arc<AtomicBool>,
    pub tx: Sender<SimMessage>,
}

/// A lensed-image request: render `sizes` in turn (e.g. 64 then 256).
pub(super) struct ImageJob {
    pub config: ValidConfig,
    pub base_dir: PathBuf,
    pub sizes: Vec<usize>,
    pub threads: usize,
    pub cancel: Arc<AtomicBool>,
    pub tx: Sender<ImageMessage>,
}

/// Ray runs and images share the thread, its pool and its field cache; the newest request of
/// each kind supersedes older ones of that kind.
pub(super) enum Request {
    Trace(Job),
    Image(ImageJob),
}
