//! Orbit/pan/zoom camera (input ignored over the panel), the 3-D viewport beside the panel,
//! ray hover/click picking, and shift-dragging a lens.

use super::frame::SceneFrame;
use super::objects::LensSphere;
use super::trajectories::{update_track_meshes, TrackMeshes};
use super::wheel::wheel_over_view;
use crate::app::bridge::draft::Draft;
use crate::app::bridge::simulation::RunView;
use crate::app::shared::actions::PanelAction;
use crate::app::shared::display::Selection;
use crate::app::shared::layout::{AppSet, UiLayout};
use bevy::camera::visibility::RenderLayers;
use bevy::camera::{CameraOutputMode, Viewport};
use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::input::mouse::AccumulatedMouseMotion;
use bevy::mesh::VertexAttributeValues;
use bevy::prelude::*;
use bevy::render::render_resource::BlendState;
use bevy::render::renderer::RenderAdapterInfo;
use bevy::window::{PrimaryWindow, WindowEvent};
use bevy_egui::{EguiGlobalSettings, PrimaryEguiContext};
use std::time::Instant;

/// Spherical coordinates of the camera around its target (scene units, Mpc).
#[derive(Component, Debug, Clone, Copy)]
pub struct OrbitCamera {
    pub target: Vec3,
    pub distance: f32,
    pub yaw: f32,
    pub pitch: f32,
}

impl OrbitCamera {
    /// The whole box in view, looking at the ray axis from the side (a little raised and from
    /// the observer's end), so the cone and the bending are seen across, not end-on.
    /// `aspect` is the 3-D viewport's width over height: the field of view (45°) is vertical,
    /// so a view narrowed by the panels sees less across and the camera steps back.
    pub fn framing(frame: &SceneFrame, ray_axis: Vec3, aspect: f32) -> OrbitCamera {
        let axis = ray_axis.normalize_or(Vec3::X);
        let side = axis.cross(Vec3::Y).normalize_or(Vec3::Z);
        let view = (side + 0.4 * Vec3::Y - 0.3 * axis).normalize();
        // Scaled to the box's bounding sphere (45° field of view), a little inside it.
        let radius = frame.half_mpc.iter().map(|h| h * h).sum::<f64>().sqrt() as f32;
        OrbitCamera {
            target: Vec3::ZERO,
            distance: 0.85 * radius
                / ((std::f32::consts::FRAC_PI_8).tan() * aspect.clamp(0.1, 1.0)),
            yaw: view.x.atan2(view.z),
            pitch: view.y.asin(),
        }
    }

    pub fn transform(&self) -> Transform {
        let dir = Vec3::new(
            self.pitch.cos() * self.yaw.sin(),
            self.pitch.sin(),
            self.pitch.cos() * self.yaw.cos(),
        );
        Transform::from_translation(self.target + dir * self.distance)
            .looking_at(self.target, Vec3::Y)
    }
}

/// The 3-D camera (its viewport set beside the panel each frame) and a separate camera that
/// draws only egui over the whole window, so the panel is not squeezed into the 3-D viewport.
pub fn spawn_camera(
    mut commands: Commands,
    mut egui_settings: ResMut<EguiGlobalSettings>,
    adapter: Option<Res<RenderAdapterInfo>>,
) {
    // Multisampling costs a software rasteriser (llvmpipe) about 6x per frame with hundreds of
    // long lines (1.3 s against 0.2 s for 500 rays, measured), starving the tracer of CPU; keep
    // it for real GPUs only. wgpu's DeviceType is not re-exported by Bevy, hence its Debug name.
    let software = adapter.is_some_and(|a| format!("{:?}", a.device_type) == "Cpu");
    let msaa = if software { Msaa::Off } else { Msaa::Sample4 };
    egui_settings.auto_create_primary_context = false;
    commands.spawn((
        PrimaryEguiContext,
        Camera2d,
        // egui draws into the camera's unsampled main texture. With the default 4× MSAA only the
        // multisampled texture is cleared each frame, so the unsampled one kept every earlier
        // frame's labels (stale "200 Mpc" after each zoom step, an overlay that darkened frame
        // after frame). egui anti-aliases its own shapes; no MSAA here.
        Msaa::Off,
        RenderLayers::none(),
        Camera {
            order: 1,
            output_mode: CameraOutputMode::Write {
                blend_state: Some(BlendState::ALPHA_BLENDING),
                clear_color: ClearColorConfig::None,
            },
            clear_color: ClearColorConfig::Custom(Color::NONE),
            ..default()
        },
    ));
    commands.spawn((
        Camera3d::default(),
        // Colour maps must show as drawn, not tone-mapped.
        Tonemapping::None,
        msaa,
        Projection::from(PerspectiveProjection {
            near: 0.05,
            far: 1e7,
            ..default()
        }),
        OrbitCamera {
            target: Vec3::ZERO,
            distance: 2000.0,
            yaw: 0.75,
            pitch: 0.45,
        },
        Transform::default(),
    ));
}

