//! The Jacobian A = ∂β/∂θ of every pixel from its own bundle of geodesics, for the research
//! maps (`image --maps`: convergence, shear, rotation and the magnification beside them, and
//! the redshift at the source plane, interface.md §7). The image's map interpolates β between traced rays, which is good to 1 %
//! of a pixel in β but not in its derivatives: κ from its finite differences is off by 2 %
//! (median) to 12 % (99th percentile) on a SIS at 1.4–2.8 θ_E. Here each pixel traces four
//! rays at θ ± δ along each image axis, at a tolerance well below δ, and A is their central
//! difference: the error is O(δ²) in the map's curvature plus the tolerance over δ.

use super::born::Born;
use super::jacobian::Jacobian;
use super::sky::Sky;
use super::tracer::SkyTracer;
use crate::integrate::{Method, StepRule};
use crate::setup::Model;
use std::sync::atomic::AtomicBool;

/// The bundle's half-width δ, in pixels: small against the scale on which A varies (a pixel
/// and more), large against the rays' error below.
pub const BUNDLE_OFFSET_PX: f64 = 0.1;

/// The bundle's DOPRI5 tolerance per radian of pixel: 1e-5 of a pixel, so an error of the
/// difference over 2δ is ~5e-5 of A.
pub const BUNDLE_RTOL_PER_PIXEL_RAD: f64 = 1e-5;

/// Fixed steps per grid cell of a bundle's rays through a sampled field ([`bundle_method`]).
pub const BUNDLE_STEPS_PER_CELL: f64 = 4.0;

/// How a bundle's rays are integrated. A bundle's A is a difference of rays 0.2 px apart, so
/// their errors must cancel. On exact fields DOPRI5 at `rtol` does that. Through a sampled
/// field it does not: the trilinear field's kinks at cell faces escape its error estimate and
/// each ray takes its own steps, so κ through the example snapshot (64², signal 1.5e-3) had
/// 0.015 rms of noise. RK4 at a quarter cell puts the rays' steps at the same places: 1.3e-4
/// rms there, with the mean within 1 % of RK4 at 1 Mpc (one-cell steps are 20 % off); a
/// config's finer RK4 step is kept.
pub fn bundle_method(model: &Model, rtol: f64) -> Method {
    match (model.field.grid_geometry(), model.integration.method) {
        // The config's own RK4 step where it is finer.
        (Some(g), Method::Rk4(StepRule::Comoving(step_m))) => Method::Rk4(StepRule::Comoving(
            step_m.min(g.spacing_m / BUNDLE_STEPS_PER_CELL),
        )),
        (Some(g), _) => Method::Rk4(StepRule::Comoving(g.spacing_m / BUNDLE_STEPS_PER_CELL)),
        (
            None,
            Method::Dopri5 {
                initial_step_m,
                length_scale_m,
                eta_rtol,
                ..
            },
        ) => Method::Dopri5 {
            rtol,
            initial_step_m,
            length_scale_m,
            eta_rtol,
        },
        (None, m) => m,
    }
}

/// Pixels whose bundles are traced together.
const BLOCK_PIXELS: usize = 4096;

/// What each pixel's bundle gives, row-major from the top-left; NaN where a ray of the bundle
/// did not reach the source plane.
pub struct Bundles {
    pub jacobian: Vec<Jacobian>,
    /// z at the source plane: the mean of the bundle's four rays (the pixel centre's to O(δ²)).
    pub redshift: Vec<f64>,
}

