//! The lensed-image engine against textbook answers (physics.md §9, static background with
//! Euclidean distances, where thin-lens formulas hold to O(α) ~ 1e-5 and finite-distance
//! terms), and the `excalibur image` command as users drive it.

use approx::{assert_abs_diff_eq, assert_relative_eq};
use excalibur::config::{CosmologyModel, LensConfig, PotentialMode, ProfileKind, RunConfig};
use excalibur::config::{MethodKind, TimeDependenceKind};
use excalibur::field::FieldCache;
use excalibur::lensing::{render, LensedImage, Source, ARCSEC};
use excalibur::setup::Model;
use excalibur::units::{gm_from_msun, C2, C_M_S, MPC_M};
use std::path::Path;
use std::sync::atomic::AtomicBool;

pub(crate) const D_L_MPC: f64 = 1000.0;
pub(crate) const D_S_MPC: f64 = 2000.0;
pub(crate) const MASS_MSUN: f64 = 1e14;

/// θ_E [rad] of `mass` at D_l with the source at D_s, Euclidean distances.
pub(crate) fn theta_e(mass_msun: f64) -> f64 {
    (4.0 * gm_from_msun(mass_msun) / C2 * (D_S_MPC - D_L_MPC) / (D_L_MPC * D_S_MPC * MPC_M)).sqrt()
}

pub(crate) fn point(mass_msun: f64, centre: [f64; 3]) -> LensConfig {
    LensConfig {
        profile: ProfileKind::Point,
        mass_msun,
        center_mpc: centre,
        ..Default::default()
    }
}

/// A static, analytic scene looking along +x, lenses at D_l, source plane at D_s.
pub(crate) fn scene(lenses: Vec<LensConfig>, fov_arcsec: f64) -> RunConfig {
    let mut c = RunConfig::default();
    c.cosmology.model = CosmologyModel::Static;
    c.lenses = lenses;
    c.potential.mode = PotentialMode::Analytic;
    c.observer.position_mpc = [0.0; 3];
    c.rays.toward_mpc = [D_L_MPC, 0.0, 0.0];
    c.integration.method = MethodKind::Dopri5;
    c.integration.step_mpc = 20.0;
    c.integration.rtol = 1e-10;
    c.integration.stop.distance_mpc = None;
    c.source.distance_mpc = D_S_MPC;
    c.camera.field_of_view_arcsec = fov_arcsec;
    c
}

pub(crate) fn image_of(config: RunConfig, size: usize) -> LensedImage {
    let valid = config.into_valid().expect("valid test scene");
    let source = Source::new(&valid.source, Path::new(".")).unwrap();
    let model = Model::build(valid, Path::new("."), &mut FieldCache::default()).unwrap();
    render(&model, &source, size, &AtomicBool::new(false)).expect("not cancelled")
}

fn closed_curves(image: &LensedImage) -> usize {
    image
        .critical_curves
        .iter()
        .filter(|c| c.len() > 3 && c.first() == c.last())
        .count()
}

#[test]
fn an_on_axis_point_lens_makes_a_ring_at_theta_e_and_a_point_caustic() {
    let te = theta_e(MASS_MSUN);
    // The source just off the axis: its centre then has two images, not a ring of them (the
    // critical curve and caustic do not depend on the source).
    let mut c = scene(vec![point(MASS_MSUN, [D_L_MPC, 0.0, 0.0])], 80.0);
    c.source.offset_mpc = [0.1 * te * D_S_MPC, 0.0];
    let image = image_of(c, 256);
    let measured = image
        .einstein_measured
        .expect("a tangential critical curve");
    assert_relative_eq!(measured, te, max_relative = 0.02);
    let predicted = image.einstein_predicted.unwrap();
    assert_relative_eq!(predicted, te, max_relative = 1e-12);
    // The critical curve is that circle: every point within two pixels (0.63″, 3 % of θ_E)
    // of it; the contour is drawn on the pixels' det A, folds resolved to two-pixel cells.
    assert_eq!(
        closed_curves(&image),
        1,
        "{:?}",
        image.critical_curves.len()
    );
    let pixel = 80.0 * ARCSEC / 256.0;
    let closed = image
        .critical_curves
        .iter()
        .find(|c| c.first() == c.last())
        .unwrap();
    for p in closed {
        assert!((p[0].hypot(p[1]) - te).abs() < 2.0 * pixel, "{p:?}");
    }
    // ... and its caustic is the point β = 0 (within a small fraction of θ_E).
    let ring = image
        .critical_curves
        .iter()
        .position(|c| c.len() > 3 && c.first() == c.last())
        .unwrap();
    for p in &image.caustics[ring] {
        assert!(p[0].hypot(p[1]) < 0.03 * te, "caustic point {p:?}");
    }
}

