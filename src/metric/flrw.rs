//! Perturbed FLRW in the conformal Newtonian gauge with Φ = Ψ (physics.md §3):
//! ds² = a²(η)[−(c² + 2Φ)dη² + (1 − 2Φ/c²)δᵢⱼdxⁱdxʲ].
//!
//! The exact Christoffel symbols of this diagonal metric are the default: they cost the same
//! as the first-order ones and make the null condition and Q exact properties of the equations.

use super::spacetime::{self as st, idx, Halt, Sample, Spacetime, State, N_STATE};
use crate::cosmology::Expansion;
use crate::lens::{Lens, TimeDependence};
use crate::potential::Field;
use crate::units::{dot, C2, INV_C2};

/// Which geodesic equations to integrate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Equations {
    /// The exact symbols of the metric (default).
    Exact,
    /// Linearised in Φ/c², for comparison with the literature.
    FirstOrder,
}

/// A core that ends rays entering it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Core {
    pub center_m: [f64; 3],
    pub radius_m: f64,
}

/// Cores of those lenses that have one.
pub fn cores_of(lenses: &[Lens]) -> Vec<Core> {
    lenses
        .iter()
        .filter(|l| l.core_radius_m > 0.0)
        .map(|l| Core {
            center_m: l.center_m,
            radius_m: l.core_radius_m,
        })
        .collect()
}

/// Smallest distance outside the cores, +∞ if there are none.
pub fn core_margin(cores: &[Core], x_m: [f64; 3]) -> f64 {
    cores
        .iter()
        .map(|c| {
            let d = [
                x_m[0] - c.center_m[0],
                x_m[1] - c.center_m[1],
                x_m[2] - c.center_m[2],
            ];
            dot(d, d).sqrt() - c.radius_m
        })
        .fold(f64::INFINITY, f64::min)
}

pub struct PerturbedFlrw<F: Field> {
    pub field: F,
    pub expansion: Expansion,
    pub time: TimeDependence,
    pub equations: Equations,
    pub observer_m: [f64; 3],
    pub eta_obs_s: f64,
    pub cores: Vec<Core>,
    /// The lenses' centres, for the adaptive step limit ([`Spacetime::step_limit_m`]).
    pub step_limit: st::MassStepLimit,
}

impl<F: Field> PerturbedFlrw<F> {
    /// The field at a state, with its time dependence; `Halt` outside the grid or the weak field.
    #[inline]
    pub fn sample(&self, y: &State) -> Result<Sample, Halt> {
        self.sample_with_hubble(y, self.expansion.conformal_hubble(y[idx::A]))
    }

    /// As [`Self::sample`], with ℋ(a) already evaluated by the caller.
    #[inline(always)]
    fn sample_with_hubble(&self, y: &State, conformal_hubble: f64) -> Result<Sample, Halt> {
        let x = st::absolute_position(self.observer_m, y);
        let s0 = self.field.sample(x).ok_or(Halt::LeftGrid)?;
        let a = y[idx::A];
        let (g, g_rate) = self.time.factor(a, conformal_hubble);
        let s = Sample {
            phi: g * s0.phi,
            gradient: [g * s0.gradient[0], g * s0.gradient[1], g * s0.gradient[2]],
            dphi_deta: g_rate * s0.phi,
        };
        if !(C2 + 2.0 * s.phi > 0.0 && C2 - 2.0 * s.phi > 0.0) {
            return Err(Halt::WeakFieldViolated);
        }
        Ok(s)
    }
}

