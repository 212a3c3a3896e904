//! The linear growth of matter perturbations (physics.md §13): D(a) solves
//! D'' + (3/a + E'/E) D' − (3/2) Ωm/(a⁵E²) D = 0, integrated once per background in x = ln a as
//! y₁ = D, y₂ = dD/dln a:
//!
//!   dy₁/dx = y₂,   dy₂/dx = −(2 + dln E/dln a) y₂ + (3/2) Ωm(a) y₁,   Ωm(a) = Ωm/(a³E²),
//!
//! by classical RK4 on a fine uniform lattice in x, from a = 10⁻⁵ with the growing mode of the
//! matter + radiation era (Mészáros: D ∝ y + 2/3, y = a Ωm/Ωr; D ∝ a without radiation) to
//! a = [`A_TABLE_MAX`]. The table keeps ln D and f = dln D/dln a with their exact x-derivatives
//! (f and the ODE's df/dx), so a cubic Hermite lookup is good to ~10⁻¹² on the lattice used.
//!
//! `time_dependence = "linear_growth"` scales the snapshot's potential by g = D/a relative to
//! the snapshot's epoch: Φ(η) = Φ_snap·G, G = g(a)/g(a_snap), and
//! dG/dη = G·ℋ·(f − 1) (from dg/dln a = g (f − 1) and dln a/dη = ℋ): the ISW source.

use super::expansion::Expansion;
use super::lcdm::A_TABLE_MAX;

/// Earliest tabulated scale factor; earlier, no ray of this tool goes (the CMB is at 10⁻³).
const GROWTH_A_MIN: f64 = 1e-5;
/// RK4 steps in ln a over the table (a step of 1.2·10⁻³ in ln a: the RK4 error of D is
/// ~10⁻¹³ relative, far below the tests' 10⁻⁸).
const STEPS: usize = 10_000;

/// D(a) and f(a) of one background, and the epoch its potential was given at.
#[derive(Debug, Clone, PartialEq)]
pub struct Growth {
    x0: f64,
    dx: f64,
    ln_d: Vec<f64>,
    f: Vec<f64>,
    df_dx: Vec<f64>,
    /// ln g(a_snap) = ln D(a_snap) − ln a_snap.
    ln_g_snap: f64,
}

/// The right-hand side (dy₁/dx, dy₂/dx) at x = ln a.
fn rhs(e: &Expansion, x: f64, y: [f64; 2]) -> [f64; 2] {
    let a = x.exp();
    let e2 = e.e_squared(a);
    let (a3, a4) = (a * a * a, a * a * a * a);
    // dE²/dln a of E² = Ωr a⁻⁴ + Ωm a⁻³ + ΩΛ.
    let de2_dx = -4.0 * e.omega_r / a4 - 3.0 * e.omega_m / a3;
    let dln_e = 0.5 * de2_dx / e2;
    let omega_m_a = e.omega_m / (a3 * e2);
    [y[1], -(2.0 + dln_e) * y[1] + 1.5 * omega_m_a * y[0]]
}

impl Growth {
    /// The growth of `expansion` (an expanding background: Ωm > 0), normalised to the epoch
    /// `a_snap` of the potential it scales.
    pub fn new(expansion: &Expansion, a_snap: f64) -> Growth {
        let x0 = GROWTH_A_MIN.ln();
        let dx = (A_TABLE_MAX.ln() - x0) / STEPS as f64;
        let a0 = GROWTH_A_MIN;
        let mut y = if expansion.omega_r > 0.0 {
            let u = a0 * expansion.omega_m / expansion.omega_r;
            [u + 2.0 / 3.0, u]
        } else {
            [a0, a0]
        };
        let mut table = Growth {
            x0,
            dx,
            ln_d: Vec::with_capacity(STEPS + 1),
            f: Vec::with_capacity(STEPS + 1),
            df_dx: Vec::with_capacity(STEPS + 1),
            ln_g_snap: 0.0,
        };
        for k in 0..=STEPS {
            let x = x0 + k as f64 * dx;
            let d = rhs(expansion, x, y);
            let f = y[1] / y[0];
            table.ln_d.push(y[0].ln());
            table.f.push(f);
            table.df_dx.push(d[1] / y[0] - f * f);
            if k < STEPS {
                let add = |y: [f64; 2], k: [f64; 2], h: f64| [y[0] + h * k[0], y[1] + h * k[1]];
                let k1 = d;
                let k2 = rhs(expansion, x + 0.5 * dx, add(y, k1, 0.5 * dx));
                let k3 = rhs(expansion, x + 0.5 * dx, add(y, k2, 0.5 * dx));
                let k4 = rhs(expansion, x + dx, add(y, k3, dx));
                for c in 0..2 {
                    y[c] += dx / 6.0 * (k1[c] + 2.0 * k2[c] + 2.0 * k3[c] + k4[c]);
                }
            }
        }
        let x_snap = a_snap.ln();
        table.ln_g_snap = table.ln_d_f(x_snap).0 - x_snap;
        table
    }

