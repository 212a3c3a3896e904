//! Trajectories as retained line-strip meshes (one per ray, rebuilt only when its points or the
//! colouring change), the colour maps and the legend.

use super::panel::{ColorBy, PanelState};
use super::scene::SceneFrame;
use super::simulation::{RunView, Track};
use super::FrameTimings;
use crate::integrate::EndReason;
use crate::units::rad_to_arcsec;
use bevy::asset::RenderAssetUsages;
use bevy::mesh::PrimitiveTopology;
use bevy::prelude::*;
use bevy_egui::egui;
use std::time::{Duration, Instant};

/// A perceptually ordered map (viridis, 5 stops) from t ∈ [0, 1] to linear-ish sRGB.
pub fn colormap(t: f64) -> [f32; 3] {
    const STOPS: [[f32; 3]; 5] = [
        [0.267, 0.005, 0.329],
        [0.231, 0.322, 0.545],
        [0.129, 0.569, 0.549],
        [0.369, 0.788, 0.384],
        [0.993, 0.906, 0.144],
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * 4.0;
    let i = (x.floor() as usize).min(3);
    let f = (x - i as f64) as f32;
    std::array::from_fn(|k| STOPS[i][k] * (1.0 - f) + STOPS[i + 1][k] * f)
}

/// A fixed colour per end reason (the legend lists the ones present).
pub fn end_reason_color(e: EndReason) -> [f32; 3] {
    let i = EndReason::ALL.iter().position(|x| *x == e).unwrap_or(0);
    const PALETTE: [[f32; 3]; 6] = [
        [0.35, 0.75, 1.0],
        [1.0, 0.55, 0.2],
        [0.4, 0.9, 0.4],
        [0.95, 0.3, 0.35],
        [0.8, 0.5, 1.0],
        [1.0, 0.9, 0.3],
    ];
    PALETTE[i % PALETTE.len()]
}

/// Rounds a positive range end up to 1, 2 or 5 × 10ⁿ, so streaming rays rarely change it
/// (each change recolours every ray).
pub fn nice_ceiling(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v >= x * (1.0 - 1e-12))
        .unwrap_or(10.0 * p)
}

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

    fn unit(&self, value: f64) -> f64 {
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
    /// (min, max) of |Φ|/c² on the slice.
    pub slice: Option<(f64, f64)>,
}

