//! The objects of the 3-D scene: lights, lens spheres, observer and the Φ/c² slice, all drawn
//! from the run on screen (the draft's differences are previewed by the gizmos). Scene
//! coordinates are Mpc from the frame's centre.

use super::density::{DensityJob, DensityKey};
use super::frame::SceneFrame;
use super::legend::Legend;
use crate::app::bridge::simulation::Simulation;
use crate::app::bridge::simulation::{RunStatus, RunView};
use crate::app::shared::colors::colormap;
use crate::app::shared::display::{Display, SliceShows};
use crate::app::shared::layout::AppSet;
use crate::config::ProfileKind;
use crate::units::{C2, MPC_M};
use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use std::sync::Arc;

/// Texels per side of the potential slice.
const SLICE_TEXELS: usize = 160;

#[derive(Component)]
pub struct LensSphere(pub usize);

#[derive(Component)]
pub struct ObserverMarker;

#[derive(Component)]
pub struct SliceQuad;

pub fn setup_scene(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    commands.insert_resource(GlobalAmbientLight {
        color: Color::WHITE,
        brightness: 600.0,
        affects_lightmapped_meshes: true,
    });
    commands.spawn((
        DirectionalLight {
            illuminance: 6000.0,
            ..default()
        },
        Transform::from_xyz(1.0, 2.0, 1.5).looking_at(Vec3::ZERO, Vec3::Y),
    ));
    commands.spawn((
        ObserverMarker,
        Mesh3d(meshes.add(Sphere::new(1.0))),
        MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::srgb(0.3, 1.0, 0.4),
            unlit: true,
            ..default()
        })),
        Transform::default(),
    ));
}

/// Keeps the lens spheres and observer in step with the run on screen.
#[allow(clippy::too_many_arguments)]
pub fn sync_objects(
    mut commands: Commands,
    view: Res<RunView>,
    display: Res<Display>,
    frame: Res<SceneFrame>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut spheres: Query<
        (Entity, &LensSphere, &mut Transform, &mut Visibility),
        Without<ObserverMarker>,
    >,
    mut observer: Query<&mut Transform, With<ObserverMarker>>,
) {
    let Some(config) = view.config.as_deref() else {
        return;
    };
    let marker = (frame.size_mpc() * 0.006) as f32;
    let n_spheres = spheres.iter().count();
    if n_spheres != config.lenses.len() {
        for (e, ..) in &spheres {
            commands.entity(e).despawn();
        }
        for i in 0..config.lenses.len() {
            commands.spawn((
                LensSphere(i),
                Mesh3d(meshes.add(Sphere::new(1.0).mesh().uv(32, 18))),
                MeshMaterial3d(materials.add(StandardMaterial {
                    base_color: Color::srgba(1.0, 0.6, 0.2, 0.45),
                    alpha_mode: AlphaMode::Blend,
                    ..default()
                })),
                Transform::default(),
                Visibility::Visible,
            ));
        }
        return;
    }
    for (_, LensSphere(i), mut t, mut vis) in &mut spheres {
        let Some(l) = config.lenses.get(*i) else {
            continue;
        };
        let r = match l.profile {
            ProfileKind::Point => l.core_radius_or_default_mpc() as f32,
            _ => l.radius_mpc as f32,
        };
        t.translation = frame.to_scene(l.center_mpc);
        t.scale = Vec3::splat(r.max(marker));
        *vis = if display.show_lenses {
            Visibility::Visible
        } else {
            Visibility::Hidden
        };
    }
    for mut t in &mut observer {
        t.translation = frame.to_scene(config.observer.position_mpc);
        t.scale = Vec3::splat(marker);
    }
}

/// What the slice was last computed from: the field, what it shows, its axis and position,
/// the frame.
#[derive(Default)]
pub struct SliceKey(Option<(usize, SliceShows, usize, u64, [u64; 3])>);

