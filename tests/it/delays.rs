//! Arrival-time delays between images are as precise as the delay itself, not as η (physics.md
//! §13 "Precision of delays"): conformal invariance (static and frozen-ΛCDM runs of one lens give
//! one delay), independence of the image size, and the thin-lens Fermat potential of a SIS.

use crate::lensing::{image_of, point, scene, theta_e, D_L_MPC, D_S_MPC, MASS_MSUN};
use approx::assert_relative_eq;
use excalibur::config::{CosmologyModel, LensConfig, ProfileKind, RunConfig, TimeDependenceKind};
use excalibur::units::{gm_from_msun, C_M_S, MPC_M};

/// A SIS with θ_E = 10″ at D_l (static distances), truncated far outside its images (R = 50
/// Mpc, 1000 θ_E·D_l: the truncation changes the deflection at the images by ~b/(πR) ~ 3e-4).
pub(crate) const SIS_THETA_E_ARCSEC: f64 = 10.0;
const SIS_RADIUS_MPC: f64 = 50.0;

fn sis() -> LensConfig {
    let te = SIS_THETA_E_ARCSEC * excalibur::lensing::ARCSEC;
    // θ_E = 4π σ²/c² · D_ls/D_s, σ² = GM/(2R).
    let sigma2 = te * C_M_S * C_M_S / (4.0 * std::f64::consts::PI) * D_S_MPC / (D_S_MPC - D_L_MPC);
    let gm = 2.0 * sigma2 * SIS_RADIUS_MPC * MPC_M;
    LensConfig {
        profile: ProfileKind::Sis,
        mass_msun: gm / gm_from_msun(1.0),
        radius_mpc: SIS_RADIUS_MPC,
        center_mpc: [D_L_MPC, 0.0, 0.0],
        ..Default::default()
    }
}

/// The delay of the last image after the first [s], and the image count.
fn delay(c: RunConfig, size: usize) -> (f64, usize) {
    let image = image_of(c, size);
    let t: Vec<f64> = image.images.iter().map(|i| i.arrival_s).collect();
    (t[t.len() - 1] - t[0], t.len())
}

/// The SIS scene with the source at β = 0.3 θ_E.
pub(crate) fn sis_scene() -> RunConfig {
    let mut c = scene(vec![sis()], 60.0);
    let te = SIS_THETA_E_ARCSEC * excalibur::lensing::ARCSEC;
    c.source.offset_mpc = [0.3 * te * D_S_MPC, 0.0];
    c
}

pub(crate) fn point_scene() -> RunConfig {
    let mut c = scene(vec![point(MASS_MSUN, [D_L_MPC, 0.0, 0.0])], 80.0);
    c.source.offset_mpc = [0.5 * theta_e(MASS_MSUN) * D_S_MPC, 0.0];
    c
}

#[test]
fn static_and_frozen_lcdm_runs_give_one_delay() {
    for (name, c) in [("SIS", sis_scene()), ("point", point_scene())] {
        let (static_s, n) = delay(c.clone(), 128);
        assert_eq!(n, 2, "{name}");
        let mut lcdm = c;
        lcdm.cosmology.model = CosmologyModel::Lcdm;
        lcdm.potential.time_dependence = TimeDependenceKind::Frozen;
        let (lcdm_s, _) = delay(lcdm, 128);
        assert_relative_eq!(lcdm_s, static_s, max_relative = 1e-6);
    }
}

#[test]
fn delays_do_not_move_with_the_image_size() {
    for c in [sis_scene(), point_scene()] {
        let reference = delay(c.clone(), 256).0;
        for size in [96, 128, 192] {
            assert_relative_eq!(delay(c.clone(), size).0, reference, max_relative = 1e-4);
        }
    }
}

#[test]
fn the_sis_delay_is_the_thin_lens_fermat_delay() {
    let (traced, n) = delay(sis_scene(), 128);
    assert_eq!(n, 2);
    // Δt = D_l D_s / (c D_ls) · 2 θ_E β (Euclidean distances, static: no 1 + z_l).
    let te = SIS_THETA_E_ARCSEC * excalibur::lensing::ARCSEC;
    let beta = 0.3 * te;
    let d = D_L_MPC * D_S_MPC / (D_S_MPC - D_L_MPC) * MPC_M;
    let want = d / C_M_S * 2.0 * te * beta;
    assert_relative_eq!(traced, want, max_relative = 0.005);
}
