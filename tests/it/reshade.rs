//! A source edit re-shades the image on screen from its ray map (`lensing::reshade`), and
//! the session does so only when the geodesics are the same (`RunConfig::same_geodesics`).

use crate::lensing::{point, scene, D_L_MPC, MASS_MSUN};
use excalibur::field::FieldCache;
use excalibur::lensing::{render, reshade, Source};
use excalibur::session::{ImageMessage, RenderedImage, Session};
use excalibur::setup::Model;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// A re-shade of an image with a moved source is the render of the moved source, bit for bit
/// (the same map, the same starts for the same polish), and traces only the images' geodesics.
#[test]
fn a_reshade_is_the_render_of_the_moved_source() {
    let mut c = scene(vec![point(MASS_MSUN, [D_L_MPC, 0.0, 0.0])], 80.0);
    c.source.offset_mpc = [0.05, 0.0];
    let mut moved = c.clone();
    moved.source.offset_mpc = [0.02, -0.03];
    moved.source.size_mpc *= 0.5;
    moved.source.kind = excalibur::config::SourceKind::Checkerboard;
    assert!(c.same_geodesics(&moved));
    let cancel = AtomicBool::new(false);
    let model = Model::build(
        c.into_valid().unwrap(),
        Path::new("."),
        &mut FieldCache::default(),
    )
    .unwrap();
    let before = render(
        &model,
        &Source::new(&model.config.source, Path::new(".")).unwrap(),
        48,
        &cancel,
    )
    .unwrap();
    let source = Source::new(&moved.source, Path::new(".")).unwrap();
    let want = {
        let m = Model::build(
            moved.into_valid().unwrap(),
            Path::new("."),
            &mut FieldCache::default(),
        )
        .unwrap();
        render(&m, &source, 48, &cancel).unwrap()
    };
    let got = reshade(&model, &before, &source);
    assert_eq!(got.picture.rgb, want.picture.rgb);
    assert_eq!(got.images, want.images);
    assert_eq!(want.images.len(), 2, "a point lens: two images");
    assert_ne!(
        got.images, before.images,
        "the images moved with the source"
    );
    assert_eq!(got.caustics, before.caustics);
    assert!(
        got.geodesics * 20 < want.geodesics,
        "the re-shade traced {} geodesics, the render {}",
        got.geodesics,
        want.geodesics
    );
}

/// The session re-shades the image it is given only when the geodesics are the same; a moved
/// source plane is rendered anew at the sizes asked for.
#[test]
fn the_session_reshades_only_what_the_source_alone_changed() {
    let mut c = scene(vec![point(MASS_MSUN, [D_L_MPC, 0.0, 0.0])], 80.0);
    c.source.offset_mpc = [0.05, 0.0];
    let session = Session::spawn(Session::no_wake()).unwrap();
    let dir = Path::new(".").to_path_buf();
    let images = |rx: crossbeam_channel::Receiver<ImageMessage>| -> Vec<RenderedImage> {
        rx.iter()
            .map(|m| match m {
                ImageMessage::Rendered(r) => r,
                ImageMessage::Failed(e) => panic!("{e}"),
            })
            .collect()
    };
    let (rx, _k) = session.submit_image(
        c.clone().into_valid().unwrap(),
        dir.clone(),
        vec![40],
        2,
        None,
    );
    let first = images(rx).pop().unwrap();
    let mut moved = c.clone();
    moved.source.offset_mpc = [-0.03, 0.01];
    let (rx, _k) = session.submit_image(
        moved.into_valid().unwrap(),
        dir.clone(),
        vec![16, 40],
        2,
        Some(first.clone()),
    );
    let got = images(rx);
    assert_eq!(got.len(), 1, "one re-shaded image, no preview");
    assert!(Arc::ptr_eq(&got[0].model, &first.model), "the same model");
    assert_eq!(got[0].config.source.offset_mpc, [-0.03, 0.01]);
    assert_eq!(got[0].image.map.beta, first.image.map.beta);
    assert_eq!(got[0].source.offset_mpc(), [-0.03, 0.01]);
    let mut farther = c.clone();
    farther.source.distance_mpc *= 1.2;
    let (rx, _k) = session.submit_image(
        farther.into_valid().unwrap(),
        dir,
        vec![16, 40],
        2,
        Some(first),
    );
    let sizes: Vec<usize> = images(rx).iter().map(|r| r.image.sky.size).collect();
    assert_eq!(
        sizes,
        vec![16, 40],
        "a new source plane is traced, coarse to fine"
    );
}

/// The sky panel's "unlensed" picture (β = θ) is what the geodesics give when the lens is too
/// light to bend them: the same source, pixel for pixel, and its centre where the source is.
#[test]
fn the_unlensed_picture_is_the_sky_of_a_massless_lens() {
    let mut light = point(1e-3, [D_L_MPC, 0.0, 0.0]);
    light.core_radius_mpc = Some(1e-6);
    let mut c = scene(vec![light], 40.0);
    c.source.offset_mpc = [0.06, -0.04];
    c.source.size_mpc = 0.03;
    let source = Source::new(&c.source, Path::new(".")).unwrap();
    let traced = crate::lensing::image_of(c, 64);
    let bare = excalibur::lensing::unlensed(&traced.sky, &source);
    let worst = traced
        .picture
        .rgb
        .iter()
        .zip(&bare.rgb)
        .map(|(a, b)| (0..3).map(|k| (a[k] - b[k]).abs()).fold(0.0f32, f32::max))
        .fold(0.0f32, f32::max);
    assert!(worst < 1e-3, "largest colour difference {worst}");
    // The brightest pixel is the source's centre, θ = offset / D_s, within a pixel.
    let n = bare.width;
    let k = (0..n * n)
        .max_by(|&a, &b| bare.rgb[a][0].total_cmp(&bare.rgb[b][0]))
        .unwrap();
    let theta = traced.sky.theta((k % n) as f64, (k / n) as f64);
    let want = [0.06, -0.04].map(|o: f64| o / crate::lensing::D_S_MPC);
    for i in 0..2 {
        assert!(
            (theta[i] - want[i]).abs() <= traced.sky.pixel_rad(),
            "brightest at {theta:?}, source at {want:?}"
        );
    }
}
