//! The egui layer: left panel (collapsible sections), status bar, on-screen labels and the
//! plot window. Edits land in [`PanelState`]; requests go out as [`PanelAction`] messages.

use super::panel::{ColorBy, PanelAction, PanelState, PathField};
use super::panel_config::*;
use super::plots::{plots_window, ray_readout};
use super::scene::SceneLabels;
use super::simulation::{RunStatus, RunView};
use super::trajectories::Legend;
use super::{FrameTimings, UiLayout};
use crate::integrate::EndReason;
use bevy::prelude::*;
use bevy_egui::egui::{self, CollapsingHeader, Color32, RichText, Slider, Ui};
use bevy_egui::EguiContexts;
use std::path::PathBuf;
use std::time::Instant;

/// A button of a path row: its label and the action it makes of the typed path.
type MakeAction = fn(PathBuf) -> PanelAction;

const WARN: Color32 = Color32::from_rgb(255, 150, 60);

#[allow(clippy::too_many_arguments)]
pub fn panel_system(
    mut contexts: EguiContexts,
    mut state: ResMut<PanelState>,
    view: Res<RunView>,
    legend: Res<Legend>,
    mut layout: ResMut<UiLayout>,
    mut timings: ResMut<FrameTimings>,
    mut actions: MessageWriter<PanelAction>,
    labels: Res<SceneLabels>,
    cams: Query<(&Camera, &GlobalTransform), With<super::camera::OrbitCamera>>,
) -> Result {
    let t0 = Instant::now();
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "viewport".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    let before = state.draft.clone();
    let mut out: Vec<PanelAction> = Vec::new();
    layout.bottom_px = egui::Panel::bottom("status")
        .show(&mut root, |ui| status_bar(ui, &state, &view, &timings))
        .response
        .rect
        .height();
    let mut expanded = state.expanded;
    let left = egui::Panel::left("controls")
        .default_size(330.0)
        .resizable(true)
        .show_collapsible(&mut root, &mut expanded, |ui| {
            egui::ScrollArea::vertical()
                .show(ui, |ui| panel_contents(ui, &mut state, &view, &mut out));
        });
    state.expanded = expanded;
    layout.left_px = left.map_or(0.0, |r| r.response.rect.width());
    if !state.expanded {
        egui::Area::new("expand".into())
            .fixed_pos(egui::pos2(4.0, 4.0))
            .show(&ctx, |ui| {
                if ui.button("☰ panel").clicked() {
                    state.expanded = true;
                }
            });
    }
    overlay(&ctx, &state, &view, &legend, layout.left_px);
    if let Ok((camera, cam_t)) = cams.single() {
        scene_labels(&ctx, &labels, camera, cam_t, layout.left_px);
    }
    if state.show_plots {
        let mut open = true;
        plots_window(&ctx, &view, &state.draft, state.selected_ray, &mut open);
        state.show_plots = open;
    }
    if state.draft != before {
        state.touched(Instant::now());
    }
    layout.pointer_over_ui = ctx.egui_wants_pointer_input() || ctx.is_pointer_over_egui();
    layout.scale = ctx.pixels_per_point();
    actions.write_batch(out);
    timings.panel_ms.add(t0.elapsed());
    Ok(())
}

fn panel_contents(ui: &mut Ui, s: &mut PanelState, view: &RunView, out: &mut Vec<PanelAction>) {
    ui.heading("excalibur");
    run_controls(ui, s, view, out);
    section(ui, "Presets", true, |ui| {
        for p in s.presets.clone() {
            let name = p
                .file_stem()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if ui
                .button(&name)
                .on_hover_text(p.display().to_string())
                .clicked()
            {
                out.push(PanelAction::LoadConfig(p));
            }
        }
    });
    section(ui, "Files", false, |ui| files_ui(ui, s, out));
    section(ui, "Cosmology", false, |ui| cosmology_ui(ui, &mut s.draft));
    section(ui, "Lenses", true, |ui| {
        if let Some(a) = lenses_ui(ui, &mut s.draft) {
            out.push(a);
        }
    });
    section(ui, "Potential", false, |ui| {
        potential_ui(ui, &mut s.draft.potential)
    });
    section(ui, "Observer and rays", true, |ui| {
        rays_ui(ui, &mut s.draft)
    });
    section(ui, "Integration", false, |ui| {
        integration_ui(ui, &mut s.draft.integration)
    });
    section(ui, "Display", true, |ui| display_ui(ui, s, out));
}

