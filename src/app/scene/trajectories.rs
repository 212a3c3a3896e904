//! Trajectories as retained line-strip meshes, one per ray, rebuilt only when its points or
//! the colouring change, within a time budget per frame.

use super::frame::SceneFrame;
use super::legend::{Legend, Scale};
use crate::app::bridge::simulation::{RunView, Track};
use crate::app::shared::colors::{colormap, end_reason_color};
use crate::app::shared::display::{ColorBy, Display};
use crate::app::shared::layout::AppSet;
use crate::app::shared::timings::FrameTimings;
use crate::session::RaySummary;
use crate::units::rad_to_arcsec;
use bevy::asset::RenderAssetUsages;
use bevy::mesh::PrimitiveTopology;
use bevy::prelude::*;
use std::time::{Duration, Instant};

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
    let per_ray = |f: &dyn Fn(&RaySummary) -> [f32; 3]| track.summary.as_ref().map_or(STREAMING, f);
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
    display: Res<Display>,
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
            let mesh = meshes.add(placeholder_line());
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
    let d = &*display;
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
        // A track with fewer than two points keeps its old (hidden) vertices: a mesh of zero
        // vertices has no GPU allocation, and the renderer logs a use-after-free for it.
        if !visible {
            continue;
        }
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

/// A two-vertex line at the origin: what a ray's mesh holds until its first points arrive.
fn placeholder_line() -> Mesh {
    Mesh::new(PrimitiveTopology::LineStrip, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, vec![[0.0f32; 3]; 2])
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, vec![[0.0f32; 4]; 2])
}

/// The ray meshes.
pub struct TrajectoriesPlugin;

impl Plugin for TrajectoriesPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<TrackMeshes>()
            .init_resource::<Legend>()
            .add_systems(Update, update_track_meshes.in_set(AppSet::Scene));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Pass, TrackPoint};

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
}
