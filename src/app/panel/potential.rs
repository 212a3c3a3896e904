//! The panel's Potential section: the mode, a grid's nodes, box and precision, and a
//! snapshot's solve (nodes, assignment, units, growth, replication; the file is opened in
//! Files or dropped on the window).

use super::widgets::*;
use crate::config::{PotentialConfig, PotentialMode, Precision};
use bevy_egui::egui::Ui;

pub fn potential_ui(ui: &mut Ui, p: &mut PotentialConfig) {
    enum_combo(
        ui,
        "mode",
        &mut p.mode,
        "analytic: exact Φ from the lenses; grid: sampled on nodes, trilinear interpolation; particles: solved from an N-body snapshot (open one in Files)",
    );
    if p.mode == PotentialMode::Particles {
        particles_ui(ui, p);
    }
    if p.mode == PotentialMode::Grid {
        count(
            ui,
            "potential.nodes",
            "nodes",
            &mut p.nodes,
            "nodes per side (node i at origin + i·L/N); above 128 a 128³ preview is traced first",
        );
        number(
            ui,
            "potential.size_mpc",
            "box size",
            &mut p.size_mpc,
            1.0,
            "grid side length L [Mpc]",
        );
        vec3(
            ui,
            "potential.origin_mpc",
            "origin",
            &mut p.origin_mpc,
            1.0,
            "grid corner [Mpc]",
        );
        enum_combo(
            ui,
            "precision",
            &mut p.precision,
            "f32 halves memory; f64 for convergence studies",
        );
        let bytes = 16.0
            * (p.nodes as f64).powi(3)
            * if p.precision == Precision::F32 {
                1.0
            } else {
                2.0
            };
        ui.small(format!("grid memory ≈ {:.0} MiB", bytes / 1048576.0));
    }
}

/// The `[potential.particles]` keys a user tunes in the window.
fn particles_ui(ui: &mut Ui, p: &mut PotentialConfig) {
    count(
        ui,
        "potential.nodes",
        "nodes",
        &mut p.nodes,
        "nodes per side of the periodic Poisson solve over the snapshot's box",
    );
    vec3(
        ui,
        "potential.origin_mpc",
        "origin",
        &mut p.origin_mpc,
        1.0,
        "where the snapshot's box corner sits [Mpc]",
    );
    let Some(s) = p.particles.as_mut() else {
        ui.small("no snapshot yet: open one in Files (or drop it on the window)");
        return;
    };
    ui.small(format!("snapshot {}", s.file.display()));
    enum_combo(
        ui,
        "format",
        &mut s.format,
        "gadget_hdf5: Header and PartType<k> groups; arrays: positions and masses",
    );
    number(
        ui,
        "potential.particles.length_unit_mpc_h",
        "length unit",
        &mut s.length_unit_mpc_h,
        1e-4,
        "unit of Coordinates and BoxSize in Mpc/h (Gadget's kpc/h: 0.001)",
    );
    number(
        ui,
        "potential.particles.mass_unit_msun_h",
        "mass unit",
        &mut s.mass_unit_msun_h,
        1e8,
        "unit of Masses in M☉/h (Gadget's 1e10)",
    );
    enum_combo(
        ui,
        "assignment",
        &mut s.assignment,
        "mass assignment to the nodes: nearest, cloud in cell, triangular",
    );
    ui.checkbox(&mut s.deconvolve, "deconvolve")
        .on_hover_text("divide by the assignment window in Fourier space");
    enum_combo(
        ui,
        "time dependence",
        &mut s.time_dependence,
        "linear_growth: Φ scaled by D/a from the snapshot's epoch (ISW); frozen: Φ fixed",
    );
    ui.checkbox(&mut s.replicate, "replicate")
        .on_hover_text("rays that leave the box continue in its periodic copies");
}
