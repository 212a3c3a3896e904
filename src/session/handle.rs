//! The handle a client keeps: it submits ray runs and images to the session's thread.

use super::jobs::{ImageJob, Job, MapsJob, Request, Wake};
use super::messages::{ImageMessage, RenderedImage, RenderedMaps, SimMessage, CHANNEL_CAPACITY};
use super::serve::serve;
use crate::config::ValidConfig;
use crossbeam_channel::{Receiver, Sender};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The handle a client keeps: submit jobs, the thread does the rest.
pub struct Session {
    jobs: Sender<Request>,
    wake: Wake,
}

impl Session {
    /// Starts the named tracing thread; `wake` is called as [`Wake`] says.
    pub fn spawn(wake: Wake) -> std::io::Result<Session> {
        let (jobs, rx) = crossbeam_channel::unbounded::<Request>();
        std::thread::Builder::new()
            .name("exc-session".into())
            .spawn(move || serve(rx))?;
        Ok(Session { jobs, wake })
    }

    /// A [`Wake`] that does nothing, for clients that poll their channels.
    pub fn no_wake() -> Wake {
        Arc::new(|| {})
    }

    /// Queues a run on `threads` workers (0 = all cores) and returns its result channel and
    /// cancel flag. Cancelling is setting the flag and dropping the receiver.
    pub fn submit(
        &self,
        config: ValidConfig,
        base_dir: PathBuf,
        threads: usize,
    ) -> (Receiver<SimMessage>, Arc<AtomicBool>) {
        let (tx, rx) = crossbeam_channel::bounded(CHANNEL_CAPACITY);
        let cancel = Arc::new(AtomicBool::new(false));
        let job = Job {
            config,
            base_dir,
            threads,
            cancel: cancel.clone(),
            tx,
            wake: self.wake.clone(),
        };
        if let Err(e) = self.jobs.send(Request::Trace(job)) {
            // Only when the thread died (a panic in the core): report it as a failed run.
            if let Request::Trace(job) = e.0 {
                job.notify(SimMessage::Failed(STOPPED.into()));
            }
        }
        (rx, cancel)
    }

    /// Queues a lensed image of `config` rendered at each of `sizes` in turn (coarse first),
    /// and returns its channel and cancel flag. When `reuse` (the image on screen) has the
    /// same geodesics as `config` (only the source's offset, size, shape or kind changed), it
    /// is re-shaded from its ray map instead, at its own size: one image, in milliseconds.
    pub fn submit_image(
        &self,
        config: ValidConfig,
        base_dir: PathBuf,
        sizes: Vec<usize>,
        threads: usize,
        reuse: Option<RenderedImage>,
    ) -> (Receiver<ImageMessage>, Arc<AtomicBool>) {
        let (tx, rx) = crossbeam_channel::bounded(sizes.len().max(1) + 1);
        let cancel = Arc::new(AtomicBool::new(false));
        let job = ImageJob {
            config,
            reuse,
            base_dir,
            sizes,
            threads,
            cancel: cancel.clone(),
            tx,
            wake: self.wake.clone(),
        };
        if let Err(e) = self.jobs.send(Request::Image(job)) {
            if let Request::Image(job) = e.0 {
                job.notify(ImageMessage::Failed(STOPPED.into()));
            }
        }
        (rx, cancel)
    }

    /// Queues the maps of `rendered` (an image on screen) on a `size`² lattice over its field
    /// (`lensing::MapSet`), after any image and run queued before it, and returns the channel
    /// of its one message and the cancel flag. A thread that has stopped closes the channel.
    pub fn submit_maps(
        &self,
        rendered: RenderedImage,
        size: usize,
        threads: usize,
    ) -> (Receiver<RenderedMaps>, Arc<AtomicBool>) {
        let (tx, rx) = crossbeam_channel::bounded(1);
        let cancel = Arc::new(AtomicBool::new(false));
        let job = MapsJob {
            rendered,
            size,
            threads,
            cancel: cancel.clone(),
            tx,
            wake: self.wake.clone(),
        };
        // A send fails only when the thread died; the job (and its sender) is dropped with the
        // error, which closes the channel: the client sees no maps.
        let _ = self.jobs.send(Request::Maps(job));
        (rx, cancel)
    }
}

const STOPPED: &str = "the tracing thread has stopped; restart the visualizer";
