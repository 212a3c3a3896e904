//! The display section of the left panel: ray colours, the bend exaggeration, the slice (its
//! axis, position and whether it shows |Φ|/c² or a snapshot's density), what is drawn, and
//! the camera reset. Display only: nothing here re-traces.

use crate::app::shared::actions::PanelAction;
use crate::app::shared::display::{ColorBy, Display, SliceShows};
use crate::config::{PotentialMode, RunConfig};
use bevy_egui::egui::{self, Slider, Ui};
use strum::VariantArray;

pub fn display_ui(
    ui: &mut Ui,
    d: &mut Display,
    config: &crate::config::RunConfig,
    out: &mut Vec<PanelAction>,
) {
    egui::ComboBox::from_label("colour by")
        .selected_text(d.color_by.label())
        .show_ui(ui, |ui| {
            for c in ColorBy::VARIANTS {
                ui.selectable_value(&mut d.color_by, *c, c.label());
            }
        });
    ui.horizontal(|ui| {
        ui.label("bend ×").on_hover_text("display only: scales each ray's offset from its unlensed line; files and readouts are never exaggerated");
        ui.add(Slider::new(&mut d.exaggeration, 1.0..=1e6).logarithmic(true)
            .custom_formatter(|v, _| format!("{v:.0}")));
    });
    ui.horizontal(|ui| {
        ui.label("slice ⊥")
            .on_hover_text("axis normal to the slice");
        for (i, n) in ["x", "y", "z"].iter().enumerate() {
            ui.selectable_value(&mut d.slice_axis, i, *n);
        }
    });
    slice_shows_ui(ui, d, config);
    let mut position = d.slice_position_mpc(config);
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
            d.slice_position_mpc = position;
        }
    });
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

/// |Φ|/c² or ρ/ρ̄ on the slice; the density needs a snapshot (a particles run), and without
/// one the slice shows Φ and says so.
fn slice_shows_ui(ui: &mut Ui, d: &mut Display, config: &RunConfig) {
    let snapshot = config.potential.mode == PotentialMode::Particles;
    if !snapshot {
        d.slice_shows = SliceShows::Potential;
    }
    ui.horizontal(|ui| {
        ui.label("slice shows");
        ui.selectable_value(&mut d.slice_shows, SliceShows::Potential, "|Φ|/c²")
            .on_hover_text("the potential traced, log scale");
        ui.add_enabled_ui(snapshot, |ui| {
            ui.selectable_value(&mut d.slice_shows, SliceShows::Density, "density")
                .on_hover_text("the snapshot's density at the slice (the deposit the potential is solved from), log scale")
                .on_disabled_hover_text("needs a snapshot: potential.mode = \"particles\"");
        });
    });
}
