//! Perturbed FLRW in the conformal Newtonian gauge with Φ = Ψ (physics.md §3):
//! ds² = a²(η)[−(c² + 2Φ)dη² + (1 − 2Φ/c²)δᵢⱼdxⁱdxʲ].
//!
//! The exact Christoffel symbols of this diagonal metric are the default: they cost the same
//! as the first-order ones and make the null condition and Q exact properties of the equations.

use super::spacetime::{self as st, idx, set_lane, Halt, Lanes, Sample, Spacetime, State, N_STATE};
use crate::cosmology::Expansion;
use crate::lens::{Lens, TimeDependence};
use crate::potential::{Field, StaticLanes};
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
        self.derivative(y).map(|(_, s)| s)
    }

    /// dy/dλ on every lane of `y`, from ℋ(a) and the field there (Φ, ∇Φ, Φ′), into `d`. The one
    /// statement of the geodesic equations: [`Spacetime::derivative`] is its one-lane case.
    /// Each branch is one loop over the lanes with a straight body, which the compiler turns
    /// into SIMD instructions, each lane computing exactly what a single ray would.
    #[inline(always)]
    fn rhs_lanes<const L: usize>(
        &self,
        y: &Lanes<L>,
        h: &[f64; L],
        f: &FieldLanes<L>,
        d: &mut Lanes<L>,
    ) {
        let (phi, grad, phip) = (&f.phi, &f.gradient, &f.dphi_deta);
        match self.equations {
            Equations::Exact => {
                for l in 0..L {
                    let (u0, u, g, v2, gu) = lane_vectors(y, grad, l);
                    let dp = C2 + 2.0 * phi[l];
                    let dm = C2 - 2.0 * phi[l];
                    // 1/dp and 1/dm from a single division (the hot path of every step).
                    let inv = 1.0 / (dp * dm);
                    let (inv_dp, inv_dm) = (dm * inv, dp * inv);
                    d[idx::U0][l] = -(h[l] + phip[l] * inv_dp) * u0 * u0
                        - 2.0 * inv_dp * u0 * gu
                        - (h[l] * dm - phip[l]) * INV_C2 * inv_dp * v2;
                    let rad = C2 * inv_dm * u0 * u0;
                    let drag = 2.0 * (h[l] - phip[l] * inv_dm) * u0;
                    for i in 0..3 {
                        d[idx::U + i][l] =
                            -rad * g[i] - drag * u[i] + (2.0 * u[i] * gu - v2 * g[i]) * inv_dm;
                    }
                }
            }
            Equations::FirstOrder => {
                let inv_c2 = INV_C2;
                for l in 0..L {
                    let (u0, u, g, v2, gu) = lane_vectors(y, grad, l);
                    let (h, phi, phip) = (h[l], phi[l], phip[l]);
                    d[idx::U0][l] = -(h + phip * inv_c2) * u0 * u0
                        - 2.0 * inv_c2 * u0 * gu
                        - (h * inv_c2 - 4.0 * h * phi * inv_c2 * inv_c2 - phip * inv_c2 * inv_c2)
                            * v2;
                    let drag = 2.0 * (h - phip * inv_c2) * u0;
                    for i in 0..3 {
                        d[idx::U + i][l] =
                            -g[i] * u0 * u0 - drag * u[i] + (2.0 * u[i] * gu - v2 * g[i]) * inv_c2;
                    }
                }
            }
        }
        for l in 0..L {
            let (u0, u) = (
                y[idx::U0][l],
                [y[idx::U][l], y[idx::U + 1][l], y[idx::U + 2][l]],
            );
            let speed = dot(u, u).sqrt();
            d[idx::ETA][l] = u0;
            d[idx::X][l] = u[0];
            d[idx::X + 1][l] = u[1];
            d[idx::X + 2][l] = u[2];
            d[idx::A][l] = y[idx::A][l] * h[l] * u0;
            d[idx::PATH][l] = speed;
            d[idx::ISW][l] = phip[l] * u0;
            d[idx::SHAPIRO][l] = phi[l] * speed;
        }
    }
}

