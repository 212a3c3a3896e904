//! egui sections that edit the run config: cosmology, lenses, observer and rays, integration
//! (the potential's is `potential.rs`). Each is a plain function of (`ui`, the part of the config it edits); the caller
//! compares the config before and after to decide on a re-trace.

use super::widgets::{count, enum_combo, mass, number, optional, vec3};
use crate::app::shared::actions::PanelAction;
use crate::config::*;
use bevy_egui::egui::{DragValue, Slider, SliderClamping, Ui};

pub fn cosmology_ui(ui: &mut Ui, config: &mut RunConfig) {
    enum_combo(ui, "metric", &mut config.spacetime.metric, "perturbed_flrw: ΛCDM or static background with Φ = Ψ; schwarzschild: exact, first lens only"
    );
    let c = &mut config.cosmology;
    enum_combo(
        ui,
        "background",
        &mut c.model,
        "lcdm: expanding ΛCDM; static: a ≡ 1",
    );
    number(
        ui,
        "cosmology.h0_km_s_mpc",
        "H₀",
        &mut c.h0_km_s_mpc,
        0.1,
        "Hubble constant [km/s/Mpc]",
    );
    number(
        ui,
        "cosmology.omega_m",
        "Ωm",
        &mut c.omega_m,
        0.005,
        "matter density parameter [1]",
    );
    number(
        ui,
        "cosmology.omega_lambda",
        "ΩΛ",
        &mut c.omega_lambda,
        0.005,
        "dark-energy density parameter [1]",
    );
    number(
        ui,
        "cosmology.omega_r",
        "Ωr",
        &mut c.omega_r,
        1e-5,
        "radiation density parameter [1]",
    );
}

/// Lens list; returns a FocusLens action when asked.
pub fn lenses_ui(ui: &mut Ui, config: &mut RunConfig) -> Option<PanelAction> {
    let mut action = None;
    let mut remove = None;
    for (i, lens) in config.lenses.iter_mut().enumerate() {
        ui.push_id(i, |ui| {
            ui.horizontal(|ui| {
                ui.strong(format!("lens {i}"));
                if ui
                    .small_button("focus")
                    .on_hover_text("centre the camera on this lens")
                    .clicked()
                {
                    action = Some(PanelAction::FocusLens(i));
                }
                if ui.small_button("remove").clicked() {
                    remove = Some(i);
                }
            });
            enum_combo(ui, "profile", &mut lens.profile, "mass profile");
            let k = |name: &str| format!("lenses.{i}.{name}");
            mass(
                ui,
                &k("mass_msun"),
                "mass",
                &mut lens.mass_msun,
                (1e8, 1e20),
                "total mass [M☉] (NFW: virial mass)",
            );
            if lens.profile != ProfileKind::Point {
                number(
                    ui,
                    &k("radius_mpc"),
                    "radius",
                    &mut lens.radius_mpc,
                    0.05,
                    "sphere radius / NFW virial radius / Plummer scale / SIS truncation [Mpc]",
                );
            }
            if lens.profile == ProfileKind::Sis {
                number(
                    ui,
                    &k("ellipticity"),
                    "ellipticity",
                    &mut lens.ellipticity,
                    0.01,
                    "pseudo-elliptical potential: squeezed along world x, stretched along y [1]",
                );
            }
            if lens.profile == ProfileKind::Nfw {
                number(
                    ui,
                    &k("concentration"),
                    "concentration",
                    &mut lens.concentration,
                    0.1,
                    "NFW concentration r_vir / r_s [1]",
                );
            }
            vec3(
                ui,
                &k("center_mpc"),
                "centre",
                &mut lens.center_mpc,
                1.0,
                "lens centre [Mpc]; shift-drag the sphere in the scene to move it",
            );
        });
        ui.separator();
    }
    if let Some(i) = remove {
        config.lenses.remove(i);
    }
    if ui
        .button("add lens")
        .on_hover_text("a 1e15 M☉ sphere of 5 Mpc at the ray target")
        .clicked()
    {
        config.lenses.push(LensConfig {
            center_mpc: config.rays.toward_mpc,
            ..LensConfig::default()
        });
    }
    action
}

