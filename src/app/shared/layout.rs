//! Where the egui panels sit (so the 3-D viewport sits beside them and ignores input over them)
//! and the order of the app's systems within a frame.

use bevy::prelude::*;

/// Where the panel is, so the 3-D viewport sits beside it and ignores input over it.
#[derive(Resource, Default, Debug)]
pub struct UiLayout {
    pub left_px: f32,
    pub bottom_px: f32,
    /// Width of the image panel on the right (0 when closed).
    pub right_px: f32,
    pub pointer_over_ui: bool,
}

/// Each frame: Controls (file actions, drops) → Drain (streamed results, time-budgeted) →
/// Frame (the box the scene is drawn in) → Scene (meshes, slice, gizmos, camera); then the egui panel; and in `Last` the run controls,
/// so an edit starts tracing while its own frame renders.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum AppSet {
    Controls,
    Drain,
    Frame,
    Scene,
}

/// The frame's order and the layout resource.
pub struct LayoutPlugin;

impl Plugin for LayoutPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<UiLayout>().configure_sets(
            Update,
            (
                AppSet::Controls,
                AppSet::Drain,
                AppSet::Frame,
                AppSet::Scene,
            )
                .chain(),
        );
    }
}
