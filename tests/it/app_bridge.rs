//! Headless tests of the visualizer's simulation bridge and panel logic: the same plugins the
//! window runs, without a renderer (MinimalPlugins), driven frame by frame.

use bevy::prelude::*;
use excalibur::app::bridge::draft::Draft;
use excalibur::app::bridge::simulation::{RunStatus, RunView, SimCommand, Simulation};
use excalibur::app::shared::actions::PanelAction;
use excalibur::app::CorePlugin;
use excalibur::config::RunConfig;
use excalibur::field::FieldCache;
use excalibur::integrate::EndReason;
use excalibur::session::{Pass, Session, SimMessage};
use excalibur::setup::Model;
use excalibur::trace::NoSink;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub(crate) use crate::session::{config, small};

/// 871 rays × 200 000 steps: minutes of tracing, far longer than any test waits (recording
/// every 1000th state keeps memory small even if a cancel failed).
fn long() -> RunConfig {
    let mut c = small();
    c.rays.n_theta = 30;
    c.rays.n_phi = 30;
    c.integration.step_mpc = 0.005;
    c.integration.record_every = 1000;
    c
}

pub(crate) fn app(config: RunConfig) -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins).add_plugins(CorePlugin {
        config: config.into_valid().expect("a valid test config"),
        config_path: PathBuf::from("configs/test.toml"),
    });
    app
}

