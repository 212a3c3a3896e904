//! Builders shared by the physics tests: the common setup of physics.md §10.

use excalibur::cosmology::{Background, Lcdm};
use excalibur::integrate::{
    integrate, Integration, Method, Plane, RayOutcome, StepRule, StopConditions,
};
use excalibur::lens::{Lens, Profile, TimeDependence};
use excalibur::metric::{Equations, PerturbedFlrw, Spacetime};
use excalibur::potential::{AnalyticField, Field};
use excalibur::units::{gm_from_msun, MPC_M};
use std::sync::atomic::AtomicBool;

pub const D_MPC: f64 = 496.09375;

pub fn lcdm() -> Background {
    Background::Lcdm(Lcdm::new(70.0, 0.3, 0.7, 0.0).unwrap())
}

/// The reference lens: 1e15 M☉ uniform sphere of R = 3 Mpc at `center_mpc`.
pub fn sphere(mass_msun: f64, center_mpc: [f64; 3]) -> Lens {
    Lens {
        profile: Profile::UniformSphere {
            radius_m: 3.0 * MPC_M,
        },
        gm: gm_from_msun(mass_msun),
        center_m: center_mpc.map(|c| c * MPC_M),
        core_radius_m: 0.0,
    }
}

pub fn flrw<F: Field>(field: F, bg: &Background, observer_mpc: [f64; 3]) -> PerturbedFlrw<F> {
    PerturbedFlrw {
        field,
        expansion: bg.expansion(),
        time: TimeDependence::Frozen,
        equations: Equations::Exact,
        observer_m: observer_mpc.map(|c| c * MPC_M),
        eta_obs_s: bg.eta_obs_s(),
        cores: vec![],
        step_limit: Default::default(),
    }
}

pub fn analytic(lenses: Vec<Lens>) -> AnalyticField {
    AnalyticField {
        lenses,
        uniform: None,
    }
}

/// A spatially uniform Φ₀ [m²/s²] and no lenses (its time dependence is the spacetime's).
pub fn uniform(phi0: f64) -> AnalyticField {
    AnalyticField {
        lenses: vec![],
        uniform: Some(excalibur::potential::UniformField {
            phi0,
            ..Default::default()
        }),
    }
}

pub fn rk4(step_mpc: f64, stop: StopConditions) -> Integration {
    Integration {
        method: Method::Rk4(StepRule::Comoving(step_mpc * MPC_M)),
        stop,
        record_every: 1,
        keep_null: false,
    }
}

/// A plane x = +x_mpc (observer-relative offset given separately).
pub fn plane_x(offset_mpc: f64) -> StopConditions {
    StopConditions {
        plane: Some(Plane {
            point_offset_m: [offset_mpc * MPC_M, 0.0, 0.0],
            normal: [1.0, 0.0, 0.0],
        }),
        ..Default::default()
    }
}

/// Traces one ray and returns its outcome and all recorded rows.
pub fn trace<S: Spacetime>(
    st: &S,
    offset_m: [f64; 3],
    dir: [f64; 3],
    integ: &Integration,
) -> (RayOutcome, Vec<[f64; 14]>) {
    let y0 = st.launch(offset_m, dir).expect("launch");
    let mut rows = Vec::new();
    let cancel = AtomicBool::new(false);
    let out = integrate(st, y0, integ, &cancel, &mut |y, s| rows.push(st.row(y, s)));
    (out, rows)
}

/// V3 geometry: ray along +x at offset +y = b from a lens at the origin, from x = −D to x = +D.
/// Returns the outcome; the observer sits at (−D, b, 0) Mpc.
pub fn v3_ray<F: Field>(
    field: F,
    bg: &Background,
    b_mpc: f64,
    step_mpc: f64,
) -> (PerturbedFlrw<F>, RayOutcome, Vec<[f64; 14]>) {
    let st = flrw(field, bg, [-D_MPC, b_mpc, 0.0]);
    let integ = rk4(step_mpc, plane_x(2.0 * D_MPC));
    let (out, rows) = trace(&st, [0.0; 3], [1.0, 0.0, 0.0], &integ);
    (st, out, rows)
}

/// Born finite-path prediction α_fin for a point mass (physics.md §9) with ends at ζ₁ < 0 < ζ₂.
pub fn alpha_finite(gm: f64, b_m: f64, zeta1_m: f64, zeta2_m: f64) -> f64 {
    let c2 = excalibur::units::C2;
    2.0 * gm / (c2 * b_m) * (zeta2_m / (zeta2_m.hypot(b_m)) - zeta1_m / (zeta1_m.hypot(b_m)))
}

pub fn rel(a: f64, b: f64) -> f64 {
    (a / b - 1.0).abs()
}