/// Recomputes the slice texture (|Φ|/c², or the snapshot's ρ/ρ̄ once its plane has been read)
/// when the field, the slice or the frame changes.
#[allow(clippy::too_many_arguments)]
pub fn update_slice(
    mut commands: Commands,
    view: Res<RunView>,
    display: Res<Display>,
    frame: Res<SceneFrame>,
    sim: Res<Simulation>,
    mut density: ResMut<DensityJob>,
    mut key: Local<SliceKey>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut images: ResMut<Assets<Image>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut legend: ResMut<Legend>,
    quads: Query<Entity, With<SliceQuad>>,
) {
    let d = &*display;
    // While a run rebuilds the field, or after a config failed, the old slice stays up: no
    // flicker on every edit, and a failed edit leaves the previous scene whole.
    let keep_old = matches!(
        view.status,
        RunStatus::Building | RunStatus::Tracing | RunStatus::Failed
    );
    let Some(field) = view.field.as_ref().filter(|_| d.show_slice) else {
        if d.show_slice && keep_old {
            return;
        }
        for e in &quads {
            commands.entity(e).despawn();
        }
        legend.slice = None;
        legend.slice_error = None;
        key.0 = None;
        return;
    };
    let Some(config) = view.config.as_ref() else {
        return;
    };
    let position = d.slice_position_mpc(config);
    let k = (
        Arc::as_ptr(field) as usize,
        d.slice_shows,
        d.slice_axis,
        position.to_bits(),
        frame.centre_mpc.map(f64::to_bits),
    );
    if key.0 == Some(k) {
        return;
    }
    let (rgba, range) = match d.slice_shows {
        SliceShows::Potential => {
            let (rgba, range) = slice_texture(&frame, d.slice_axis, position, None, |p| {
                field
                    .phi_at(p.map(|c| c * MPC_M))
                    .map(|phi| (phi / C2).abs())
            });
            (
                rgba,
                range.map(|(lo, hi)| ("slice |Φ|/c² (log scale)", lo, hi)),
            )
        }
        SliceShows::Density => {
            let asked = DensityKey::of(config, d.slice_axis, position);
            // Until the plane is read, the slice on screen stays.
            match density.plane(asked, &sim.base_dir) {
                None => return,
                Some(Err(e)) => {
                    // Said where its colour bar would be; the slice on screen stays.
                    legend.slice_error = Some(e);
                    key.0 = Some(k);
                    return;
                }
                Some(Ok(plane)) => {
                    let (a, b) = plane_axes(d.slice_axis);
                    let (rgba, range) =
                        slice_texture(&frame, d.slice_axis, position, Some(3.0), |p| {
                            Some(plane.at(p[a], p[b]))
                        });
                    let label = "slice density / mean of the snapshot (log, 3 decades)";
                    (rgba, range.map(|(lo, hi)| (label, lo, hi)))
                }
            }
        }
    };
    key.0 = Some(k);
    for e in &quads {
        commands.entity(e).despawn();
    }
    legend.slice = range;
    legend.slice_error = None;
    let image = Image::new(
        Extent3d {
            width: SLICE_TEXELS as u32,
            height: SLICE_TEXELS as u32,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        rgba,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::default(),
    );
    let material = materials.add(StandardMaterial {
        base_color_texture: Some(images.add(image)),
        unlit: true,
        double_sided: true,
        cull_mode: None,
        alpha_mode: AlphaMode::Blend,
        ..default()
    });
    commands.spawn((
        SliceQuad,
        Mesh3d(meshes.add(slice_quad(&frame, d.slice_axis, position))),
        MeshMaterial3d(material),
    ));
}

/// The two in-plane axes of a slice normal to `axis`.
fn plane_axes(axis: usize) -> (usize, usize) {
    ((axis + 1) % 3, (axis + 2) % 3)
}

fn corner(frame: &SceneFrame, axis: usize, position: f64, u: f64, v: f64) -> [f64; 3] {
    let (a, b) = plane_axes(axis);
    let mut p = frame.centre_mpc;
    p[axis] = position;
    p[a] += (2.0 * u - 1.0) * frame.half_mpc[a];
    p[b] += (2.0 * v - 1.0) * frame.half_mpc[b];
    p
}

fn slice_quad(frame: &SceneFrame, axis: usize, position: f64) -> Mesh {
    let uv = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
    let positions: Vec<Vec3> = uv
        .iter()
        .map(|[u, v]| frame.to_scene(corner(frame, axis, position, *u, *v)))
        .collect();
    let mut normal = [0.0f32; 3];
    normal[axis] = 1.0;
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::default(),
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, vec![normal; 4])
    .with_inserted_attribute(
        Mesh::ATTRIBUTE_UV_0,
        uv.map(|[u, v]| [u as f32, v as f32]).to_vec(),
    )
    .with_inserted_indices(Indices::U32(vec![0, 1, 2, 0, 2, 3]))
}

/// RGBA texels of `value` (|Φ|/c², ρ/ρ̄) at the texel centres of the slice, on a log scale
/// (texel (i, j) at u = i, v = j), and the range shown. A log scale, because a lens well and
/// the cosmic web span decades. Points where it has no value (outside a grid) or a zero (an
/// empty cell of a snapshot: nothing on a log scale) are clear. With `decades`, the scale
/// spans that many below the largest value, and smaller ones take its lowest colour (the
/// legend says so): a few nearly empty cells would otherwise squeeze the web into one colour.
pub fn slice_texture(
    frame: &SceneFrame,
    axis: usize,
    position: f64,
    decades: Option<f64>,
    value: impl Fn([f64; 3]) -> Option<f64>,
) -> (Vec<u8>, Option<(f64, f64)>) {
    let n = SLICE_TEXELS;
    let values: Vec<Option<f64>> = (0..n * n)
        .map(|k| {
            let (i, j) = (k % n, k / n);
            value(corner(
                frame,
                axis,
                position,
                (i as f64 + 0.5) / n as f64,
                (j as f64 + 0.5) / n as f64,
            ))
        })
        .collect();
    let positive = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite() && *v > 0.0);
    let (lo, hi) = positive.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let lo = decades.map_or(lo, |d| lo.max(hi * 10f64.powf(-d)));
    let range = (lo <= hi).then_some((lo, hi));
    let (log_lo, span) = (lo.log10(), (hi.log10() - lo.log10()).max(1e-12));
    let mut rgba = Vec::with_capacity(4 * n * n);
    for v in &values {
        match v {
            Some(v) if v.is_finite() && *v > 0.0 => {
                let t = ((v.log10() - log_lo) / span).max(0.0);
                let [r, g, b] = colormap(t).map(|c| (c * 255.0) as u8);
                rgba.extend_from_slice(&[r, g, b, 170]);
            }
            _ => rgba.extend_from_slice(&[0, 0, 0, 0]),
        }
    }
    (rgba, range)
}

/// Lights, lens spheres, observer and slice.
pub struct ScenePlugin;

impl Plugin for ScenePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Legend>()
            .init_resource::<DensityJob>()
            .add_systems(Startup, setup_scene)
            .add_systems(
                Update,
                (sync_objects, update_slice).chain().in_set(AppSet::Scene),
            );
    }
}
