//! Readouts drawn by the panel system: the status bar (progress, steps/s, end reasons, errors
//! in red, the app's own frame cost), and the overlay on the 3-D view (bend exaggeration,
//! weak-field warning, ray readout, legends, and labels at projected scene points).

use super::plots::ray_readout;
use crate::app::bridge::files::StatusInfo;
use crate::app::bridge::simulation::{RunStatus, RunView};
use crate::app::scene::frame::SceneLabels;
use crate::app::scene::legend::Legend;
use crate::app::shared::display::{Display, Selection};
use crate::app::shared::labels::{place_label, LABEL_BACKING};
use crate::app::shared::timings::FrameTimings;
use crate::config::RunConfig;
use crate::integrate::EndReason;
use crate::session::Pass;
use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, RichText, Ui};
use strum::VariantArray;

pub const WARN: Color32 = Color32::from_rgb(255, 150, 60);

/// What the status bar reads.
pub struct Readouts<'a> {
    pub view: &'a RunView,
    pub timings: &'a FrameTimings,
    pub info: &'a StatusInfo,
}

pub fn status_bar(ui: &mut Ui, r: &Readouts) {
    let (view, timings) = (r.view, r.timings);
    ui.horizontal_wrapped(|ui| {
        let total = view.tracks.len();
        let done = view.finished_rays();
        let status = match view.status {
            RunStatus::Idle => "idle".to_string(),
            RunStatus::Building => "building the potential…".to_string(),
            RunStatus::Tracing => format!("tracing {done}/{total} rays"),
            RunStatus::Finished => format!("done: {total} rays"),
            RunStatus::Cancelled => format!("cancelled at {done}/{total} rays"),
            RunStatus::Failed => "failed".to_string(),
        };
        ui.label(RichText::new(status).strong());
        if view.status == RunStatus::Tracing && total > 0 {
            ui.add(
                egui::ProgressBar::new(done as f32 / total as f32)
                    .desired_width(140.0)
                    .show_percentage(),
            );
        }
        if let Some(p) = view.pass.filter(|p| *p == Pass::Preview) {
            ui.label(RichText::new(format!("{p:?} 128³")).color(WARN));
        }
        let t = &view.timing;
        if view.status == RunStatus::Tracing {
            let steps: u64 = view
                .tracks
                .iter()
                .filter_map(|r| r.summary.as_ref())
                .map(|s| s.steps)
                .sum();
            if let Some(s) = t
                .pass_started
                .map(|i| i.elapsed().as_secs_f64())
                .filter(|s| *s > 0.0)
            {
                ui.label(format!("{:.2e} steps/s", steps as f64 / s));
            }
        } else if t.integrate_s > 0.0 {
            ui.label(format!("{:.2e} steps/s", t.steps as f64 / t.integrate_s));
        }
        if let Some(f) = t.first_points_s {
            ui.label(format!("first rays {:.2} s", f));
        }
        if let Some(f) = t.finished_s {
            ui.label(format!(
                "finished {:.2} s (grid {:.2} s)",
                f, t.grid_build_s
            ));
        }
        let mut counts = [0usize; EndReason::VARIANTS.len()];
        for tr in &view.tracks {
            if let Some(s) = &tr.summary {
                counts[s.end.code() as usize] += 1;
            }
        }
        let reasons: Vec<String> = EndReason::VARIANTS
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(e, n)| format!("{}={n}", e.label()))
            .collect();
        if !reasons.is_empty() {
            ui.label(reasons.join(" "));
        }
        // No figure before the warm-up frames are over (they count in none).
        let cost = if timings.panel.count() == 0 {
            "app ms/frame after the first frames".to_string()
        } else {
            format!(
                "app {:.1} ms/frame (drain {:.1}, meshes {:.1}, panel {:.1})",
                timings.total_ms(),
                timings.drain.value(),
                timings.mesh.value(),
                timings.panel.value()
            )
        };
        ui.label(RichText::new(cost).weak());
    });
    if let Some(e) = &view.error {
        ui.colored_label(Color32::from_rgb(255, 80, 80), format!("error: {e}"));
    }
    if let Some(i) = &r.info.0 {
        ui.label(i);
    }
}

/// Labels drawn over the 3-D view: the bend exaggeration, the ray readout and the legends.
pub fn overlay(
    ctx: &egui::Context,
    draft: &RunConfig,
    display: &Display,
    selection: &Selection,
    view: &RunView,
    legend: &Legend,
    left_px: f32,
) {
    egui::Area::new("overlay".into())
        .fixed_pos(egui::pos2(left_px + 12.0, 8.0))
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(Color32::from_black_alpha(150))
                .inner_margin(6.0)
                .corner_radius(4.0)
                .show(ui, |ui| {
                    overlay_contents(ui, draft, display, selection, view, legend)
                });
        });
}