/// Updates until `done` holds (panics after `limit`, naming what it waited for).
pub(crate) fn update_until(
    app: &mut App,
    limit: Duration,
    what: &str,
    done: impl Fn(&World) -> bool,
) {
    let start = Instant::now();
    while !done(app.world()) {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        app.update();
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn status(w: &World) -> RunStatus {
    w.resource::<RunView>().status
}

fn finished(w: &World) -> bool {
    status(w) == RunStatus::Finished && !w.resource::<Simulation>().is_running()
}

/// The rows of each ray of `config` traced directly by the core, as positions in Mpc.
fn reference_positions(config: &RunConfig) -> Vec<Vec<[f64; 3]>> {
    let valid = config.clone().into_valid().unwrap();
    let model = Model::build(valid, Path::new("configs"), &mut FieldCache::default()).unwrap();
    let r = model.trace(&model.rays, 1, &NoSink, &AtomicBool::new(false));
    r.rays
        .iter()
        .map(|ray| {
            ray.rows
                .iter()
                .map(|w| [w[1], w[2], w[3]].map(|x| x / excalibur::units::MPC_M))
                .collect()
        })
        .collect()
}

fn view_positions(w: &World) -> Vec<Vec<[f64; 3]>> {
    w.resource::<RunView>()
        .tracks
        .iter()
        .map(|t| t.points.iter().map(|p| p.position_mpc).collect())
        .collect()
}

#[test]
fn starting_from_a_config_fills_the_trajectories_exactly() {
    let c = small();
    let mut app = app(c.clone());
    update_until(
        &mut app,
        Duration::from_secs(60),
        "the first run to finish",
        finished,
    );
    let view = app.world().resource::<RunView>();
    assert_eq!(view.tracks.len(), 9);
    assert!(view.tracks.iter().all(|t| t.summary.is_some()));
    assert_eq!(view.pass, Some(Pass::Full));
    assert!(view.timing.first_points_s.is_some() && view.timing.finished_s.is_some());
    // Every streamed point arrives once and in order: the scene equals a direct trace.
    assert_eq!(view_positions(app.world()), reference_positions(&c));
}

#[test]
fn an_edit_during_a_run_cancels_it_and_the_new_result_replaces_the_old() {
    let mut app = app(long());
    update_until(
        &mut app,
        Duration::from_secs(60),
        "the long run to stream points",
        |w| w.resource::<RunView>().timing.first_points_s.is_some(),
    );
    let old_run = app
        .world()
        .resource::<Simulation>()
        .cancel_flag()
        .expect("the long run is in flight");
    // The user edits the mass mid-run; the debounced live re-trace starts the edited config.
    let mut edited = small();
    edited.lenses[0].mass_msun = 3e15;
    {
        let mut draft = app.world_mut().resource_mut::<Draft>();
        draft.config = edited.clone();
        draft.touched(Instant::now());
    }
    // The old run is cancelled (its flag set: `the_session_reports_a_cancelled_pass` shows what
    // the tracer does with it) once the debounce lets the edit through, and the edited run
    // replaces it.
    update_until(
        &mut app,
        Duration::from_secs(10),
        "the old run's cancel",
        |_| old_run.load(Ordering::Relaxed),
    );
    update_until(
        &mut app,
        Duration::from_secs(30),
        "the edited run to finish",
        finished,
    );
    let view = app.world().resource::<RunView>();
    assert_eq!(view.config.as_ref().unwrap().lenses[0].mass_msun, 3e15);
    assert_eq!(view.tracks.len(), 9);
    assert_eq!(view_positions(app.world()), reference_positions(&edited));
}

#[test]
fn a_failing_config_shows_an_error_and_the_previous_scene_stays() {
    let mut app = app(small());
    update_until(&mut app, Duration::from_secs(60), "the first run", finished);
    let before = view_positions(app.world());
    let generation = app.world().resource::<RunView>().generation;
    {
        let mut draft = app.world_mut().resource_mut::<Draft>();
        draft.config.lenses[0].mass_msun = -1.0;
    }
    app.world_mut().write_message(PanelAction::Run);
    update_until(&mut app, Duration::from_secs(30), "the failure", |w| {
        status(w) == RunStatus::Failed
    });
    let view = app.world().resource::<RunView>();
    let error = view.error.clone().expect("an error is shown");
    assert!(error.contains("mass_msun"), "error names the key: {error}");
    assert_eq!(view.generation, generation);
    assert_eq!(view_positions(app.world()), before);
}

#[test]
fn export_writes_a_valid_run_file_and_refuses_to_overwrite() {
    let mut app = app(small());
    update_until(&mut app, Duration::from_secs(60), "the run", finished);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.h5");
    app.world_mut()
        .write_message(PanelAction::Export(path.clone()));
    app.update();
    let (meta, rays) = excalibur::io::read_run(&path).expect("the export reads back");
    assert_eq!(rays.len(), 9);
    assert!(meta.config_toml.contains("mass_msun"));
    let shown = view_positions(app.world());
    for (r, t) in rays.iter().zip(&shown) {
        assert_eq!(r.rows.len(), t.len());
    }
    // A second export to the same path is refused, and the file is untouched.
    let bytes = std::fs::read(&path).unwrap();
    app.world_mut()
        .write_message(PanelAction::Export(path.clone()));
    app.update();
    let err = app
        .world()
        .resource::<RunView>()
        .error
        .clone()
        .unwrap_or_default();
    assert!(err.contains("exists"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn cancel_stops_a_run_and_frees_the_session() {
    let mut app = app(long());
    update_until(&mut app, Duration::from_secs(60), "points", |w| {
        w.resource::<RunView>().timing.first_points_s.is_some()
    });
    let flag = app
        .world()
        .resource::<Simulation>()
        .cancel_flag()
        .expect("in flight");
    app.world_mut().write_message(PanelAction::Cancel);
    app.update();
    assert!(flag.load(Ordering::Relaxed), "Cancel sets the run's flag");
    assert_eq!(status(app.world()), RunStatus::Cancelled);
    assert!(!app.world().resource::<Simulation>().is_running());
    // The session takes the next run: a small one finishes.
    app.world_mut().write_message(SimCommand::Start {
        config: small().into_valid().unwrap(),
        threads: 1,
    });
    update_until(
        &mut app,
        Duration::from_secs(60),
        "the run after cancel",
        finished,
    );
}

#[test]
fn the_session_reports_a_cancelled_pass() {
    let session = Session::spawn(Session::no_wake()).unwrap();
    let (rx, cancel) = session.submit(long().into_valid().unwrap(), PathBuf::from("configs"), 1);
    loop {
        match rx
            .recv_timeout(Duration::from_secs(60))
            .expect("messages arrive")
        {
            SimMessage::Points { .. } => break,
            SimMessage::Failed(e) => panic!("{e}"),
            _ => {}
        }
    }
    cancel.store(true, Ordering::Relaxed);
    let done = loop {
        if let SimMessage::Done(d) = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("Done arrives")
        {
            break d;
        }
    };
    assert!(done.cancelled);
    let ends: Vec<EndReason> = done.result.rays.iter().map(|r| r.end()).collect();
    assert!(ends.contains(&EndReason::Cancelled), "{ends:?}");
    assert!(
        ends.iter()
            .all(|e| matches!(e, EndReason::Cancelled | EndReason::DistanceReached)),
        "{ends:?}"
    );
}

#[test]
fn opening_a_run_file_shows_its_rays_and_drops_load_files() {
    use bevy::window::FileDragAndDrop;
    let mut app = app(small());
    update_until(&mut app, Duration::from_secs(60), "the run", finished);
    let shown = view_positions(app.world());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.h5");
    app.world_mut()
        .write_message(PanelAction::Export(path.clone()));
    app.update();
    // Dropping the run file on the window shows its rays (the same points), not a re-trace.
    let window = Entity::PLACEHOLDER;
    app.world_mut().write_message(FileDragAndDrop::DroppedFile {
        window,
        path_buf: path.clone(),
    });
    for _ in 0..3 {
        app.update();
    }
    let view = app.world().resource::<RunView>();
    assert_eq!(
        view.loaded_from.as_deref(),
        Some(path.as_path()),
        "{:?}",
        view.error
    );
    assert_eq!(view_positions(app.world()), shown);
    assert!(!app.world().resource::<Simulation>().is_running());
    // Dropping a config loads it into the panel, and the live re-trace runs it.
    let toml = dir.path().join("edited.toml");
    let mut edited = small();
    edited.lenses[0].mass_msun = 7e14;
    std::fs::write(&toml, edited.to_toml()).unwrap();
    app.world_mut().write_message(FileDragAndDrop::DroppedFile {
        window,
        path_buf: toml,
    });
    update_until(
        &mut app,
        Duration::from_secs(60),
        "the dropped config's run",
        |w| {
            finished(w)
                && w.resource::<RunView>().config.as_ref().unwrap().lenses[0].mass_msun == 7e14
        },
    );
}

#[test]
fn the_draft_starts_with_the_configs_thread_count() {
    let mut c = small();
    c.threads = 3;
    let mut draft = Draft::new(c);
    match draft.poll(Instant::now()) {
        Some(Ok(SimCommand::Start { threads, .. })) => assert_eq!(threads, 3),
        other => panic!("expected the first run, got {other:?}"),
    }
}

#[test]
fn opening_a_bad_file_shows_an_error_and_keeps_the_scene() {
    let mut app = app(small());
    update_until(&mut app, Duration::from_secs(60), "the run", finished);
    let before = view_positions(app.world());
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("empty.h5", &b""[..]),
        ("text.h5", &b"not HDF5"[..]),
        ("latin1.toml", &b"title = \"caf\xe9\"\n"[..]),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let action = if name.ends_with(".toml") {
            PanelAction::LoadConfig(path)
        } else {
            PanelAction::OpenRun(path)
        };
        app.world_mut().write_message(action);
        app.update();
        let error = app.world().resource::<RunView>().error.clone();
        assert!(error.is_some_and(|e| e.contains(name)), "{name}");
        assert_eq!(
            view_positions(app.world()),
            before,
            "{name}: the scene stays"
        );
    }
}

#[test]
fn save_never_overwrites_a_shipped_preset() {
    use excalibur::app::bridge::files::PathFields;
    let mut app = app(small());
    app.update();
    // A preset of our own (a unique name), listed as the presets menu lists configs/.
    let dir = tempfile::tempdir().unwrap();
    let preset = dir.path().join(format!(
        "preset_{}.toml",
        dir.path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace('.', "_")
    ));
    std::fs::write(&preset, "title = \"shipped\"\n").unwrap();
    app.world_mut()
        .resource_mut::<PathFields>()
        .presets
        .push(preset.clone());
    app.world_mut()
        .write_message(PanelAction::SaveConfig(preset.clone()));
    app.update();
    assert_eq!(
        std::fs::read_to_string(&preset).unwrap(),
        "title = \"shipped\"\n"
    );
    let saved = PathBuf::from(app.world().resource::<PathFields>().config.clone());
    assert!(saved.starts_with("runs") && saved.exists(), "{saved:?}");
    assert!(
        saved.to_string_lossy().ends_with("_edited.toml"),
        "{saved:?}"
    );
    RunConfig::load(&saved, &[]).expect("the saved draft is a valid config");
    std::fs::remove_file(&saved).unwrap();
}
