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

/// The example light cone's config pointed at the snapshot `snap`, solved on 16³ nodes.
fn snapshot_config(snap: &Path) -> RunConfig {
    let mut config = RunConfig::load(Path::new("configs/nbody_lightcone.toml"), &[])
        .unwrap()
        .as_given()
        .clone();
    excalibur::nbody::open::open_snapshot(&mut config, snap).unwrap();
    config.potential.nodes = 16;
    config
}

#[test]
fn a_weak_snapshot_field_images_smoothly_without_critical_curves() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.hdf5");
    super::snapshot_open::write_gadget(&snap);
    let valid = snapshot_config(&snap).into_valid().unwrap();
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

/// κ from each pixel's bundle through a sampled field (a clump, max κ 0.018): with DOPRI5, the
/// bundle's four rays took their own steps through the trilinear kinks and κ was off by 0.019
/// from a 1/16-cell RK4 reference; the bundles now step through grids at fixed quarter cells
/// (`lensing::bundle::bundle_method`): 7.5e-5 off.
#[test]
fn a_grids_bundle_convergence_is_converged_not_noise() {
    use excalibur::lensing::{bundle_jacobians, Sky};
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.hdf5");
    super::snapshot_open::write_gadget_clumped(&snap, 0.6);
    let kappa = |rk4_cells: Option<f64>| -> Vec<f64> {
        let mut config = snapshot_config(&snap);
        if let Some(cells) = rk4_cells {
            let cell_mpc = 300.0 / 0.68 / 16.0;
            config.integration.method = excalibur::config::MethodKind::Rk4;
            config.integration.step_mpc = cells * cell_mpc;
        }
        let valid = config.into_valid().unwrap();
        let model = Model::build(valid, Path::new("."), &mut FieldCache::default()).unwrap();
        let sky = Sky::of(&model.config, 12);
        let b = bundle_jacobians(&model, &sky, &Default::default()).unwrap();
        b.jacobian
            .iter()
            .map(|a| 1.0 - 0.5 * (a[0] + a[3]))
            .collect()
    };
    let (dopri, reference) = (kappa(None), kappa(Some(1.0 / 16.0)));
    let signal = reference.iter().map(|k| k.abs()).fold(0.0, f64::max);
    let worst = dopri
        .iter()
        .zip(&reference)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(signal > 1e-5, "the field lenses: max |κ| {signal}");
    assert!(
        worst < 0.1 * signal.max(1e-4),
        "κ off by {worst} for a signal of {signal}"
    );
}
