//! The lensed sky beside the rays: every run the draft starts also renders the observer's
//! image of the source (64² first, then 256², on the session's pool), the newest replacing the
//! old only when it arrives; a picked pixel's geodesic is traced for the 3-D scene; the
//! thin-lens picture and residual of the same lenses are derived on demand.
//!
//! No egui here (the panel is `sky/panel.rs`): the headless bridge tests drive this plugin.

use crate::app::bridge::draft::Draft;
use crate::app::bridge::simulation::{SimCommand, Simulation, Track};
use crate::app::shared::actions::PanelAction;
use crate::app::shared::display::Presentation;
use crate::app::shared::layout::AppSet;
use crate::app::shared::timings::FrameTimings;
use crate::config::ValidConfig;
use crate::config::ViewLayout;
use crate::lensing::{lens_centroid, Landing, Picture, SkyTracer, ThinLens};
use crate::session::{ImageMessage, Pass, RenderedImage, TrackPoint};
use crate::units::MPC_M;
use bevy::prelude::*;
use crossbeam_channel::{Receiver, TryRecvError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// The sizes rendered per edit: a preview within a frame or two, then the refined image.
pub const IMAGE_SIZES: [usize; 2] = [64, 256];

/// The size of a finished image (the last of [`IMAGE_SIZES`]); smaller ones are previews,
/// shown without curves until it arrives.
pub const FINE_SIZE: usize = IMAGE_SIZES[1];

/// What the image panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SkyMode {
    /// The image from the traced geodesics.
    #[default]
    Traced,
    /// The same lenses in the thin-lens approximation.
    ThinLens,
    /// |β_traced − β_thin| per pixel, in units of θ_E.
    Residual,
    /// The same source with no lens (β = θ): what the lenses change.
    Unlensed,
}

/// Which overlays are drawn over the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkyOverlays {
    pub critical_curves: bool,
    pub caustics: bool,
    pub images: bool,
    pub einstein_circle: bool,
}

impl Default for SkyOverlays {
    fn default() -> Self {
        SkyOverlays {
            critical_curves: true,
            caustics: true,
            images: true,
            einstein_circle: false,
        }
    }
}

/// A pixel whose geodesic is shown in the 3-D scene.
#[derive(Debug, Clone)]
pub struct PickedPixel {
    /// Lattice position (column, row) in the image, in pixels of the image it was picked on.
    pub pixel: [f64; 2],
    pub theta: [f64; 2],
    /// Unit launch direction from the observer (the pixel's direction on the sky).
    pub direction: [f64; 3],
    pub landing: Landing,
    /// The traced path, as the scene draws rays.
    pub track: Track,
    /// Where the source plane is: its centre [Mpc] and unit axis, and its half-width [Mpc].
    pub plane_centre_mpc: [f64; 3],
    pub plane_normal: [f64; 3],
    pub plane_half_mpc: f64,
}

/// The thin-lens comparison of the rendered image (derived once per image).
pub struct ThinView {
    pub picture: Picture,
    /// Per pixel |β_traced − β_thin| / θ_E.
    pub residual_over_theta_e: Vec<f64>,
    pub max_residual_over_theta_e: f64,
}

/// Time from an edit to its first image and to its finished one (the same when a finished
/// image was on screen: no preview is rendered then).
#[derive(Debug, Clone, Copy, Default)]
pub struct SkyTiming {
    pub submitted: Option<Instant>,
    pub first_s: Option<f64>,
    pub refined_s: Option<f64>,
}

/// The image panel's state.
#[derive(Resource, Default)]
pub struct SkyView {
    /// Whether the panel is shown (and images rendered).
    pub open: bool,
    pub mode: SkyMode,
    pub overlays: SkyOverlays,
    /// The newest image, with the model and source it came from.
    pub rendered: Option<RenderedImage>,
    /// Bumped when `rendered` or `mode` changes (the panel re-uploads its texture).
    pub version: u64,
    pub rendering: bool,
    pub error: Option<String>,
    pub timing: SkyTiming,
    pub picked: Option<PickedPixel>,
    /// The thin-lens comparison of `rendered`, or why there is none; None until asked for.
    pub thin: Option<Result<ThinView, String>>,
    active: Option<(Receiver<ImageMessage>, Arc<AtomicBool>)>,
}