/// A lens being dragged: its index and the drag plane's depth along the view direction.
#[derive(Resource, Default)]
pub struct Interaction {
    dragging: Option<usize>,
    press_at: Option<Vec2>,
    last_cursor: Option<Vec2>,
    /// The frame the camera was last fitted to (re-fitted when a preset changes it).
    framed: Option<SceneFrame>,
    /// Where the pointer was after the last frame's window events (for [`wheel_over_view`]).
    wheel_cursor: Option<Vec2>,
}

/// Reset/focus requests, viewport beside the panel, and mouse orbit, pan and zoom.
#[allow(clippy::too_many_arguments)]
pub fn camera_control(
    mut cams: Query<(&mut OrbitCamera, &mut Transform, &mut Camera)>,
    mut actions: MessageReader<PanelAction>,
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    motion: Res<AccumulatedMouseMotion>,
    mut window_events: MessageReader<WindowEvent>,
    layout: Res<UiLayout>,
    frame: Res<SceneFrame>,
    draft: Res<Draft>,
    mut interaction: ResMut<Interaction>,
    window: Single<&Window, With<PrimaryWindow>>,
) {
    let Ok((mut orbit, mut transform, mut camera)) = cams.single_mut() else {
        return;
    };
    let axis = frame.to_scene(draft.config.rays.toward_mpc)
        - frame.to_scene(draft.config.observer.position_mpc);
    let view_w = window.width() - layout.left_px - layout.right_px;
    let view_h = window.height() - layout.bottom_px;
    let aspect = view_w.max(1.0) / view_h.max(1.0);
    if interaction.framed != Some(*frame) {
        interaction.framed = Some(*frame);
        *orbit = OrbitCamera::framing(&frame, axis, aspect);
    }
    for a in actions.read() {
        match a {
            PanelAction::ResetCamera => *orbit = OrbitCamera::framing(&frame, axis, aspect),
            // A new config is framed afresh when its run arrives, whatever the old zoom.
            PanelAction::LoadConfig(_) => interaction.framed = None,
            PanelAction::FocusLens(i) => {
                if let Some(l) = draft.config.lenses.get(*i) {
                    orbit.target = frame.to_scene(l.center_mpc);
                    orbit.distance = (l.radius_mpc.max(1.0) * 12.0) as f32;
                }
            }
            _ => {}
        }
    }
    let scale = window.scale_factor();
    let left = (layout.left_px * scale) as u32;
    let right = (layout.right_px * scale) as u32;
    let bottom = (layout.bottom_px * scale) as u32;
    let (w, h) = (window.physical_width(), window.physical_height());
    if w > left + right + 16 && h > bottom + 16 {
        camera.viewport = Some(Viewport {
            physical_position: UVec2::new(left, 0),
            physical_size: UVec2::new(w - left - right, h - bottom),
            ..default()
        });
    }
    let shift = keys.pressed(KeyCode::ShiftLeft) || keys.pressed(KeyCode::ShiftRight);
    // The 3-D view takes input only where it is drawn: egui's own answer (pointer_over_ui) is
    // a frame old and misses a wheel turned over a panel's background, so the pointer must
    // also lie inside the viewport's rectangle (logical pixels): for the wheel, where it was at
    // each turn (`wheel_over_view`), for a drag where it is now. Without a position (the
    // pointer outside the window, or a synthetic wheel of `--zoom`) the view takes the event.
    let (left_px, right_px, bottom_px) = (layout.left_px, layout.right_px, layout.bottom_px);
    let (width_px, height_px) = (window.width(), window.height());
    let inside =
        |p: Vec2| p.x >= left_px && p.x <= width_px - right_px && p.y <= height_px - bottom_px;
    let in_view = window.cursor_position().is_none_or(inside);
    let wheel_notches =
        wheel_over_view(window_events.read(), &mut interaction.wheel_cursor, inside);
    if !layout.pointer_over_ui && interaction.dragging.is_none() && wheel_notches != 0.0 {
        orbit.distance = (orbit.distance * (-wheel_notches * 0.12).exp()).max(0.01);
    }
    if in_view && !layout.pointer_over_ui && interaction.dragging.is_none() {
        let d = motion.delta;
        if buttons.pressed(MouseButton::Left) && !shift {
            orbit.yaw -= d.x * 0.006;
            orbit.pitch = (orbit.pitch + d.y * 0.006).clamp(-1.55, 1.55);
        }
        if buttons.pressed(MouseButton::Right) || buttons.pressed(MouseButton::Middle) {
            let k = orbit.distance * 0.0015;
            let (right, up) = (transform.right(), transform.up());
            orbit.target += (-right * d.x + up * d.y) * k;
        }
    }
    *transform = orbit.transform();
}

