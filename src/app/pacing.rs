//! Frame pacing: while the session builds a grid (nothing streams then), the window redraws at
//! [`BUILD_REDRAW`] instead of continuously, so the build (on every core, at normal priority:
//! `FieldCache::building_on`) has the machine; a software renderer otherwise spends most of a
//! core per frame. Input still wakes the window at once.

use super::simulation::{RunStatus, RunView};
use bevy::prelude::*;
use bevy::winit::{UpdateMode, WinitSettings};
use std::time::Duration;

/// Redraw interval while a grid is being built.
pub const BUILD_REDRAW: Duration = Duration::from_secs(1);

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
