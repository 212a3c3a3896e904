//! The plot window (egui_plot): deflection against impact parameter with the point-mass law
//! 4GM/(c²b) over it, and the redshift reached along the selected ray; plus the ray readout.

use crate::app::bridge::simulation::{RunView, Track};
use crate::config::RunConfig;
use crate::units::{gm_from_msun, rad_to_arcsec, C2, MPC_M};
use bevy_egui::egui::{self, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints, Points};

/// (log₁₀ b [Mpc], log₁₀ α [arcsec]) of the finished rays that passed a lens.
pub fn deflection_points(view: &RunView) -> Vec<[f64; 2]> {
    view.tracks
        .iter()
        .filter_map(|t| t.summary.as_ref())
        .map(|s| {
            (
                s.observables.impact_parameter_m / MPC_M,
                rad_to_arcsec(s.observables.deflection_rad),
            )
        })
        .filter(|(b, a)| b.is_finite() && a.is_finite() && *b > 0.0 && *a > 0.0)
        .map(|(b, a)| [b.log10(), a.log10()])
        .collect()
}

/// 4GM/(c²b) in arcsec for the first lens, on log axes over [b_min, b_max] Mpc.
pub fn point_mass_curve(config: &RunConfig, b_min_mpc: f64, b_max_mpc: f64) -> Vec<[f64; 2]> {
    let Some(lens) = config.lenses.first() else {
        return vec![];
    };
    let gm = gm_from_msun(lens.mass_msun);
    let (lo, hi) = (b_min_mpc.log10(), b_max_mpc.log10());
    (0..=100)
        .map(|k| lo + (hi - lo) * k as f64 / 100.0)
        .map(|lb| {
            [
                lb,
                rad_to_arcsec(4.0 * gm / (C2 * 10f64.powf(lb) * MPC_M)).log10(),
            ]
        })
        .collect()
}

/// (distance from the observer [Mpc], 1/a − 1) along a ray.
pub fn redshift_along(track: &Track) -> Vec<[f64; 2]> {
    let o = track.origin_mpc;
    track
        .points
        .iter()
        .map(|p| {
            let r = (0..3)
                .map(|i| (p.position_mpc[i] - o[i]).powi(2))
                .sum::<f64>()
                .sqrt();
            [r, 1.0 / p.scale_factor - 1.0]
        })
        .collect()
}

pub fn plots_window(
    ctx: &egui::Context,
    view: &RunView,
    config: &RunConfig,
    selected: Option<usize>,
    open: &mut bool,
) {
    egui::Window::new("Plots")
        .open(open)
        .default_size([400.0, 440.0])
        // Bottom right, over the 3-D view rather than the panel or the legends.
        .default_pos([
            ctx.viewport_rect().right() - 420.0,
            ctx.viewport_rect().bottom() - 500.0,
        ])
        .show(ctx, |ui| {
            ui.label("deflection α against impact parameter b (log₁₀ axes, true values)");
            let pts = deflection_points(view);
            let (lo, hi) = pts
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p[0]), b.max(p[0])));
            Plot::new("alpha_b")
                .height(190.0)
                .legend(Legend::default())
                .x_axis_label("log₁₀ b [Mpc]")
                .y_axis_label("log₁₀ α [arcsec]")
                .show(ui, |plot| {
                    if lo <= hi {
                        let curve =
                            point_mass_curve(config, 10f64.powf(lo - 0.2), 10f64.powf(hi + 0.2));
                        plot.line(Line::new("4GM/(c²b)", PlotPoints::from(curve)));
                    }
                    plot.points(Points::new("traced rays", PlotPoints::from(pts)).radius(3.0));
                });
            ui.separator();
            match selected.and_then(|i| view.tracks.get(i).map(|t| (i, t))) {
                Some((i, t)) => {
                    ui.label(format!("ray {i}: redshift 1/a − 1 along the path"));
                    Plot::new("z_path")
                        .height(130.0)
                        .x_axis_label("distance from observer [Mpc]")
                        .y_axis_label("1/a − 1")
                        .show(ui, |plot| {
                            plot.line(Line::new(
                                format!("ray {i}"),
                                PlotPoints::from(redshift_along(t)),
                            ))
                        });
                }
                None => {
                    ui.label("click a ray in the scene to plot its redshift along the path");
                }
            }
        });
}

/// The readout of one ray: deflection, redshift, time delay, end reason.
pub fn ray_readout(ui: &mut Ui, id: usize, track: &Track) {
    match &track.summary {
        Some(s) => {
            let o = &s.observables;
            ui.label(format!(
                "ray {id}: α = {:.4} arcsec, z = {:.6}, Δt = {:.4e} s, b = {:.3} Mpc, end {}, {} steps",
                rad_to_arcsec(o.deflection_rad),
                o.redshift,
                o.time_delay_s,
                o.impact_parameter_m / MPC_M,
                s.end.label(),
                s.steps
            ));
        }
        None => {
            ui.label(format!(
                "ray {id}: tracing ({} points so far)",
                track.points.len()
            ));
        }
    }
}
