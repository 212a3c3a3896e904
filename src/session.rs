//! A tracing session: what a client needs between edits. One named thread owns the field
//! caches and a rayon pool, builds fields, traces jobs (a coarse preview first for big grids)
//! and streams results back over a bounded channel. The visualizer is one client; no Bevy in
//! here, so it is tested on its own and ready for the image renderer.
//!
//! One named thread serves all runs. A job carries its own result channel and cancel flag:
//! cancelling a run is setting the flag and dropping the receiver, after which every send fails
//! and the workers stop at their next poll. When several jobs queue up, only the newest runs.

use crate::config::{PotentialMode, ValidConfig};
use crate::field::{FieldCache, FieldData};
use crate::integrate::EndReason;
use crate::lensing::{render_progressive, LensedImage, Source};
use crate::observables::Observables;
use crate::rays::Ray;
use crate::setup::Model;
use crate::trace::{resolve_threads, RayResult, RunResult, Sink};
use crate::units::MPC_M;
use crossbeam_channel::{Receiver, Sender};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Grids finer than this get a preview pass at this many nodes per side first.
pub const PREVIEW_NODES: usize = 128;

/// Messages in flight per run; a full channel makes the tracer wait for the window.
const CHANNEL_CAPACITY: usize = 8192;

/// A point of a trajectory as the scene needs it: position [Mpc] and scale factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackPoint {
    pub position_mpc: [f64; 3],
    pub scale_factor: f64,
}

/// Whether a pass is the coarse preview of a big grid or the requested resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    Preview,
    Full,
}

/// What a finished ray reports to the scene.
#[derive(Debug, Clone)]
pub struct RaySummary {
    pub id: usize,
    pub end: EndReason,
    pub steps: u64,
    pub observables: Observables,
}

/// Sent once a pass has its field and rays, before any trajectory point.
pub struct PassStart {
    pub pass: Pass,
    /// The config of this pass (nodes lowered for a preview).
    pub config: ValidConfig,
    pub rays: Vec<Ray>,
    pub field: Arc<FieldData>,
    pub grid_build_s: f64,
}

/// Statistics of a finished (or cancelled) pass.
#[derive(Debug, Clone)]
pub struct PassDone {
    pub pass: Pass,
    pub cancelled: bool,
    pub steps: u64,
    pub integrate_s: f64,
    pub result: Arc<RunResult>,
}

pub enum SimMessage {
    Started(Box<PassStart>),
    Points {
        pass: Pass,
        id: usize,
        points: Vec<TrackPoint>,
    },
    Finished {
        pass: Pass,
        ray: RaySummary,
    },
    Done(PassDone),
    /// The config could not be set up (the message names the cause, with its sources); the
    /// previous scene stays.
    Failed(String),
}

/// A run request.
struct Job {
    config: ValidConfig,
    /// Resolves a relative `potential.file`.
    base_dir: PathBuf,
    threads: usize,
    cancel: Arc<AtomicBool>,
    tx: Sender<SimMessage>,
}

/// What the image view receives: each rendered size in turn (coarse first), or why it failed.
/// The channel closes when the job is done or cancelled.
pub enum ImageMessage {
    Rendered(Arc<LensedImage>),
    Failed(String),
}

/// A lensed-image request: render `sizes` in turn (e.g. 64 then 256).
struct ImageJob {
    config: ValidConfig,
    base_dir: PathBuf,
    sizes: Vec<usize>,
    threads: usize,
    cancel: Arc<AtomicBool>,
    tx: Sender<ImageMessage>,
}

/// Ray runs and images share the thread, its pool and its field cache; the newest request of
/// each kind supersedes older ones of that kind.
enum Request {
    Trace(Job),
    Image(ImageJob),
}

/// The handle a client keeps: submit jobs, the thread does the rest.
pub struct Session {
    jobs: Sender<Request>,
}