impl SkyView {
    /// Renders `config`, cancelling the image in flight; the picture on screen stays until
    /// its successor arrives. Coarse to fine only when no finished image is on screen: a
    /// preview never replaces a finer picture. With a finished image on screen, the session
    /// re-shades it when only the source changed (`RunConfig::same_geodesics`).
    pub fn start(&mut self, sim: &Simulation, config: ValidConfig, threads: usize) {
        if let Some((_, cancel)) = self.active.take() {
            cancel.store(true, Ordering::Relaxed);
        }
        let finished = self
            .rendered
            .clone()
            .filter(|r| r.image.sky.size >= FINE_SIZE);
        let sizes = match finished {
            Some(_) => vec![FINE_SIZE],
            None => IMAGE_SIZES.to_vec(),
        };
        let base_dir = sim.base_dir.clone();
        let job = sim
            .session()
            .submit_image(config, base_dir, sizes, threads, finished);
        self.active = Some(job);
        self.rendering = true;
        self.timing = SkyTiming {
            submitted: Some(Instant::now()),
            ..default()
        };
    }

    /// The image size on screen (0 before the first).
    pub fn size(&self) -> usize {
        self.rendered.as_ref().map_or(0, |r| r.image.sky.size)
    }

    /// Traces the geodesic of the pixel at lattice position `pixel` of the image on screen.
    pub fn pick(&mut self, pixel: [f64; 2]) {
        let Some(r) = &self.rendered else { return };
        let sky = r.image.sky;
        let theta = sky.theta(pixel[0], pixel[1]);
        let cancel = AtomicBool::new(false);
        let (landing, points_m) = SkyTracer::new(&r.model, sky, &cancel).path(theta);
        let observer_mpc = r.model.config.observer.position_mpc;
        let direction = sky.direction(theta);
        let track = Track {
            origin_mpc: observer_mpc,
            direction,
            points: points_m
                .iter()
                .map(|p| TrackPoint {
                    position_mpc: p.map(|v| v / MPC_M),
                    scale_factor: 1.0,
                })
                .collect(),
            summary: None,
            pass: Pass::Full,
            dirty: true,
        };
        let d_s_mpc = sky.source_distance_m / MPC_M;
        self.picked = Some(PickedPixel {
            pixel,
            theta,
            direction,
            landing,
            track,
            plane_centre_mpc: std::array::from_fn(|k| observer_mpc[k] + sky.axis[k] * d_s_mpc),
            plane_normal: sky.axis,
            plane_half_mpc: 0.5 * sky.fov_rad * d_s_mpc * 1.5,
        });
    }

    /// Derives the thin-lens picture and residual of the image on screen (once per image).
    pub fn ensure_thin(&mut self) {
        if self.thin.is_some() {
            return;
        }
        let Some(r) = &self.rendered else { return };
        let image = &r.image;
        self.thin = Some(ThinLens::of(&r.model, &image.sky).and_then(|thin| {
            let theta_e = image
                .einstein_predicted
                .ok_or("no Einstein radius to compare with (no mass in front of the source)")?;
            let residual: Vec<f64> = thin.residual(image).iter().map(|d| d / theta_e).collect();
            let centre = lens_centroid(&r.model).map(|(_, c)| image.sky.angles_of(c));
            let max = max_away_from_centre(&residual, image, centre.unwrap_or([0.0; 2]), theta_e);
            Ok(ThinView {
                picture: thin.picture(image, &r.source),
                residual_over_theta_e: residual,
                max_residual_over_theta_e: max,
            })
        }));
    }
}

/// The largest residual over the pixels whose own ray was traced (so it compares physics,
/// not the map's interpolation, which is good to 0.2 px ≈ 3e-3 θ_E here), at least θ_E/2
/// from the lens centre: the ring, the images of a source within the caustic, and all
/// outside. Closer in, the difference grows as rays pass nearer the mass (measured on the
/// point lens: 1.5e-4 θ_E at θ_E, 6e-4 at θ_E/2, 2e-3 at 0.27 θ_E).
fn max_away_from_centre(
    residual: &[f64],
    image: &crate::lensing::LensedImage,
    centre: [f64; 2],
    theta_e: f64,
) -> f64 {
    let n = image.sky.size;
    residual
        .iter()
        .enumerate()
        .filter(|(k, r)| {
            let t = image.sky.theta((k % n) as f64, (k / n) as f64);
            r.is_finite()
                && image.map.traced[*k]
                && (t[0] - centre[0]).hypot(t[1] - centre[1]) >= 0.5 * theta_e
        })
        .map(|(_, r)| *r)
        .fold(0.0, f64::max)
}

