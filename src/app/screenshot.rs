//! `--screenshot OUT.png [--frames N]`: wait for the run to finish (or N frames), let the
//! meshes settle, write a PNG of the whole window (temporary file, then rename) and exit.
//! With `--measure-edit`, first doubles lens 0's mass once the run is done and reports the
//! re-trace timings, which is how the closing-note figures are taken.

use super::draft::Draft;
use super::layout::AppSet;
use super::simulation::{RunStatus, RunView, Simulation};
use super::timings::FrameTimings;
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use std::path::PathBuf;
use std::time::Instant;

/// Frames drawn after the run ends before the capture, so every mesh is uploaded.
const SETTLE_FRAMES: u32 = 4;

#[derive(Resource)]
pub struct ScreenshotPlan {
    pub path: PathBuf,
    pub frames: Option<u32>,
    pub measure_edit: bool,
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

pub fn screenshot_system(
    mut commands: Commands,
    mut plan: ResMut<ScreenshotPlan>,
    mut draft: ResMut<Draft>,
    view: Res<RunView>,
    sim: Res<Simulation>,
    timings: Res<FrameTimings>,
) {
    plan.frame += 1;
    if plan.requested {
        return;
    }
    if plan.measure_edit && !measure(&mut plan, &mut draft, &view, &sim, &timings) {
        return;
    }
    let ready = match plan.frames {
        Some(n) => plan.frame >= n,
        None => run_over(&view, &sim),
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
        "screenshot: run status {:?}, first points {:?} s, finished {:?} s, {} rays, {} points; {}",
        view.status,
        view.timing.first_points_s,
        view.timing.finished_s,
        view.tracks.len(),
        view.tracks.iter().map(|t| t.points.len()).sum::<usize>(),
        timings.report(),
    );
    let path = plan.path.clone();
    commands.spawn(Screenshot::primary_window()).observe(
        move |captured: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>| {
            let code = match save_png(&captured.image, &path) {
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
    timings: &FrameTimings,
) -> bool {
    match &mut plan.edit {
        EditProbe::NotYet { idle_frames } => {
            *idle_frames = if run_over(view, sim) {
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
            if submitted && run_over(view, sim) && first.is_some() {
                eprintln!(
                    "measure-edit: mass x2 -> first new rays drawn {:.3} s, re-trace finished {:.3} s after the edit \
                     (grid build {:.3} s, {} rays, {} points)",
                    first.unwrap_or(f64::NAN),
                    at.elapsed().as_secs_f64(),
                    view.timing.grid_build_s,
                    view.tracks.len(),
                    view.tracks.iter().map(|t| t.points.len()).sum::<usize>(),
                );
                eprintln!("measure-edit: {}", timings.report());
                plan.edit = EditProbe::Done;
            }
            false
        }
        EditProbe::Done => true,
    }
}

fn save_png(image: &Image, path: &std::path::Path) -> Result<(), String> {
    let rgb = image
        .clone()
        .try_into_dynamic()
        .map_err(|e| format!("screenshot: cannot convert the image: {e}"))?
        .to_rgb8();
    let png = bevy::image::ImageFormat::Png
        .as_image_crate_format()
        .ok_or("screenshot: this build cannot encode PNG")?;
    crate::io::write_atomically(path, true, |tmp| {
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
}

impl Plugin for ScreenshotPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(ScreenshotPlan::new(
            self.path.clone(),
            self.frames,
            self.measure_edit,
        ))
        .add_systems(Update, screenshot_system.after(AppSet::Scene));
    }
}
