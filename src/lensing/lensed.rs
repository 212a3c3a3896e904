//! The product of the image engine: a rendered lensed image with everything drawn from its
//! geodesics (its own file, so that the thin-lens comparison and the core check can take it
//! without importing the renderer).

use super::images::Image;
use super::raymap::RayMap;
use super::sky::Sky;
use super::source::Picture;

/// Everything `excalibur image` reports, angles in radians.
pub struct LensedImage {
    pub sky: Sky,
    pub map: RayMap,
    pub picture: Picture,
    /// Per pixel: signed magnification 1/det A (NaN where the ray ended early).
    pub magnification: Vec<f64>,
    /// Images of the source centre, first-arriving first.
    pub images: Vec<Image>,
    /// Critical curves in θ and caustics (the same points mapped to β).
    pub critical_curves: Vec<Vec<[f64; 2]>>,
    pub caustics: Vec<Vec<[f64; 2]>>,
    /// The cuts (pseudo-caustics) of the singular isothermal lenses, in β (`cut.rs`).
    pub cuts: Vec<Vec<[f64; 2]>>,
    /// θ_E predicted from the lens's profile, or the point-mass value (`einstein_basis`).
    pub einstein_predicted: Option<f64>,
    pub einstein_basis: super::einstein::EinsteinBasis,
    pub einstein_measured: Option<f64>,
    /// Geodesics and steps in all (map and image polishing), and the wall time [s].
    pub geodesics: u64,
    pub steps: u64,
    pub seconds: f64,
    /// What the picture cannot show: images of the source centre hidden in a lens core.
    pub warnings: Vec<String>,
}