fn section(ui: &mut Ui, title: &str, open: bool, body: impl FnOnce(&mut Ui)) {
    CollapsingHeader::new(title)
        .default_open(open)
        .show(ui, body);
}

fn run_controls(ui: &mut Ui, s: &mut PanelState, view: &RunView, out: &mut Vec<PanelAction>) {
    ui.horizontal(|ui| {
        ui.checkbox(&mut s.live, "live re-trace")
            .on_hover_text("re-trace 150 ms after the last edit");
        if ui
            .button("▶ Run")
            .on_hover_text("trace the current settings now")
            .clicked()
        {
            out.push(PanelAction::Run);
        }
        let running = matches!(view.status, RunStatus::Building | RunStatus::Tracing);
        if ui
            .add_enabled(running, egui::Button::new("■ Cancel"))
            .clicked()
        {
            out.push(PanelAction::Cancel);
        }
    });
    ui.horizontal(|ui| {
        ui.label("threads")
            .on_hover_text("tracing threads; 0 = all cores but one (kept for rendering)");
        ui.add(egui::DragValue::new(&mut s.threads).range(0..=256));
        if ui
            .button("plots")
            .on_hover_text("deflection vs impact parameter; redshift along the selected ray")
            .clicked()
        {
            s.show_plots = !s.show_plots;
        }
    });
}

fn path_row(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    field: PathField,
    buttons: &[(&str, MakeAction)],
    out: &mut Vec<PanelAction>,
) {
    ui.label(label);
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(text).desired_width(170.0));
        for (name, make) in buttons {
            if ui.button(*name).clicked() {
                out.push(make(PathBuf::from(text.trim())));
            }
        }
        if ui
            .button("Browse…")
            .on_hover_text("pick with the desktop's file dialog (fills the field)")
            .clicked()
        {
            out.push(PanelAction::Browse(field));
        }
    });
}

fn files_ui(ui: &mut Ui, s: &mut PanelState, out: &mut Vec<PanelAction>) {
    path_row(
        ui,
        "config (TOML)",
        &mut s.config_path,
        PathField::Config,
        &[
            ("Load", PanelAction::LoadConfig),
            ("Save", PanelAction::SaveConfig),
        ],
        out,
    );
    path_row(
        ui,
        "export current run (HDF5)",
        &mut s.export_path,
        PathField::Export,
        &[("Export", PanelAction::Export)],
        out,
    );
    path_row(
        ui,
        "open run file (HDF5)",
        &mut s.run_path,
        PathField::Run,
        &[("Open", PanelAction::OpenRun)],
        out,
    );
    ui.small("You can also drop a .toml or .h5 file onto the window.");
}

fn display_ui(ui: &mut Ui, s: &mut PanelState, out: &mut Vec<PanelAction>) {
    let d = &mut s.display;
    egui::ComboBox::from_label("colour by")
        .selected_text(d.color_by.label())
        .show_ui(ui, |ui| {
            for c in ColorBy::ALL {
                ui.selectable_value(&mut d.color_by, c, c.label());
            }
        });
    ui.horizontal(|ui| {
        ui.label("bend ×").on_hover_text("display only: scales each ray's offset from its unlensed line; files and readouts are never exaggerated");
        ui.add(Slider::new(&mut d.exaggeration, 1.0..=1e6).logarithmic(true)
            .custom_formatter(|v, _| format!("{v:.0}")));
    });
    ui.horizontal(|ui| {
        ui.label("slice ⊥")
            .on_hover_text("axis normal to the Φ/c² slice");
        for (i, n) in ["x", "y", "z"].iter().enumerate() {
            ui.selectable_value(&mut d.slice_axis, i, *n);
        }
    });
    let mut position = s.slice_position_mpc();
    ui.horizontal(|ui| {
        ui.label("slice at")
            .on_hover_text("slice position along its axis [Mpc]");
        if ui
            .add(
                egui::DragValue::new(&mut position)
                    .speed(1.0)
                    .suffix(" Mpc"),
            )
            .changed()
        {
            s.display.slice_position_mpc = position;
        }
    });
    let d = &mut s.display;
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut d.show_rays, "rays");
        ui.checkbox(&mut d.show_lenses, "lenses");
        ui.checkbox(&mut d.show_slice, "slice");
        ui.checkbox(&mut d.show_cone, "cone");
        ui.checkbox(&mut d.show_box, "box");
        ui.checkbox(&mut d.show_axes, "axes");
    });
    ui.horizontal(|ui| {
        if ui.button("reset camera").clicked() {
            out.push(PanelAction::ResetCamera);
        }
    });
}

