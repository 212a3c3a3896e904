//! The bridge between the core's tracing [`Session`] and the ECS: start and cancel runs, and
//! drain their streamed results into [`RunView`] within a per-frame time budget, so the window
//! never stalls.
//!
//! Needs no renderer: the headless tests drive this plugin with `MinimalPlugins`.

use crate::app::shared::layout::AppSet;
use crate::app::shared::timings::FrameTimings;
use crate::config::ValidConfig;
use crate::field::FieldData;
use crate::rays::Ray;
use crate::session::{Pass, PassDone, RaySummary, Session, SimMessage, TrackPoint, Wake};
use crate::trace::RunResult;
use crate::units::MPC_M;
use bevy::prelude::*;
use bevy::winit::{EventLoopProxyWrapper, WinitUserEvent};
use crossbeam_channel::{Receiver, TryRecvError};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Time the drain may take per frame before leaving the rest for the next frame.
pub const DRAIN_BUDGET: Duration = Duration::from_millis(3);

/// Share of the last frame's duration the drain may take when that is more than
/// [`DRAIN_BUDGET`]: under software rendering a frame takes 150–300 ms, and 3 ms of draining
/// per frame made the results of a big run (3541 rays, 3.5 M points) arrive over 66 frames
/// and seconds after the tracers had finished.
pub const DRAIN_SHARE: f64 = 0.05;

/// The drain's budget after a frame of `last_frame`.
pub fn drain_budget(last_frame: Duration) -> Duration {
    DRAIN_BUDGET.max(last_frame.mul_f64(DRAIN_SHARE))
}

/// What the user asks of the simulation.
#[derive(Message, Debug, Clone)]
pub enum SimCommand {
    /// Cancel whatever runs and trace this config (threads: 0 = all cores).
    Start {
        config: ValidConfig,
        threads: usize,
    },
    /// Only the source changed (`RunConfig::same_geodesics`): the rays stay, the sky is
    /// re-shaded from the ray map on screen.
    Shade {
        config: ValidConfig,
        threads: usize,
    },
    Cancel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RunStatus {
    #[default]
    Idle,
    /// Submitted; building the field.
    Building,
    Tracing,
    Finished,
    Cancelled,
    Failed,
}

/// One ray on screen.
#[derive(Debug, Clone)]
pub struct Track {
    /// Launch point [Mpc] and unit direction: the ray's own unlensed straight line.
    pub origin_mpc: [f64; 3],
    pub direction: [f64; 3],
    pub points: Vec<TrackPoint>,
    pub summary: Option<RaySummary>,
    pub pass: Pass,
    /// Points changed since the scene last rebuilt this ray's mesh.
    pub dirty: bool,
}

impl Track {
    pub fn of_ray(ray: &Ray, observer_mpc: [f64; 3], pass: Pass) -> Track {
        Track {
            origin_mpc: std::array::from_fn(|i| observer_mpc[i] + ray.offset_m[i] / MPC_M),
            direction: ray.direction,
            points: Vec::new(),
            summary: None,
            pass,
            dirty: true,
        }
    }
}

/// Time from submitting a run to its first drawn points and to its end.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunTiming {
    pub first_points_s: Option<f64>,
    pub finished_s: Option<f64>,
    pub grid_build_s: f64,
    pub steps: u64,
    pub integrate_s: f64,
    /// When the displayed pass started tracing (for the live steps/s).
    pub pass_started: Option<Instant>,
}

/// What the scene shows: the latest run that started (or a run file), streaming or done.
#[derive(Resource, Default)]
pub struct RunView {
    /// The config of the displayed pass (or of the opened run file).
    pub config: Option<ValidConfig>,
    pub field: Option<Arc<FieldData>>,
    pub tracks: Vec<Track>,
    pub pass: Option<Pass>,
    pub status: RunStatus,
    /// The last error (failed config, export), shown in red; the scene keeps the last good run.
    pub error: Option<String>,
    pub result: Option<Arc<RunResult>>,
    /// Bumped whenever the set of tracks is replaced, so the scene respawns its meshes.
    pub generation: u64,
    pub timing: RunTiming,
    /// Where the tracks came from when they were read from a file.
    pub loaded_from: Option<PathBuf>,
    /// Accuracy warnings of the run on screen (shown as a badge over the scene).
    pub warnings: Vec<String>,
}

