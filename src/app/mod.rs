//! The visualizer (feature `gui`): a Bevy 3-D scene with an egui panel, a client of the same
//! library calls as the CLI. One plugin per file, each adding its own systems to the ordered
//! sets of [`layout::AppSet`]; this file only composes them and opens the window.

pub mod bridge;
pub mod capture;
pub mod panel;
pub mod scene;
pub mod shared;
pub mod sky;

use crate::config::{ValidConfig, ViewLayout};
use crate::session;
use bevy::prelude::*;
use bevy::render::RenderPlugin;
use bevy::window::WindowResolution;
use bevy::winit::WinitSettings;
use bevy_egui::EguiPlugin;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The app without any rendering: the draft and run controls, the simulation bridge, files and
/// the display state. The headless tests run exactly this.
pub struct CorePlugin {
    pub config: ValidConfig,
    pub config_path: PathBuf,
}

impl Plugin for CorePlugin {
    fn build(&self, app: &mut App) {
        let base_dir = self
            .config_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        app.add_plugins((
            shared::layout::LayoutPlugin,
            bridge::simulation::SimulationPlugin { base_dir },
            bridge::draft::DraftPlugin {
                config: self.config.as_given().clone(),
            },
            bridge::files::FilesPlugin {
                config_path: self.config_path.clone(),
                config: self.config.config().clone(),
            },
            shared::display::DisplayPlugin,
            sky::view::SkyPlugin {
                open: self.config.view.layout == ViewLayout::Teaching,
            },
            sky::maps::SkyMapsPlugin,
        ))
        .insert_resource(shared::display::Presentation {
            layout: self.config.view.layout,
            theme: self.config.view.theme,
        });
    }
}

/// What the window draws: scene, rays, overlays, camera and panel.
pub struct ViewPlugins;

impl Plugin for ViewPlugins {
    fn build(&self, app: &mut App) {
        app.add_plugins((
            scene::frame::FramePlugin,
            scene::objects::ScenePlugin,
            scene::trajectories::TrajectoriesPlugin,
            scene::gizmos::GizmosPlugin,
            scene::camera::CameraPlugin,
            panel::layer::PanelPlugin,
            bridge::pacing::PacingPlugin,
        ));
    }
}

/// Options of `excalibur gui`.
pub struct GuiOptions {
    pub config: ValidConfig,
    pub config_path: PathBuf,
    /// Open the plot window, and select this ray, from the start.
    pub plots: bool,
    pub select: Option<usize>,
    /// Display bend exaggeration to start with (1 = true geometry).
    pub bend: f64,
    pub screenshot: Option<PathBuf>,
    pub frames: Option<u32>,
    pub measure_edit: bool,
    /// Screenshot mode: the edit made once the first run is done (`--then-set`).
    pub then: Option<crate::config::RunConfig>,
    /// Screenshot mode: mouse-wheel steps over the 3-D view before capturing (`--zoom`).
    pub zoom_steps: i32,
    /// Screenshot mode: the lensed image's pixel to pick (`--pick`), in 256² pixels.
    pub pick: Option<[f64; 2]>,
    /// `--log FILE`: the runs, re-shades and images, a line each (`capture/log.rs`).
    pub log: Option<std::fs::File>,
    /// `--record`: a scripted recording (`capture/animate.rs`).
    pub record: Option<RecordOptions>,
    /// The files the window read: no recording may replace one.
    pub inputs: Vec<PathBuf>,
}

/// `gui --record OUT --animate KEY=FROM..TO --frames N --fps F`.
pub struct RecordOptions {
    /// Started (its output checked) before the window opened.
    pub recorder: capture::record::Recorder,
    /// Each frame's config (`--animate`), validated; none: frames as the window runs.
    pub configs: Option<Vec<crate::config::RunConfig>>,
    pub frames: usize,
    pub fps: f64,
}

/// The visualizer stopped with an error (e.g. a screenshot could not be written).
#[derive(Debug, thiserror::Error)]
#[error("the visualizer stopped with an error (exit code {0})")]
pub struct GuiError(u8);

/// Bevy's task pools with their threads below normal priority, so that a grid build has the
/// cores while the window starts (see `session::priority`).
fn lowered_task_pools() -> TaskPoolOptions {
    let lower: Arc<dyn Fn() + Send + Sync> =
        Arc::new(|| session::lower_thread_priority(session::WINDOW_POOL_NICE));
    let mut options = TaskPoolOptions::default();
    options.compute.on_thread_spawn = Some(lower.clone());
    options.async_compute.on_thread_spawn = Some(lower.clone());
    options.io.on_thread_spawn = Some(lower);
    options
}

/// Opens the window (blocks until it closes).
pub fn run_gui(opts: GuiOptions) -> Result<(), GuiError> {
    let screenshot_mode = opts.screenshot.is_some() || opts.record.is_some();
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: format!("excalibur: {}", opts.config.title),
                    resolution: WindowResolution::new(1280, 800),
                    ..default()
                }),
                ..default()
            })
            .set(TaskPoolPlugin {
                task_pool_options: lowered_task_pools(),
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
    .add_plugins((
        CorePlugin {
            config: opts.config,
            config_path: opts.config_path,
        },
        ViewPlugins,
    ))
    .insert_resource(panel::layer::PanelView {
        expanded: true,
        show_plots: opts.plots,
        ..default()
    })
    .insert_resource(shared::display::Selection {
        hovered_ray: None,
        selected_ray: opts.select,
    })
    .insert_resource(shared::display::Display {
        exaggeration: opts.bend,
        ..default()
    });
    if let Some(file) = opts.log {
        app.add_plugins(capture::log::LogPlugin {
            file: std::sync::Mutex::new(Some(file)),
        });
    }
    app.add_plugins(capture::record::RecordPlugin {
        inputs: opts.inputs.clone(),
    });
    if let Some(r) = opts.record {
        app.add_plugins(capture::animate::AnimatePlugin {
            recorder: std::sync::Mutex::new(Some(r.recorder)),
            configs: r.configs,
            frames: r.frames,
            fps: r.fps,
        });
    }
    if let Some(path) = opts.screenshot {
        app.add_plugins(capture::screenshot::ScreenshotPlugin {
            path,
            frames: opts.frames,
            measure_edit: opts.measure_edit,
            then: opts.then,
            zoom_steps: opts.zoom_steps,
            pick: opts.pick,
        });
    }
    match app.run() {
        AppExit::Success => Ok(()),
        AppExit::Error(code) => Err(GuiError(code.get())),
    }
}

#[cfg(test)]
mod tests {
    /// The calling thread's nice value.
    fn own_nice() -> i32 {
        // SAFETY: getpriority reads the calling thread's (tid from gettid) nice value.
        unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn every_bevy_pool_starts_its_threads_below_the_tracers() {
        let options = super::lowered_task_pools();
        for (name, pool) in [
            ("compute", &options.compute),
            ("async compute", &options.async_compute),
            ("io", &options.io),
        ] {
            let on_spawn = pool.on_thread_spawn.clone().expect(name);
            // A fresh thread, as Bevy's pools start theirs: it inherits this one's nice value.
            let (before, after) = std::thread::spawn(move || {
                let before = own_nice();
                on_spawn();
                (before, own_nice())
            })
            .join()
            .unwrap();
            let expected = crate::session::WINDOW_POOL_NICE.max(before);
            assert_eq!(after, expected, "{name} pool thread at nice {after}");
        }
    }
}