impl Session {
    /// Starts the named tracing thread.
    pub fn spawn() -> std::io::Result<Session> {
        let (jobs, rx) = crossbeam_channel::unbounded::<Request>();
        std::thread::Builder::new()
            .name("excalibur-tracer".into())
            .spawn(move || serve(rx))?;
        Ok(Session { jobs })
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
        };
        if let Err(e) = self.jobs.send(Request::Trace(job)) {
            // Only when the thread died (a panic in the core): report it as a failed run.
            if let Request::Trace(job) = e.0 {
                let _ = job.tx.send(SimMessage::Failed(STOPPED.into()));
            }
        }
        (rx, cancel)
    }

    /// Queues a lensed image of `config` rendered at each of `sizes` in turn (coarse first),
    /// and returns its channel and cancel flag.
    pub fn submit_image(
        &self,
        config: ValidConfig,
        base_dir: PathBuf,
        sizes: Vec<usize>,
        threads: usize,
    ) -> (Receiver<ImageMessage>, Arc<AtomicBool>) {
        let (tx, rx) = crossbeam_channel::bounded(sizes.len().max(1) + 1);
        let cancel = Arc::new(AtomicBool::new(false));
        let job = ImageJob {
            config,
            base_dir,
            sizes,
            threads,
            cancel: cancel.clone(),
            tx,
        };
        if let Err(e) = self.jobs.send(Request::Image(job)) {
            if let Request::Image(job) = e.0 {
                let _ = job.tx.send(ImageMessage::Failed(STOPPED.into()));
            }
        }
        (rx, cancel)
    }
}

const STOPPED: &str = "the tracing thread has stopped; restart the visualizer";

/// The pool of `threads` workers (0 = all cores), rebuilt only when the size changes.
fn pool_of(
    pool: &mut Option<(usize, rayon::ThreadPool)>,
    threads: usize,
) -> Result<&rayon::ThreadPool, String> {
    let threads = resolve_threads(threads);
    if pool.as_ref().is_none_or(|(n, _)| *n != threads) {
        let built = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("excalibur-trace-{i}"))
            .start_handler(|_| lower_priority())
            .build()
            .map_err(|e| format!("cannot start {threads} tracing threads: {e}"))?;
        *pool = Some((threads, built));
    }
    pool.as_ref()
        .map(|(_, p)| p)
        .ok_or_else(|| "no tracing pool".to_string())
}

fn serve(requests: Receiver<Request>) {
    let mut full = FieldCache::default();
    let mut preview = FieldCache::default();
    // The pool that builds grids and traces rays, sized per job.
    let mut pool: Option<(usize, rayon::ThreadPool)> = None;
    while let Ok(first) = requests.recv() {
        // The newest request of each kind; older ones are cancelled unseen.
        let (mut trace, mut image) = (None, None);
        for r in std::iter::once(first).chain(requests.try_iter()) {
            match r {
                Request::Trace(j) => {
                    if let Some(old) = trace.replace(j) {
                        old.cancel.store(true, Ordering::Relaxed);
                    }
                }
                Request::Image(j) => {
                    if let Some(old) = image.replace(j) {
                        old.cancel.store(true, Ordering::Relaxed);
                    }
                }
            }
        }
        if let Some(job) = trace.filter(|j| !j.cancel.load(Ordering::Relaxed)) {
            match pool_of(&mut pool, job.threads) {
                Ok(pool) => pool.install(|| trace_job(&job, &mut full, &mut preview)),
                Err(e) => {
                    let _ = job.tx.send(SimMessage::Failed(e));
                }
            }
        }
        if let Some(job) = image.filter(|j| !j.cancel.load(Ordering::Relaxed)) {
            match pool_of(&mut pool, job.threads) {
                Ok(pool) => pool.install(|| image_job(&job, &mut full)),
                Err(e) => {
                    let _ = job.tx.send(ImageMessage::Failed(e));
                }
            }
        }
    }
}

/// A ray run: a 128³ preview pass first for bigger grids, then the full pass.
fn trace_job(job: &Job, full: &mut FieldCache, preview: &mut FieldCache) {
    let big_grid = job.config.potential.mode == PotentialMode::Grid
        && job.config.potential.file.is_none()
        && job.config.potential.nodes > PREVIEW_NODES;
    if big_grid {
        let mut coarse = job.config.config().clone();
        coarse.potential.nodes = PREVIEW_NODES;
        // Fewer nodes of a valid grid are valid; were they not, the full pass alone runs.
        if let Ok(coarse) = coarse.into_valid() {
            if !run_pass(job, coarse, Pass::Preview, preview) {
                return;
            }
        }
    }
    run_pass(job, job.config.clone(), Pass::Full, full);
}

