//! The panel's Files section: typed paths with their buttons (config, run export, run file,
//! snapshot),
//! and "Export sweep…", which turns the current config and a range of one key into a sweep
//! manifest for a cluster's job array (`excalibur sweep`, configs/slurm/sweep.sh).

use crate::app::bridge::files::PathFields;
use crate::app::shared::actions::{PanelAction, PathField};
use bevy_egui::egui::{self, Ui};
use std::path::PathBuf;

/// A button of a path row: its label and the action it makes of the typed path.
type MakeAction = fn(PathBuf) -> PanelAction;

fn path_row(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    field: PathField,
    buttons: &[(&str, MakeAction)],
    out: &mut Vec<PanelAction>,
) {
    // The field takes the panel's width and the buttons wrap under it, so the section never
    // sets the panel's width: the panel can be narrowed, and opening Files does not widen it.
    ui.label(label);
    ui.add(egui::TextEdit::singleline(text).desired_width(ui.available_width()));
    ui.horizontal_wrapped(|ui| {
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

pub fn files_ui(ui: &mut Ui, paths: &mut PathFields, out: &mut Vec<PanelAction>) {
    path_row(
        ui,
        "config (TOML)",
        &mut paths.config,
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
        &mut paths.export,
        PathField::Export,
        &[("Export", PanelAction::Export)],
        out,
    );
    path_row(
        ui,
        "open run file (HDF5)",
        &mut paths.run,
        PathField::Run,
        &[("Open", PanelAction::OpenRun)],
        out,
    );
    path_row(
        ui,
        "open N-body snapshot (Gadget HDF5 or arrays)",
        &mut paths.snapshot,
        PathField::Snapshot,
        &[("Open", PanelAction::OpenSnapshot)],
        out,
    );
    ui.small("You can also drop a config (.toml), a run file or a snapshot (.h5, .hdf5) onto the window.");
    ui.separator();
    sweep_ui(ui, paths, out);
}

/// "Export sweep…": a key, its range and the manifest's path.
fn sweep_ui(ui: &mut Ui, paths: &mut PathFields, out: &mut Vec<PanelAction>) {
    let r = &mut paths.sweep_range;
    ui.label("export sweep (a manifest for a cluster job array)")
        .on_hover_text("the current config becomes the sweep's base; one key varies over a range");
    ui.horizontal(|ui| {
        ui.label("key");
        ui.add(egui::TextEdit::singleline(&mut r.key).desired_width(ui.available_width()))
            .on_hover_text("a dotted config key, e.g. lenses.0.mass_msun or rays.half_angle_deg");
    });
    ui.horizontal(|ui| {
        ui.label("from");
        // Shown as the other fields show numbers (1.000e14, not 100000000000000.00), so a
        // mass range does not widen the panel.
        let fmt = |v: f64, _| super::widgets::shown(v, false);
        ui.add(
            egui::DragValue::new(&mut r.from)
                .speed(0.01)
                .custom_formatter(fmt),
        );
        ui.label("to");
        ui.add(
            egui::DragValue::new(&mut r.to)
                .speed(0.01)
                .custom_formatter(fmt),
        );
    });
    ui.horizontal(|ui| {
        ui.label("values");
        ui.add(egui::DragValue::new(&mut r.count).range(1..=10000));
        ui.checkbox(&mut r.log, "log spacing");
    });
    ui.add(egui::TextEdit::singleline(&mut paths.sweep).desired_width(ui.available_width()));
    ui.horizontal(|ui| {
        if ui
            .button("Export sweep…")
            .on_hover_text("writes the manifest and, beside it, the current config as its base")
            .clicked()
        {
            out.push(PanelAction::ExportSweep(
                PathBuf::from(paths.sweep.trim()),
                paths.sweep_range.clone(),
            ));
        }
    });
}
