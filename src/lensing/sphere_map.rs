//! `excalibur map` (interface.md §7): per HEALPix pixel, the geodesic of its centre and the
//! bundle of four at ±δ along the local axes (right = e_φ, up = −e_θ), traced to the source
//! sphere at χ_s; from the bundle the Jacobian A, hence κ, γ, ω and μ = 1/det A in one scheme
//! (physics.md §13, as `image --maps`), from the centre ray the deflection, redshift and delay,
//! and the Born κ and γ of the same bundle's straight lines.
//!
//! A ray stops at comoving distance χ_s from the observer (the source sphere, the all-sky
//! analogue of the image's source plane); its end is located to 1e-13 of the distance and the
//! residual taken back along the ray, as the image does on its plane. β of a ray is the
//! gnomonic angle of its end point in the pixel's frame: for the centre ray, |β| is the angle
//! between the pixel centre and the source it sees.

use super::born::Born;
use super::bundle::BUNDLE_OFFSET_PX;
use super::jacobian::{det_of, lensing_fields, Jacobian};
use crate::healpix::{pixel_frame, HealpixSky, PixelFrame};
use crate::integrate::EndReason;
use crate::metric::{idx, offset, State};
use crate::rays::Ray;
use crate::setup::Model;
use crate::trace::{NoSink, RayResult};
use crate::units::{dot, normalize};
use rayon::prelude::*;
use std::sync::atomic::AtomicBool;

/// The map's DOPRI5 tolerance per radian of pixel, 100× the image bundle's: weak-lensing maps
/// need A to ~1e-6 absolute, not 5e-5 (at κ ~ 1e-3, 1e-5 of a pixel was a 5 % error in κ,
/// measured on a SIS at nside 4096); DOPRI5 pays 100^(1/5) = 2.5× the steps.
pub const MAP_BUNDLE_RTOL_PER_PIXEL_RAD: f64 = 1e-7;

/// Pixels whose rays are traced in one call (their records are dropped as each block ends).
const BLOCK_PIXELS: usize = 2048;

/// Rays per pixel: the centre, then ±δ along right, ±δ along up.
const RAYS_PER_PIXEL: usize = 5;

/// One column per map quantity, in pixel order (interface.md §7); NaN where a ray of the
/// pixel's bundle ended before the source sphere.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SphereMap {
    pub nside: u32,
    /// RING indices.
    pub pixel: Vec<u64>,
    pub convergence: Vec<f64>,
    pub shear1: Vec<f64>,
    pub shear2: Vec<f64>,
    pub rotation: Vec<f64>,
    pub magnification: Vec<f64>,
    /// |θ − β| of the centre ray [arcsec].
    pub deflection_arcsec: Vec<f64>,
    pub redshift: Vec<f64>,
    /// Arrival time minus the light travel time of the straight line to the same point of the
    /// source sphere, χ_s/c (the geometric and Shapiro delay) [s].
    pub time_delay_s: Vec<f64>,
    pub born_convergence: Vec<f64>,
    pub born_shear1: Vec<f64>,
    pub born_shear2: Vec<f64>,
    /// Why the centre ray ended (the first failing ray of the bundle where it did).
    pub end_reason: Vec<EndReason>,
    pub geodesics: u64,
    pub steps: u64,
}

/// Traces the map of `sky`'s pixels `range` (a shard) on the current rayon pool. None when
/// cancelled.
pub fn trace_sphere_map(
    model: &Model,
    sky: &HealpixSky,
    range: std::ops::Range<u64>,
    cancel: &AtomicBool,
) -> Option<SphereMap> {
    let chi_s = model.config.source.distance_mpc * crate::units::MPC_M;
    let pixel_rad = sky.pixel_rad();
    let delta = BUNDLE_OFFSET_PX * pixel_rad;
    let mut integration = model.integration;
    integration.method =
        super::bundle::bundle_method(model, MAP_BUNDLE_RTOL_PER_PIXEL_RAD * pixel_rad);
    integration.stop.plane = None;
    integration.stop.distance_m = Some(chi_s);
    integration.record_every = u64::MAX;
    let born = Born::new(model, chi_s);
    let offsets = [
        [0.0, 0.0],
        [delta, 0.0],
        [-delta, 0.0],
        [0.0, delta],
        [0.0, -delta],
    ];
    let mut map = SphereMap {
        nside: sky.nside,
        ..Default::default()
    };
    let mut start = range.start;
    while start < range.end {
        let end = (start + BLOCK_PIXELS as u64).min(range.end);
        let frames: Vec<PixelFrame> = (start..end)
            .map(|k| pixel_frame(sky.nside, sky.pixel(k)))
            .collect();
        let rays: Vec<Ray> = frames
            .iter()
            .flat_map(|f| offsets.iter().map(move |t| (f, t)))
            .enumerate()
            .map(|(id, (f, t))| Ray {
                id,
                offset_m: [0.0; 3],
                direction: bundle_direction(f, *t),
                theta_rad: f.colatitude_rad,
                phi_rad: f.longitude_rad,
                beam_offset_m: 0.0,
            })
            .collect();
        let result = model.trace_with(&integration, &rays, 0, &NoSink, cancel);
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        map.geodesics += rays.len() as u64;
        map.steps += result.steps_total();
        let born_rows: Vec<Option<[[f64; 2]; RAYS_PER_PIXEL]>> = frames
            .par_iter()
            .map(|f| {
                let nodes = born.nodes(&born.panel_edges(f.direction))?;
                let mut out = [[0.0; 2]; RAYS_PER_PIXEL];
                for (o, t) in out.iter_mut().zip(&offsets) {
                    let alpha = born.deflection(bundle_direction(f, *t), f.right, f.up, &nodes)?;
                    *o = [t[0] - alpha[0], t[1] - alpha[1]];
                }
                Some(out)
            })
            .collect();
        for (k, f) in frames.iter().enumerate() {
            let rs = &result.rays[k * RAYS_PER_PIXEL..(k + 1) * RAYS_PER_PIXEL];
            map.push(
                sky.pixel(start + k as u64),
                f,
                rs,
                born_rows[k],
                chi_s,
                delta,
            );
        }
        start = end;
    }
    Some(map)
}

