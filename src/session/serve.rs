//! The session's thread: the newest request of each kind, on one pool and one field cache.

use super::jobs::{ImageJob, Job, MapsJob, Request};
use super::messages::{
    ImageMessage, Pass, PassDone, PassStart, RenderedImage, RenderedMaps, SimMessage, PREVIEW_NODES,
};
use super::priority::{lower_thread_priority, TRACE_NICE};
use super::sink::StreamSink;
use crate::config::{PotentialMode, ValidConfig};
use crate::field::FieldCache;
use crate::lensing::{render_progressive, reshade, MapSet, Source};
use crate::setup::Model;
use crate::trace::resolve_threads;
use crossbeam_channel::Receiver;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

/// The pool of `threads` workers (0 = all cores), rebuilt only when the size changes.
fn pool_of(
    pool: &mut Option<(usize, rayon::ThreadPool)>,
    threads: usize,
) -> Result<&rayon::ThreadPool, String> {
    let threads = resolve_threads(threads);
    if pool.as_ref().is_none_or(|(n, _)| *n != threads) {
        let built = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            // Thread names show in top and perf; Linux keeps their first 15 bytes.
            .thread_name(|i| format!("exc-trace-{i}"))
            .start_handler(|_| lower_thread_priority(TRACE_NICE))
            .build()
            .map_err(|e| format!("cannot start {threads} tracing threads: {e}"))?;
        *pool = Some((threads, built));
    }
    pool.as_ref()
        .map(|(_, p)| p)
        .ok_or_else(|| "no tracing pool".to_string())
}

/// A pool of every core at normal priority, for grid builds; None if the OS refuses threads
/// (grids are then built on the tracing pool).
fn build_pool() -> Option<Arc<rayon::ThreadPool>> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(resolve_threads(0))
        .thread_name(|i| format!("exc-grid-{i}"))
        .build()
        .ok()
        .map(Arc::new)
}

pub(super) fn serve(requests: Receiver<Request>) {
    let (mut full, mut preview) = match build_pool() {
        Some(pool) => (
            FieldCache::building_on(pool.clone()),
            FieldCache::building_on(pool),
        ),
        None => (FieldCache::default(), FieldCache::default()),
    };
    // The pool that builds grids and traces rays, sized per job.
    let mut pool: Option<(usize, rayon::ThreadPool)> = None;
    while let Ok(first) = requests.recv() {
        // The newest request of each kind; older ones are cancelled unseen.
        let (mut trace, mut image, mut maps) = (None, None, None);
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
                Request::Maps(j) => {
                    if let Some(old) = maps.replace(j) {
                        old.cancel.store(true, Ordering::Relaxed);
                    }
                }
            }
        }
        // The image first: it takes a fraction of a second and is what a teaching view waits
        // for; the rays (seconds on big grids) follow.
        if let Some(job) = image.filter(|j| !j.cancel.load(Ordering::Relaxed)) {
            match pool_of(&mut pool, job.threads) {
                Ok(pool) => pool.install(|| image_job(&job, &mut full)),
                Err(e) => {
                    job.notify(ImageMessage::Failed(e));
                }
            }
        }
        if let Some(job) = trace.filter(|j| !j.cancel.load(Ordering::Relaxed)) {
            match pool_of(&mut pool, job.threads) {
                Ok(pool) => pool.install(|| trace_job(&job, &mut full, &mut preview)),
                Err(e) => {
                    job.notify(SimMessage::Failed(e));
                }
            }
        }
        // Maps last: seconds of bundles, asked for by a click, never what an edit waits for.
        // A pool that cannot start drops the job, which closes its channel.
        if let Some(job) = maps.filter(|j| !j.cancel.load(Ordering::Relaxed)) {
            if let Ok(pool) = pool_of(&mut pool, job.threads) {
                pool.install(|| maps_job(&job));
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

/// A lensed image, each size in turn, sharing the ray runs' field; or the image on screen
/// re-shaded, when only the source changed.
fn image_job(job: &ImageJob, fields: &mut FieldCache) {
    let fail = |e: anyhow::Error| {
        job.notify(ImageMessage::Failed(format!("{e:#}")));
    };
    let source = match Source::new(&job.config.source, &job.base_dir) {
        Ok(s) => s,
        Err(e) => return fail(e.into()),
    };
    let same = |r: &&RenderedImage| r.config.config().same_geodesics(job.config.config());
    if let Some(on_screen) = job.reuse.as_ref().filter(same) {
        let image = reshade(&on_screen.model, &on_screen.image, &source);
        // The model is shared, not copied: every frame of a drag comes here, and a model
        // holds the run's rays (up to 10⁶ in the window).
        job.notify(ImageMessage::Rendered(RenderedImage {
            image: Arc::new(image),
            model: on_screen.model.clone(),
            config: job.config.clone(),
            source: Arc::new(source),
        }));
        return;
    }
    let model = match Model::build(job.config.clone(), &job.base_dir, fields) {
        Ok(m) => m,
        Err(e) => return fail(e.into()),
    };
    let model = Arc::new(model);
    let source = Arc::new(source);
    render_progressive(&model, &source, &job.sizes, &job.cancel, &mut |image| {
        let rendered = RenderedImage {
            image: Arc::new(image),
            model: model.clone(),
            config: model.config.clone(),
            source: source.clone(),
        };
        if !job.notify(ImageMessage::Rendered(rendered)) {
            job.cancel.store(true, Ordering::Relaxed);
        }
    });
}

/// The maps of the image on screen; nothing is sent when cancelled.
fn maps_job(job: &MapsJob) {
    let r = &job.rendered;
    if let Some(maps) = MapSet::trace(&r.model, &r.image.sky, job.size, &job.cancel) {
        job.notify(RenderedMaps {
            model: r.model.clone(),
            maps: Arc::new(maps),
        });
    }
}

/// Builds the model (its field from `fields`, reused when unchanged) and traces one pass on
/// the current (the session's) rayon pool; false when it failed or was cancelled.
fn run_pass(job: &Job, config: ValidConfig, pass: Pass, fields: &mut FieldCache) -> bool {
    let model = match Model::build(config, &job.base_dir, fields) {
        Ok(m) => m,
        Err(e) => {
            job.notify(SimMessage::Failed(format!("{:#}", anyhow::Error::from(e))));
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
        warnings: crate::resolution::resolution_warnings(&model),
    };
    if !job.notify(SimMessage::Started(Box::new(start))) {
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
    job.notify(SimMessage::Done(done));
    !cancelled
}
