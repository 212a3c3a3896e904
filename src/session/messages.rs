//! What a session sends back: trajectory points, finished rays, pass statistics, images.

use crate::config::ValidConfig;
use crate::field::FieldData;
use crate::integrate::EndReason;
use crate::lensing::{LensedImage, MapSet, Source};
use crate::observables::Observables;
use crate::rays::Ray;
use crate::setup::Model;
use crate::trace::RunResult;
use std::sync::Arc;

/// Grids finer than this get a preview pass at this many nodes per side first.
pub const PREVIEW_NODES: usize = 128;

/// Messages in flight per run; a full channel makes the tracer wait for the window.
pub(super) const CHANNEL_CAPACITY: usize = 8192;

/// A point of a trajectory as the scene needs it: position [Mpc] and scale factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackPoint {
    pub position_mpc: [f64; 3],
    pub scale_factor: f64,
}

/// Whether a pass is the coarse preview of a big grid or the requested resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    Preview,
    Full,
}

/// What a finished ray reports to the scene.
#[derive(Debug, Clone)]
pub struct RaySummary {
    pub id: usize,
    pub end: EndReason,
    pub steps: u64,
    pub observables: Observables,
}

/// Sent once a pass has its field and rays, before any trajectory point.
pub struct PassStart {
    pub pass: Pass,
    /// The config of this pass (nodes lowered for a preview).
    pub config: ValidConfig,
    pub rays: Vec<Ray>,
    pub field: Arc<FieldData>,
    pub grid_build_s: f64,
    /// Accuracy warnings for this pass (`resolution::resolution_warnings`).
    pub warnings: Vec<String>,
}

/// Statistics of a finished (or cancelled) pass.
#[derive(Debug, Clone)]
pub struct PassDone {
    pub pass: Pass,
    pub cancelled: bool,
    pub steps: u64,
    pub integrate_s: f64,
    pub result: Arc<RunResult>,
}

pub enum SimMessage {
    Started(Box<PassStart>),
    Points {
        pass: Pass,
        id: usize,
        points: Vec<TrackPoint>,
    },
    Finished {
        pass: Pass,
        ray: RaySummary,
    },
    Done(PassDone),
    /// The config could not be set up (the message names the cause, with its sources); the
    /// previous scene stays.
    Failed(String),
}

/// A rendered image with the model and source it was rendered from, so the client can trace
/// a pixel's geodesic or the thin-lens comparison of the same scene without a round trip.
#[derive(Clone)]
pub struct RenderedImage {
    pub image: Arc<LensedImage>,
    /// The model its geodesics were traced in. A re-shaded image shares the model of the image
    /// it came from (same geodesics), so `model.config` may hold an earlier source: the
    /// config this image shows is `config`.
    pub model: Arc<Model>,
    pub config: ValidConfig,
    pub source: Arc<Source>,
}

/// What the image view receives: each rendered size in turn (coarse first), or why it failed.
/// The channel closes when the job is done or cancelled.
pub enum ImageMessage {
    Rendered(RenderedImage),
    Failed(String),
}

/// The maps of an image on screen (`Session::submit_maps`), sent once; the channel closes
/// without a message when the job was cancelled.
pub struct RenderedMaps {
    /// The model the maps were traced in: the client shows them while an image of the same
    /// model is on screen (a re-shade keeps its model: κ, γ, μ and z do not depend on the
    /// source).
    pub model: Arc<Model>,
    pub maps: Arc<MapSet>,
}
