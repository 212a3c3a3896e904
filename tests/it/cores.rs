//! Lens cores never swallow an image silently: a SIS without `core_radius_mpc` gets the
//! weak-field edge (not 1e-3 of its radius, which hid images), and an image that an explicit
//! core hides is reported.

use crate::delays::{sis_scene, SIS_THETA_E_ARCSEC};
use crate::lensing::image_of;

#[test]
fn a_default_sis_core_keeps_both_images() {
    let c = sis_scene();
    // R = 50 Mpc: the old default core, 1e-3 R = 0.05 Mpc, is 10″ at 1 Gpc and covered the
    // inner image at θ_E − β = 7″.
    let valid = c.clone().into_valid().unwrap();
    let core = valid.lenses[0].core_radius_mpc.unwrap();
    assert!(core < 1e-4 * valid.lenses[0].radius_mpc, "{core}");
    let image = image_of(c, 128);
    assert_eq!(image.images.len(), 2, "{:?}", image.images);
    assert!(image.warnings.is_empty(), "{:?}", image.warnings);
}

#[test]
fn an_image_inside_a_core_is_reported() {
    let mut c = sis_scene();
    // A core of 10.3″ around the lens: the inner image (7″) is inside, the outer (13″) not.
    c.lenses[0].core_radius_mpc = Some(0.05);
    let image = image_of(c, 128);
    assert_eq!(image.images.len(), 1, "{:?}", image.images);
    assert_eq!(image.warnings.len(), 1, "{:?}", image.warnings);
    let w = &image.warnings[0];
    assert!(
        w.contains("lens 0") && w.contains("lenses.0.core_radius_mpc"),
        "{w}"
    );
    // The hidden image is where the thin-lens SIS puts it: θ_E − β = 0.7 θ_E on the far side.
    let want = -0.7 * SIS_THETA_E_ARCSEC;
    let x: f64 = w
        .split('(')
        .nth(1)
        .and_then(|s| s.split('″').next())
        .and_then(|s| s.parse().ok())
        .unwrap();
    assert!((x - want).abs() < 0.05, "{x} vs {want}: {w}");
}

#[test]
fn the_predicted_einstein_radius_follows_the_lens_profile() {
    use excalibur::lensing::EinsteinBasis;
    // SIS: 4π σ²/c² · D_ls/D_s (truncation at R = 50 Mpc moves it by ~θ_E·D_l/R ~ 1e-3).
    let image = image_of(sis_scene(), 64);
    assert_eq!(image.einstein_basis, EinsteinBasis::Profile);
    let got = image.einstein_predicted.unwrap() / excalibur::lensing::ARCSEC;
    assert!((got / SIS_THETA_E_ARCSEC - 1.0).abs() < 2e-3, "{got}″");
    // Its measured ring agrees (the critical curve's mean radius, to a pixel of 0.94″).
    let measured = image.einstein_measured.unwrap() / excalibur::lensing::ARCSEC;
    assert!((measured - got).abs() < 1.0, "{measured}″ vs {got}″");
    // A point lens keeps the point-mass formula; two lenses say they use it.
    let point = image_of(crate::delays::point_scene(), 64);
    assert_eq!(point.einstein_basis, EinsteinBasis::Profile);
    let te = crate::lensing::theta_e(crate::lensing::MASS_MSUN);
    assert!((point.einstein_predicted.unwrap() / te - 1.0).abs() < 1e-9);
    let mut two = crate::delays::point_scene();
    two.lenses.push(two.lenses[0].clone());
    two.lenses[1].center_mpc[1] = 0.05;
    assert_eq!(image_of(two, 64).einstein_basis, EinsteinBasis::PointMass);
}
