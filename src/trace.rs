//! `run`: traces all rays on a rayon pool of a chosen size, streaming partial trajectories and
//! results to a [`Sink`], cancellable at any time, with results in launch order.

use crate::integrate::{integrate_many, packet_width, EndReason, Integration, RayOutcome};
use crate::lens::Lens;
use crate::metric::{Row, Spacetime, State};
use crate::observables::{self, Observables};
use crate::rays::Ray;
use std::sync::atomic::AtomicBool;
use std::time::Instant;
use strum::VariantArray;

/// Rows are handed to the sink in batches of this many while a ray is being traced.
pub const STREAM_BATCH_ROWS: usize = 64;

/// The rows a ray's buffer holds before it first grows (3.5 KiB, from the heap): a run of
/// 320 000 rays that record a few rows each spent most of its time clearing pages when each
/// buffer started at 256 rows; a long ray's buffer doubles a few times, which costs far less
/// than its steps.
const INITIAL_ROWS: usize = 32;

/// Receives results as they are produced. Called from worker threads.
pub trait Sink: Sync {
    /// New rows of ray `id` (in order; the first batch starts with the observer row).
    fn partial(&self, _id: usize, _rows: &[Row]) {}
    /// Ray `id` is complete.
    fn finished(&self, _result: &RayResult) {}
}

/// A sink that ignores everything.
pub struct NoSink;
impl Sink for NoSink {}

/// One traced ray.
#[derive(Debug, Clone)]
pub struct RayResult {
    pub ray: Ray,
    pub outcome: RayOutcome,
    pub rows: Vec<Row>,
    pub observables: Observables,
}

impl RayResult {
    pub fn end(&self) -> EndReason {
        self.outcome.end
    }
}

/// All rays of a run, in launch order.
#[derive(Debug, Clone, Default)]
pub struct RunResult {
    pub rays: Vec<RayResult>,
    pub integrate_s: f64,
}

impl RunResult {
    pub fn steps_total(&self) -> u64 {
        self.rays
            .iter()
            .map(|r| r.outcome.steps_accepted + r.outcome.steps_rejected)
            .sum()
    }