#[test]
fn a_point_lens_gives_two_images_with_textbook_positions_magnifications_and_delay() {
    let te = theta_e(MASS_MSUN);
    let u: f64 = 0.5;
    let mut c = scene(vec![point(MASS_MSUN, [D_L_MPC, 0.0, 0.0])], 80.0);
    // β along "right", which is −y when looking along +x with up = +z.
    c.source.offset_mpc = [u * te * D_S_MPC, 0.0];
    let image = image_of(c, 128);
    assert_eq!(image.images.len(), 2, "{:?}", image.images);
    let s = (u * u + 4.0).sqrt();
    let (outer, inner) = (&image.images[0], &image.images[1]);
    // The outer (θ+, on the source's side) arrives first; the inner (θ−) on the far side.
    let want_plus = te * (u + s) / 2.0;
    let want_minus = te * (u - s) / 2.0;
    assert_relative_eq!(outer.theta[0], want_plus, max_relative = 0.01);
    assert_relative_eq!(inner.theta[0], want_minus, max_relative = 0.01);
    assert!(outer.theta[1].abs() < 1e-3 * te && inner.theta[1].abs() < 1e-3 * te);
    let mu = (u * u + 2.0) / (2.0 * u * s);
    assert_relative_eq!(outer.magnification, (mu + 0.5), max_relative = 0.02);
    assert_relative_eq!(inner.magnification, -(mu - 0.5), max_relative = 0.02);
    let gm = gm_from_msun(MASS_MSUN);
    let dt = 4.0 * gm / (C_M_S * C_M_S * C_M_S) * (u * s / 2.0 + ((s + u) / (s - u)).ln());
    let traced = inner.arrival_s - outer.arrival_s;
    assert_relative_eq!(traced, dt, max_relative = 0.01);
}

#[test]
fn an_equal_binary_has_one_critical_curve_close_and_two_apart() {
    let te = theta_e(MASS_MSUN);
    // Separation d (in θ_E of the total mass) across the line of sight, along y.
    let binary = |d: f64| {
        let half = 0.5 * d * te * D_L_MPC;
        scene(
            vec![
                point(0.5 * MASS_MSUN, [D_L_MPC, half, 0.0]),
                point(0.5 * MASS_MSUN, [D_L_MPC, -half, 0.0]),
            ],
            130.0,
        )
    };
    assert_eq!(closed_curves(&image_of(binary(1.0), 128)), 1);
    assert_eq!(closed_curves(&image_of(binary(2.6), 128)), 2);
}

#[test]
fn the_cross_config_gives_four_images() {
    let config = RunConfig::load(Path::new("configs/teach_einstein_cross.toml"), &[]).unwrap();
    let source = Source::new(&config.source, Path::new("configs")).unwrap();
    let model = Model::build(config, Path::new("configs"), &mut FieldCache::default()).unwrap();
    let image = render(&model, &source, 128, &AtomicBool::new(false)).unwrap();
    assert_eq!(image.images.len(), 4, "{:?}", image.images);
    // Two of each parity (minima and saddles), all magnified.
    let positive = image
        .images
        .iter()
        .filter(|i| i.magnification > 0.0)
        .count();
    assert_eq!(positive, 2);
    assert!(image.images.iter().all(|i| i.magnification.abs() > 1.0));
}

