//! Immediate-mode overlays (few lines each frame, so gizmos suit them): box outline, axis
//! triad, Mpc scale bar, ray axis and cone or beam outline, with their text labels; and the
//! draft previewed where it differs from the run on screen (a lens moved or resized but not
//! yet traced, or rejected) as a wire sphere labelled "edit".

use super::frame::{SceneFrame, SceneLabels};
use super::trajectories::track_vertices;
use crate::app::bridge::draft::Draft;
use crate::app::bridge::simulation::RunView;
use crate::app::shared::colors::nice_length;
use crate::app::shared::display::Display;
use crate::app::shared::layout::AppSet;
use crate::app::sky::view::{PickedPixel, SkyView};
use crate::config::{PatternKind, RunConfig};
use bevy::prelude::*;

/// Box outline, axis triad, scale bar, ray axis and cone outline, and their labels.
pub fn draw_gizmos(
    mut gizmos: Gizmos,
    display: Res<Display>,
    view: Res<RunView>,
    draft: Res<Draft>,
    frame: Res<SceneFrame>,
    mut labels: ResMut<SceneLabels>,
) {
    let d = &*display;
    labels.0.clear();
    let c: &RunConfig = view.config.as_deref().unwrap_or(&draft.config);
    let half = Vec3::new(
        frame.half_mpc[0] as f32,
        frame.half_mpc[1] as f32,
        frame.half_mpc[2] as f32,
    );
    if d.show_box {
        gizmos.cube(
            Transform::from_scale(2.0 * half),
            Color::srgba(0.7, 0.7, 0.8, 0.6),
        );
        let bar = nice_length(frame.size_mpc() * 0.25);
        // Along the bottom x edge, ending at the corner opposite the observer's axis triad.
        let end = Vec3::new(half.x, -half.y, -half.z);
        let start = end - Vec3::X * bar as f32;
        gizmos.line(start, end, Color::WHITE);
        let tick = Vec3::Y * (frame.size_mpc() * 0.01) as f32;
        gizmos.line(start - tick, start + tick, Color::WHITE);
        gizmos.line(end - tick, end + tick, Color::WHITE);
        labels
            .0
            .push(((start + end) * 0.5 + tick * 3.0, format!("{bar} Mpc")));
    }
    if d.show_axes {
        let o = -half;
        let len = (frame.size_mpc() * 0.12) as f32;
        for (dir, color, name) in [
            (Vec3::X, Color::srgb(1.0, 0.3, 0.3), "x"),
            (Vec3::Y, Color::srgb(0.3, 1.0, 0.3), "y"),
            (Vec3::Z, Color::srgb(0.4, 0.5, 1.0), "z"),
        ] {
            gizmos.arrow(o, o + dir * len, color);
            labels.0.push((o + dir * len * 1.1, name.into()));
        }
    }
    if d.show_lenses {
        for (i, l) in c.lenses.iter().enumerate() {
            labels.0.push((
                frame.to_scene(l.center_mpc),
                format!("lens {i}: {:.2e} M☉", l.mass_msun),
            ));
        }
    }
    if d.show_cone {
        cone_outline(&mut gizmos, c, &frame);
    }
    if d.show_lenses {
        draft_preview(&mut gizmos, &mut labels, c, &draft.config, &frame);
    }
}

/// The picked pixel's geodesic, after [`draw_gizmos`] (which starts the frame's labels).
fn draw_picked(
    mut gizmos: Gizmos<PickGizmos>,
    mut labels: ResMut<SceneLabels>,
    sky: Res<SkyView>,
    display: Res<Display>,
    frame: Res<SceneFrame>,
) {
    if let Some(p) = &sky.picked {
        picked_geodesic(&mut gizmos, &mut labels, p, display.exaggeration, &frame);
    }
}