impl RunView {
    pub fn finished_rays(&self) -> usize {
        self.tracks.iter().filter(|t| t.summary.is_some()).count()
    }

    /// Replaces the displayed rays (new run or file) and tells the scene to respawn.
    pub fn replace_tracks(&mut self, tracks: Vec<Track>) {
        self.tracks = tracks;
        self.generation += 1;
    }
}

struct ActiveRun {
    rx: Receiver<SimMessage>,
    cancel: Arc<AtomicBool>,
    submitted: Instant,
    /// Whether a pass of this run has replaced the previous tracks yet.
    started: bool,
}

/// The tracing session and the run in flight.
#[derive(Resource)]
pub struct Simulation {
    session: Session,
    active: Option<ActiveRun>,
    /// Resolves relative `potential.file` paths of the configs.
    pub base_dir: PathBuf,
}

impl Simulation {
    pub fn new(base_dir: PathBuf, wake: Wake) -> std::io::Result<Simulation> {
        Ok(Simulation {
            session: Session::spawn(wake)?,
            active: None,
            base_dir,
        })
    }

    pub fn is_running(&self) -> bool {
        self.active.is_some()
    }

    /// The cancel flag of the run in flight (tests observe cancels through it).
    pub fn cancel_flag(&self) -> Option<Arc<AtomicBool>> {
        self.active.as_ref().map(|r| r.cancel.clone())
    }