/// Every run started also renders its image (while the panel is open).
fn submit_on_start(
    mut commands: MessageReader<SimCommand>,
    mut sky: ResMut<SkyView>,
    sim: Res<Simulation>,
) {
    for c in commands.read() {
        if let SimCommand::Start { config, threads } | SimCommand::Shade { config, threads } = c {
            if sky.open {
                sky.start(&sim, config.clone(), *threads);
            }
        }
    }
}

/// A loaded config opens as its `[view]` says: a teaching preset chosen from the research
/// window opens the sky panel and the teaching layout (and its theme); a research config keeps
/// what is on screen.
fn follow_loaded_view(
    mut actions: MessageReader<PanelAction>,
    draft: Res<Draft>,
    mut sky: ResMut<SkyView>,
    mut presentation: ResMut<Presentation>,
) {
    let loaded = actions
        .read()
        .any(|a| matches!(a, PanelAction::LoadConfig(_)));
    if loaded && draft.config.view.layout == ViewLayout::Teaching {
        sky.open = true;
        presentation.layout = ViewLayout::Teaching;
        presentation.theme = draft.config.view.theme;
    }
}

/// Opening the panel renders the draft's image if none is on screen.
fn render_when_opened(mut sky: ResMut<SkyView>, sim: Res<Simulation>, draft: Res<Draft>) {
    if sky.open && sky.rendered.is_none() && !sky.rendering && sky.error.is_none() {
        match draft.config.clone().into_valid() {
            Ok(config) => sky.start(&sim, config, draft.threads),
            Err(e) => sky.error = Some(e.to_string()),
        }
    }
}

/// Takes the rendered images off the channel (each is a whole image: at most two per edit).
pub fn drain_images(mut sky: ResMut<SkyView>, mut timings: ResMut<FrameTimings>) {
    let t0 = Instant::now();
    let Some((rx, _)) = &sky.active else { return };
    let mut got = vec![];
    let mut closed = false;
    loop {
        match rx.try_recv() {
            Ok(m) => got.push(m),
            Err(TryRecvError::Empty) => break,
            Err(TryRecvError::Disconnected) => {
                closed = true;
                break;
            }
        }
    }
    for m in got {
        match m {
            ImageMessage::Rendered(r) => {
                let elapsed = sky.timing.submitted.map(|t| t.elapsed().as_secs_f64());
                if sky.timing.first_s.is_none() {
                    sky.timing.first_s = elapsed;
                }
                if r.image.sky.size >= FINE_SIZE {
                    sky.timing.refined_s = elapsed;
                }
                sky.rendered = Some(r);
                sky.version += 1;
                sky.thin = None;
                sky.error = None;
                if let Some(p) = sky.picked.as_ref().map(|p| p.theta) {
                    // The same direction on the new image (pixels may have changed size).
                    let size = sky.size() as f64;
                    if let Some(r) = &sky.rendered {
                        let l = r.image.sky.lattice(p);
                        if l[0] >= 0.0 && l[1] >= 0.0 && l[0] < size && l[1] < size {
                            sky.pick(l);
                        }
                    }
                }
            }
            ImageMessage::Failed(e) => {
                sky.error = Some(e);
                closed = true;
            }
        }
    }
    if closed {
        sky.active = None;
        sky.rendering = false;
    }
    timings.add(|t| &mut t.drain, t0.elapsed());
}

/// The image state and its systems.
pub struct SkyPlugin {
    pub open: bool,
}

impl Plugin for SkyPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(SkyView {
            open: self.open,
            ..default()
        })
        .add_systems(Update, drain_images.in_set(AppSet::Drain))
        .add_systems(
            Update,
            follow_loaded_view.after(crate::app::bridge::files::handle_file_actions),
        )
        .add_systems(
            Last,
            (submit_on_start, render_when_opened)
                .chain()
                .after(crate::app::bridge::draft::controls)
                .before(crate::app::bridge::simulation::handle_commands),
        );
    }
}
