//! DOPRI5 through a sampled field (`MassStepLimit::cap_m`): the trilinear field's second
//! derivatives jump at every cell face, which the embedded error estimate does not see, so
//! steps of several cells scattered neighbouring rays by ~1 pixel (0.5″ at 256² through the
//! example snapshot) and drew critical curves in a field with |κ| < 0.1. With steps capped at
//! a cell, a weak field's ray map is smooth and has no critical curve.

use excalibur::config::RunConfig;
use excalibur::field::FieldCache;
use excalibur::lensing::{render, Source};
use excalibur::setup::Model;
use std::path::Path;

#[test]
fn a_weak_snapshot_field_images_smoothly_without_critical_curves() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.hdf5");
    super::snapshot_open::write_gadget(&snap);
    let mut config = RunConfig::load(Path::new("configs/nbody_lightcone.toml"), &[])
        .unwrap()
        .as_given()
        .clone();
    excalibur::nbody::open::open_snapshot(&mut config, &snap).unwrap();
    config.potential.nodes = 16;
    let valid = config.into_valid().unwrap();
    let source = Source::new(&valid.source, Path::new("configs")).unwrap();
    let model = Model::build(valid, Path::new("."), &mut FieldCache::default()).unwrap();
    let size = 48;
    let image = render(&model, &source, size, &Default::default()).expect("not cancelled");
    assert!(
        image.critical_curves.is_empty(),
        "{} critical curves in a weak field",
        image.critical_curves.len()
    );
    // Second differences of β along each row: a smooth map's are tiny against a pixel.
    let px = image.sky.pixel_rad();
    let b = &image.map.beta;
    let mut worst = 0.0f64;
    for j in 0..size {
        for i in 1..size - 1 {
            let k = j * size + i;
            for ((l, m), r) in b[k - 1].iter().zip(&b[k]).zip(&b[k + 1]) {
                worst = worst.max((l - 2.0 * m + r).abs() / px);
            }
        }
    }
    assert!(worst < 0.01, "β's second difference reaches {worst} pixels");
}
