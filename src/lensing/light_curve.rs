//! A light curve: the total magnification of a point source moving along a straight path in
//! the source plane (the microlensing demo). One ray map serves every position (the geodesics
//! do not depend on the source); at each step the images of the source point are found on it
//! and polished on exact geodesics, as [`super::shade`] does for a dragged source.

use super::images::find_images;
use super::lensed::LensedImage;
use super::tracer::SkyTracer;
use crate::setup::Model;
use crate::units::MPC_M;
use std::sync::atomic::AtomicBool;

/// One step of the path.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePoint {
    /// Source offset in the source plane, [right, up] [Mpc].
    pub offset_mpc: [f64; 2],
    /// |β| over the predicted Einstein radius (None when nothing is predicted).
    pub u: Option<f64>,
    /// Images of the source point, and the sum of their |μ|.
    pub images: usize,
    pub magnification_total: f64,
}

/// The light curve of a point source moved from `from_mpc` to `to_mpc` in `steps` equal steps
/// (both ends included), through the geodesics of `image` (rendered from `model`).
pub fn light_curve(
    model: &Model,
    image: &LensedImage,
    from_mpc: [f64; 2],
    to_mpc: [f64; 2],
    steps: usize,
) -> Vec<CurvePoint> {
    let cancel = AtomicBool::new(false);
    let polisher = SkyTracer::new(model, image.sky, &cancel).for_images();
    let d_s_mpc = image.sky.source_distance_m / MPC_M;
    let last = steps.max(2) - 1;
    (0..=last)
        .map(|k| {
            let t = k as f64 / last as f64;
            let offset_mpc = [0, 1].map(|i| from_mpc[i] + t * (to_mpc[i] - from_mpc[i]));
            let beta = offset_mpc.map(|o| o / d_s_mpc);
            let images = find_images(&image.map, &polisher, beta);
            CurvePoint {
                offset_mpc,
                u: image
                    .einstein_predicted
                    .map(|te| beta[0].hypot(beta[1]) / te),
                images: images.len(),
                magnification_total: images.iter().map(|i| i.magnification.abs()).sum(),
            }
        })
        .collect()
}

/// The light curve as CSV, one row per step: `step, offset_x_mpc, offset_y_mpc, u, images,
/// magnification_total` (u empty where no Einstein radius is predicted). What
/// `image --light-curve -o curve.csv` and the window's light curve write.
pub fn curve_csv(curve: &[CurvePoint]) -> String {
    let mut w = csv::Writer::from_writer(vec![]);
    let header = [
        "step",
        "offset_x_mpc",
        "offset_y_mpc",
        "u",
        "images",
        "magnification_total",
    ];
    // Writing to memory cannot fail; the fields are plain numbers.
    let _ = w.write_record(header);
    for (k, p) in curve.iter().enumerate() {
        let _ = w.write_record([
            k.to_string(),
            p.offset_mpc[0].to_string(),
            p.offset_mpc[1].to_string(),
            p.u.map_or(String::new(), |u| u.to_string()),
            p.images.to_string(),
            p.magnification_total.to_string(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The magnification of a point lens at u = β/θ_E: (u² + 2)/(u√(u² + 4)) (Paczyński 1986).
pub fn point_lens_magnification(u: f64) -> f64 {
    (u * u + 2.0) / (u * (u * u + 4.0).sqrt())
}
