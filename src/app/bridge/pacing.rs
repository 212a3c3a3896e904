//! Frame pacing: while the session builds a grid (nothing streams then and the status bar says
//! so), the window redraws only when woken instead of continuously, so the build (on every
//! core, at normal priority: `FieldCache::building_on`, above the window's task pools:
//! `session::priority`) has the machine; a software renderer
//! otherwise spends most of a core per frame. The session wakes the window the moment the build
//! ends (its [`Wake`] sends the event loop a wake-up: `simulation::window_wake`), and input
//! wakes it at once. Measured here: 3–5 frames still fall inside a 1 s rebuild of 512³ (the
//! preview's rays, the switch of update mode, and bevy_egui's repaint requests; dropping those
//! did not measurably change it).
//!
//! [`Wake`]: crate::session::Wake

use super::simulation::{RunStatus, RunView};
use bevy::prelude::*;
use bevy::winit::{UpdateMode, WinitSettings};
use std::time::Duration;

/// Redraw interval while a grid is being built: only a backstop, the build's end wakes the
/// window itself.
pub const BUILD_REDRAW: Duration = Duration::from_secs(10);

/// The update mode for a run status: reactive while building, continuous otherwise.
pub fn update_mode(status: RunStatus) -> UpdateMode {
    if status == RunStatus::Building {
        UpdateMode::reactive_low_power(BUILD_REDRAW)
    } else {
        UpdateMode::Continuous
    }
}

fn pace(view: Res<RunView>, mut settings: ResMut<WinitSettings>) {
    let mode = update_mode(view.status);
    if settings.focused_mode != mode {
        settings.focused_mode = mode;
        settings.unfocused_mode = mode;
    }
}

/// Frame pacing by run status (needs the window's `WinitSettings`).
pub struct PacingPlugin;

impl Plugin for PacingPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Last, pace);
    }
}
