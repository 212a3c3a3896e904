//! `gui CONFIG --record OUT.gif|OUT.mp4 --animate KEY=FROM..TO --frames N`: the window sets
//! each of the N values of KEY in turn (the configs were built and validated before the window
//! opened), waits until its run, or its re-shade for a source key, is on screen with its image,
//! lets the meshes settle, and captures one frame; after the last it finishes the file and
//! exits. Without `--animate` it captures N frames as the window runs from its first frame
//! (the rays streaming in, the image refining), each shown as long as it was on screen.

use super::record::{Recorder, Recording};
use super::screenshot::all_over;
use crate::app::bridge::draft::Draft;
use crate::app::bridge::simulation::{RunView, Simulation};
use crate::app::shared::layout::AppSet;
use crate::app::sky::view::SkyView;
use crate::config::RunConfig;
use bevy::prelude::*;
use std::time::Instant;

/// Frames drawn after a value's image is on screen before its capture (meshes uploaded).
const SETTLE_FRAMES: u32 = 3;

#[derive(Resource)]
pub struct AnimationPlan {
    /// The config of each frame (`--animate`), or none: frames as the window runs.
    configs: Option<Vec<RunConfig>>,
    frames: usize,
    /// Seconds each animated frame stays in the recording.
    frame_s: f64,
    /// Captures requested so far; the recorder counts those handed over.
    requested: usize,
    applied: bool,
    settled: u32,
    last: Option<Instant>,
}

/// The window's state a frame waits on.
#[derive(bevy::ecs::system::SystemParam)]
pub struct Watched<'w> {
    draft: ResMut<'w, Draft>,
    view: Res<'w, RunView>,
    sim: Res<'w, Simulation>,
    sky: Res<'w, SkyView>,
}

fn animate_system(
    mut commands: Commands,
    mut plan: ResMut<AnimationPlan>,
    mut rec: ResMut<Recording>,
    mut w: Watched,
    mut exit: MessageWriter<AppExit>,
) {
    let Some(r) = rec.active.as_ref() else { return };
    // A capture is in flight until the recorder has it.
    if r.sent + r.dropped < plan.requested {
        return;
    }
    if plan.requested == plan.frames {
        let r = rec.active.take().map(Recorder::finish);
        exit.write(match r {
            Some(Ok(n)) => {
                eprintln!("record: wrote {} frames", n);
                AppExit::Success
            }
            Some(Err(e)) => {
                eprintln!("error: {e}");
                AppExit::error()
            }
            None => AppExit::error(),
        });
        return;
    }
    let now = Instant::now();
    let shown_s = match &plan.configs {
        Some(configs) => {
            let next = &configs[plan.requested];
            if !plan.applied {
                if w.draft.config != *next {
                    w.draft.config = next.clone();
                    w.draft.touched(now);
                }
                plan.applied = true;
                plan.settled = 0;
                return;
            }
            let on_screen = w.draft.submitted.as_ref() == Some(&w.draft.config)
                && all_over(&w.view, &w.sim, &w.sky);
            if !on_screen {
                plan.settled = 0;
                return;
            }
            plan.settled += 1;
            if plan.settled < SETTLE_FRAMES {
                return;
            }
            plan.frame_s
        }
        None => plan.last.map_or(plan.frame_s, |t| (now - t).as_secs_f64()),
    };
    plan.last = Some(now);
    plan.requested += 1;
    plan.applied = false;
    rec.capture(&mut commands, shown_s);
}

/// `--record`: the recording and the plan that drives it.
pub struct AnimatePlugin {
    /// Taken by `build` (a plugin is built from a shared reference).
    pub recorder: std::sync::Mutex<Option<Recorder>>,
    pub configs: Option<Vec<RunConfig>>,
    pub frames: usize,
    pub fps: f64,
}

impl Plugin for AnimatePlugin {
    fn build(&self, app: &mut App) {
        let recorder = self.recorder.lock().ok().and_then(|mut r| r.take());
        app.insert_resource(Recording {
            active: recorder,
            scripted: true,
        })
        .insert_resource(AnimationPlan {
            frames: self.configs.as_ref().map_or(self.frames, Vec::len),
            configs: self.configs.clone(),
            frame_s: 1.0 / self.fps,
            requested: 0,
            applied: false,
            settled: 0,
            last: None,
        })
        .add_systems(Update, animate_system.after(AppSet::Scene));
    }
}
