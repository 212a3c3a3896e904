//! "save PNG" of the light curve: the plot as the window draws it, cut from a screenshot of
//! the next frame (the window is the renderer, so the file is what the user saw).

use super::screenshot::save_png_region;
use crate::app::sky::light_curve::LightCurve;
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::window::PrimaryWindow;

/// Takes a requested plot PNG: a screenshot whose observer cuts the plot's rectangle.
pub fn plot_png_system(
    mut commands: Commands,
    mut curve: ResMut<LightCurve>,
    window: Query<&Window, With<PrimaryWindow>>,
) {
    let Some((rect, path)) = curve.png_request.take() else {
        return;
    };
    let scale = window.single().map_or(1.0, |w| w.scale_factor());
    let region = [rect.min.x, rect.min.y, rect.width(), rect.height()]
        .map(|v| (v * scale).round().max(0.0) as u32);
    commands.spawn(Screenshot::primary_window()).observe(
        move |captured: On<ScreenshotCaptured>, mut curve: ResMut<LightCurve>| {
            curve.message = Some(
                match save_png_region(&captured.image, Some(region), &path) {
                    Ok(()) => format!("wrote {}", path.display()),
                    Err(e) => format!("error: {e}"),
                },
            );
        },
    );
}
