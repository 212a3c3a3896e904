//! Per-ray observables (physics.md §9): deflection, redshift and its first-order parts, time
//! delay, null error and conserved-quantity drift; and the point-lens Einstein radius.

use crate::cosmology::Background;
use crate::integrate::RayOutcome;
use crate::lens::Lens;
use crate::metric::{idx, offset, velocity, Spacetime};
use crate::units::{angle_between, dot, norm, normalize, sub, C2, C_M_S};

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Observables {
    /// Angle between initial and final spatial directions [rad].
    pub deflection_rad: f64,
    /// Component of n_f − n_i toward the first lens, perpendicular to n_i (> 0: toward) [rad];
    /// NaN without lenses.
    pub deflection_toward_lens_rad: f64,
    /// Distance from the first lens centre to the initial straight line [m]; NaN without lenses.
    pub impact_parameter_m: f64,
    /// Exact z between comoving (static) observers at the ray's two ends.
    pub redshift: f64,
    pub z_expansion: f64,
    pub z_sachs_wolfe: f64,
    pub z_isw: f64,
    /// (1 + z_H)(1 + z_SW + z_ISW) − 1.
    pub z_linear: f64,
    /// Δη of the ray minus |x_end − x_start|/c [s].
    pub time_delay_s: f64,
    /// −2J/c³: the potential (Shapiro) part of the delay to first order [s].
    pub shapiro_delay_s: f64,
    pub null_error_max: f64,
    pub null_error_final: f64,
    /// |Q_end/Q_start − 1| (E for Schwarzschild); meaningful when Φ′ = 0.
    pub energy_drift: f64,
    pub final_direction: [f64; 3],
    pub path_length_m: f64,
}

/// Computes the observables of a finished ray.
pub fn of_ray<S: Spacetime>(st: &S, lenses: &[Lens], outcome: &RayOutcome) -> Observables {
    let (y0, s0) = (&outcome.initial_state, &outcome.initial_sample);
    let (y1, s1) = (&outcome.final_state, &outcome.final_sample);
    let n_i = normalize(velocity(y0));
    let n_f = normalize(velocity(y1));
    let start = st.observer_m();
    let start = [
        start[0] + y0[idx::X],
        start[1] + y0[idx::X + 1],
        start[2] + y0[idx::X + 2],
    ];
    let (toward, impact) = match lenses.first() {
        Some(lens) => {
            let c = sub(lens.center_m, start);
            let along = dot(c, n_i);
            let perp = [
                c[0] - along * n_i[0],
                c[1] - along * n_i[1],
                c[2] - along * n_i[2],
            ];
            let b = norm(perp);
            let dn = sub(n_f, n_i);
            (if b > 0.0 { dot(dn, perp) / b } else { 0.0 }, b)
        }
        None => (f64::NAN, f64::NAN),
    };
    let z_h = y0[idx::A] / y1[idx::A] - 1.0;
    let z_sw = (s0.phi - s1.phi) / C2;
    let z_isw = 2.0 * (y1[idx::ISW] - y0[idx::ISW]) / C2;
    let travel = sub(offset(y1), offset(y0));
    Observables {
        deflection_rad: angle_between(n_i, n_f),
        deflection_toward_lens_rad: toward,
        impact_parameter_m: impact,
        redshift: st.observed_energy(y1, s1) / st.observed_energy(y0, s0) - 1.0,
        z_expansion: z_h,
        z_sachs_wolfe: z_sw,
        z_isw,
        z_linear: (1.0 + z_h) * (1.0 + z_sw + z_isw) - 1.0,
        time_delay_s: (y0[idx::ETA] - y1[idx::ETA]) - norm(travel) / C_M_S,
        shapiro_delay_s: -2.0 * (y1[idx::SHAPIRO] - y0[idx::SHAPIRO]) / (C2 * C_M_S),
        null_error_max: outcome.null_error_max,
        null_error_final: st.null_error(y1, s1),
        energy_drift: (st.conserved_energy(y1, s1) / st.conserved_energy(y0, s0) - 1.0).abs(),
        final_direction: n_f,
        path_length_m: y1[idx::PATH] - y0[idx::PATH],
    }
}

/// How lens potentials are normalised, which changes the Einstein-radius formula (physics.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MassNormalisation {
    /// Φ = −GM/r frozen in comoving coordinates (default): θ_E² = (4GM/c²)χ_ls/(χ_l χ_s).
    FrozenComoving,
    /// Fixed physical mass (Φ = −GM/(a r)): θ_E² = (4GM/c²)D_ls/(D_l D_s), angular-diameter distances.
    FixedPhysical,
}

/// Point-lens Einstein angle [rad] for lens and source at comoving distances χ_l < χ_s [m].
pub fn einstein_radius_rad(
    gm: f64,
    lens_distance_m: f64,
    source_distance_m: f64,
    background: &Background,
    normalisation: MassNormalisation,
) -> Option<f64> {
    if !(lens_distance_m > 0.0 && source_distance_m > lens_distance_m) {
        return None;
    }
    let rs4 = 4.0 * gm / C2;
    let (chi_l, chi_s) = (lens_distance_m, source_distance_m);
    let theta2 = match (background, normalisation) {
        (Background::Static, _) | (_, MassNormalisation::FrozenComoving) => {
            rs4 * (chi_s - chi_l) / (chi_l * chi_s)
        }
        (Background::Lcdm(_), MassNormalisation::FixedPhysical) => {
            let a_of_chi = |chi: f64| background.scale_factor_at_distance_m(chi).ok();
            let (a_l, a_s) = (a_of_chi(chi_l)?, a_of_chi(chi_s)?);
            rs4 * a_s * (chi_s - chi_l) / (a_l * chi_l * a_s * chi_s)
        }
    };
    Some(theta2.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{gm_from_msun, MPC_M};

    #[test]
    fn einstein_radius_examples() {
        // physics.md §9: b_E = θ_E D_l = 0.219 Mpc at (500, 1000) Mpc, 0.293 Mpc at (900, 1800).
        let gm = gm_from_msun(1e15);
        for (dl, ds, be) in [(500.0, 1000.0, 0.219), (900.0, 1800.0, 0.293)] {
            let th = einstein_radius_rad(
                gm,
                dl * MPC_M,
                ds * MPC_M,
                &Background::Static,
                MassNormalisation::FrozenComoving,
            )
            .unwrap();
            assert!((th * dl - be).abs() < 0.0006, "{}", th * dl);
        }
        // In ΛCDM with a fixed physical mass the angle is larger by 1/√a_l (M → M/a_l).
        let l = crate::cosmology::Lcdm::new(70.0, 0.3, 0.7, 0.0).unwrap();
        let bg = Background::Lcdm(l.clone());
        let frozen = einstein_radius_rad(
            gm,
            500.0 * MPC_M,
            1000.0 * MPC_M,
            &bg,
            MassNormalisation::FrozenComoving,
        )
        .unwrap();
        let phys = einstein_radius_rad(
            gm,
            500.0 * MPC_M,
            1000.0 * MPC_M,
            &bg,
            MassNormalisation::FixedPhysical,
        )
        .unwrap();
        let a_l = l.a_of_eta(l.eta0_s() - 500.0 * MPC_M / C_M_S).unwrap();
        assert!((phys / frozen - 1.0 / a_l.sqrt()).abs() < 1e-12);
        assert!(
            einstein_radius_rad(gm, 2.0, 1.0, &bg, MassNormalisation::FrozenComoving).is_none()
        );
    }
}
