//! Convergence, shear and rotation from each pixel's geodesic bundle (`lensing/bundle.rs`,
//! interface.md §7) against the analytic lenses: a SIS has κ = |γ| = θ_E/(2θ), a point mass
//! κ = 0 and |γ| = θ_E²/θ², both with the shear tangential and no rotation; `image --maps`
//! writes them with the magnification 1/det A of the same A, its pixel scale and units.

use crate::delays::{sis_scene, SIS_THETA_E_ARCSEC};
use crate::lensing::{point, scene, theta_e, D_L_MPC, MASS_MSUN};
use excalibur::config::RunConfig;
use excalibur::field::FieldCache;
use excalibur::lensing::{bundle_jacobians, lensing_fields, Jacobian, Sky, ARCSEC};
use excalibur::setup::Model;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// The bundle Jacobians of a size² image of `config`.
fn jacobians(config: RunConfig, size: usize) -> (Sky, Vec<Jacobian>) {
    let valid = config.into_valid().expect("valid test scene");
    let sky = Sky::of(&valid, size);
    let model = Model::build(valid, Path::new("."), &mut FieldCache::default()).unwrap();
    let a = bundle_jacobians(&model, &sky, &AtomicBool::new(false)).expect("not cancelled");
    (sky, a.jacobian)
}

/// Worst relative errors of κ and of the tangential shear against `kappa(θ)` and `gamma(θ)`
/// (|κ| itself where κ = 0), the largest |ω| and |γ_×|/γ, over the pixels at θ_E·[lo, hi] from
/// the lens (the image's centre), and how many pixels were compared.
fn worst(
    (sky, a): &(Sky, Vec<Jacobian>),
    te: f64,
    band: [f64; 2],
    kappa: impl Fn(f64) -> f64,
    gamma: impl Fn(f64) -> f64,
) -> ([f64; 4], usize) {
    let n = sky.size;
    let mut w = [0.0f64; 4];
    let mut count = 0;
    for (k, jac) in a.iter().enumerate() {
        let t = sky.theta((k % n) as f64, (k / n) as f64);
        let r = t[0].hypot(t[1]);
        if !(band[0] * te..band[1] * te).contains(&r) {
            continue;
        }
        let [kap, g1, g2, om] = lensing_fields(jac);
        let phi = t[1].atan2(t[0]);
        let (c, s) = ((2.0 * phi).cos(), (2.0 * phi).sin());
        let (tangential, cross) = (-(g1 * c + g2 * s), g1 * s - g2 * c);
        let want_k = kappa(r);
        let k_err = if want_k == 0.0 {
            kap.abs()
        } else {
            ((kap - want_k) / want_k).abs()
        };
        w = [
            w[0].max(k_err),
            w[1].max(((tangential - gamma(r)) / gamma(r)).abs()),
            w[2].max(om.abs()),
            w[3].max(cross.abs() / gamma(r)),
        ];
        count += 1;
    }
    (w, count)
}

#[test]
fn a_sis_has_kappa_equal_to_the_tangential_shear_theta_e_over_2_theta() {
    let te = SIS_THETA_E_ARCSEC * ARCSEC;
    let half = |r: f64| te / (2.0 * r);
    let ([k, g, w, x], count) = worst(&jacobians(sis_scene(), 48), te, [1.3, 2.8], half, half);
    println!("SIS: κ {k:.2e}, γ_t {g:.2e}, |ω| {w:.2e}, γ_×/γ {x:.2e} over {count} pixels");
    assert!(count > 300);
    assert!(k < 0.02 && g < 0.02, "κ off by {k:.3}, γ_t by {g:.3}");
    assert!(w < 1e-3 && x < 0.02, "|ω| {w:.1e}, γ_×/γ {x:.3}");
}

#[test]
fn a_point_mass_has_no_convergence_and_tangential_shear_theta_e_squared_over_theta_squared() {
    let te = theta_e(MASS_MSUN);
    let c = scene(vec![point(MASS_MSUN, [D_L_MPC, 0.0, 0.0])], 80.0);
    let sq = |r: f64| (te / r).powi(2);
    let ([k, g, w, x], count) = worst(&jacobians(c, 48), te, [1.3, 1.9], |_| 0.0, sq);
    println!("point: |κ| {k:.2e}, γ_t {g:.2e}, |ω| {w:.2e}, γ_×/γ {x:.2e} over {count} pixels");
    assert!(count > 200);
    // |κ| against the shear there (θ_E²/θ² ≥ 0.28): 2 % of it.
    assert!(k < 0.02 * 0.28 && g < 0.02, "|κ| {k:.3}, γ_t off by {g:.3}");
    assert!(w < 1e-3 && x < 0.02, "|ω| {w:.1e}, γ_×/γ {x:.3}");
}

