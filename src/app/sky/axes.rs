//! The sky's angular scale: ticks in arcseconds along the image's bottom and left edges, from
//! the axis (θ = 0) outwards at a round step, labelled on a dark backing so they read over any
//! picture; and whether the predicted ring fits the frame.

use crate::app::shared::colors::nice_length;
use crate::lensing::{LensedImage, ARCSEC};
use bevy_egui::egui::{self, Align2, Color32, FontId, Pos2, Rect, Stroke, Vec2};

/// Tick marks and their labels: white on a translucent black box.
const TICK: Color32 = Color32::from_rgb(235, 235, 235);
const BACKING: Color32 = Color32::from_rgba_premultiplied(0, 0, 0, 170);

/// The tick step [arcsec]: a round number giving two to five ticks each side of the axis.
pub fn tick_step_arcsec(fov_arcsec: f64) -> f64 {
    nice_length(fov_arcsec / 4.0)
}

/// Draws the ticks inside `rect` (the image on screen); `to_screen` maps θ [rad] to points.
pub fn draw_axes(
    painter: &egui::Painter,
    rect: Rect,
    image: &LensedImage,
    to_screen: &dyn Fn([f64; 2]) -> Pos2,
    text_size: f32,
) {
    let fov = image.sky.fov_rad / ARCSEC;
    let step = tick_step_arcsec(fov);
    let n = (0.5 * fov / step).floor() as i64;
    let font = FontId::proportional(text_size * 0.85);
    let label = |at: Pos2, align: Align2, text: String| {
        let galley = painter.layout_no_wrap(text, font.clone(), TICK);
        let r = align.anchor_size(at, galley.size()).expand(1.5);
        painter.rect_filled(r, 2.0, BACKING);
        painter.galley(r.min + Vec2::splat(1.5), galley, TICK);
    };
    for k in -n..=n {
        let v = k as f64 * step;
        let x = to_screen([v * ARCSEC, 0.0]).x;
        let y = to_screen([0.0, v * ARCSEC]).y;
        let len = if k == 0 { 8.0 } else { 5.0 };
        painter.line_segment(
            [Pos2::new(x, rect.max.y), Pos2::new(x, rect.max.y - len)],
            Stroke::new(1.5, TICK),
        );
        painter.line_segment(
            [Pos2::new(rect.min.x, y), Pos2::new(rect.min.x + len, y)],
            Stroke::new(1.5, TICK),
        );
        // Labelled along the bottom where a label fits inside the frame (not at its edges).
        if k != 0 && v.abs() <= 0.4 * fov {
            label(
                Pos2::new(x, rect.max.y - len - 1.0),
                Align2::CENTER_BOTTOM,
                format!("{v:+}"),
            );
        }
    }
    label(
        Pos2::new(rect.min.x + 10.0, rect.min.y + 2.0),
        Align2::LEFT_TOP,
        format!("ticks every {step} arcsec"),
    );
}

/// Whether the ring predicted from the lens's profile (radius θ_E) lies inside the frame, with
/// a margin of a tenth of the half-width; None when nothing is predicted from the profile (a
/// point-mass stand-in for an NFW or elliptical lens overstates the ring: no claim is made).
pub fn ring_fits(image: &LensedImage) -> Option<bool> {
    let te = image
        .einstein_predicted
        .filter(|_| image.einstein_basis == crate::lensing::EinsteinBasis::Profile)?;
    Some(te <= 0.45 * image.sky.fov_rad)
}

/// A field of view [arcsec] that shows the predicted ring at 40 % of the half-width margin
/// (2.5 θ_E across, rounded up to a round number).
pub fn fitting_fov_arcsec(theta_e_rad: f64) -> f64 {
    crate::app::shared::colors::nice_ceiling(2.5 * theta_e_rad / ARCSEC)
}
