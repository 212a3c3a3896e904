//! The cut of a singular isothermal lens (profile "sis", round or elliptical): the
//! pseudo-caustic where a source's image count changes by one as a source crosses it (one
//! image outside, two inside for a round SIS; the cross's astroid adds two more). It is not a
//! det A = 0 contour, so the critical-curve search cannot find it: it is the source-plane image
//! of the lens centre's neighbourhood, β(θ_c + r n̂) for r → 0, traced here on exact
//! geodesics at r a few core radii (or 1e-3 of the field) round the centre.

use super::sky::Sky;
use super::tracer::SkyTracer;
use crate::lens::Profile;
use crate::setup::Model;
use crate::units::{dot, sub, MPC_M};

/// Directions round each centre.
const CUT_POINTS: usize = 96;

/// The cut of every isothermal lens in front of the source, as closed curves of β [rad].
pub(super) fn cuts(model: &Model, tracer: &SkyTracer) -> Vec<Vec<[f64; 2]>> {
    let sky: Sky = tracer.sky;
    let observer_m = model.config.observer.position_mpc.map(|c| c * MPC_M);
    model
        .lenses
        .iter()
        .filter(|l| matches!(l.profile, Profile::Sis { .. }))
        .filter_map(|l| {
            let offset = sub(l.center_m, observer_m);
            let chi_m = dot(offset, sky.axis);
            if chi_m <= 0.0 || chi_m >= sky.source_distance_m {
                return None;
            }
            let centre = sky.angles_of(offset);
            let r = (4.0 * l.core_radius_m / chi_m).max(1e-3 * sky.fov_rad);
            let thetas: Vec<[f64; 2]> = (0..=CUT_POINTS)
                .map(|k| {
                    let phi = std::f64::consts::TAU * k as f64 / CUT_POINTS as f64;
                    [centre[0] + r * phi.cos(), centre[1] + r * phi.sin()]
                })
                .collect();
            // At the map's tolerance (1 % of a pixel): the cut is drawn, not polished.
            let betas: Vec<[f64; 2]> = tracer
                .trace(&thetas)
                .into_iter()
                .filter(|landing| landing.reached())
                .map(|landing| landing.beta)
                .collect();
            (betas.len() > CUT_POINTS / 2).then_some(betas)
        })
        .collect()
}
