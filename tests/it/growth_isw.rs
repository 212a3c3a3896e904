//! Linear growth (physics.md §13, `time_dependence = "linear_growth"`): the growth table
//! against the exact solution of flat matter + Λ, and the ISW redshift of rays through
//! decaying potentials against −(2/c²)∫Φ′dη computed here, along the straight line, from that
//! exact solution (no growth table, no tracer state); zero in Einstein–de Sitter.

use crate::common::*;
use excalibur::cosmology::{Background, Expansion, Growth, Lcdm};
use excalibur::integrate::StopConditions;
use excalibur::lens::TimeDependence;
use excalibur::metric::idx;
use excalibur::observables::of_ray;
use excalibur::potential::Field;
use excalibur::units::{C2, C_M_S, MPC_M};
use std::sync::Arc;

/// I(a) = ∫₀^a da'/(a'E(a'))³ by Simpson's rule in s = √a' (the integrand is then a smooth
/// function of s, ~2 s⁴/Ωm^1.5 near 0).
fn integral(e: &Expansion, a: f64) -> f64 {
    let n = 20_000;
    let h = a.sqrt() / n as f64;
    let g = |s: f64| {
        if s == 0.0 {
            return 0.0;
        }
        let ap = s * s;
        2.0 * s / (ap * e.e_squared(ap).sqrt()).powi(3)
    };
    let mut sum = g(0.0) + g(a.sqrt());
    for k in 1..n {
        sum += g(k as f64 * h) * if k % 2 == 1 { 4.0 } else { 2.0 };
    }
    sum * h / 3.0
}

/// The exact growth of flat matter + Λ: D ∝ E(a) I(a), f = dln E/dln a + 1/(a²E³I).
struct Exact(Expansion);

impl Exact {
    fn d(&self, a: f64) -> f64 {
        self.0.e_squared(a).sqrt() * integral(&self.0, a)
    }
    fn f(&self, a: f64) -> f64 {
        let e2 = self.0.e_squared(a);
        let dln_e = 0.5 * (-3.0 * self.0.omega_m / (a * a * a)) / e2;
        dln_e + 1.0 / (a * a * e2.powf(1.5) * integral(&self.0, a))
    }
    /// G = g(a)/g(a_snap) with g = D/a, and dG/dη = Gℋ(f − 1).
    fn g_and_rate(&self, a: f64, a_snap: f64) -> (f64, f64) {
        let g = (self.d(a) / a) / (self.d(a_snap) / a_snap);
        (g, g * self.0.conformal_hubble(a) * (self.f(a) - 1.0))
    }
}

fn background(omega_m: f64) -> Background {
    Background::Lcdm(Lcdm::new(70.0, omega_m, 1.0 - omega_m, 0.0).unwrap())
}

fn growing(bg: &Background, a_snap: f64) -> TimeDependence {
    TimeDependence::LinearGrowth(Arc::new(Growth::new(&bg.expansion(), a_snap)))
}

#[test]
fn the_growth_ode_matches_the_integral_solution_of_flat_lcdm() {
    let bg = background(0.3);
    let exact = Exact(bg.expansion());
    let growth = Growth::new(&bg.expansion(), 1.0);
    let d1 = exact.d(1.0);
    for a in [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0] {
        let want = exact.d(a) / d1;
        assert!(
            rel(growth.d(a), want) < 1e-8,
            "D({a}) = {}, exact {want}",
            growth.d(a)
        );
        assert!(
            rel(growth.f(a), exact.f(a)) < 1e-8,
            "f({a}) = {}",
            growth.f(a)
        );
    }
    // Today's growth rate against the textbook Ωm^0.55 (Linder 2005), whose own error at z = 0
    // for Ωm = 0.3 is 0.6 % (f = 0.5128 exactly, 0.5157 by the formula).
    assert!(
        rel(growth.f(1.0), 0.3f64.powf(0.55)) < 1e-2,
        "f(1) = {}",
        growth.f(1.0)
    );
}

