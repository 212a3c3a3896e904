//! `--screenshot OUT.png [--frames N]`: wait for the run (and the lensed image, when its panel
//! is open) to finish (or N frames), let the meshes settle, write a PNG of the whole window
//! (temporary file, then rename) and exit. Before capturing it can do what a user does:
//! `--then-set` edits the config and waits for the re-trace, `--pick` clicks an image pixel,
//! `--zoom` turns the mouse wheel over the 3-D view one step per frame. With `--measure-edit`,
//! it first doubles lens 0's mass once the run is done and reports the re-trace timings (and
//! the image's), which is how the closing-note figures are taken. Next to the PNG it writes
//! `OUT.png.labels.json`: the 3-D view's rectangle and each scene label's text and rectangle,
//! so a check can verify that each label appears exactly once on screen.

use crate::app::bridge::draft::Draft;
use crate::app::bridge::simulation::{RunStatus, RunView, Simulation};
use crate::app::panel::readouts::DrawnLabels;
use crate::app::shared::layout::{AppSet, UiLayout};
use crate::app::shared::timings::FrameTimings;
use crate::app::sky::view::SkyView;
use crate::config::RunConfig;
use bevy::input::mouse::{MouseScrollUnit, MouseWheel};
use bevy::input::touch::TouchPhase;
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::window::{PrimaryWindow, WindowEvent};
use std::path::PathBuf;
use std::time::Instant;

/// Frames drawn after the run ends before the capture, so every mesh is uploaded.
const SETTLE_FRAMES: u32 = 4;

#[derive(Resource)]
pub struct ScreenshotPlan {
    pub path: PathBuf,
    pub frames: Option<u32>,
    pub measure_edit: bool,
    /// The edit to make once the first run is done, then wait for it (`--then-set`).
    pub then: Option<RunConfig>,
    /// Wheel steps still to turn (`--zoom`), and the pixel to pick (`--pick`, in 256² pixels).
    pub zoom_steps: i32,
    pub pick: Option<[f64; 2]>,
    frame: u32,
    settled: u32,
    requested: bool,
    edit: EditProbe,
}

/// Idle frames before the probe edits, so the idle frame time has samples.
const IDLE_FRAMES_BEFORE_EDIT: u32 = 30;

enum EditProbe {
    NotYet { idle_frames: u32 },
    Waiting { at: Instant, first: Option<f64> },
    Done,
}

impl ScreenshotPlan {
    pub fn new(path: PathBuf, frames: Option<u32>, measure_edit: bool) -> ScreenshotPlan {
        ScreenshotPlan {
            path,
            frames,
            measure_edit,
            then: None,
            zoom_steps: 0,
            pick: None,
            frame: 0,
            settled: 0,
            requested: false,
            edit: EditProbe::NotYet { idle_frames: 0 },
        }
    }
}

fn run_over(view: &RunView, sim: &Simulation) -> bool {
    !sim.is_running()
        && matches!(
            view.status,
            RunStatus::Finished | RunStatus::Failed | RunStatus::Cancelled
        )
}

/// The run is over and, with the image panel open, its refined image is on screen.
pub fn all_over(view: &RunView, sim: &Simulation, sky: &SkyView) -> bool {
    run_over(view, sim)
        && (!sky.open || (!sky.rendering && (sky.rendered.is_some() || sky.error.is_some())))
}

/// The window's state a screenshot waits on.
#[derive(bevy::ecs::system::SystemParam)]
pub struct Watched<'w> {
    draft: ResMut<'w, Draft>,
    view: Res<'w, RunView>,
    sim: Res<'w, Simulation>,
    sky: ResMut<'w, SkyView>,
    timings: Res<'w, FrameTimings>,
}