impl Legend {
    pub fn ui(&self, ui: &mut egui::Ui) {
        if let Some((lo, hi)) = self.slice {
            bar(
                ui,
                "slice |Φ|/c² (log scale)",
                &format!("{lo:.1e}"),
                &format!("{hi:.1e}"),
            );
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

/// Scene-space vertices of a track: each point's offset from the ray's own unlensed line is
/// multiplied by `exaggeration` (display only), then shifted to the scene centre.
pub fn track_vertices(track: &Track, exaggeration: f64, centre_mpc: [f64; 3]) -> Vec<[f32; 3]> {
    let o = track.origin_mpc;
    let d = track.direction;
    track
        .points
        .iter()
        .map(|p| {
            let r: [f64; 3] = std::array::from_fn(|i| p.position_mpc[i] - o[i]);
            let s = r[0] * d[0] + r[1] * d[1] + r[2] * d[2];
            std::array::from_fn(|i| {
                let along = s * d[i];
                (o[i] + along + exaggeration * (r[i] - along) - centre_mpc[i]) as f32
            })
        })
        .collect()
}

fn track_colors(track: &Track, color_by: ColorBy, scale: &Scale) -> Vec<[f32; 4]> {
    const STREAMING: [f32; 3] = [0.75, 0.75, 0.75];
    let per_ray = |f: &dyn Fn(&super::worker::RaySummary) -> [f32; 3]| {
        track.summary.as_ref().map_or(STREAMING, f)
    };
    let uniform = match color_by {
        ColorBy::Redshift => None,
        ColorBy::Deflection => Some(per_ray(&|s| {
            colormap(scale.unit(rad_to_arcsec(s.observables.deflection_rad)))
        })),
        ColorBy::NullError => Some(per_ray(&|s| {
            colormap(scale.unit(s.observables.null_error_max))
        })),
        ColorBy::EndReason => Some(per_ray(&|s| end_reason_color(s.end))),
    };
    track
        .points
        .iter()
        .map(|p| {
            let [r, g, b] =
                uniform.unwrap_or_else(|| colormap(scale.unit(1.0 / p.scale_factor - 1.0)));
            // Vertex colours are linear; the maps are written in sRGB.
            Color::srgb(r, g, b).to_linear().to_f32_array()
        })
        .collect()
}

/// Time the mesh rebuilds may take per frame; rays left over are rebuilt next frame.
pub const MESH_BUDGET: Duration = Duration::from_millis(3);

/// The ray meshes in scene order, and what they were last built with.
#[derive(Resource, Default)]
pub struct TrackMeshes {
    pub entities: Vec<(Entity, Handle<Mesh>)>,
    generation: u64,
    built_with: Option<(ColorBy, f64, [f64; 3], Scale, bool)>,
    material: Option<Handle<StandardMaterial>>,
}

/// Respawns meshes for a new set of tracks and rebuilds the ones whose points or colouring changed.
#[allow(clippy::too_many_arguments)]
pub fn update_track_meshes(
    mut commands: Commands,
    mut view: ResMut<RunView>,
    state: Res<PanelState>,
    frame: Res<SceneFrame>,
    mut store: ResMut<TrackMeshes>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut legend: ResMut<Legend>,
    mut timings: ResMut<FrameTimings>,
) {
    let t0 = Instant::now();
    let material = store
        .material
        .get_or_insert_with(|| {
            materials.add(StandardMaterial {
                base_color: Color::WHITE,
                unlit: true,
                ..default()
            })
        })
        .clone();
    if store.generation != view.generation || store.entities.len() != view.tracks.len() {
        for (e, _) in store.entities.drain(..) {
            commands.entity(e).despawn();
        }
        for _ in 0..view.tracks.len() {
            let mesh = meshes.add(Mesh::new(
                PrimitiveTopology::LineStrip,
                RenderAssetUsages::default(),
            ));
            let e = commands
                .spawn((
                    Mesh3d(mesh.clone()),
                    MeshMaterial3d(material.clone()),
                    Visibility::Hidden,
                ))
                .id();
            store.entities.push((e, mesh));
        }
        store.generation = view.generation;
        store.built_with = None;
    }
    let d = &state.display;
    let scale = Scale::of(d.color_by, &view.tracks);
    let key = (
        d.color_by,
        d.exaggeration,
        frame.centre_mpc,
        scale.clone(),
        d.show_rays,
    );
    if store.built_with.as_ref() != Some(&key) {
        // New colouring or geometry: every ray is rebuilt, spread over frames by the budget.
        view.tracks.iter_mut().for_each(|t| t.dirty = true);
        store.built_with = Some(key);
    }
    for (track, (entity, handle)) in view.tracks.iter_mut().zip(&store.entities) {
        if !track.dirty {
            continue;
        }
        if t0.elapsed() > MESH_BUDGET {
            break;
        }
        track.dirty = false;
        let visible = d.show_rays && track.points.len() >= 2;
        commands.entity(*entity).insert(if visible {
            Visibility::Visible
        } else {
            Visibility::Hidden
        });
        if let Some(mut mesh) = meshes.get_mut(handle) {
            mesh.insert_attribute(
                Mesh::ATTRIBUTE_POSITION,
                track_vertices(track, d.exaggeration, frame.centre_mpc),
            );
            mesh.insert_attribute(
                Mesh::ATTRIBUTE_COLOR,
                track_colors(track, d.color_by, &scale),
            );
        }
    }
    legend.rays = (!view.tracks.is_empty()).then_some(scale);
    timings.add(|t| &mut t.mesh, t0.elapsed());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::worker::{Pass, TrackPoint};

    fn track(points: &[[f64; 3]]) -> Track {
        Track {
            origin_mpc: [0.0; 3],
            direction: [1.0, 0.0, 0.0],
            points: points
                .iter()
                .map(|p| TrackPoint {
                    position_mpc: *p,
                    scale_factor: 1.0,
                })
                .collect(),
            summary: None,
            pass: Pass::Full,
            dirty: true,
        }
    }

    #[test]
    fn exaggeration_scales_only_the_offset_from_the_unlensed_line() {
        let t = track(&[[0.0, 0.0, 0.0], [100.0, 0.01, -0.02], [300.0, 0.05, 0.0]]);
        let centre = [50.0, 0.0, 0.0];
        let true_geometry = track_vertices(&t, 1.0, centre);
        for (v, p) in true_geometry.iter().zip(&t.points) {
            for i in 0..3 {
                assert!((v[i] as f64 - (p.position_mpc[i] - centre[i])).abs() < 1e-4);
            }
        }
        let bent = track_vertices(&t, 1000.0, centre);
        // Along the ray: unchanged; across it: 1000 times the true offset.
        assert!((bent[1][0] - 50.0).abs() < 1e-4);
        assert!((bent[1][1] - 10.0).abs() < 1e-3 && (bent[1][2] + 20.0).abs() < 1e-3);
        assert!((bent[2][1] - 50.0).abs() < 1e-3);
    }

    #[test]
    fn legend_ranges_round_up_to_one_two_five() {
        assert_eq!(nice_ceiling(0.37), 0.5);
        assert_eq!(nice_ceiling(1.2), 2.0);
        assert_eq!(nice_ceiling(5.0), 5.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(colormap(0.0), [0.267, 0.005, 0.329]);
        assert_eq!(colormap(1.0), [0.993, 0.906, 0.144]);
    }
}
