//! The light curve in the sky panel: the total magnification of the source's centre as it
//! moves along a straight path in the source plane (the microlensing demo), computed from the
//! image on screen (`lensing::light_curve`: one ray map, the images polished at each step) on
//! a thread of its own, plotted with the point-lens law μ(u) = (u²+2)/(u√(u²+4)) beside it
//! for a single point lens, and the source's place on the path marked as it is dragged.
//! Saved as CSV (`lensing::curve_csv`, as `image --light-curve` writes it) or as a PNG of the
//! plot as drawn (`capture/plot_png.rs`).

use crate::app::bridge::files::next_free_path;
use crate::config::ProfileKind;
use crate::lensing::{
    curve_csv, light_curve, point_lens_magnification, CurvePoint, LensedImage, ARCSEC,
};
use crate::session::RenderedImage;
use crate::units::MPC_M;
use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, Ui};
use crossbeam_channel::{bounded, Receiver};
use egui_plot::{Line, Plot, PlotPoints, VLine};
use std::path::PathBuf;
use std::sync::Arc;

/// Steps a path may have in the window (each polishes the images of one source position).
pub const MAX_CURVE_STEPS: usize = 2000;

/// A straight path of the source's centre in the source plane [Mpc], and its steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePath {
    pub from_mpc: [f64; 2],
    pub to_mpc: [f64; 2],
    pub steps: usize,
}

/// What a curve was computed from: the geodesics (the model, the map's size) and the path.
#[derive(Debug, Clone, PartialEq)]
struct CurveKey {
    model: usize,
    size: usize,
    path: CurvePath,
}

#[derive(Resource, Default)]
pub struct LightCurve {
    pub open: bool,
    pub path: Option<CurvePath>,
    shown: Option<(CurveKey, Arc<Vec<CurvePoint>>)>,
    pending: Option<(CurveKey, Receiver<Vec<CurvePoint>>)>,
    /// A PNG of the plot asked for: its rectangle in points and the file.
    pub png_request: Option<(egui::Rect, PathBuf)>,
    pub message: Option<String>,
}

impl LightCurve {
    /// Starts the curve of `rendered` along the path when it is not the one shown, and takes
    /// a finished one. One curve is computed at a time: while it runs, edits of the path (a
    /// drag of its fields changes it every frame) wait, and the newest is started when it ends.
    fn update(&mut self, rendered: &RenderedImage) {
        if let Some((key, rx)) = &self.pending {
            match rx.try_recv() {
                Ok(curve) => {
                    self.shown = Some((key.clone(), Arc::new(curve)));
                    self.pending = None;
                }
                Err(crossbeam_channel::TryRecvError::Empty) => return,
                Err(crossbeam_channel::TryRecvError::Disconnected) => self.pending = None,
            }
        }
        let Some(path) = self.path else { return };
        let key = CurveKey {
            model: Arc::as_ptr(&rendered.model) as usize,
            size: rendered.image.sky.size,
            path,
        };
        if self.shown.as_ref().is_some_and(|s| s.0 == key) {
            return;
        }
        let (tx, rx) = bounded(1);
        let (model, image) = (rendered.model.clone(), rendered.image.clone());
        std::thread::spawn(move || {
            let _ = tx.send(light_curve(
                &model,
                &image,
                path.from_mpc,
                path.to_mpc,
                path.steps,
            ));
        });
        self.pending = Some((key, rx));
    }
}

/// The default path: across the lens at the source's height, from −2 to +2 θ_E (θ_E: the
/// predicted radius, or a quarter of the field). A source on the axis (within 0.1 θ_E) gets
/// a path 0.3 θ_E below it instead: a point lens's magnification diverges on the axis.
fn default_path(image: &LensedImage, source_mpc: [f64; 2]) -> CurvePath {
    let d_s_mpc = image.sky.source_distance_m / MPC_M;
    let theta_e_mpc = image.einstein_predicted.unwrap_or(image.sky.fov_rad / 4.0) * d_s_mpc;
    let y = if source_mpc[1].abs() < 0.1 * theta_e_mpc {
        -0.3 * theta_e_mpc
    } else {
        source_mpc[1]
    };
    CurvePath {
        from_mpc: [-2.0 * theta_e_mpc, y],
        to_mpc: [2.0 * theta_e_mpc, y],
        steps: 201,
    }
}

/// The "light curve" section of the sky panel.
pub fn light_curve_ui(
    ui: &mut Ui,
    lc: &mut LightCurve,
    rendered: &RenderedImage,
    source_mpc: [f64; 2],
) {
    let image = &rendered.image;
    let header = egui::CollapsingHeader::new("light curve μ(t)")
        .open(Some(lc.open))
        .show(ui, |ui| {
            let path = lc
                .path
                .get_or_insert_with(|| default_path(image, source_mpc));
            egui::CollapsingHeader::new("path (the arrow in the inset)").show(ui, |ui| {
                path_fields(ui, path);
                if ui
                    .button("through the source")
                    .on_hover_text(
                        "a path across the lens at the source's height (0.3 θ_E below the \
                         axis when the source is on it), ±2 θ_E long",
                    )
                    .clicked()
                {
                    *path = default_path(image, source_mpc);
                }
            });
            lc.update(rendered);
            plot(ui, lc, rendered, source_mpc);
        });
    if header.header_response.clicked() {
        lc.open = !lc.open;
    }
}