#[test]
fn without_lenses_the_source_is_seen_once_where_it_is() {
    let mut c = scene(vec![], 80.0);
    c.source.offset_mpc = [0.05, -0.03];
    let image = image_of(c, 64);
    assert_eq!(image.images.len(), 1);
    let i = image.images[0];
    let beta = [0.05 / D_S_MPC, -0.03 / D_S_MPC];
    assert_abs_diff_eq!(i.theta[0], beta[0], epsilon = 1e-4 * ARCSEC);
    assert_abs_diff_eq!(i.theta[1], beta[1], epsilon = 1e-4 * ARCSEC);
    assert_relative_eq!(i.magnification, 1.0, max_relative = 1e-6);
    assert!(image.critical_curves.is_empty());
}

#[test]
fn in_lcdm_the_ring_follows_the_angular_diameter_distances() {
    let mut c = scene(vec![point(MASS_MSUN, [D_L_MPC, 0.0, 0.0])], 80.0);
    c.cosmology.model = CosmologyModel::Lcdm;
    c.potential.time_dependence = TimeDependenceKind::FixedPhysicalMass;
    let image = image_of(c.clone(), 128);
    let predicted = image.einstein_predicted.unwrap();
    let measured = image.einstein_measured.unwrap();
    assert_relative_eq!(measured, predicted, max_relative = 0.02);
    // It is larger than the comoving (frozen-potential) ring by 1/√a_l (a_l ≈ 0.78 here).
    let frozen = {
        c.potential.time_dependence = TimeDependenceKind::Frozen;
        image_of(c, 128)
    };
    let ratio = predicted / frozen.einstein_predicted.unwrap();
    assert!(ratio > 1.1 && ratio < 1.2, "{ratio}");
    let m = frozen.einstein_measured.unwrap() / frozen.einstein_predicted.unwrap();
    assert_relative_eq!(m, 1.0, max_relative = 0.02);
}

#[test]
fn rendering_is_deterministic() {
    let mut c = scene(vec![point(MASS_MSUN, [D_L_MPC, 0.0, 0.0])], 80.0);
    c.source.offset_mpc = [0.05, 0.02];
    let a = image_of(c.clone(), 64);
    let b = image_of(c, 64);
    assert_eq!(a.picture.rgb, b.picture.rgb);
    assert_eq!(a.images, b.images);
}

#[test]
fn previews_come_coarse_to_fine_and_a_cancel_stops_them() {
    let mut c = scene(vec![point(MASS_MSUN, [D_L_MPC, 0.0, 0.0])], 80.0);
    c.source.offset_mpc = [0.05, 0.0];
    let valid = c.into_valid().unwrap();
    let source = Source::new(&valid.source, Path::new(".")).unwrap();
    let model = Model::build(valid, Path::new("."), &mut FieldCache::default()).unwrap();
    let mut sizes = vec![];
    let done = excalibur::lensing::render_progressive(
        &model,
        &source,
        &[16, 48],
        &AtomicBool::new(false),
        &mut |i| sizes.push(i.map.size),
    );
    assert!(done);
    assert_eq!(sizes, vec![16, 48]);
    let cancelled = AtomicBool::new(true);
    let mut shown = 0;
    let done =
        excalibur::lensing::render_progressive(&model, &source, &[16, 48], &cancelled, &mut |_| {
            shown += 1
        });
    assert!(!done);
    assert_eq!(shown, 0);
}

