//! The panel's Files section: typed paths with their buttons (config, run export, run file),
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
    ui.small("You can also drop a .toml or .h5 file onto the window.");
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
        ui.add(egui::TextEdit::singleline(&mut r.key).desired_width(190.0))
            .on_hover_text("a dotted config key, e.g. lenses.0.mass_msun or rays.half_angle_deg");
    });
    ui.horizontal(|ui| {
        ui.label("from");
        ui.add(egui::DragValue::new(&mut r.from).speed(0.01));
        ui.label("to");
        ui.add(egui::DragValue::new(&mut r.to).speed(0.01));
    });
    ui.horizontal(|ui| {
        ui.label("values");
        ui.add(egui::DragValue::new(&mut r.count).range(1..=10000));
        ui.checkbox(&mut r.log, "log spacing");
    });
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(&mut paths.sweep).desired_width(170.0));
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