impl<F: Field> Spacetime for PerturbedFlrw<F> {
    #[inline(always)]
    fn derivative(&self, y: &State) -> Result<(State, Sample), Halt> {
        let a = y[idx::A];
        let h = self.expansion.conformal_hubble(a);
        let s = self.sample_with_hubble(y, h)?;
        let u0 = y[idx::U0];
        let u = [y[idx::U], y[idx::U + 1], y[idx::U + 2]];
        let v2 = dot(u, u);
        let grad = s.gradient;
        let gu = dot(grad, u);
        let (phi, phip) = (s.phi, s.dphi_deta);
        let mut d = [0.0; N_STATE];
        match self.equations {
            Equations::Exact => {
                let dp = C2 + 2.0 * phi;
                let dm = C2 - 2.0 * phi;
                // 1/dp and 1/dm from a single division (the hot path of every step).
                let inv = 1.0 / (dp * dm);
                let (inv_dp, inv_dm) = (dm * inv, dp * inv);
                d[idx::U0] = -(h + phip * inv_dp) * u0 * u0
                    - 2.0 * inv_dp * u0 * gu
                    - (h * dm - phip) * INV_C2 * inv_dp * v2;
                let rad = C2 * inv_dm * u0 * u0;
                let drag = 2.0 * (h - phip * inv_dm) * u0;
                for i in 0..3 {
                    d[idx::U + i] =
                        -rad * grad[i] - drag * u[i] + (2.0 * u[i] * gu - v2 * grad[i]) * inv_dm;
                }
            }
            Equations::FirstOrder => {
                let inv_c2 = INV_C2;
                d[idx::U0] = -(h + phip * inv_c2) * u0 * u0
                    - 2.0 * inv_c2 * u0 * gu
                    - (h * inv_c2 - 4.0 * h * phi * inv_c2 * inv_c2 - phip * inv_c2 * inv_c2) * v2;
                let drag = 2.0 * (h - phip * inv_c2) * u0;
                for i in 0..3 {
                    d[idx::U + i] = -grad[i] * u0 * u0 - drag * u[i]
                        + (2.0 * u[i] * gu - v2 * grad[i]) * inv_c2;
                }
            }
        }
        let speed = v2.sqrt();
        d[idx::ETA] = u0;
        d[idx::X] = u[0];
        d[idx::X + 1] = u[1];
        d[idx::X + 2] = u[2];
        d[idx::A] = a * h * u0;
        d[idx::PATH] = speed;
        d[idx::ISW] = phip * u0;
        d[idx::SHAPIRO] = phi * speed;
        Ok((d, s))
    }

    fn null_error(&self, y: &State, s: &Sample) -> f64 {
        let u0 = y[idx::U0];
        let u = [y[idx::U], y[idx::U + 1], y[idx::U + 2]];
        let time = (C2 + 2.0 * s.phi) * u0 * u0;
        let space = (1.0 - 2.0 * s.phi * INV_C2) * dot(u, u);
        (space - time).abs() / (time + space)
    }

    fn launch(&self, offset_m: [f64; 3], direction: [f64; 3]) -> Result<State, Halt> {
        let mut y = st::spatial_launch_state(offset_m, direction);
        let s = self.sample(&y)?;
        y[idx::U0] = -((C2 - 2.0 * s.phi) / (C2 + 2.0 * s.phi)).sqrt();
        Ok(y)
    }

    fn core_margin_m(&self, y: &State) -> f64 {
        core_margin(&self.cores, st::absolute_position(self.observer_m, y))
    }

    fn core_entry_m(&self, y: &State) -> Option<f64> {
        if self.cores.is_empty() {
            return None;
        }
        let x = st::absolute_position(self.observer_m, y);
        let dir = crate::units::normalize(st::velocity(y));
        self.cores
            .iter()
            .filter_map(|c| st::chord_entry_m(x, dir, c.center_m, c.radius_m))
            .reduce(f64::min)
    }

    fn step_limit_m(&self, y: &State) -> Option<f64> {
        self.step_limit
            .at(st::absolute_position(self.observer_m, y))
    }

    fn eta_obs_s(&self) -> f64 {
        self.eta_obs_s
    }

    fn observer_m(&self) -> [f64; 3] {
        self.observer_m
    }

    /// Q = a²(c² + 2Φ)u⁰, conserved when Φ′ = 0.
    fn conserved_energy(&self, y: &State, s: &Sample) -> f64 {
        let a = y[idx::A];
        a * a * (C2 + 2.0 * s.phi) * y[idx::U0]
    }

    /// a√(1 + 2Φ/c²)|u⁰| (physics.md §3.4 item 5).
    fn observed_energy(&self, y: &State, s: &Sample) -> f64 {
        y[idx::A] * (1.0 + 2.0 * s.phi / C2).sqrt() * y[idx::U0].abs()
    }
}
