//! The sky panel's map selector (issue 23): beside the picture, the convergence, the shear
//! (|γ| with whiskers), the magnification, the arrival-time delay, the redshift and the
//! post-Born convergence (geodesic κ − Born κ) of the image on screen. All but the delay come
//! from each pixel's geodesic bundle (`lensing::MapSet`), traced by the session after the image
//! and any run (seconds: they are asked for when a map is chosen, and again for each finished
//! image while one is); the delay is the image's own per-pixel arrival time.
//!
//! No egui here (the panel is `sky/map_panel.rs`): the headless bridge tests drive this.

use super::view::{SkyView, FINE_SIZE};
use crate::app::bridge::draft::Draft;
use crate::app::bridge::simulation::Simulation;
use crate::app::shared::layout::AppSet;
use crate::lensing::MapSet;
use crate::session::RenderedMaps;
use crate::setup::Model;
use bevy::prelude::*;
use crossbeam_channel::{Receiver, TryRecvError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// The maps' lattice: 128² bundles (65 536 geodesics at the bundle's tolerance and as many
/// Born lines) take ~3 s on two cores, where the picture's 256² would take ~14 s.
pub const MAP_SIZE: usize = 128;

/// What the image panel shows over the sky's field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MapKind {
    /// The picture of the panel's mode (geodesics, thin lens, residual, unlensed).
    #[default]
    Picture,
    Convergence,
    /// |γ|, with whiskers along the direction the shear stretches images.
    Shear,
    Magnification,
    /// Arrival time minus the earliest in the field [days].
    Delay,
    Redshift,
    /// Geodesic κ − Born κ.
    PostBorn,
}

impl MapKind {
    pub const ALL: [MapKind; 7] = [
        MapKind::Picture,
        MapKind::Convergence,
        MapKind::Shear,
        MapKind::Magnification,
        MapKind::Delay,
        MapKind::Redshift,
        MapKind::PostBorn,
    ];

    /// The selector's button text.
    pub fn label(self) -> &'static str {
        match self {
            MapKind::Picture => "picture",
            MapKind::Convergence => "κ",
            MapKind::Shear => "|γ|",
            MapKind::Magnification => "μ",
            MapKind::Delay => "delay",
            MapKind::Redshift => "z",
            MapKind::PostBorn => "geodesic − Born",
        }
    }

    /// Whether the map needs the bundles (all but the picture and the delay).
    pub fn needs_bundles(self) -> bool {
        !matches!(self, MapKind::Picture | MapKind::Delay)
    }
}

/// The selector's state and the maps of the image on screen.
#[derive(Resource, Default)]
pub struct SkyMaps {
    pub kind: MapKind,
    /// The maps and the model they were traced in (shown only while an image of that model
    /// is on screen).
    pub shown: Option<RenderedMaps>,
    pending: Option<PendingMaps>,
}

/// Maps in flight: for which model, the channel, the cancel flag and when they were asked.
type PendingMaps = (Arc<Model>, Receiver<RenderedMaps>, Arc<AtomicBool>, Instant);

impl SkyMaps {
    /// The maps of images traced in `model`, when they are the ones computed.
    pub fn of(&self, model: &Arc<Model>) -> Option<&MapSet> {
        self.shown
            .as_ref()
            .filter(|m| Arc::ptr_eq(&m.model, model))
            .map(|m| &*m.maps)
    }

    /// Seconds since the maps in flight were asked for (None when none are).
    pub fn computing_s(&self) -> Option<f64> {
        self.pending
            .as_ref()
            .map(|(.., t)| t.elapsed().as_secs_f64())
    }
}

/// Asks for the maps of the finished image on screen while a bundle map is chosen (a newer
/// image cancels those of the old), and takes them when they arrive.
fn update_maps(
    mut maps: ResMut<SkyMaps>,
    sky: Res<SkyView>,
    sim: Res<Simulation>,
    draft: Res<Draft>,
) {
    if let Some((_, rx, ..)) = &maps.pending {
        match rx.try_recv() {
            Ok(m) => {
                maps.shown = Some(m);
                maps.pending = None;
            }
            Err(TryRecvError::Disconnected) => maps.pending = None,
            Err(TryRecvError::Empty) => {}
        }
    }
    let on_screen = sky
        .rendered
        .as_ref()
        .filter(|r| sky.open && r.image.sky.size >= FINE_SIZE);
    let wanted = on_screen.filter(|_| maps.kind.needs_bundles());
    let stale = |model: &Arc<Model>| wanted.is_none_or(|r| !Arc::ptr_eq(model, &r.model));
    if let Some((model, _, cancel, _)) = &maps.pending {
        if stale(model) {
            cancel.store(true, Ordering::Relaxed);
            maps.pending = None;
        }
    }
    let Some(r) = wanted else { return };
    let have = maps.of(&r.model).is_some() || maps.pending.is_some();
    if !have {
        let (rx, cancel) = sim
            .session()
            .submit_maps(r.clone(), MAP_SIZE, draft.threads);
        maps.pending = Some((r.model.clone(), rx, cancel, Instant::now()));
    }
}

pub struct SkyMapsPlugin;

impl Plugin for SkyMapsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SkyMaps>().add_systems(
            Update,
            update_maps
                .in_set(AppSet::Drain)
                .after(super::view::drain_images),
        );
    }
}