pub fn screenshot_system(
    mut commands: Commands,
    mut plan: ResMut<ScreenshotPlan>,
    mut w: Watched,
    mut wheel: MessageWriter<WindowEvent>,
    window: Query<Entity, With<PrimaryWindow>>,
) {
    plan.frame += 1;
    if plan.requested {
        return;
    }
    let (draft, view, sim, sky, timings) =
        (&mut *w.draft, &*w.view, &*w.sim, &mut *w.sky, &*w.timings);
    if plan.measure_edit && !measure(&mut plan, draft, view, sim, sky, timings) {
        return;
    }
    let over = all_over(view, sim, sky);
    // Each user action waits for the window to be idle, then takes its frames.
    if over && plan.frames.is_none() {
        if let Some(edited) = plan.then.take() {
            draft.config = edited;
            draft.touched(Instant::now());
            plan.settled = 0;
            return;
        }
        if draft.submitted.as_ref() != Some(&draft.config) {
            return;
        }
        if let Some(p) = plan.pick.take() {
            let scale = sky.size() as f64 / 256.0;
            sky.pick([p[0] * scale, p[1] * scale].map(f64::round));
        }
        if plan.zoom_steps != 0 {
            if let Ok(window) = window.single() {
                let step = plan.zoom_steps.signum();
                // Into the window's event stream, where the camera judges each turn by the
                // pointer's position (none here, so the view takes it).
                wheel.write(WindowEvent::from(MouseWheel {
                    unit: MouseScrollUnit::Line,
                    x: 0.0,
                    y: step as f32,
                    window,
                    phase: TouchPhase::Moved,
                }));
                plan.zoom_steps -= step;
            }
            plan.settled = 0;
            return;
        }
    }
    let ready = match plan.frames {
        Some(n) => plan.frame >= n,
        None => over,
    };
    if !ready {
        plan.settled = 0;
        return;
    }
    plan.settled += 1;
    if plan.settled < SETTLE_FRAMES {
        return;
    }
    plan.requested = true;
    eprintln!(
        "screenshot: run status {:?}, first points {:?} s, finished {:?} s (grid build {:.3} s), {} rays, {} points; {}",
        view.status,
        view.timing.first_points_s,
        view.timing.finished_s,
        view.timing.grid_build_s,
        view.tracks.len(),
        view.tracks.iter().map(|t| t.points.len()).sum::<usize>(),
        timings.report(),
    );
    if let Some(r) = &sky.rendered {
        eprintln!(
            "screenshot: image {}², {} images, {} geodesics, {:.0} ms",
            r.image.sky.size,
            r.image.images.len(),
            r.image.geodesics,
            r.image.seconds * 1e3
        );
    }
    let path = plan.path.clone();
    commands.spawn(Screenshot::primary_window()).observe(
        move |captured: On<ScreenshotCaptured>,
              mut exit: MessageWriter<AppExit>,
              labels: Res<DrawnLabels>,
              layout: Res<UiLayout>| {
            let code = match save_png(&captured.image, &path)
                .and_then(|()| save_labels(&labels, &layout, &path))
            {
                Ok(()) => {
                    eprintln!("screenshot: wrote {}", path.display());
                    AppExit::Success
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    AppExit::error()
                }
            };
            exit.write(code);
        },
    );
}

/// Once the first run is done and the window has idled a while: double lens 0's mass, then
/// report edit → first new rays drawn → re-trace finished. True once the probe is over.
fn measure(
    plan: &mut ScreenshotPlan,
    draft: &mut Draft,
    view: &RunView,
    sim: &Simulation,
    sky: &SkyView,
    timings: &FrameTimings,
) -> bool {
    match &mut plan.edit {
        EditProbe::NotYet { idle_frames } => {
            *idle_frames = if all_over(view, sim, sky) {
                *idle_frames + 1
            } else {
                0
            };
            if *idle_frames >= IDLE_FRAMES_BEFORE_EDIT && !draft.config.lenses.is_empty() {
                draft.config.lenses[0].mass_msun *= 2.0;
                draft.touched(Instant::now());
                plan.edit = EditProbe::Waiting {
                    at: Instant::now(),
                    first: None,
                };
            }
            false
        }
        EditProbe::Waiting { at, first } => {
            // Runs after the drain (see AppPlugin), so once the edit is submitted the timings
            // are the new run's.
            let submitted = draft.submitted.as_ref() == Some(&draft.config);
            if submitted && first.is_none() && view.timing.first_points_s.is_some() {
                *first = Some(at.elapsed().as_secs_f64());
            }
            if submitted && all_over(view, sim, sky) && first.is_some() {
                eprintln!(
                    "measure-edit: mass x2 -> first new rays drawn {:.3} s, re-trace finished {:.3} s after the edit \
                     (grid build {:.3} s, {} rays, {} points)",
                    first.unwrap_or(f64::NAN),
                    at.elapsed().as_secs_f64(),
                    view.timing.grid_build_s,
                    view.tracks.len(),
                    view.tracks.iter().map(|t| t.points.len()).sum::<usize>(),
                );
                if sky.open {
                    eprintln!(
                        "measure-edit: image: first {:.3} s, refined {:.3} s after the edit was submitted",
                        sky.timing.first_s.unwrap_or(f64::NAN),
                        sky.timing.refined_s.unwrap_or(f64::NAN)
                    );
                }
                eprintln!("measure-edit: {}", timings.report());
                plan.edit = EditProbe::Done;
            }
            false
        }
        EditProbe::Done => true,
    }
}