/// The session renders images on its own pool, coarse first; a failure names its cause.
#[test]
fn the_session_streams_image_previews_coarse_to_fine() {
    use excalibur::session::{ImageMessage, Session};
    let mut c = scene(vec![point(MASS_MSUN, [D_L_MPC, 0.0, 0.0])], 80.0);
    c.source.offset_mpc = [0.05, 0.0];
    let session = Session::spawn(Session::no_wake()).unwrap();
    let (rx, _cancel) = session.submit_image(
        c.into_valid().unwrap(),
        Path::new(".").to_path_buf(),
        vec![16, 40],
        2,
        None,
    );
    let sizes: Vec<usize> = rx
        .iter()
        .map(|m| match m {
            ImageMessage::Rendered(r) => r.image.map.size,
            ImageMessage::Failed(e) => panic!("{e}"),
        })
        .collect();
    assert_eq!(sizes, vec![16, 40]);
    // A missing source picture fails with the cause, and the channel closes.
    let mut bad = scene(vec![], 80.0);
    bad.source.kind = excalibur::config::SourceKind::Image;
    bad.source.image = "nowhere.png".into();
    let (rx, _cancel) = session.submit_image(
        bad.into_valid().unwrap(),
        Path::new(".").to_path_buf(),
        vec![16],
        1,
        None,
    );
    match rx.iter().next() {
        Some(ImageMessage::Failed(e)) => assert!(e.contains("nowhere.png"), "{e}"),
        _ => panic!("expected a failure"),
    }
    assert!(rx.iter().next().is_none());
}

/// An adaptive step must not jump over a mass: the lensed position of one ray passing a point
/// lens at b ≈ θ_E·D_l is the same at every tolerance, to 1e-3 of its deflection. Before steps
/// were limited to half the distance to the nearest lens, DOPRI5 at rtol ≥ 1e-8 stepped from
/// 620 to 3000 Mpc past the lens at 1000 Mpc and the ray came out unlensed.
#[test]
fn no_tolerance_lets_a_step_jump_over_the_lens() {
    use excalibur::lensing::{Sky, SkyTracer};
    let te = theta_e(MASS_MSUN);
    let theta = [1.2 * te, 0.0];
    let landing = |rtol: f64| {
        let mut c = scene(vec![point(MASS_MSUN, [D_L_MPC, 0.0, 0.0])], 80.0);
        c.integration.rtol = rtol;
        let valid = c.into_valid().unwrap();
        let model = Model::build(valid, Path::new("."), &mut FieldCache::default()).unwrap();
        let cancel = AtomicBool::new(false);
        let sky = Sky::of(&model.config, 64);
        SkyTracer::new(&model, sky, &cancel)
            .with_rtol(rtol)
            .trace_one(theta)
            .beta
    };
    // Thin lens: β = θ − θ_E²/θ.
    let want = theta[0] - te * te / theta[0];
    for rtol in [1e-6, 1e-7, 1e-8, 1e-10] {
        let beta = landing(rtol);
        assert!(
            (beta[0] - want).abs() < 1e-3 * (theta[0] - want),
            "rtol {rtol}: β = {:.4} θ_E, thin lens {:.4} θ_E",
            beta[0] / te,
            want / te
        );
    }
}

/// The residual map shows each pixel the value at its nearest traced ray: traced pixels keep
/// their own value, and every other pixel holds the value of a traced one at the least
/// city-block distance (none is left empty).
#[test]
fn the_residual_fill_takes_each_pixel_from_its_nearest_traced_ray() {
    let image = image_of(scene(vec![point(MASS_MSUN, [D_L_MPC, 0.0, 0.0])], 80.0), 48);
    let map = &image.map;
    let n = map.size;
    let values: Vec<f64> = (0..n * n).map(|k| k as f64).collect();
    let filled = excalibur::lensing::at_nearest_traced(&values, map);
    let traced: Vec<usize> = (0..n * n).filter(|&k| map.traced[k]).collect();
    assert!(
        traced.len() > 20 && traced.len() < n * n,
        "{} traced",
        traced.len()
    );
    let dist = |a: usize, b: usize| (a % n).abs_diff(b % n) + (a / n).abs_diff(b / n);
    for (k, v) in filled.iter().enumerate() {
        let from = *v as usize;
        assert!(map.traced[from], "pixel {k} took an untraced value");
        let best = traced.iter().map(|&t| dist(k, t)).min().unwrap();
        assert_eq!(dist(k, from), best, "pixel {k}");
    }
}