    /// (end reason, count) for the reasons that occur.
    pub fn end_reason_counts(&self) -> Vec<(EndReason, usize)> {
        EndReason::VARIANTS
            .iter()
            .map(|&e| (e, self.rays.iter().filter(|r| r.end() == e).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

/// The number of tracing threads for a requested count: the count itself, or with 0 every core
/// (the one meaning of `threads = 0`, in the config, the CLI and the window alike).
pub fn resolve_threads(requested: usize) -> usize {
    if requested > 0 {
        return requested;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Everything a worker needs to trace one ray.
pub struct Tracer<'a, S: Spacetime> {
    pub spacetime: &'a S,
    pub lenses: &'a [Lens],
    pub integration: Integration,
}

impl<S: Spacetime> Tracer<'_, S> {
    /// Traces one ray, streaming its rows to `sink`.
    pub fn trace(&self, ray: &Ray, sink: &dyn Sink, cancel: &AtomicBool) -> RayResult {
        let mut results = self.trace_many(std::slice::from_ref(ray), sink, cancel);
        results.pop().expect("one result per ray")
    }

    /// Traces a few rays together (fixed-step RK4 in lock-step packets, [`integrate_many`]),
    /// streaming each ray's rows to `sink`; results in the order of `rays`.
    pub fn trace_many(&self, rays: &[Ray], sink: &dyn Sink, cancel: &AtomicBool) -> Vec<RayResult> {
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            // A cancelled run skips the rays it has not started without launching them or
            // giving them buffers (a page fault each): 320 000 rays took 1.5 s to skip so.
            return rays
                .iter()
                .map(|ray| {
                    let result = RayResult {
                        ray: *ray,
                        outcome: RayOutcome::unstarted(EndReason::Cancelled),
                        rows: vec![],
                        observables: nan_observables(),
                    };
                    sink.finished(&result);
                    result
                })
                .collect();
        }
        let st = self.spacetime;
        // A ray's buffer starts small and grows as it records: reserving the guess of
        // `expected_rows` (up to 64 Ki rows, 7 MiB) for each ray made every ray its own
        // mapping, and a run of more than ~65 000 rays (vm.max_map_count) aborted.
        let initial = expected_rows(&self.integration).min(INITIAL_ROWS);
        let mut rows: Vec<Vec<Row>> = rays.iter().map(|_| Vec::with_capacity(initial)).collect();
        let mut sent = vec![0usize; rays.len()];
        // Rays that launch are integrated; the others end at once.
        let launches: Vec<Option<State>> = rays
            .iter()
            .map(|r| st.launch(r.offset_m, r.direction).ok())
            .collect();
        let (index, y0s): (Vec<usize>, Vec<State>) = launches
            .iter()
            .enumerate()
            .filter_map(|(i, y0)| y0.map(|y0| (i, y0)))
            .unzip();
        let mut outcomes = vec![RayOutcome::start_invalid(); rays.len()];
        let integrated = integrate_many(st, &y0s, &self.integration, cancel, &mut |j, y, s| {
            let i = index[j];
            rows[i].push(st.row(y, s));
            if rows[i].len() - sent[i] >= STREAM_BATCH_ROWS {
                sink.partial(rays[i].id, &rows[i][sent[i]..]);
                sent[i] = rows[i].len();
            }
        });
        for (i, outcome) in index.iter().zip(integrated) {
            outcomes[*i] = outcome;
        }
        (rays.iter().zip(outcomes).zip(rows).zip(sent))
            .map(|(((ray, outcome), rows), sent)| {
                if rows.len() > sent {
                    sink.partial(ray.id, &rows[sent..]);
                }
                let observables = if rows.is_empty() {
                    nan_observables()
                } else {
                    observables::of_ray(st, self.lenses, &outcome)
                };
                let result = RayResult {
                    ray: *ray,
                    outcome,
                    rows,
                    observables,
                };
                sink.finished(&result);
                result
            })
            .collect()
    }

    /// Traces all rays on a pool of `threads` workers, or with 0 on the current rayon pool (the
    /// global one, of all cores, unless the caller installed its own); output in launch order.
    pub fn run(
        &self,
        rays: &[Ray],
        threads: usize,
        sink: &dyn Sink,
        cancel: &AtomicBool,
    ) -> RunResult {
        use rayon::prelude::*;
        let start = Instant::now();
        // A packet per work item; rays one by one where there are no packets, which balances
        // the threads best (DOPRI5 rays differ in cost).
        let chunk = packet_width(&self.integration);
        let work = || {
            rays.par_chunks(chunk)
                .with_max_len(1)
                .flat_map_iter(|chunk| self.trace_many(chunk, sink, cancel))
                .collect::<Vec<_>>()
        };
        let results = if threads == 0 {
            work()
        } else {
            match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
                Ok(pool) => pool.install(work),
                // Building a pool only fails when the OS refuses threads; use the current one then.
                Err(_) => work(),
            }
        };
        RunResult {
            rays: results,
            integrate_s: start.elapsed().as_secs_f64(),
        }
    }
}

/// A guess of the rows a ray will record (capped at 64 Ki rows): what a packed run's blocks
/// are sized by.
pub fn expected_rows(integration: &Integration) -> usize {
    use crate::integrate::{Method, StepRule};
    let stop = &integration.stop;
    let by_distance = match (stop.distance_m, integration.method) {
        (Some(d), Method::Rk4(StepRule::Comoving(ds))) if ds > 0.0 => (d / ds).ceil() as u64 + 1,
        _ => u64::MAX,
    };
    let steps = stop
        .steps
        .unwrap_or(u64::MAX)
        .min(stop.max_steps)
        .min(by_distance);
    (steps / integration.record_every.max(1)).min(1 << 16) as usize + 2
}

fn nan_observables() -> Observables {
    Observables {
        deflection_rad: f64::NAN,
        deflection_toward_lens_rad: f64::NAN,
        impact_parameter_m: f64::NAN,
        redshift: f64::NAN,
        z_expansion: f64::NAN,
        z_sachs_wolfe: f64::NAN,
        z_isw: f64::NAN,
        z_linear: f64::NAN,
        time_delay_s: f64::NAN,
        shapiro_delay_s: f64::NAN,
        null_error_max: f64::NAN,
        null_error_final: f64::NAN,
        energy_drift: f64::NAN,
        final_direction: [f64::NAN; 3],
        path_length_m: f64::NAN,
    }
}
