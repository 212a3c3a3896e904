//! Geodesics from the observer to the source plane: for a batch of image-plane angles θ, where
//! each ray lands (β), when it left the source plane (its arrival time), and why it ended.

use super::sky::Sky;
use crate::integrate::{EndReason, Integration, Method, StepRule, ETA_RTOL_FOR_DELAYS};
use crate::metric::idx;
use crate::rays::Ray;
use crate::setup::Model;
use crate::trace::{NoSink, RayResult};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// One traced ray of the image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Landing {
    /// Source-plane angles [rad] (NaN unless the ray reached the plane).
    pub beta: [f64; 2],
    /// Arrival time η_obs − η_end [s]: how long before observation the ray left the source
    /// plane (observer seconds, a_obs = 1).
    pub arrival_s: f64,
    /// The ray's redshift at the source plane, 1 + z = E_emitted/E_observed (NaN unless the
    /// ray reached the plane).
    pub redshift: f64,
    pub end: EndReason,
}

impl Landing {
    pub fn reached(&self) -> bool {
        self.end == EndReason::PlaneCrossed
    }
}

/// The map's DOPRI5 tolerance per radian of pixel: 1 % of a pixel. Measured on the point
/// lens at 256² (pixel 1.5e-6 rad): rtol 1e-9, 1e-8 and 1e-7 give the same measured Einstein
/// radius to 2e-4 arcsec (7e-4 pixel) and 268k, 205k and 187k steps.
pub const MAP_RTOL_PER_PIXEL_RAD: f64 = 0.01;

/// DOPRI5's tolerance for the images of the source centre. Measured on a SIS (θ_E = 10″,
/// β = 0.3 θ_E, 2.9·10⁸ s delay, null condition kept): the delay moves by 5e-5 from rtol 1e-12
/// to 1e-14, by 7e-7 from 1e-13 to 1e-14, for 485, 581 and 647 steps a ray.
pub const POLISH_RTOL: f64 = 1e-14;

/// Traces image rays of one model on the current rayon pool.
pub struct SkyTracer<'a> {
    pub model: &'a Model,
    pub sky: Sky,
    integration: Integration,
    cancel: &'a AtomicBool,
    geodesics: AtomicU64,
    steps: AtomicU64,
}

