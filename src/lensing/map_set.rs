//! The maps the window's sky panel shows beside the picture (issue 23: κ, |γ| with whiskers,
//! μ, z and geodesic − Born): each pixel's geodesic bundle and the Born lines of the same
//! offsets, on a lattice of its own over the image's field (coarser than the picture: the
//! bundles cost four tight-tolerance geodesics per pixel, 7.8 s for 256² on two cores here).
//! The same functions as `image --maps` ([`bundle_jacobians`], [`lensing_fields`]), so the
//! window and the files show one A.

use super::bundle::{born_jacobians, bundle_jacobians};
use super::jacobian::{det_of, lensing_fields};
use super::sky::Sky;
use crate::setup::Model;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// The maps of one image, row-major from the top-left of `sky`'s lattice; NaN where a ray or
/// line of the pixel's bundle ended before the source plane.
#[derive(Debug, Clone)]
pub struct MapSet {
    /// The maps' lattice: the image's field at its own size.
    pub sky: Sky,
    pub convergence: Vec<f64>,
    /// [γ1, γ2] in the image axes (interface.md §7).
    pub shear: Vec<[f64; 2]>,
    pub rotation: Vec<f64>,
    /// 1/det A of the same A.
    pub magnification: Vec<f64>,
    pub redshift: Vec<f64>,
    /// κ of the Born Jacobian along the unperturbed lines of the same offsets.
    pub born_convergence: Vec<f64>,
    /// Wall time of the bundles and the Born lines together [s].
    pub elapsed_s: f64,
}

impl MapSet {
    /// The maps of `model` over `image_sky`'s field on a `size`² lattice, on the current
    /// rayon pool; None when cancelled.
    pub fn trace(
        model: &Model,
        image_sky: &Sky,
        size: usize,
        cancel: &AtomicBool,
    ) -> Option<MapSet> {
        let t0 = Instant::now();
        let sky = Sky { size, ..*image_sky };
        let bundles = bundle_jacobians(model, &sky, cancel)?;
        let born = born_jacobians(model, &sky, cancel)?;
        let fields: Vec<[f64; 4]> = bundles.jacobian.iter().map(lensing_fields).collect();
        Some(MapSet {
            sky,
            convergence: fields.iter().map(|f| f[0]).collect(),
            shear: fields.iter().map(|f| [f[1], f[2]]).collect(),
            rotation: fields.iter().map(|f| f[3]).collect(),
            magnification: bundles.jacobian.iter().map(|a| 1.0 / det_of(a)).collect(),
            redshift: bundles.redshift,
            born_convergence: born.iter().map(|a| lensing_fields(a)[0]).collect(),
            elapsed_s: t0.elapsed().as_secs_f64(),
        })
    }

    /// Geodesic κ − Born κ per pixel: the post-Born signal.
    pub fn post_born_convergence(&self) -> Vec<f64> {
        self.convergence
            .iter()
            .zip(&self.born_convergence)
            .map(|(g, b)| g - b)
            .collect()
    }
}
