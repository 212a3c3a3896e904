//! The image's Born Jacobian (`lensing::born_jacobians`, the window's "geodesic − Born" map):
//! along the unperturbed lines a single SIS is its thin-lens self, κ = γ_t = θ_E/(2θ), and the
//! geodesic bundle of the same pixels differs from it only by the post-Born terms, which for
//! one lens are far below the 1 % the issue allows.

use crate::delays::{sis_scene, SIS_THETA_E_ARCSEC};
use excalibur::field::FieldCache;
use excalibur::lensing::{born_jacobians, bundle_jacobians, lensing_fields, Sky, ARCSEC};
use excalibur::setup::Model;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

#[test]
fn born_kappa_and_shear_of_a_sis_are_theta_e_over_2_theta_and_the_geodesics_agree() {
    let valid = sis_scene().into_valid().expect("valid test scene");
    let sky = Sky::of(&valid, 48);
    let model = Model::build(valid, Path::new("."), &mut FieldCache::default()).unwrap();
    let never = AtomicBool::new(false);
    let t0 = Instant::now();
    let born = born_jacobians(&model, &sky, &never).expect("not cancelled");
    let born_s = t0.elapsed().as_secs_f64();
    let geodesic = bundle_jacobians(&model, &sky, &never)
        .expect("not cancelled")
        .jacobian;
    let te = SIS_THETA_E_ARCSEC * ARCSEC;
    let n = sky.size;
    let (mut worst_born, mut worst_post_born, mut count) = (0.0f64, 0.0f64, 0);
    let mut worst_rotation = 0.0f64;
    for k in 0..n * n {
        let t = sky.theta((k % n) as f64, (k / n) as f64);
        let r = t[0].hypot(t[1]);
        if !(1.3 * te..2.8 * te).contains(&r) {
            continue;
        }
        let [kb, g1, g2, om] = lensing_fields(&born[k]);
        let [kg, ..] = lensing_fields(&geodesic[k]);
        let phi = t[1].atan2(t[0]);
        let tangential = -(g1 * (2.0 * phi).cos() + g2 * (2.0 * phi).sin());
        let want = te / (2.0 * r);
        worst_born = worst_born
            .max(((kb - want) / want).abs())
            .max(((tangential - want) / want).abs());
        worst_rotation = worst_rotation.max(om.abs());
        worst_post_born = worst_post_born.max(((kg - kb) / kb).abs());
        count += 1;
    }
    println!(
        "SIS Born: κ, γ_t within {worst_born:.2e} of θ_E/(2θ); geodesic κ − Born κ within \
         {worst_post_born:.2e} of it; Born |ω| ≤ {worst_rotation:.1e}; {count} pixels; {} pixels in {born_s:.2} s",
        n * n
    );
    assert!(count > 300);
    assert!(worst_born < 0.01, "Born off the SIS by {worst_born:.3}");
    assert!(
        worst_post_born < 0.01,
        "geodesic − Born {worst_post_born:.3}"
    );
    // Born has no rotation (A is the Hessian of the projected potential) but for the
    // quadrature's error over the bundle's 2δ (measured 2e-5, 1e-4 of κ): the bound of the
    // geodesics' own |ω| in the issue, 1e-3, tightened tenfold.
    assert!(worst_rotation < 1e-4, "Born |ω| {worst_rotation:.1e}");
}

#[test]
fn born_jacobians_stop_when_cancelled() {
    let valid = sis_scene().into_valid().expect("valid test scene");
    let sky = Sky::of(&valid, 16);
    let model = Model::build(valid, Path::new("."), &mut FieldCache::default()).unwrap();
    assert!(born_jacobians(&model, &sky, &AtomicBool::new(true)).is_none());
}