/// A uniform Φ₀ in linear growth from a snapshot at z = 0.5: Φ at the emitter is Φ₀ G(a_em),
/// the redshift is the exact one of a uniform potential, and the ISW part is
/// −(2/c²)(Φ_obs − Φ_em) = −(2/c²)Φ₀(G(1) − G(a_em)).
#[test]
fn isw_of_a_uniform_decaying_potential() {
    let phi0 = -1e-5 * C2;
    let field = uniform(phi0);
    let bg = background(0.3);
    let a_snap = 1.0 / 1.5;
    let mut st = flrw(field, &bg, [0.0; 3]);
    st.time = growing(&bg, a_snap);
    let stop = StopConditions {
        distance_m: Some(2500.0 * MPC_M),
        ..Default::default()
    };
    let (out, _) = trace(&st, [0.0; 3], [0.0, 0.0, 1.0], &rk4(2.0, stop));
    let obs = of_ray(&st, &[], &out);
    let a_em = out.final_state[idx::A];
    let exact = Exact(bg.expansion());
    let (g_em, _) = exact.g_and_rate(a_em, a_snap);
    let (g_obs, _) = exact.g_and_rate(1.0, a_snap);
    assert!(
        g_em > 1.0 && g_obs < 1.0,
        "the potential decays: {g_em} then {g_obs}"
    );
    assert!(rel(out.final_sample.phi, phi0 * g_em) < 1e-8);
    assert!(rel(out.initial_sample.phi, phi0 * g_obs) < 1e-8);
    let want_isw = -2.0 * phi0 * (g_obs - g_em) / C2;
    assert!(
        rel(obs.z_isw, want_isw) < 1e-6,
        "ISW {} vs {want_isw}",
        obs.z_isw
    );
    let (p_obs, p_em) = (phi0 * g_obs / C2, phi0 * g_em / C2);
    let z = (1.0 / a_em) * ((1.0 - 2.0 * p_obs) / (1.0 - 2.0 * p_em)).sqrt() - 1.0;
    assert!(
        (obs.redshift - z).abs() < 1e-11,
        "z {} vs {z}",
        obs.redshift
    );
}

/// A ray past a 10¹⁵ M☉ sphere 600 Mpc away, its potential decaying from a snapshot at z = 0:
/// z_ISW against −(2/c²)∫Φ₀(x(χ)) dG/dη dη along the unperturbed line, by Simpson's rule in χ
/// (the bending changes the path at second order: 1e-4 relative allowed).
#[test]
fn isw_of_a_ray_past_a_decaying_lens_against_the_line_integral() {
    let lens = sphere(1e15, [600.0, 3.0, 0.0]);
    let bg = background(0.3);
    let mut st = flrw(analytic(vec![lens]), &bg, [0.0; 3]);
    st.time = growing(&bg, 1.0);
    let length_m = 1200.0 * MPC_M;
    let stop = StopConditions {
        distance_m: Some(length_m),
        ..Default::default()
    };
    let (out, _) = trace(&st, [0.0; 3], [1.0, 0.0, 0.0], &rk4(0.5, stop));
    let obs = of_ray(&st, &[], &out);
    let field = analytic(vec![lens]);
    let exact = Exact(bg.expansion());
    let n = 4000;
    let h = length_m / n as f64;
    let integrand = |k: usize| {
        let chi = k as f64 * h;
        let a = bg.scale_factor_at_distance_m(chi).unwrap();
        let (_, rate) = exact.g_and_rate(a, 1.0);
        field.sample([chi, 0.0, 0.0]).unwrap().phi * rate
    };
    let mut sum = integrand(0) + integrand(n);
    for k in 1..n {
        sum += integrand(k) * if k % 2 == 1 { 4.0 } else { 2.0 };
    }
    // ∫ Φ′ dη from the emitter to the observer = (1/c)∫₀^L Φ′ dχ (η = η₀ − χ/c).
    let want = -2.0 / C2 * (sum * h / 3.0) / C_M_S;
    assert!(want < 0.0, "a decaying well blueshifts: {want}");
    assert!(rel(obs.z_isw, want) < 1e-4, "ISW {} vs {want}", obs.z_isw);
}

/// Einstein–de Sitter: g = D/a is constant, so Φ′ = 0 and there is no ISW at all.
#[test]
fn no_isw_in_einstein_de_sitter() {
    let lens = sphere(1e15, [600.0, 3.0, 0.0]);
    let bg = background(1.0);
    let mut st = flrw(analytic(vec![lens]), &bg, [0.0; 3]);
    st.time = growing(&bg, 0.5);
    let stop = StopConditions {
        distance_m: Some(1200.0 * MPC_M),
        ..Default::default()
    };
    let (out, _) = trace(&st, [0.0; 3], [1.0, 0.0, 0.0], &rk4(0.5, stop));
    let obs = of_ray(&st, &[], &out);
    // Against the lens's depth 2|Φ|/c² at its centre (~1e-5): round-off only.
    let depth = 2.0 * lens.central_phi_over_c2().abs();
    assert!(
        obs.z_isw.abs() < 1e-10 * depth,
        "ISW {} (depth {depth})",
        obs.z_isw
    );
}
