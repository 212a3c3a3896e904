//! The colour scale in use for the rays and the slice (|Φ|/c² or ρ/ρ̄), and the legend drawn in the overlay.

use crate::app::bridge::simulation::Track;
use crate::app::shared::colors::{colormap, end_reason_color, nice_ceiling};
use crate::app::shared::display::ColorBy;
use crate::integrate::EndReason;
use crate::units::rad_to_arcsec;
use bevy::prelude::*;
use bevy_egui::egui;

/// The colour scale in use: what the legend shows and how a value maps to [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub enum Scale {
    Linear {
        label: &'static str,
        max: f64,
    },
    Log10 {
        label: &'static str,
        min: f64,
        max: f64,
    },
    Reasons(Vec<EndReason>),
}

impl Scale {
    /// The scale for `color_by` over the rays now on screen.
    pub fn of(color_by: ColorBy, tracks: &[Track]) -> Scale {
        let summaries = tracks.iter().filter_map(|t| t.summary.as_ref());
        match color_by {
            ColorBy::Redshift => Scale::Linear {
                label: ColorBy::Redshift.label(),
                max: nice_ceiling(
                    tracks
                        .iter()
                        .filter_map(|t| t.points.last())
                        .map(|p| 1.0 / p.scale_factor - 1.0)
                        .fold(0.0, f64::max),
                ),
            },
            ColorBy::Deflection => Scale::Linear {
                label: ColorBy::Deflection.label(),
                max: nice_ceiling(
                    summaries
                        .map(|s| rad_to_arcsec(s.observables.deflection_rad))
                        .filter(|v| v.is_finite())
                        .fold(0.0, f64::max),
                ),
            },
            ColorBy::NullError => {
                let max = summaries
                    .map(|s| s.observables.null_error_max)
                    .filter(|v| v.is_finite() && *v > 0.0)
                    .fold(1e-16, f64::max);
                let top = nice_ceiling(max).log10().ceil();
                Scale::Log10 {
                    label: ColorBy::NullError.label(),
                    min: top - 8.0,
                    max: top,
                }
            }
            ColorBy::EndReason => {
                let mut v: Vec<EndReason> = summaries.map(|s| s.end).collect();
                v.sort_by_key(|e| e.label());
                v.dedup();
                Scale::Reasons(v)
            }
        }
    }

    pub fn unit(&self, value: f64) -> f64 {
        match self {
            Scale::Linear { max, .. } => value / max,
            Scale::Log10 { min, max, .. } => (value.max(1e-300).log10() - min) / (max - min),
            Scale::Reasons(_) => 0.0,
        }
    }
}

/// Legend for the trajectories and the Φ/c² colour bar, drawn in the overlay.
#[derive(Resource, Default)]
pub struct Legend {
    pub rays: Option<Scale>,
    /// What the slice shows, with its (min, max) on a log scale.
    pub slice: Option<(&'static str, f64, f64)>,
    /// Why the density slice could not be made (the snapshot could not be read again).
    pub slice_error: Option<String>,
}

impl Legend {
    pub fn ui(&self, ui: &mut egui::Ui) {
        if let Some(e) = &self.slice_error {
            ui.colored_label(egui::Color32::from_rgb(255, 110, 110), e);
        }
        if let Some((label, lo, hi)) = self.slice {
            bar(ui, label, &format!("{lo:.1e}"), &format!("{hi:.1e}"));
        }
        match &self.rays {
            Some(Scale::Linear { label, max }) => bar(ui, label, "0", &format!("{max:.3}")),
            Some(Scale::Log10 { label, min, max }) => {
                bar(ui, label, &format!("1e{min:.0}"), &format!("1e{max:.0}"))
            }
            Some(Scale::Reasons(v)) => {
                for e in v {
                    let [r, g, b] = end_reason_color(*e).map(|c| (c * 255.0) as u8);
                    ui.colored_label(egui::Color32::from_rgb(r, g, b), format!("━ {}", e.label()));
                }
            }
            None => {}
        }
    }
}

/// A labelled horizontal colour bar.
fn bar(ui: &mut egui::Ui, label: &str, lo: &str, hi: &str) {
    ui.label(egui::RichText::new(label).color(egui::Color32::WHITE));
    ui.horizontal(|ui| {
        ui.label(lo);
        let (rect, _) = ui.allocate_exact_size(egui::vec2(140.0, 12.0), egui::Sense::hover());
        let n = 28;
        for i in 0..n {
            let [r, g, b] = colormap((i as f64 + 0.5) / n as f64).map(|c| (c * 255.0) as u8);
            let x0 = rect.left() + rect.width() * i as f32 / n as f32;
            let x1 = rect.left() + rect.width() * (i + 1) as f32 / n as f32;
            let cell = egui::Rect::from_x_y_ranges(x0..=x1, rect.y_range());
            ui.painter()
                .rect_filled(cell, 0.0, egui::Color32::from_rgb(r, g, b));
        }
        ui.label(hi);
    });
}