/// A lensed image, each size in turn, sharing the ray runs' field.
fn image_job(job: &ImageJob, fields: &mut FieldCache) {
    let fail = |e: anyhow::Error| {
        let _ = job.tx.send(ImageMessage::Failed(format!("{e:#}")));
    };
    let source = match Source::new(&job.config.source, &job.base_dir) {
        Ok(s) => s,
        Err(e) => return fail(e.into()),
    };
    let model = match Model::build(job.config.clone(), &job.base_dir, fields) {
        Ok(m) => m,
        Err(e) => return fail(e.into()),
    };
    render_progressive(&model, &source, &job.sizes, &job.cancel, &mut |image| {
        if job
            .tx
            .send(ImageMessage::Rendered(Arc::new(image)))
            .is_err()
        {
            job.cancel.store(true, Ordering::Relaxed);
        }
    });
}

/// Tracing threads run at a lower priority than the rest of the process, so that a client's
/// own threads (the window's render loop) keep their core while every core traces.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on the calling thread (tid from gettid) only changes its nice value.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 5);
    }
}

/// Builds the model (its field from `fields`, reused when unchanged) and traces one pass on
/// the current (the session's) rayon pool; false when it failed or was cancelled.
fn run_pass(job: &Job, config: ValidConfig, pass: Pass, fields: &mut FieldCache) -> bool {
    let model = match Model::build(config, &job.base_dir, fields) {
        Ok(m) => m,
        Err(e) => {
            let _ = job
                .tx
                .send(SimMessage::Failed(format!("{:#}", anyhow::Error::from(e))));
            return false;
        }
    };
    if job.cancel.load(Ordering::Relaxed) {
        return false;
    }
    let start = PassStart {
        pass,
        config: model.config.clone(),
        rays: model.rays.clone(),
        field: model.field.clone(),
        grid_build_s: model.grid_build_s,
    };
    if job.tx.send(SimMessage::Started(Box::new(start))).is_err() {
        return false;
    }
    let sink = StreamSink {
        pass,
        tx: &job.tx,
        cancel: &job.cancel,
    };
    let t0 = Instant::now();
    let result = model.trace(&model.rays, 0, &sink, &job.cancel);
    let cancelled = job.cancel.load(Ordering::Relaxed);
    let done = PassDone {
        pass,
        cancelled,
        steps: result.steps_total(),
        integrate_s: t0.elapsed().as_secs_f64(),
        result: Arc::new(result),
    };
    let _ = job.tx.send(SimMessage::Done(done));
    !cancelled
}

/// Forwards trajectory batches and finished rays; a closed channel cancels the run.
struct StreamSink<'a> {
    pass: Pass,
    tx: &'a Sender<SimMessage>,
    cancel: &'a AtomicBool,
}

impl StreamSink<'_> {
    fn send(&self, m: SimMessage) {
        if self.cancel.load(Ordering::Relaxed) {
            return;
        }
        if self.tx.send(m).is_err() {
            self.cancel.store(true, Ordering::Relaxed);
        }
    }
}

impl Sink for StreamSink<'_> {
    fn partial(&self, id: usize, rows: &[crate::metric::Row]) {
        let points = rows
            .iter()
            .map(|r| TrackPoint {
                position_mpc: [r[1] / MPC_M, r[2] / MPC_M, r[3] / MPC_M],
                scale_factor: r[8],
            })
            .collect();
        self.send(SimMessage::Points {
            pass: self.pass,
            id,
            points,
        });
    }

    fn finished(&self, r: &RayResult) {
        let steps = r.outcome.steps_accepted + r.outcome.steps_rejected;
        self.send(SimMessage::Finished {
            pass: self.pass,
            ray: RaySummary {
                id: r.ray.id,
                end: r.end(),
                steps,
                observables: r.observables,
            },
        });
    }
}