/// Hover and click picking of rays, and shift-drag of lens spheres in the view plane.
#[allow(clippy::too_many_arguments)]
pub fn pick_and_drag(
    cams: Query<(&Camera, &GlobalTransform), With<OrbitCamera>>,
    spheres: Query<(&LensSphere, &GlobalTransform, &Transform)>,
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    layout: Res<UiLayout>,
    frame: Res<SceneFrame>,
    store: Res<TrackMeshes>,
    meshes: Res<Assets<Mesh>>,
    view: Res<RunView>,
    mut draft: ResMut<Draft>,
    mut selection: ResMut<Selection>,
    mut interaction: ResMut<Interaction>,
    window: Single<&Window, With<PrimaryWindow>>,
) {
    let Ok((camera, cam_t)) = cams.single() else {
        return;
    };
    let Some(cursor) = window.cursor_position() else {
        return;
    };
    let shift = keys.pressed(KeyCode::ShiftLeft) || keys.pressed(KeyCode::ShiftRight);
    if buttons.just_pressed(MouseButton::Left) && !layout.pointer_over_ui {
        interaction.press_at = Some(cursor);
        if shift {
            interaction.dragging = spheres
                .iter()
                .filter_map(|(LensSphere(i), g, t)| {
                    let c = camera.world_to_viewport(cam_t, g.translation()).ok()?;
                    let edge = camera
                        .world_to_viewport(cam_t, g.translation() + cam_t.right() * t.scale.x)
                        .ok()?;
                    let dist = c.distance(cursor);
                    (dist <= c.distance(edge).max(14.0)).then_some((*i, dist))
                })
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i);
        }
    }
    if let Some(i) = interaction.dragging {
        if !buttons.pressed(MouseButton::Left) {
            interaction.dragging = None;
        } else if let (Some(lens), Ok(ray)) = (
            draft.config.lenses.get(i),
            camera.viewport_to_world(cam_t, cursor),
        ) {
            let centre = frame.to_scene(lens.center_mpc);
            let normal = cam_t.forward();
            let denom = ray.direction.dot(*normal);
            if denom.abs() > 1e-6 {
                let s = (centre - ray.origin).dot(*normal) / denom;
                let p = ray.origin + ray.direction * s;
                let mpc = [0, 1, 2].map(|k| frame.centre_mpc[k] + p[k] as f64);
                draft.config.lenses[i].center_mpc = mpc;
                draft.touched(Instant::now());
            }
        }
        return;
    }
    // The first position seen is not a move: a cursor resting where the window opened (as under
    // Xvfb) must not hover a ray.
    let moved = interaction.last_cursor.is_some_and(|c| c != cursor);
    interaction.last_cursor = Some(cursor);
    if layout.pointer_over_ui {
        selection.hovered_ray = None;
    } else if moved || buttons.just_released(MouseButton::Left) {
        let drawn = |id: usize| view.tracks.get(id).is_some_and(|t| t.points.len() >= 2);
        selection.hovered_ray = nearest_ray(camera, cam_t, cursor, &store, &meshes, drawn);
    }
    if buttons.just_released(MouseButton::Left) && !layout.pointer_over_ui {
        let still = interaction
            .press_at
            .is_some_and(|p| p.distance(cursor) < 4.0);
        if still {
            selection.selected_ray = selection.hovered_ray;
        }
    }
}

/// The ray whose drawn line passes within 10 px of the cursor, nearest first.
fn nearest_ray(
    camera: &Camera,
    cam_t: &GlobalTransform,
    cursor: Vec2,
    store: &TrackMeshes,
    meshes: &Assets<Mesh>,
    drawn: impl Fn(usize) -> bool,
) -> Option<usize> {
    let total: usize = store.entities.len().max(1);
    let mut best: Option<(usize, f32)> = None;
    for (id, (_, handle)) in store
        .entities
        .iter()
        .enumerate()
        .filter(|(id, _)| drawn(*id))
    {
        let Some(VertexAttributeValues::Float32x3(p)) = meshes
            .get(handle)
            .and_then(|m| m.attribute(Mesh::ATTRIBUTE_POSITION))
        else {
            continue;
        };
        // About 60k projected points in all, whatever the ray count.
        let stride = (p.len() * total / 60_000).max(1);
        for v in p.iter().step_by(stride) {
            if let Ok(s) = camera.world_to_viewport(cam_t, Vec3::from_array(*v)) {
                let d = s.distance(cursor);
                if d < 10.0 && best.is_none_or(|(_, b)| d < b) {
                    best = Some((id, d));
                }
            }
        }
    }
    best.map(|(id, _)| id)
}

/// Draws the selected ray over the others.
pub fn highlight_selected(
    mut gizmos: Gizmos,
    selection: Res<Selection>,
    store: Res<TrackMeshes>,
    meshes: Res<Assets<Mesh>>,
) {
    let Some((_, handle)) = selection.selected_ray.and_then(|i| store.entities.get(i)) else {
        return;
    };
    if let Some(VertexAttributeValues::Float32x3(p)) = meshes
        .get(handle)
        .and_then(|m| m.attribute(Mesh::ATTRIBUTE_POSITION))
    {
        gizmos.linestrip(
            p.iter().map(|v| Vec3::from_array(*v)),
            Color::srgb(1.0, 1.0, 0.2),
        );
    }
}

/// The cameras, mouse navigation and picking.
pub struct CameraPlugin;

impl Plugin for CameraPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Interaction>()
            .add_systems(Startup, spawn_camera)
            .add_systems(
                Update,
                (camera_control, pick_and_drag, highlight_selected)
                    .chain()
                    .after(update_track_meshes)
                    .in_set(AppSet::Scene),
            );
    }
}
