//! The cut of a singular isothermal lens (`lensing/cut.rs`), drawn in the sky panel's inset:
//! for a round SIS it is the circle β = θ_E (α = θ_E in every direction), and it is where the
//! image count changes: two images of a source inside it, one outside.

use crate::delays::{sis_scene, SIS_THETA_E_ARCSEC};
use crate::lensing::{image_of, point, scene, D_L_MPC, D_S_MPC, MASS_MSUN};
use excalibur::lensing::ARCSEC;

#[test]
fn a_round_sis_cut_is_the_einstein_circle_and_bounds_the_second_image() {
    let te = SIS_THETA_E_ARCSEC * ARCSEC;
    let image = image_of(sis_scene(), 96);
    assert_eq!(image.cuts.len(), 1, "one isothermal lens, one cut");
    let radii: Vec<f64> = image.cuts[0]
        .iter()
        .map(|b| b[0].hypot(b[1]) / te)
        .collect();
    let (lo, hi) = radii
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), r| (a.min(*r), b.max(*r)));
    // The ring is traced 1e-3 of the 60″ field from the centre: |β| = θ_E ± 0.06″ (0.6 %).
    assert!(lo > 0.99 && hi < 1.01, "cut radius {lo:.4}–{hi:.4} θ_E");
    for (u, images) in [(0.8, 2), (1.2, 1)] {
        let mut c = sis_scene();
        c.source.offset_mpc = [u * te * D_S_MPC, 0.0];
        let n = image_of(c, 96).images.len();
        assert_eq!(n, images, "source at {u} θ_E: {n} images");
    }
}

#[test]
fn a_point_lens_has_no_cut() {
    let image = image_of(scene(vec![point(MASS_MSUN, [D_L_MPC, 0.0, 0.0])], 80.0), 48);
    assert!(image.cuts.is_empty());
}