/// The unit direction seen at gnomonic angles `t` [rad] in the pixel's frame.
fn bundle_direction(f: &PixelFrame, t: [f64; 2]) -> [f64; 3] {
    normalize(std::array::from_fn(|k| {
        f.direction[k] + t[0] * f.right[k] + t[1] * f.up[k]
    }))
}

/// The end of a ray on the source sphere: gnomonic β in the frame and η at the sphere, the
/// locator's residual |x| − χ_s taken back along the ray to first order.
fn on_sphere(f: &PixelFrame, y: &State, chi_s: f64) -> ([f64; 2], f64) {
    let x = offset(y);
    let r = dot(x, x).sqrt();
    let u = [y[idx::U], y[idx::U + 1], y[idx::U + 2]];
    let radial_speed = dot(x, u) / r;
    let eta = y[idx::ETA] - y[idx::U0] * (r - chi_s) / radial_speed;
    let along = dot(x, f.direction);
    ([dot(x, f.right) / along, dot(x, f.up) / along], eta)
}

impl SphereMap {
    fn push(
        &mut self,
        pixel: u64,
        f: &PixelFrame,
        rays: &[RayResult],
        born: Option<[[f64; 2]; RAYS_PER_PIXEL]>,
        chi_s: f64,
        delta: f64,
    ) {
        self.pixel.push(pixel);
        let failed = rays.iter().find(|r| r.end() != EndReason::DistanceReached);
        self.end_reason.push(failed.unwrap_or(&rays[0]).end());
        let jacobian = |b: [[f64; 2]; RAYS_PER_PIXEL]| -> Jacobian {
            let dx = [0, 1].map(|q| (b[1][q] - b[2][q]) / (2.0 * delta));
            let dy = [0, 1].map(|q| (b[3][q] - b[4][q]) / (2.0 * delta));
            [dx[0], dy[0], dx[1], dy[1]]
        };
        let nan = f64::NAN;
        let (geo, centre) = if failed.is_none() {
            let ends: Vec<([f64; 2], f64)> = rays
                .iter()
                .map(|r| on_sphere(f, &r.outcome.final_state, chi_s))
                .collect();
            let a = jacobian(std::array::from_fn(|k| ends[k].0));
            let det = det_of(&a);
            let b = ends[0].0;
            let arrival_s = -ends[0].1;
            let deflection = (b[0] * b[0] + b[1] * b[1]).sqrt().atan();
            let z = rays[0].observables.redshift;
            (
                lensing_fields(&a),
                [
                    1.0 / det,
                    deflection.to_degrees() * 3600.0,
                    z,
                    arrival_s - chi_s / crate::units::C_M_S,
                ],
            )
        } else {
            ([nan; 4], [nan; 4])
        };
        let [k, g1, g2, w] = geo;
        self.convergence.push(k);
        self.shear1.push(g1);
        self.shear2.push(g2);
        self.rotation.push(w);
        self.magnification.push(centre[0]);
        self.deflection_arcsec.push(centre[1]);
        self.redshift.push(centre[2]);
        self.time_delay_s.push(centre[3]);
        let born = born
            .filter(|_| failed.is_none())
            .map(|b| lensing_fields(&jacobian(b)));
        let [bk, bg1, bg2, _] = born.unwrap_or([nan; 4]);
        self.born_convergence.push(bk);
        self.born_shear1.push(bg1);
        self.born_shear2.push(bg2);
    }
}