/// `image --maps` writes κ, γ and ω beside the magnification, all from one A per pixel:
/// 1/((1 − κ)² − γ² + ω²) is the file's magnification, and the pixel scale is the field over
/// the size.
#[test]
fn image_maps_write_kappa_gamma_omega_with_the_magnification_of_the_same_a() {
    let dir = tempfile::tempdir().unwrap();
    let maps = dir.path().join("maps.h5");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_excalibur"))
        .args([
            "image",
            "configs/teach_einstein_cross.toml",
            "--size",
            "48",
            "-o",
        ])
        .arg(dir.path().join("cross.png"))
        .arg("--maps")
        .arg(&maps)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let f = hdf5::File::open(&maps).unwrap();
    let read = |name: &str| -> Vec<f64> { f.dataset(name).unwrap().read_raw().unwrap() };
    let (kappa, shear, omega, mu) = (
        read("convergence"),
        read("shear"),
        read("rotation"),
        read("magnification"),
    );
    assert_eq!(f.dataset("shear").unwrap().shape(), vec![48, 48, 2]);
    let mut compared = 0;
    for k in 0..48 * 48 {
        if !mu[k].is_finite() {
            continue;
        }
        let (g1, g2) = (shear[2 * k], shear[2 * k + 1]);
        let rebuilt = 1.0 / ((1.0 - kappa[k]).powi(2) - g1 * g1 - g2 * g2 + omega[k] * omega[k]);
        assert!(
            (rebuilt - mu[k]).abs() <= 1e-9 * mu[k].abs().max(1.0),
            "pixel {k}"
        );
        compared += 1;
    }
    assert!(compared > 2000, "{compared} pixels with a magnification");
    let scale: f64 = f.attr("pixel_scale_arcsec").unwrap().read_scalar().unwrap();
    assert!((scale - 30.0 / 48.0).abs() < 1e-12, "{scale}");
    let units = f
        .attr("units")
        .unwrap()
        .read_scalar::<hdf5::types::VarLenUnicode>()
        .unwrap();
    assert!(units.as_str().contains("convergence"), "{}", units.as_str());
}

/// The redshift map of a ΛCDM run is the background's z at the source plane's comoving
/// distance, computed here independently (χ = c/H0 ∫ dz/E(z), flat), to 1e-5: the lens adds
/// Sachs–Wolfe and ISW terms of order |Φ|/c² ~ 1e-6.
#[test]
fn the_redshift_map_is_the_background_redshift_of_the_source_plane() {
    let mut c = sis_scene();
    c.cosmology.model = excalibur::config::CosmologyModel::Lcdm;
    let cos = c.cosmology.clone();
    let d_s_m = c.source.distance_mpc * excalibur::units::MPC_M;
    let valid = c.into_valid().expect("valid test scene");
    let sky = Sky::of(&valid, 16);
    let model = Model::build(valid, Path::new("."), &mut FieldCache::default()).unwrap();
    let b = bundle_jacobians(&model, &sky, &AtomicBool::new(false)).unwrap();
    assert!(
        (cos.omega_m + cos.omega_lambda + cos.omega_r - 1.0).abs() < 1e-12,
        "flat"
    );
    let e = |z: f64| {
        let a = 1.0 + z;
        (cos.omega_m * a.powi(3) + cos.omega_r * a.powi(4) + cos.omega_lambda).sqrt()
    };
    let hubble_m = 299_792_458.0 / (cos.h0_km_s_mpc * 1e3) * excalibur::units::MPC_M;
    // χ(z) by Simpson's rule, then z(χ = D_s) by bisection.
    let chi = |z: f64| {
        let n = 2000;
        let h = z / n as f64;
        let s: f64 = (0..=n)
            .map(|k| {
                let w = if k == 0 || k == n {
                    1.0
                } else if k % 2 == 1 {
                    4.0
                } else {
                    2.0
                };
                w / e(k as f64 * h)
            })
            .sum();
        hubble_m * s * h / 3.0
    };
    let (mut lo, mut hi) = (0.0, 5.0);
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if chi(mid) < d_s_m {
            lo = mid
        } else {
            hi = mid
        }
    }
    let want = 0.5 * (lo + hi);
    let worst = b
        .redshift
        .iter()
        .map(|z| (z - want).abs())
        .fold(0.0f64, f64::max);
    println!("z(D_s) = {want:.8}; worst pixel off by {worst:.2e}");
    assert!(worst < 1e-5 * (1.0 + want), "{worst:.2e} from {want}");
}