/// The geodesic of the pixel picked in the image panel (bends exaggerated like the rays), and
/// the source plane it ends on (drawn at least 6 % of the scene wide, so it can be seen).
fn picked_geodesic(
    gizmos: &mut Gizmos<PickGizmos>,
    labels: &mut SceneLabels,
    p: &PickedPixel,
    exaggeration: f64,
    frame: &SceneFrame,
) {
    const PICK: Color = Color::srgb(1.0, 0.3, 0.85);
    let vertices = track_vertices(&p.track, exaggeration, frame.centre_mpc);
    gizmos.linestrip(vertices.iter().map(|v| Vec3::from_array(*v)), PICK);
    let centre = frame.to_scene(p.plane_centre_mpc);
    let n = Vec3::new(
        p.plane_normal[0] as f32,
        p.plane_normal[1] as f32,
        p.plane_normal[2] as f32,
    );
    let half = p.plane_half_mpc.max(0.03 * frame.size_mpc()) as f32;
    let u = n.any_orthonormal_vector();
    let v = n.cross(u);
    let corners = [u + v, u - v, -u - v, -u + v, u + v].map(|c| centre + c * half);
    gizmos.linestrip(corners, Color::srgba(1.0, 0.85, 0.3, 0.8));
    labels
        .0
        .push((centre + (u + v) * half, "source plane".into()));
    // Labelled a quarter of the way to the source plane, clear of the lens's label (steps
    // crowd around the lens, so this goes by distance, not by vertex count).
    let start = vertices
        .first()
        .map_or(Vec3::ZERO, |v| Vec3::from_array(*v));
    let quarter = 0.25 * start.distance(centre);
    if let Some(at) = vertices
        .iter()
        .find(|v| Vec3::from_array(**v).distance(start) >= quarter)
    {
        labels
            .0
            .push((Vec3::from_array(*at), "picked pixel's geodesic".into()));
    }
}

/// Each draft lens that is not where (or as large as) the lens on screen: a wire sphere.
fn draft_preview(
    gizmos: &mut Gizmos,
    labels: &mut SceneLabels,
    shown: &RunConfig,
    draft: &RunConfig,
    frame: &SceneFrame,
) {
    let colour = Color::srgba(1.0, 0.85, 0.3, 0.8);
    for (i, l) in draft.lenses.iter().enumerate() {
        let same = shown
            .lenses
            .get(i)
            .is_some_and(|s| s.center_mpc == l.center_mpc && s.radius_mpc == l.radius_mpc);
        if same {
            continue;
        }
        let centre = frame.to_scene(l.center_mpc);
        let r = (l.radius_mpc as f32).max((frame.size_mpc() * 0.006) as f32);
        gizmos.sphere(Isometry3d::from_translation(centre), r, colour);
        labels
            .0
            .push((centre + Vec3::Y * r, format!("lens {i} (edit)")));
    }
}

fn cone_outline(gizmos: &mut Gizmos, c: &RunConfig, frame: &SceneFrame) {
    let o = frame.to_scene(c.observer.position_mpc);
    let t = frame.to_scene(c.rays.toward_mpc);
    let axis = (t - o).normalize_or_zero();
    if axis == Vec3::ZERO {
        return;
    }
    let length = c
        .integration
        .stop
        .distance_mpc
        .map_or((t - o).length(), |d| d as f32);
    let colour = Color::srgba(0.5, 1.0, 0.6, 0.7);
    gizmos.line(o, o + axis * length, Color::srgba(0.5, 1.0, 0.6, 0.35));
    let iso = Isometry3d::new(o, Quat::from_rotation_arc(Vec3::Z, axis));
    let (u, v) = axis.any_orthonormal_pair();
    match c.rays.pattern {
        PatternKind::Beam => {
            let r = c.rays.impact_mpc.iter().fold(0.0f64, |a, b| a.max(b.abs())) as f32;
            gizmos.circle(iso, r, colour);
            let far = Isometry3d::new(o + axis * length, iso.rotation);
            gizmos.circle(far, r, colour);
        }
        _ => {
            let r = length * (c.rays.half_angle_deg.to_radians().tan() as f32);
            let end = o + axis * length;
            gizmos.circle(Isometry3d::new(end, iso.rotation), r, colour);
            for w in [u, -u, v, -v] {
                gizmos.line(o, end + w * r, colour);
            }
        }
    }
}

/// The overlays, drawn after the scene objects.
pub struct GizmosPlugin;

impl Plugin for GizmosPlugin {
    fn build(&self, app: &mut App) {
        app.init_gizmo_group::<PickGizmos>()
            .add_systems(Startup, |mut store: ResMut<GizmoConfigStore>| {
                store.config_mut::<PickGizmos>().0.line.width = PICK_LINE_PX;
            })
            .add_systems(
                Update,
                (draw_gizmos, draw_picked).chain().in_set(AppSet::Scene),
            );
    }
}

/// The picked pixel's geodesic is drawn thicker than the rays, so it stands out among them.
#[derive(Default, Reflect, GizmoConfigGroup)]
pub struct PickGizmos;

const PICK_LINE_PX: f32 = 5.0;
