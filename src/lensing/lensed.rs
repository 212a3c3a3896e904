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

/// One image of the source centre as `--json` and the Python module report it (interface.md §4).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageSummary {
    pub x_arcsec: f64,
    pub y_arcsec: f64,
    /// Signed 1/det A.
    pub magnification: f64,
    /// Arrival time after the first-arriving image [s] (0 for it).
    pub time_delay_s: f64,
}

impl LensedImage {
    /// The images of the source centre in arcsec, with delays relative to the first to arrive.
    pub fn image_summaries(&self) -> Vec<ImageSummary> {
        let first = self
            .images
            .iter()
            .map(|i| i.arrival_s)
            .fold(f64::INFINITY, f64::min);
        self.images
            .iter()
            .map(|i| ImageSummary {
                x_arcsec: i.theta[0] / super::sky::ARCSEC,
                y_arcsec: i.theta[1] / super::sky::ARCSEC,
                magnification: i.magnification,
                time_delay_s: i.arrival_s - first,
            })
            .collect()
    }
}