/// The bundles of every pixel of `sky`, four geodesics each, traced in parallel on the
/// current rayon pool. None when cancelled.
pub fn bundle_jacobians(model: &Model, sky: &Sky, cancel: &AtomicBool) -> Option<Bundles> {
    let tracer = SkyTracer::new(model, *sky, cancel).with_method(bundle_method(
        model,
        BUNDLE_RTOL_PER_PIXEL_RAD * sky.pixel_rad(),
    ));
    let d = BUNDLE_OFFSET_PX * sky.pixel_rad();
    let n = sky.size;
    let mut out = Bundles {
        jacobian: Vec::with_capacity(n * n),
        redshift: Vec::with_capacity(n * n),
    };
    // A block of pixels at a time: a traced ray's record is kept until its block is done, so
    // the memory is that of BLOCK_PIXELS bundles whatever the image's size.
    for block in (0..n * n).collect::<Vec<_>>().chunks(BLOCK_PIXELS) {
        let thetas: Vec<[f64; 2]> = block
            .iter()
            .flat_map(|&k| {
                let t = sky.theta((k % n) as f64, (k / n) as f64);
                [
                    [t[0] + d, t[1]],
                    [t[0] - d, t[1]],
                    [t[0], t[1] + d],
                    [t[0], t[1] - d],
                ]
            })
            .collect();
        let landings = tracer.trace(&thetas);
        if tracer.cancelled() {
            return None;
        }
        for l in landings.chunks(4) {
            if !l.iter().all(|r| r.reached()) {
                out.jacobian.push([f64::NAN; 4]);
                out.redshift.push(f64::NAN);
                continue;
            }
            let dx = [0, 1].map(|q| (l[0].beta[q] - l[1].beta[q]) / (2.0 * d));
            let dy = [0, 1].map(|q| (l[2].beta[q] - l[3].beta[q]) / (2.0 * d));
            out.jacobian.push([dx[0], dy[0], dx[1], dy[1]]);
            out.redshift
                .push(l.iter().map(|r| r.redshift).sum::<f64>() / 4.0);
        }
    }
    Some(out)
}

/// The Born Jacobian of every pixel of `sky` from the same bundle offsets (±δ along each
/// image axis) as [`bundle_jacobians`], each line integrated by [`Born`] to the source plane
/// on panels graded round the pixel centre's line, so geodesic − Born is the post-Born
/// signal and not a difference of two derivative schemes. The source plane's distance along
/// an off-axis line exceeds the plane's by 1/cos θ − 1 < 2e-7 at the window's 120″ field,
/// which the line's length neglects. NaN where a line crosses a lens core or leaves a grid;
/// None when cancelled (checked every block of pixels).
pub fn born_jacobians(model: &Model, sky: &Sky, cancel: &AtomicBool) -> Option<Vec<Jacobian>> {
    use rayon::prelude::*;
    use std::sync::atomic::Ordering;
    let born = Born::new(model, sky.source_distance_m);
    let d = BUNDLE_OFFSET_PX * sky.pixel_rad();
    let n = sky.size;
    let offsets = [[d, 0.0], [-d, 0.0], [0.0, d], [0.0, -d]];
    let mut out = Vec::with_capacity(n * n);
    for block in (0..n * n).collect::<Vec<_>>().chunks(BLOCK_PIXELS) {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        let rows: Vec<Jacobian> = block
            .par_iter()
            .map(|&k| {
                let t = sky.theta((k % n) as f64, (k / n) as f64);
                let Some(nodes) = born.nodes(&born.panel_edges(sky.direction(t))) else {
                    return [f64::NAN; 4];
                };
                let mut beta = [[0.0; 2]; 4];
                for (b, o) in beta.iter_mut().zip(&offsets) {
                    let theta = [t[0] + o[0], t[1] + o[1]];
                    let Some(alpha) =
                        born.deflection(sky.direction(theta), sky.right, sky.up, &nodes)
                    else {
                        return [f64::NAN; 4];
                    };
                    *b = [theta[0] - alpha[0], theta[1] - alpha[1]];
                }
                let dx = [0, 1].map(|q| (beta[0][q] - beta[1][q]) / (2.0 * d));
                let dy = [0, 1].map(|q| (beta[2][q] - beta[3][q]) / (2.0 * d));
                [dx[0], dy[0], dx[1], dy[1]]
            })
            .collect();
        out.extend(rows);
    }
    Some(out)
}