fn overlay_contents(
    ui: &mut Ui,
    draft: &RunConfig,
    display: &Display,
    selection: &Selection,
    view: &RunView,
    legend: &Legend,
) {
    // A fixed width: the legends must not be laid out in whatever sliver the area gets first.
    ui.set_min_width(250.0);
    ui.set_max_width(420.0);
    if let Some(run) = &view.loaded_from {
        // The rays are a file's; the sky beside them is traced from the live draft.
        ui.label(
            RichText::new(format!(
                "rays from the run file {} · the sky shows the live config",
                run.display()
            ))
            .color(WARN)
            .strong(),
        );
    }
    if display.exaggeration > 1.0 {
        ui.label(
            RichText::new(format!(
                "BEND EXAGGERATED ×{:.0} (display only)",
                display.exaggeration
            ))
            .color(WARN)
            .size(18.0)
            .strong(),
        );
    }
    // Of the run on screen, not of a draft that may be rejected.
    if let Some(msg) = strong_field_note(view.config.as_deref().unwrap_or(draft)) {
        ui.label(RichText::new(msg).color(WARN).strong());
    }
    for w in &view.warnings {
        ui.label(RichText::new(format!("⚠ {w}")).color(WARN));
    }
    for id in [selection.hovered_ray, selection.selected_ray]
        .into_iter()
        .flatten()
    {
        if let Some(t) = view.tracks.get(id) {
            ray_readout(ui, id, t);
        }
    }
    legend.ui(ui);
}

/// A one-line warning over the scene while a lens is outside the weak-field regime.
fn strong_field_note(draft: &RunConfig) -> Option<String> {
    let strong = draft.strong_field_lenses();
    let (i, depth) = strong.first()?;
    Some(format!(
        "⚠ lens {i}: |Φ|/c² = {depth:.2e} > 1e-3, not weak field: switch metric to schwarzschild"
    ))
}

/// Axis names, the scale bar length and lens names at their projected scene positions.
/// The scene labels drawn in the last frame, for the screenshot's label check: each text and
/// its rectangle [x0, y0, x1, y1] in points, the points-to-pixels factor and the screen size.
#[derive(Resource, Default, Debug, Clone)]
pub struct DrawnLabels {
    pub labels: Vec<(String, [f32; 4])>,
    pub pixels_per_point: f32,
    pub screen_px: [f32; 2],
}

pub fn scene_labels(
    ctx: &egui::Context,
    labels: &SceneLabels,
    camera: &Camera,
    cam_t: &GlobalTransform,
    left_px: f32,
    right_px: f32,
    drawn: &mut DrawnLabels,
) {
    let max = ctx.viewport_rect().max;
    drawn.labels.clear();
    drawn.pixels_per_point = ctx.pixels_per_point();
    drawn.screen_px = [max.x, max.y];
    let painter = ctx
        .layer_painter(egui::LayerId::background())
        .with_clip_rect(egui::Rect::from_min_max(
            egui::pos2(left_px, 0.0),
            egui::pos2(max.x - right_px, max.y),
        ));
    let frame = painter.clip_rect();
    let size = ctx.global_style().text_styles[&egui::TextStyle::Body].size;
    let font = egui::FontId::proportional(size);
    // Each label beside its point, clear of those placed before it (lenses side by side,
    // "picked pixel's geodesic" over a lens): the first free of eight places, else stacked
    // above, else where it would be without the others.
    let mut taken: Vec<egui::Rect> = vec![];
    for (p, text) in &labels.0 {
        let Ok(s) = camera.world_to_viewport(cam_t, *p) else {
            continue;
        };
        let at = egui::pos2(s.x, s.y);
        let galley =
            painter.layout_no_wrap(text.clone(), font.clone(), Color32::from_rgb(230, 230, 240));
        let dims = galley.size();
        let stacked = (1..6).map(|k| {
            egui::Rect::from_min_size(at + egui::vec2(6.0, -(dims.y + 2.0) * k as f32 - 4.0), dims)
        });
        let r = place_label(at, dims, frame, &taken)
            .or_else(|| {
                stacked
                    .clone()
                    .find(|r| frame.contains_rect(*r) && taken.iter().all(|t| !t.intersects(*r)))
            })
            .unwrap_or_else(|| {
                egui::Rect::from_min_size(at + egui::vec2(4.0, -4.0 - dims.y), dims)
            });
        taken.push(r);
        painter.rect_filled(r.expand(1.0), 2.0, LABEL_BACKING);
        painter.galley(r.min, galley, Color32::WHITE);
        // Only what is on screen (inside the 3-D view) counts as drawn.
        let r = r.intersect(frame);
        if r.is_positive() {
            drawn
                .labels
                .push((text.clone(), [r.min.x, r.min.y, r.max.x, r.max.y]));
        }
    }
}