fn path_fields(ui: &mut Ui, p: &mut CurvePath) {
    for (label, v) in [("from", &mut p.from_mpc), ("to", &mut p.to_mpc)] {
        ui.horizontal(|ui| {
            ui.label(label);
            for x in v.iter_mut() {
                ui.add(egui::DragValue::new(x).speed(0.001).suffix(" Mpc"));
            }
        });
    }
    ui.horizontal(|ui| {
        ui.label("steps");
        ui.add(egui::DragValue::new(&mut p.steps).range(2..=MAX_CURVE_STEPS));
    });
}

/// The plot: total |μ| along the path against the position along it (θ_E from the point
/// nearest the lens axis, or arcsec when no θ_E is predicted).
fn plot(ui: &mut Ui, lc: &mut LightCurve, rendered: &RenderedImage, source_mpc: [f64; 2]) {
    let Some((key, curve)) = lc.shown.clone() else {
        ui.label("computing…");
        return;
    };
    let image = &rendered.image;
    let d_s_mpc = image.sky.source_distance_m / MPC_M;
    let (unit, unit_name) = match image.einstein_predicted {
        Some(te) => (te * d_s_mpc, "θ_E"),
        None => (ARCSEC * d_s_mpc, "arcsec"),
    };
    let p = key.path;
    let dir = [p.to_mpc[0] - p.from_mpc[0], p.to_mpc[1] - p.from_mpc[1]];
    let len = dir[0].hypot(dir[1]).max(f64::MIN_POSITIVE);
    let along =
        |o: [f64; 2]| ((o[0] - p.from_mpc[0]) * dir[0] + (o[1] - p.from_mpc[1]) * dir[1]) / len;
    // Zero at the path's point nearest the optical axis.
    let nearest = along([0.0, 0.0]);
    let x = |o: [f64; 2]| (along(o) - nearest) / unit;
    // log₁₀ |μ|: a caustic crossing or a close approach spans decades.
    let traced: Vec<[f64; 2]> = curve
        .iter()
        .filter(|c| c.magnification_total > 0.0)
        .map(|c| [x(c.offset_mpc), c.magnification_total.log10()])
        .collect();
    let single_point = rendered.model.config.lenses.len() == 1
        && rendered.model.config.lenses[0].profile == ProfileKind::Point;
    let (gold, blue) = (
        Color32::from_rgb(255, 210, 60),
        Color32::from_rgb(120, 200, 255),
    );
    // The caption, the plot and its axes: what "save PNG" cuts from the window.
    let plot_rect = ui
        .vertical(|ui| {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(gold, "— geodesics");
                if single_point {
                    ui.colored_label(blue, "- - point lens (u²+2)/(u√(u²+4))");
                }
                ui.label("| source now");
            });
            Plot::new("light_curve")
                .height(140.0)
                .x_axis_label(format!("position along the path [{unit_name}]"))
                .y_axis_label("log₁₀ total |μ|")
                .show(ui, |plot| {
                    plot.line(
                        Line::new("geodesics", PlotPoints::from(traced))
                            .color(Color32::from_rgb(255, 210, 60)),
                    );
                    if single_point {
                        let formula: Vec<[f64; 2]> = curve
                            .iter()
                            .filter_map(|c| {
                                c.u.map(|u| [x(c.offset_mpc), point_lens_magnification(u).log10()])
                            })
                            .collect();
                        plot.line(
                            Line::new("point lens (u²+2)/(u√(u²+4))", PlotPoints::from(formula))
                                .color(blue)
                                .style(egui_plot::LineStyle::dashed_loose()),
                        );
                    }
                    plot.vline(VLine::new("source now", x(source_mpc)).color(Color32::WHITE));
                });
        })
        .response
        .rect;
    ui.horizontal(|ui| {
        if ui.button("save CSV").clicked() {
            let path = next_free_path("light-curve", "csv");
            let csv = curve_csv(&curve);
            lc.message = Some(
                match crate::io::write_atomically(&path, false, &[], |tmp| {
                    std::fs::write(tmp, csv.as_bytes())
                        .map_err(crate::io::IoError::file(&path, "cannot write"))
                }) {
                    Ok(()) => format!("wrote {}", path.display()),
                    Err(e) => format!("error: {e}"),
                },
            );
        }
        if ui
            .button("save PNG")
            .on_hover_text("the plot as drawn")
            .clicked()
        {
            lc.png_request = Some((plot_rect, next_free_path("light-curve", "png")));
        }
    });
    if let Some(m) = &lc.message {
        ui.small(m);
    }
}