pub fn rays_ui(ui: &mut Ui, config: &mut RunConfig) {
    vec3(
        ui,
        "observer.position_mpc",
        "observer",
        &mut config.observer.position_mpc,
        1.0,
        "observer position [Mpc], at z = 0",
    );
    let r = &mut config.rays;
    enum_combo(
        ui,
        "pattern",
        &mut r.pattern,
        "cone_grid: the seed's θ/φ grid; cone_random: uniform in solid angle; beam: parallel rays; healpix: one ray per HEALPix pixel",
    );
    vec3(
        ui,
        "rays.toward_mpc",
        "toward",
        &mut r.toward_mpc,
        1.0,
        "the point the ray axis aims at [Mpc]",
    );
    match r.pattern {
        PatternKind::ConeGrid | PatternKind::ConeRandom => {
            number(
                ui,
                "rays.half_angle_deg",
                "half-angle",
                &mut r.half_angle_deg,
                0.05,
                "cone half-angle [deg], in (0, 90]",
            );
            if r.pattern == PatternKind::ConeGrid {
                count(
                    ui,
                    "rays.n_theta",
                    "n_theta",
                    &mut r.n_theta,
                    "polar rings of the cone [count]",
                );
                count(
                    ui,
                    "rays.n_phi",
                    "n_phi",
                    &mut r.n_phi,
                    "rays per ring [count]",
                );
            } else {
                count(ui, "rays.count", "count", &mut r.count, "rays [count]");
                ui.horizontal(|ui| {
                    ui.label("seed")
                        .on_hover_text("random seed: same seed, same rays");
                    ui.add(DragValue::new(&mut r.seed).update_while_editing(false));
                });
            }
        }
        PatternKind::Beam => {
            count(
                ui,
                "rays.n_phi",
                "n_phi",
                &mut r.n_phi,
                "azimuths per impact parameter [count]",
            );
            impact_ui(ui, &mut r.impact_mpc);
        }
        PatternKind::Healpix => {
            ui.horizontal(|ui| {
                ui.label("nside")
                    .on_hover_text("HEALPix resolution, a power of two: 12·nside² pixels");
                ui.add(DragValue::new(&mut r.nside).update_while_editing(false));
            });
            let mut disc = r.disc_deg.is_some();
            ui.checkbox(&mut disc, "disc only")
                .on_hover_text("only the pixels within an angle of the axis");
            match (disc, r.disc_deg) {
                (true, None) => r.disc_deg = Some(5.0),
                (false, Some(_)) => r.disc_deg = None,
                _ => {}
            }
            if let Some(d) = &mut r.disc_deg {
                number(
                    ui,
                    "rays.disc_deg",
                    "disc",
                    d,
                    0.1,
                    "disc radius round the axis [deg], in (0, 180]",
                );
            }
        }
    }
}

/// Impact parameters as a comma-separated list [Mpc]; kept as typed until it parses.
fn impact_ui(ui: &mut Ui, impact: &mut Vec<f64>) {
    let id = ui.id().with("impact_text");
    let mut text = ui
        .data_mut(|d| d.get_temp::<String>(id))
        .unwrap_or_else(|| {
            impact
                .iter()
                .map(|b| b.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        });
    ui.horizontal(|ui| {
        ui.label("impact")
            .on_hover_text("impact parameters from the axis [Mpc], comma-separated");
        if ui.text_edit_singleline(&mut text).changed() {
            let parsed: Result<Vec<f64>, _> =
                text.split(',').map(|s| s.trim().parse::<f64>()).collect();
            if let Ok(v) = parsed {
                *impact = v;
            }
        }
    });
    ui.data_mut(|d| d.insert_temp(id, text));
}

pub fn integration_ui(ui: &mut Ui, it: &mut IntegrationConfig) {
    enum_combo(
        ui,
        "method",
        &mut it.method,
        "rk4: fixed comoving step; dopri5: adaptive Dormand–Prince 5(4)",
    );
    let step_tip = match it.method {
        MethodKind::Rk4 => "comoving step length [Mpc]",
        MethodKind::Dopri5 => "initial step [Mpc]",
    };
    number(
        ui,
        "integration.step_mpc",
        "step",
        &mut it.step_mpc,
        0.05,
        step_tip,
    );
    if it.method == MethodKind::Dopri5 {
        ui.horizontal(|ui| {
            ui.label("rtol")
                .on_hover_text("relative error tolerance per step [1]");
            ui.add(
                Slider::new(&mut it.rtol, 1e-14..=1e-3)
                    .logarithmic(true)
                    .clamping(SliderClamping::Never)
                    .update_while_editing(false),
            );
        });
    }
    count(
        ui,
        "integration.max_steps",
        "max steps",
        &mut it.max_steps,
        "hard limit per ray; a ray reaching it ends with max_steps",
    );
    count(
        ui,
        "integration.record_every",
        "record every",
        &mut it.record_every,
        "store every k-th state [count]",
    );
    let stop = &mut it.stop;
    let stops = [
        (
            "integration.stop.distance_mpc",
            "stop distance",
            &mut stop.distance_mpc,
            1000.0,
            "stop at this comoving distance from the observer [Mpc]",
        ),
        (
            "integration.stop.redshift",
            "stop redshift",
            &mut stop.redshift,
            1.0,
            "stop at this z = 1/a − 1 [1]",
        ),
        (
            "integration.stop.scale_factor",
            "stop scale factor",
            &mut stop.scale_factor,
            0.5,
            "stop at this a [1]",
        ),
    ];
    for (key, label, value, default, tip) in stops {
        optional(ui, key, label, value, default, tip);
    }
}