impl<'a> SkyTracer<'a> {
    /// The run's integration settings, stopped by the source plane instead of a distance (the
    /// other stop conditions stay: a ray that meets them first ends before the plane). DOPRI5
    /// runs at the tolerance the pixels need, [`MAP_RTOL_PER_PIXEL_RAD`] × the pixel's angle:
    /// position errors ≲ rtol·D_s are then ~1 % of a pixel's footprint on the source plane.
    /// The images of the source centre are polished at ≤ 1e-12 ([`Self::for_images`]).
    pub fn new(model: &'a Model, sky: Sky, cancel: &'a AtomicBool) -> SkyTracer<'a> {
        let mut integration = model.integration;
        if let Method::Dopri5 { rtol, .. } = &mut integration.method {
            *rtol = MAP_RTOL_PER_PIXEL_RAD * sky.pixel_rad();
        }
        integration.stop.plane = Some(sky.source_plane());
        integration.stop.distance_m = None;
        // Only the first and last states are needed.
        integration.record_every = u64::MAX;
        SkyTracer {
            model,
            sky,
            integration,
            cancel,
            geodesics: AtomicU64::new(0),
            steps: AtomicU64::new(0),
        }
    }

    /// A tracer for the images themselves: DOPRI5 at rtol ≤ [`POLISH_RTOL`] with η held to
    /// [`ETA_RTOL_FOR_DELAYS`], or RK4 with a quarter of the step (256× smaller error), the null
    /// condition re-imposed after every step (`Integration::keep_null`). Arrival times are
    /// differences of ~1e17 s that must be good to 1e-6 of the delay.
    pub fn for_images(&self) -> SkyTracer<'a> {
        let mut integration = self.integration;
        integration.keep_null = true;
        integration.method = match integration.method {
            Method::Dopri5 {
                rtol,
                initial_step_m,
                length_scale_m,
                ..
            } => Method::Dopri5 {
                rtol: rtol.min(POLISH_RTOL),
                initial_step_m,
                length_scale_m,
                eta_rtol: Some(ETA_RTOL_FOR_DELAYS),
            },
            Method::Rk4(StepRule::Comoving(ds)) => Method::Rk4(StepRule::Comoving(0.25 * ds)),
            Method::Rk4(StepRule::Affine(h)) => Method::Rk4(StepRule::Affine(0.25 * h)),
        };
        SkyTracer {
            model: self.model,
            sky: self.sky,
            integration,
            cancel: self.cancel,
            geodesics: AtomicU64::new(0),
            steps: AtomicU64::new(0),
        }
    }

    /// The same tracer integrating with `method` (the bundles' choice:
    /// `bundle::bundle_method`).
    pub fn with_method(mut self, method: Method) -> SkyTracer<'a> {
        self.integration.method = method;
        self
    }

    /// The same tracer with DOPRI5 at `rtol` (RK4 keeps its step).
    pub fn with_rtol(mut self, rtol: f64) -> SkyTracer<'a> {
        if let Method::Dopri5 { rtol: r, .. } = &mut self.integration.method {
            *r = rtol;
        }
        self
    }

    /// Geodesics traced so far, and their steps.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.geodesics.load(Ordering::Relaxed),
            self.steps.load(Ordering::Relaxed),
        )
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Traces one ray per θ [rad], in parallel; results in the same order.
    pub fn trace(&self, thetas: &[[f64; 2]]) -> Vec<Landing> {
        let rays: Vec<Ray> = thetas
            .iter()
            .enumerate()
            .map(|(id, t)| self.ray(id, *t))
            .collect();
        let result = self
            .model
            .trace_with(&self.integration, &rays, 0, &NoSink, self.cancel);
        self.geodesics
            .fetch_add(rays.len() as u64, Ordering::Relaxed);
        self.steps
            .fetch_add(result.steps_total(), Ordering::Relaxed);
        result.rays.iter().map(|r| self.landing(r)).collect()
    }

    /// One ray.
    pub fn trace_one(&self, theta: [f64; 2]) -> Landing {
        self.trace(&[theta])[0]
    }

    /// One ray with every step recorded: where it lands, and its path (absolute positions [m],
    /// observer first, the source-plane crossing last), for showing a pixel's geodesic.
    pub fn path(&self, theta: [f64; 2]) -> (Landing, Vec<[f64; 3]>) {
        let mut integration = self.integration;
        integration.record_every = 1;
        let ray = self.ray(0, theta);
        let result = self
            .model
            .trace_with(&integration, &[ray], 1, &NoSink, self.cancel);
        let r = &result.rays[0];
        let points = r.rows.iter().map(|row| [row[1], row[2], row[3]]).collect();
        (self.landing(r), points)
    }

    fn ray(&self, id: usize, theta: [f64; 2]) -> Ray {
        Ray {
            id,
            offset_m: [0.0; 3],
            direction: self.sky.direction(theta),
            theta_rad: 0.0,
            phi_rad: 0.0,
            beam_offset_m: 0.0,
        }
    }

    /// η where the ray meets the source plane. The event locator stops within 1e-13 of the
    /// distance travelled of the plane (6·10¹² m, 2·10⁴ s of η at 2 Gpc), which moved delays by
    /// hundreds of seconds; the residual is taken back along the ray to first order
    /// (Δλ = −f/(n·u), η += u⁰Δλ), exact to (residual)²·curvature.
    fn eta_on_plane(&self, y: &crate::metric::State) -> f64 {
        let Some(p) = self.integration.stop.plane else {
            return y[idx::ETA];
        };
        let x = crate::metric::offset(y);
        let f = crate::units::dot(p.normal, crate::units::sub(x, p.point_offset_m));
        let speed = crate::units::dot(p.normal, [y[idx::U], y[idx::U + 1], y[idx::U + 2]]);
        if speed == 0.0 {
            return y[idx::ETA];
        }
        y[idx::ETA] - y[idx::U0] * f / speed
    }

    fn landing(&self, r: &RayResult) -> Landing {
        let y = &r.outcome.final_state;
        let reached = r.end() == EndReason::PlaneCrossed;
        Landing {
            beta: if reached {
                self.sky
                    .angles_of([y[idx::X], y[idx::X + 1], y[idx::X + 2]])
            } else {
                [f64::NAN; 2]
            },
            arrival_s: -self.eta_on_plane(y),
            redshift: if reached {
                r.observables.redshift
            } else {
                f64::NAN
            },
            end: r.end(),
        }
    }
}