/// Lane `l`'s u⁰, uⁱ, ∇Φ, |u|² and ∇Φ·u.
#[inline(always)]
fn lane_vectors<const L: usize>(
    y: &Lanes<L>,
    grad: &[[f64; L]; 3],
    l: usize,
) -> (f64, [f64; 3], [f64; 3], f64, f64) {
    let u = [y[idx::U][l], y[idx::U + 1][l], y[idx::U + 2][l]];
    let g = [grad[0][l], grad[1][l], grad[2][l]];
    (y[idx::U0][l], u, g, dot(u, u), dot(g, u))
}

/// The field on every lane of a packet, component-major like [`Lanes`].
struct FieldLanes<const L: usize> {
    phi: [f64; L],
    gradient: [[f64; L]; 3],
    dphi_deta: [f64; L],
}

impl<F: Field> Spacetime for PerturbedFlrw<F> {
    #[inline(always)]
    fn derivative(&self, y: &State) -> Result<(State, Sample), Halt> {
        let mut d = [[0.0; 1]; N_STATE];
        let mut s = [Sample::default(); 1];
        let mut y1 = [[0.0; 1]; N_STATE];
        set_lane(&mut y1, 0, y);
        let [halt] = self.derivative_lanes::<1>(&y1, &mut d, &mut s);
        match halt {
            Some(halt) => Err(halt),
            None => Ok((st::lane(&d, 0), s[0])),
        }
    }

    /// Samples the field lane by lane (the grid lookups are scattered loads), then evaluates
    /// the time dependence, the weak-field check and [`Self::rhs_lanes`] on all lanes at once.
    #[inline(always)]
    fn derivative_lanes<const L: usize>(
        &self,
        y: &Lanes<L>,
        d: &mut Lanes<L>,
        s: &mut [Sample; L],
    ) -> [Option<Halt>; L] {
        let a = &y[idx::A];
        let mut hubble = [0.0; L];
        for l in 0..L {
            hubble[l] = self.expansion.conformal_hubble(a[l]);
        }
        let o = self.observer_m;
        let mut x = [[0.0; L]; 3];
        for i in 0..3 {
            for l in 0..L {
                x[i][l] = o[i] + y[idx::X + i][l];
            }
        }
        let mut f0 = StaticLanes::default();
        let inside = self.field.sample_lanes(&x, &mut f0);
        let mut halts: [Option<Halt>; L] = inside.map(|ok| (!ok).then_some(Halt::LeftGrid));
        let mut f = FieldLanes {
            phi: f0.phi,
            gradient: f0.gradient,
            dphi_deta: [0.0; L],
        };
        // Φ(η, x) = g(a)·Φ₀(x): Φ′ = g′Φ₀ with g′ = dg/dη.
        for l in 0..L {
            let (g, g_rate) = self.time.factor(a[l], hubble[l]);
            f.dphi_deta[l] = g_rate * f.phi[l];
            f.phi[l] *= g;
            for i in 0..3 {
                f.gradient[i][l] *= g;
            }
        }
        for l in 0..L {
            if !(C2 + 2.0 * f.phi[l] > 0.0 && C2 - 2.0 * f.phi[l] > 0.0) && halts[l].is_none() {
                halts[l] = Some(Halt::WeakFieldViolated);
            }
            s[l] = Sample {
                phi: f.phi[l],
                gradient: [f.gradient[0][l], f.gradient[1][l], f.gradient[2][l]],
                dphi_deta: f.dphi_deta[l],
            };
        }
        self.rhs_lanes(y, &hubble, &f, d);
        halts
    }

    fn null_error(&self, y: &State, s: &Sample) -> f64 {
        let u0 = y[idx::U0];
        let u = [y[idx::U], y[idx::U + 1], y[idx::U + 2]];
        let time = (C2 + 2.0 * s.phi) * u0 * u0;
        let space = (1.0 - 2.0 * s.phi * INV_C2) * dot(u, u);
        (space - time).abs() / (time + space)
    }

    fn null_u0(&self, y: &State) -> Option<f64> {
        // (c² + 2Φ)(u⁰)² = (1 − 2Φ/c²)|u|², as null_error measures it.
        let s = self.sample(y).ok()?;
        let u = [y[idx::U], y[idx::U + 1], y[idx::U + 2]];
        let u0 = ((1.0 - 2.0 * s.phi * INV_C2) * dot(u, u) / (C2 + 2.0 * s.phi)).sqrt();
        Some(u0.copysign(y[idx::U0]))
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
