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

/// The handle a client keeps: submit jobs, the thread does the rest.
pub struct Session {
    jobs: Sender<Job>,
}

impl Session {
    /// Starts the named tracing thread.
    pub fn spawn() -> std::io::Result<Session> {
        let (jobs, rx) = crossbeam_channel::unbounded::<Job>();
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
        if let Err(e) = self.jobs.send(job) {
            // Only when the thread died (a panic in the core): report it as a failed run.
            let _ = e.0.tx.send(SimMessage::Failed(
                "the tracing thread has stopped; restart the visualizer".into(),
            ));
        }
        (rx, cancel)
    }
}

fn serve(jobs: Receiver<Job>) {
    let mut full = FieldCache::default();
    let mut preview = FieldCache::default();
    // The pool that builds grids and traces rays, sized per job (rebuilt when the size changes).
    let mut pool: Option<(usize, rayon::ThreadPool)> = None;
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            job.cancel.store(true, Ordering::Relaxed);
            job = newer;
        }
        if job.cancel.load(Ordering::Relaxed) {
            continue;
        }
        let threads = resolve_threads(job.threads);
        if pool.as_ref().is_none_or(|(n, _)| *n != threads) {
            pool = match rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("excalibur-trace-{i}"))
                .start_handler(|_| lower_priority())
                .build()
            {
                Ok(p) => Some((threads, p)),
                Err(e) => {
                    let _ = job.tx.send(SimMessage::Failed(format!(
                        "cannot start {threads} tracing threads: {e}"
                    )));
                    continue;
                }
            };
        }
        let Some((_, pool)) = pool.as_ref() else {
            continue;
        };
        pool.install(|| {
            let big_grid = job.config.potential.mode == PotentialMode::Grid
                && job.config.potential.file.is_none()
                && job.config.potential.nodes > PREVIEW_NODES;
            if big_grid {
                let mut coarse = job.config.config().clone();
                coarse.potential.nodes = PREVIEW_NODES;
                // Fewer nodes of a valid grid are valid; were they not, the full pass alone runs.
                if let Ok(coarse) = coarse.into_valid() {
                    if !run_pass(&job, coarse, Pass::Preview, &mut preview) {
                        return;
                    }
                }
            }
            run_pass(&job, job.config.clone(), Pass::Full, &mut full);
        });
    }
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
