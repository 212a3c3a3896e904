//! The requests a session's thread serves.

use super::messages::{ImageMessage, RenderedImage, RenderedMaps, SimMessage};
use crate::config::ValidConfig;
use crossbeam_channel::Sender;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Called by the session's thread after each message that ends a wait of the client's: a pass
/// started (its field is built), a pass done, a failure, a rendered image. A window that idles
/// while a grid builds (`app/bridge/pacing.rs`) wakes its event loop here; polling clients pass
/// `Session::no_wake()`.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// A run request.
pub(super) struct Job {
    pub config: ValidConfig,
    /// Resolves a relative `potential.file`.
    pub base_dir: PathBuf,
    pub threads: usize,
    pub cancel: Arc<AtomicBool>,
    pub tx: Sender<SimMessage>,
    pub wake: Wake,
}

/// A lensed-image request: render `sizes` in turn (e.g. 64 then 256), or re-shade `reuse`.
pub(super) struct ImageJob {
    pub config: ValidConfig,
    /// The image on screen: when `config` traces its geodesics (`RunConfig::same_geodesics`),
    /// it is re-shaded with the new source instead of rendered (`sizes` is then not used).
    pub reuse: Option<RenderedImage>,
    pub base_dir: PathBuf,
    pub sizes: Vec<usize>,
    pub threads: usize,
    pub cancel: Arc<AtomicBool>,
    pub tx: Sender<ImageMessage>,
    pub wake: Wake,
}

/// A maps request: the κ/γ/μ/z/Born maps of `rendered` on a `size`² lattice.
pub(super) struct MapsJob {
    pub rendered: RenderedImage,
    pub size: usize,
    pub threads: usize,
    pub cancel: Arc<AtomicBool>,
    pub tx: Sender<RenderedMaps>,
    pub wake: Wake,
}

/// Ray runs, images and maps share the thread, its pool and its field cache; the newest
/// request of each kind supersedes older ones of that kind.
pub(super) enum Request {
    Trace(Job),
    Image(ImageJob),
    Maps(MapsJob),
}

/// Sends a message that ends a wait of the client's (see [`Wake`]) and wakes it; false when
/// the client has gone.
fn notify<M>(tx: &Sender<M>, wake: &Wake, m: M) -> bool {
    let sent = tx.send(m).is_ok();
    wake();
    sent
}

impl Job {
    /// See [`notify`].
    pub fn notify(&self, m: SimMessage) -> bool {
        notify(&self.tx, &self.wake, m)
    }
}

impl MapsJob {
    /// See [`notify`].
    pub fn notify(&self, m: RenderedMaps) -> bool {
        notify(&self.tx, &self.wake, m)
    }
}

impl ImageJob {
    /// See [`notify`].
    pub fn notify(&self, m: ImageMessage) -> bool {
        notify(&self.tx, &self.wake, m)
    }
}
