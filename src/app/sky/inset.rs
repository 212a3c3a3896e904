//! The sky panel's source-plane inset: the caustics and the source, zoomed to fit them, where
//! the source is dragged (the same move as a shift-drag on the image).

use crate::app::bridge::draft::Draft;
use crate::app::shared::colors::{CAUSTIC, IMAGE_MARK};
use crate::lensing::{LensedImage, ARCSEC};
use crate::units::MPC_M;
use bevy_egui::egui::{self, Color32, Pos2, Sense, Stroke, Ui, Vec2};
use std::time::Instant;

/// Puts the source centre at source-plane angle β (a drag in the inset or the image).
pub fn move_source(draft: &mut Draft, image: &LensedImage, beta: [f64; 2]) {
    let d_s_mpc = image.sky.source_distance_m / MPC_M;
    draft.config.source.offset_mpc = beta.map(|b| b * d_s_mpc);
    draft.touched(Instant::now());
}

/// The half-width [rad] of the inset that shows every caustic and the source with a margin
/// (a third more than their farthest point from the axis, rounded up to a round number of
/// arcsec), and at least a twentieth of the image's field.
fn inset_half_width(image: &LensedImage, source: &crate::config::SourceConfig) -> f64 {
    let d_s_mpc = image.sky.source_distance_m / MPC_M;
    let far = image
        .caustics
        .iter()
        .chain(&image.cuts)
        .flatten()
        .map(|b| b[0].abs().max(b[1].abs()))
        .chain(
            source
                .offset_mpc
                .iter()
                .map(|o| (o.abs() + source.size_mpc) / d_s_mpc),
        )
        .fold(0.0, f64::max);
    let half = (far * 4.0 / 3.0).max(image.sky.fov_rad / 20.0);
    crate::app::shared::colors::nice_ceiling(half / ARCSEC) * ARCSEC
}

/// The source plane, zoomed to fit the caustics and the source (its scale written in its
/// corner): the source can be dragged across the caustics. The zoom is kept while a drag lasts,
/// so the source stays under the pointer.
/// `side`: its width and height in points. `path_mpc`: the light curve's path, drawn as a line when its section is open.
pub fn source_inset(
    ui: &mut Ui,
    draft: &mut Draft,
    image: &LensedImage,
    side: f32,
    path_mpc: Option<([f64; 2], [f64; 2])>,
) {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), Sense::click_and_drag());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, Color32::from_rgb(8, 10, 20));
    let id = response.id.with("half-width");
    let kept = ui.data(|d| d.get_temp::<f64>(id));
    let half = match kept.filter(|_| response.dragged()) {
        Some(h) => h,
        None => inset_half_width(image, &draft.config.source),
    };
    ui.data_mut(|d| d.insert_temp(id, half));
    let span = 2.0 * half;
    let to_screen = |b: [f64; 2]| {
        rect.center() + Vec2::new((b[0] / span) as f32 * side, -(b[1] / span) as f32 * side)
    };
    for c in &image.caustics {
        let points: Vec<Pos2> = c.iter().map(|b| to_screen(*b)).collect();
        // A point caustic (a round lens's) is a dot; anything wider than 2 points is drawn.
        let extent = egui::Rect::from_points(&points);
        if points.len() == 1 || extent.width().max(extent.height()) < 2.0 {
            painter.circle_filled(points[0], 2.5, CAUSTIC);
        } else {
            painter.add(egui::Shape::line(points, Stroke::new(1.5, CAUSTIC)));
        }
    }
    // A singular isothermal lens's cut (one image more inside it): dashed, in the caustics'
    // colour, since it too is where the image count changes.
    for c in &image.cuts {
        let points: Vec<Pos2> = c.iter().map(|b| to_screen(*b)).collect();
        painter.extend(egui::Shape::dashed_line(
            &points,
            Stroke::new(1.2, CAUSTIC),
            5.0,
            4.0,
        ));
    }
    let d_s_mpc = image.sky.source_distance_m / MPC_M;
    if let Some((from, to)) = path_mpc {
        let [a, b] = [from, to].map(|p| to_screen(p.map(|o| o / d_s_mpc)));
        painter.arrow(a, b - a, Stroke::new(1.0, Color32::WHITE));
    }
    let s = &draft.config.source;
    let centre = to_screen(s.offset_mpc.map(|o| o / d_s_mpc));
    let radius = ((s.size_mpc / d_s_mpc / span) as f32 * side).max(3.0);
    painter.circle_stroke(centre, radius, Stroke::new(1.5, IMAGE_MARK));
    painter.circle_filled(centre, 2.0, IMAGE_MARK);
    painter.text(
        rect.left_top() + Vec2::new(4.0, 2.0),
        egui::Align2::LEFT_TOP,
        // Rounded to 1e-4″: the half-width is a product of radians and would print as
        // 499.99999999.
        format!(
            "source plane · ±{} arcsec",
            (half / ARCSEC * 1e4).round() / 1e4
        ),
        egui::FontId::proportional(11.0),
        Color32::GRAY,
    );
    if let Some(p) = response
        .interact_pointer_pos()
        .filter(|_| response.dragged())
    {
        let d = (p - rect.center()) / side;
        move_source(draft, image, [d.x as f64 * span, -d.y as f64 * span]);
    }
    response.on_hover_text("drag the source across the caustics");
}