fn status_bar(ui: &mut Ui, s: &PanelState, view: &RunView, timings: &FrameTimings) {
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
        if let Some(p) = view.pass.filter(|p| *p == super::worker::Pass::Preview) {
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
        let mut counts = [0usize; EndReason::ALL.len()];
        for tr in &view.tracks {
            if let Some(r) = &tr.summary {
                counts[EndReason::ALL.iter().position(|e| *e == r.end).unwrap_or(0)] += 1;
            }
        }
        let reasons: Vec<String> = EndReason::ALL
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(e, n)| format!("{}={n}", e.label()))
            .collect();
        if !reasons.is_empty() {
            ui.label(reasons.join(" "));
        }
        ui.label(
            RichText::new(format!(
                "app {:.1} ms/frame (drain {:.1}, meshes {:.1}, panel {:.1})",
                timings.total_ms(),
                timings.drain_ms.value(),
                timings.mesh_ms.value(),
                timings.panel_ms.value()
            ))
            .weak(),
        );
    });
    if let Some(e) = &view.error {
        ui.colored_label(Color32::from_rgb(255, 80, 80), format!("error: {e}"));
    }
    if let Some(i) = &s.info {
        ui.label(i);
    }
}

/// Labels drawn over the 3-D view: the bend exaggeration, the ray readout and the legends.
fn overlay(ctx: &egui::Context, s: &PanelState, view: &RunView, legend: &Legend, left_px: f32) {
    egui::Area::new("overlay".into())
        .fixed_pos(egui::pos2(left_px + 12.0, 8.0))
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(Color32::from_black_alpha(150))
                .inner_margin(6.0)
                .corner_radius(4.0)
                .show(ui, |ui| overlay_contents(ui, s, view, legend));
        });
}

fn overlay_contents(ui: &mut Ui, s: &PanelState, view: &RunView, legend: &Legend) {
    {
        {
            if s.display.exaggeration > 1.0 {
                ui.label(
                    RichText::new(format!(
                        "BEND EXAGGERATED ×{:.0} (display only)",
                        s.display.exaggeration
                    ))
                    .color(WARN)
                    .size(18.0)
                    .strong(),
                );
            }
            if let Some(msg) = strong_field_note(s) {
                ui.label(RichText::new(msg).color(WARN).strong());
            }
            for id in [s.hovered_ray, s.selected_ray].into_iter().flatten() {
                if let Some(t) = view.tracks.get(id) {
                    ray_readout(ui, id, t);
                }
            }
            legend.ui(ui);
        }
    }
}

/// A one-line warning over the scene while a lens is outside the weak-field regime.
fn strong_field_note(s: &PanelState) -> Option<String> {
    let strong = super::panel::strong_field_lenses(&s.draft);
    let (i, depth) = strong.first()?;
    Some(format!(
        "⚠ lens {i}: |Φ|/c² = {depth:.2e} > 1e-3, not weak field: switch metric to schwarzschild"
    ))
}

/// Axis names, the scale bar length and lens names at their projected scene positions.
fn scene_labels(
    ctx: &egui::Context,
    labels: &SceneLabels,
    camera: &Camera,
    cam_t: &GlobalTransform,
    left_px: f32,
) {
    let painter = ctx
        .layer_painter(egui::LayerId::new(
            egui::Order::Middle,
            egui::Id::new("scene_labels"),
        ))
        .with_clip_rect(egui::Rect::from_min_max(
            egui::pos2(left_px, 0.0),
            ctx.viewport_rect().max,
        ));
    for (p, text) in &labels.0 {
        if let Ok(s) = camera.world_to_viewport(cam_t, *p) {
            painter.text(
                egui::pos2(s.x + 4.0, s.y - 4.0),
                egui::Align2::LEFT_BOTTOM,
                text,
                egui::FontId::proportional(13.0),
                Color32::from_rgb(230, 230, 240),
            );
        }
    }
}