/// `OUT.png.labels.json`: the 3-D view's rectangle and each scene label drawn in the captured
/// frame, in physical pixels of the screenshot.
fn save_labels(
    labels: &DrawnLabels,
    layout: &UiLayout,
    png: &std::path::Path,
) -> Result<(), String> {
    let rect = |r: [f32; 4]| r.map(|v| (v * labels.pixels_per_point) as f64);
    let json = serde_json::json!({
        "view_rect": rect([layout.left_px, 0.0, labels.screen_px[0] - layout.right_px, labels.screen_px[1] - layout.bottom_px]),
        "labels": labels.labels.iter().map(|(text, r)| serde_json::json!({"text": text, "rect": rect(*r)})).collect::<Vec<_>>(),
    });
    let mut path = png.as_os_str().to_owned();
    path.push(".labels.json");
    let path = PathBuf::from(path);
    crate::io::write_atomically(&path, true, &[], |tmp| {
        std::fs::write(tmp, json.to_string())
            .map_err(crate::io::IoError::file(&path, "cannot write"))
    })
    .map_err(|e| e.to_string())
}

fn save_png(image: &Image, path: &std::path::Path) -> Result<(), String> {
    save_png_region(image, None, path)
}

/// Writes `image` as a PNG (atomically), or only the rectangle `[x, y, width, height]` of it
/// in physical pixels (cut to the image).
pub fn save_png_region(
    image: &Image,
    region: Option<[u32; 4]>,
    path: &std::path::Path,
) -> Result<(), String> {
    let mut whole = image
        .clone()
        .try_into_dynamic()
        .map_err(|e| format!("screenshot: cannot convert the image: {e}"))?;
    if let Some([x, y, w, h]) = region {
        whole = whole.crop_imm(x, y, w, h);
    }
    let rgb = whole.to_rgb8();
    let png = bevy::image::ImageFormat::Png
        .as_image_crate_format()
        .ok_or("screenshot: this build cannot encode PNG")?;
    crate::io::write_atomically(path, true, &[], |tmp| {
        rgb.save_with_format(tmp, png)
            .map_err(|e| crate::io::IoError::Invalid {
                path: path.to_path_buf(),
                message: format!("cannot write the screenshot: {e}"),
            })
    })
    .map_err(|e| e.to_string())
}

/// `--screenshot`: capture the window once the run is over, then exit.
pub struct ScreenshotPlugin {
    pub path: PathBuf,
    pub frames: Option<u32>,
    pub measure_edit: bool,
    pub then: Option<RunConfig>,
    pub zoom_steps: i32,
    pub pick: Option<[f64; 2]>,
}

impl Plugin for ScreenshotPlugin {
    fn build(&self, app: &mut App) {
        let mut plan = ScreenshotPlan::new(self.path.clone(), self.frames, self.measure_edit);
        plan.then = self.then.clone();
        plan.zoom_steps = self.zoom_steps;
        plan.pick = self.pick;
        app.insert_resource(plan)
            .add_systems(Update, screenshot_system.after(AppSet::Scene));
    }
}
