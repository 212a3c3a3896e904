//! What of a lensed image depends on the source: the picture shaded from the ray map, the
//! images of the source centre polished on exact geodesics, and the images a core hides.
//! The ray map β(θ), the magnification, the critical curves and the caustics do not, so a
//! change of the source's offset, size, shape or kind ([`reshade`]) keeps them and traces only
//! the few geodesics of the polished images: a dragged source updates at frame rate.

use super::images::find_images;
use super::lensed::LensedImage;
use super::raymap::RayMap;
use super::sky::Sky;
use super::source::{Picture, Rgb, Source};
use super::tracer::SkyTracer;
use crate::integrate::EndReason;
use crate::setup::Model;
use crate::units::MPC_M;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// The source-dependent part of an image.
pub(super) struct Shading {
    pub picture: Picture,
    pub images: Vec<super::images::Image>,
    pub warnings: Vec<String>,
    /// Geodesics and steps traced to polish the images.
    pub geodesics: u64,
    pub steps: u64,
}

/// Colours each pixel by where its ray lands on the source (black where it ended early).
fn picture(map: &RayMap, sky: &Sky, source: &Source) -> Picture {
    let d_s_mpc = sky.source_distance_m / MPC_M;
    Picture {
        width: map.size,
        height: map.size,
        rgb: map
            .beta
            .iter()
            .zip(&map.end)
            .map(|(b, e)| -> Rgb {
                if *e == EndReason::PlaneCrossed {
                    source.colour([b[0] * d_s_mpc, b[1] * d_s_mpc])
                } else {
                    [0.0; 3]
                }
            })
            .collect(),
    }
}

/// The sky without the lenses: each pixel coloured by the source at its own angle (β = θ),
/// the picture a lensed one is compared with. Same pixels as a lensed image of `sky`.
pub fn unlensed(sky: &Sky, source: &Source) -> Picture {
    super::thin::picture_through(sky, source, |theta| theta)
}

/// Shades `map` with `source` and polishes the images of its centre with `tracer` (the
/// map's tracer; the images get its [`SkyTracer::for_images`] settings).
pub(super) fn shade(model: &Model, tracer: &SkyTracer, map: &RayMap, source: &Source) -> Shading {
    let sky = tracer.sky;
    let d_s_mpc = sky.source_distance_m / MPC_M;
    let beta_s = source.offset_mpc().map(|o| o / d_s_mpc);
    let polisher = tracer.for_images();
    let images = find_images(map, &polisher, beta_s);
    let (geodesics, steps) = polisher.counts();
    Shading {
        picture: picture(map, &sky, source),
        images,
        warnings: super::hidden::images_hidden_in_cores(model, &sky, beta_s),
        geodesics,
        steps,
    }
}

/// The image of `source` through the geodesics of `previous` (rendered from `model`): its
/// ray map, magnifications, critical curves, caustics and Einstein radii are kept; the picture,
/// the images and their warnings are new. The caller must know that the geodesics are the
/// same: only the source's offset, size, shape, kind or picture changed
/// (`RunConfig::same_geodesics` says so). `geodesics`, `steps` and `seconds` count what this
/// call traced.
pub fn reshade(model: &Model, previous: &LensedImage, source: &Source) -> LensedImage {
    let start = Instant::now();
    let cancel = AtomicBool::new(false);
    let tracer = SkyTracer::new(model, previous.sky, &cancel);
    let s = shade(model, &tracer, &previous.map, source);
    LensedImage {
        sky: previous.sky,
        map: previous.map.clone(),
        picture: s.picture,
        magnification: previous.magnification.clone(),
        images: s.images,
        critical_curves: previous.critical_curves.clone(),
        caustics: previous.caustics.clone(),
        cuts: previous.cuts.clone(),
        einstein_predicted: previous.einstein_predicted,
        einstein_basis: previous.einstein_basis,
        einstein_measured: previous.einstein_measured,
        geodesics: s.geodesics,
        steps: s.steps,
        seconds: start.elapsed().as_secs_f64(),
        warnings: s.warnings,
    }
}