    /// Cancels the run in flight: the flag stops the workers at their next poll, and dropping
    /// the receiver makes any further send fail.
    fn cancel(&mut self) -> bool {
        match self.active.take() {
            Some(run) => {
                run.cancel.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// The session the window's images and maps are submitted to (its runs go through
    /// [`SimCommand`]).
    pub fn session(&self) -> &Session {
        &self.session
    }

    fn start(&mut self, config: ValidConfig, threads: usize) {
        self.cancel();
        let (rx, cancel) = self.session.submit(config, self.base_dir.clone(), threads);
        self.active = Some(ActiveRun {
            rx,
            cancel,
            submitted: Instant::now(),
            started: false,
        });
    }
}

pub struct SimulationPlugin {
    pub base_dir: PathBuf,
}

impl Plugin for SimulationPlugin {
    fn build(&self, app: &mut App) {
        let sim = Simulation::new(self.base_dir.clone(), window_wake(app))
            .expect("the OS refused to start the tracing thread");
        app.insert_resource(sim)
            .init_resource::<RunView>()
            .init_resource::<FrameTimings>()
            .add_message::<SimCommand>()
            .add_systems(Update, timed_drain.in_set(AppSet::Drain))
            // Commands are handled at the end of the frame, so an edit made in the panel this
            // frame starts tracing while the frame renders.
            .add_systems(Last, handle_commands);
    }
}

/// Wakes the window's event loop when the session ends a wait (a grid built, a pass done): the
/// window idles while a grid builds (`pacing`). Without a window (the headless tests) the app
/// is updated by its caller and nothing needs waking.
fn window_wake(app: &App) -> Wake {
    match app.world().get_resource::<EventLoopProxyWrapper>() {
        Some(proxy) => {
            let proxy = (**proxy).clone();
            Arc::new(move || {
                // Fails only once the event loop has closed, when nothing is left to wake.
                let _ = proxy.send_event(WinitUserEvent::WakeUp);
            })
        }
        None => Session::no_wake(),
    }
}

pub fn handle_commands(
    mut commands: MessageReader<SimCommand>,
    mut sim: ResMut<Simulation>,
    mut view: ResMut<RunView>,
) {
    for c in commands.read() {
        match c {
            SimCommand::Start { config, threads } => {
                // Let go of the field now (the slice on screen stays until the new one
                // arrives), so the worker can free it before building the next: a rebuilt grid
                // then reuses warm memory instead of faulting in fresh pages (see FieldCache).
                view.field = None;
                sim.start(config.clone(), *threads);
                view.status = RunStatus::Building;
                view.error = None;
                view.timing = RunTiming::default();
            }
            // The rays do not depend on the source; the sky handles it (`sky/view.rs`).
            SimCommand::Shade { .. } => {}
            SimCommand::Cancel => {
                if sim.cancel() {
                    view.status = RunStatus::Cancelled;
                }
            }
        }
    }
}

/// The drain, timed; also closes the previous frame's timings (this runs first in each frame
/// among the app's timed systems).
fn timed_drain(world: &mut World) {
    let tracing = world.resource::<Simulation>().is_running();
    let frame = world.resource::<Time<Real>>().delta();
    world
        .resource_mut::<FrameTimings>()
        .end_frame(tracing, frame);
    let t0 = Instant::now();
    let _ = world.run_system_cached_with(drain, drain_budget(frame));
    world
        .resource_mut::<FrameTimings>()
        .add(|t| &mut t.drain, t0.elapsed());
}

/// Moves streamed results into the view until the channel is empty or the budget is spent.
pub fn drain(In(budget): In<Duration>, mut sim: ResMut<Simulation>, mut view: ResMut<RunView>) {
    let deadline = Instant::now() + budget;
    let Some(run) = sim.active.as_mut() else {
        return;
    };
    let mut finished = false;
    while Instant::now() < deadline {
        let message = match run.rx.try_recv() {
            Ok(m) => m,
            Err(TryRecvError::Empty) => break,
            Err(TryRecvError::Disconnected) => {
                finished = true;
                break;
            }
        };
        finished |= apply(run, &mut view, message);
        if finished {
            break;
        }
    }
    if finished {
        sim.active = None;
    }
}

/// Applies one message; true when the run is over.
fn apply(run: &mut ActiveRun, view: &mut RunView, message: SimMessage) -> bool {
    let elapsed = run.submitted.elapsed().as_secs_f64();
    match message {
        SimMessage::Started(start) => {
            let observer = start.config.observer.position_mpc;
            if !run.started {
                run.started = true;
                let tracks = start
                    .rays
                    .iter()
                    .map(|r| Track::of_ray(r, observer, start.pass))
                    .collect();
                view.replace_tracks(tracks);
                view.result = None;
                view.loaded_from = None;
            }
            view.timing.grid_build_s += start.grid_build_s;
            view.timing.pass_started = Some(Instant::now());
            view.config = Some(start.config);
            view.field = Some(start.field);
            view.warnings = start.warnings;
            view.pass = Some(start.pass);
            view.status = RunStatus::Tracing;
            false
        }
        SimMessage::Points { pass, id, points } => {
            if let Some(t) = view.tracks.get_mut(id) {
                if t.pass != pass {
                    // The full-resolution ray replaces its preview.
                    t.points.clear();
                    t.summary = None;
                    t.pass = pass;
                }
                t.points.extend_from_slice(&points);
                t.dirty = true;
            }
            view.timing.first_points_s.get_or_insert(elapsed);
            false
        }
        SimMessage::Finished { pass, ray } => {
            if let Some(t) = view.tracks.get_mut(ray.id).filter(|t| t.pass == pass) {
                t.summary = Some(ray);
                t.dirty = true;
            }
            false
        }
        SimMessage::Done(done) => finish_pass(view, done, elapsed),
        SimMessage::Failed(error) => {
            view.error = Some(error);
            view.status = RunStatus::Failed;
            true
        }
    }
}

fn finish_pass(view: &mut RunView, done: PassDone, elapsed_s: f64) -> bool {
    view.timing.steps = done.steps;
    view.timing.integrate_s = done.integrate_s;
    if done.cancelled {
        view.status = RunStatus::Cancelled;
        return true;
    }
    if done.pass == Pass::Preview {
        // The full grid is built next: nothing streams until it is.
        view.status = RunStatus::Building;
        return false;
    }
    view.timing.finished_s = Some(elapsed_s);
    view.result = Some(done.result);
    view.status = RunStatus::Finished;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drain_takes_a_share_of_slow_frames_and_3_ms_of_fast_ones() {
        // A 60 fps frame keeps the fixed budget; a software-rendered frame gets 5 % of itself.
        assert_eq!(drain_budget(Duration::from_millis(16)), DRAIN_BUDGET);
        assert_eq!(
            drain_budget(Duration::from_millis(200)),
            Duration::from_millis(10)
        );
    }
}
