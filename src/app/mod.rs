//! The visualizer (feature `gui`): a Bevy 3-D scene with an egui panel, a client of the same
//! core as the CLI. Systems run in ordered sets each frame: Controls (file actions, drops) →
//! Drain (streamed results, time-budgeted) → Scene (meshes, slice, gizmos); then the egui
//! panel; and in `Last` the run controls and debounced re-trace start or cancel runs, so an
//! edit starts tracing while its frame renders.

// First, so that its `enum_combo!` macro is visible to the panel modules below.
#[macro_use]
mod widgets;
pub mod camera;
pub mod files;
mod gizmos;
pub mod panel;
mod panel_config;
mod panel_ui;
pub mod plots;
mod readouts;
pub mod scene;
pub mod screenshot;
pub mod simulation;
pub mod timings;
pub mod trajectories;
pub mod worker;

use crate::cli::CliError;
use crate::config::RunConfig;
use bevy::prelude::*;
use bevy::render::RenderPlugin;
use bevy::window::WindowResolution;
use bevy::winit::WinitSettings;
use bevy_egui::{EguiPlugin, EguiPrimaryContextPass};
use panel::{PanelAction, PanelState};
use simulation::{SimCommand, SimulationPlugin};
use std::path::{Path, PathBuf};
use std::time::Instant;
pub use timings::FrameTimings;

/// Where the panel is, so the 3-D viewport sits beside it and ignores input over it.
#[derive(Resource, Default, Debug)]
pub struct UiLayout {
    pub left_px: f32,
    pub bottom_px: f32,
    pub pointer_over_ui: bool,
}

#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum AppSet {
    Controls,
    Drain,
    Scene,
}

/// The simulation side of the app without any rendering: panel state, debounced re-trace,
/// the worker bridge and file actions. The headless tests run exactly this.
pub struct CorePlugin {
    pub config: RunConfig,
    pub config_path: PathBuf,
}

impl Plugin for CorePlugin {
    fn build(&self, app: &mut App) {
        let base_dir = self
            .config_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        app.add_plugins(SimulationPlugin { base_dir })
            .insert_resource(PanelState::new(
                self.config.clone(),
                self.config_path.clone(),
                presets(),
            ))
            .init_resource::<FrameTimings>()
            .init_resource::<UiLayout>()
            .init_resource::<files::BrowseChannel>()
            .add_message::<PanelAction>()
            .configure_sets(
                Update,
                (AppSet::Controls, AppSet::Drain, AppSet::Scene).chain(),
            )
            .add_systems(Update, files::handle_file_actions.in_set(AppSet::Controls))
            .add_systems(Update, timed_drain.in_set(AppSet::Drain))
            .add_systems(Last, controls.before(simulation::handle_commands));
    }
}

/// Run/Cancel buttons and the debounced live re-trace become simulation commands.
pub fn controls(
    mut actions: MessageReader<PanelAction>,
    mut state: ResMut<PanelState>,
    mut commands: MessageWriter<SimCommand>,
) {
    for a in actions.read() {
        match a {
            PanelAction::Run => {
                let c = state.start_command();
                commands.write(c);
            }
            PanelAction::Cancel => {
                commands.write(SimCommand::Cancel);
            }
            _ => {}
        }
    }
    if let Some(c) = state.poll(Instant::now()) {
        commands.write(c);
    }
}

/// The drain, timed; also closes the previous frame's timings (this runs first in each frame
/// among the app's timed systems).
fn timed_drain(world: &mut World) {
    let tracing = world.resource::<simulation::Simulation>().is_running();
    let frame = world.resource::<Time<Real>>().delta();
    world
        .resource_mut::<FrameTimings>()
        .end_frame(tracing, frame);
    let t0 = Instant::now();
    let _ = world.run_system_cached(simulation::drain);
    world
        .resource_mut::<FrameTimings>()
        .add(|t| &mut t.drain, t0.elapsed());
}

/// Every config in `configs/` (the presets menu), sorted by name.
pub fn presets() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("configs")
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Options of `excalibur gui`.
pub struct GuiOptions {
    pub config: PathBuf,
    /// `--set KEY=VALUE` overrides, as for `run`.
    pub sets: Vec<String>,
    /// Open the plot window, and select this ray, from the start.
    pub plots: bool,
    pub select: Option<usize>,
    /// Display bend exaggeration to start with (1 = true geometry).
    pub bend: f64,
    pub screenshot: Option<PathBuf>,
    pub frames: Option<u32>,
    pub measure_edit: bool,
}

/// Opens the window (blocks until it closes).
pub fn run_gui(opts: GuiOptions) -> Result<(), CliError> {
    let config = crate::cli::load_config(&opts.config, &opts.sets)?;
    let screenshot_mode = opts.screenshot.is_some();
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: format!("excalibur: {}", config.title),
                    resolution: WindowResolution::new(1280, 800),
                    ..default()
                }),
                ..default()
            })
            .set(RenderPlugin {
                // Screenshots must not catch pipelines still compiling (black frames).
                synchronous_pipeline_compilation: screenshot_mode,
                ..default()
            }),
    )
    .add_plugins(EguiPlugin::default())
    // Keep updating while unfocused: rays stream in whether or not the window has focus.
    .insert_resource(WinitSettings::continuous())
    .insert_resource(ClearColor(Color::srgb(0.04, 0.05, 0.08)))
    .add_plugins(CorePlugin {
        config,
        config_path: opts.config.clone(),
    })
    .init_resource::<scene::SceneFrame>()
    .init_resource::<scene::SceneLabels>()
    .init_resource::<trajectories::TrackMeshes>()
    .init_resource::<trajectories::Legend>()
    .init_resource::<camera::Interaction>()
    .add_systems(Startup, (scene::setup_scene, camera::spawn_camera))
    .add_systems(Update, files::handle_drops.in_set(AppSet::Controls))
    .add_systems(
        Update,
        (
            scene::sync_objects,
            trajectories::update_track_meshes,
            scene::update_slice,
            gizmos::draw_gizmos,
            camera::camera_control,
            camera::pick_and_drag,
            camera::highlight_selected,
        )
            .chain()
            .in_set(AppSet::Scene),
    )
    .add_systems(EguiPrimaryContextPass, panel_ui::panel_system);
    {
        let mut state = app.world_mut().resource_mut::<PanelState>();
        state.show_plots = opts.plots;
        state.selected_ray = opts.select;
        state.display.exaggeration = opts.bend;
    }
    if let Some(path) = opts.screenshot {
        app.insert_resource(screenshot::ScreenshotPlan::new(
            path,
            opts.frames,
            opts.measure_edit,
        ))
        .add_systems(Update, screenshot::screenshot_system.after(AppSet::Scene));
    }
    match app.run() {
        AppExit::Success => Ok(()),
        AppExit::Error(_) => Err(CliError::failure("the visualizer stopped with an error")),
    }
}