    /// (ln D, f) at x = ln a by cubic Hermite interpolation; below the table D ∝ a (f = 1),
    /// above it the last interval's cubic continues (no ray reaches a > 1.05).
    fn ln_d_f(&self, x: f64) -> (f64, f64) {
        let last = self.ln_d.len() - 1;
        let u = (x - self.x0) / self.dx;
        if u.is_nan() || u <= 0.0 {
            return (self.ln_d[0] + (x - self.x0), 1.0);
        }
        let k = (u as usize).min(last - 1);
        let t = u - k as f64;
        let h = self.dx;
        let hermite = |p0: f64, m0: f64, p1: f64, m1: f64| {
            let (t2, t3) = (t * t, t * t * t);
            (2.0 * t3 - 3.0 * t2 + 1.0) * p0
                + (t3 - 2.0 * t2 + t) * h * m0
                + (-2.0 * t3 + 3.0 * t2) * p1
                + (t3 - t2) * h * m1
        };
        (
            hermite(self.ln_d[k], self.f[k], self.ln_d[k + 1], self.f[k + 1]),
            hermite(self.f[k], self.df_dx[k], self.f[k + 1], self.df_dx[k + 1]),
        )
    }

    /// D(a) normalised to D(1) = 1.
    pub fn d(&self, a: f64) -> f64 {
        (self.ln_d_f(a.ln()).0 - self.ln_d_f(0.0).0).exp()
    }

    /// f = dln D/dln a.
    pub fn f(&self, a: f64) -> f64 {
        self.ln_d_f(a.ln()).1
    }

    /// (G, dG/dη) at `a`, with ℋ(a) = `conformal_hubble` [s⁻¹]: G = g(a)/g(a_snap), g = D/a.
    #[inline]
    pub fn factor(&self, a: f64, conformal_hubble: f64) -> (f64, f64) {
        let x = a.ln();
        let (ln_d, f) = self.ln_d_f(x);
        let g = (ln_d - x - self.ln_g_snap).exp();
        (g, g * conformal_hubble * (f - 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(omega_m: f64, omega_r: f64) -> Expansion {
        Expansion {
            h0_per_s: crate::units::hubble_per_s(70.0),
            omega_m,
            omega_r,
            omega_lambda: 1.0 - omega_m - omega_r,
            is_static: false,
        }
    }

    /// Einstein–de Sitter: D = a, so g = D/a is constant and the potential does not evolve.
    #[test]
    fn einstein_de_sitter_potentials_are_constant() {
        let e = flat(1.0, 0.0);
        let growth = Growth::new(&e, 0.5);
        for a in [1e-3, 0.1, 0.5, 1.0] {
            let (g, rate) = growth.factor(a, e.conformal_hubble(a));
            assert!((g - 1.0).abs() < 1e-12, "G({a}) = {g}");
            assert!(
                rate.abs() < 1e-12 * e.conformal_hubble(a),
                "dG/dη({a}) = {rate}"
            );
        }
    }

    /// In ΛCDM g decays: G > 1 before the snapshot, < 1 after, and its rate is G ℋ (f − 1).
    #[test]
    fn lcdm_potentials_decay_at_the_rate_of_f_minus_1() {
        let e = flat(0.3, 9e-5);
        let growth = Growth::new(&e, 0.5);
        let (g_early, _) = growth.factor(0.25, e.conformal_hubble(0.25));
        let (g_snap, _) = growth.factor(0.5, e.conformal_hubble(0.5));
        let (g_late, rate) = growth.factor(1.0, e.conformal_hubble(1.0));
        assert!(g_early > 1.0 && (g_snap - 1.0).abs() < 1e-12 && g_late < 1.0);
        // dG/dη against a centred difference of G(η), with a(η) from da/dη = aℋ.
        let a = 0.8;
        let h = 1e-4;
        let (ga, rate_a) = growth.factor(a, e.conformal_hubble(a));
        let dg_da = (growth.factor(a + h, 0.0).0 - growth.factor(a - h, 0.0).0) / (2.0 * h);
        let want = dg_da * e.da_deta(a);
        assert!((rate_a / want - 1.0).abs() < 1e-7, "{rate_a} vs {want}");
        assert!(ga > g_late && rate < 0.0);
        // With radiation the early growth is Mészáros's: D ∝ y + 2/3 at y = a Ωm/Ωr ≪ 1.
        let y = |a: f64| a * e.omega_m / e.omega_r;
        let ratio = growth.d(2e-5) / growth.d(1e-5);
        let meszaros = (y(2e-5) + 2.0 / 3.0) / (y(1e-5) + 2.0 / 3.0);
        assert!(
            (ratio / meszaros - 1.0).abs() < 1e-3,
            "{ratio} vs {meszaros}"
        );
    }
}
