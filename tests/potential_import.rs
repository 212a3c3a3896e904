//! `potential.file`: a Φ grid imported from HDF5 (as users do with N-body fields) traces like the
//! same field sampled from the lens, in both unit conventions.

use excalibur::config::RunConfig;
use excalibur::setup::Model;
use excalibur::trace::NoSink;
use excalibur::units::{C2, MPC_M};
use ndarray::Array3;
use std::path::Path;

fn deflections(config: &RunConfig, base: &Path) -> Vec<f64> {
    let model = Model::build(config, base, None).unwrap();
    let r = model.trace(&model.rays, 2, &NoSink, &Default::default());
    r.rays
        .iter()
        .map(|r| r.observables.deflection_rad)
        .collect()
}

#[test]
fn imported_potential_matches_sampled_lens() {
    let overrides = vec![
        ("potential.nodes".to_string(), "64".to_string()),
        ("potential.precision".to_string(), "\"f64\"".to_string()),
        ("rays.n_theta".to_string(), "4".to_string()),
        ("rays.n_phi".to_string(), "4".to_string()),
        ("rays.half_angle_deg".to_string(), "1.5".to_string()),
        ("lenses.0.radius_mpc".to_string(), "40.0".to_string()),
    ];
    let config = RunConfig::load(Path::new("configs/default.toml"), &overrides).unwrap();
    let sampled = deflections(&config, Path::new("."));
    // Write Φ at the nodes (origin + i·L/N), C order, in m²/s² and in units of c².
    let lens = excalibur::setup::lens_si(&config.lenses[0]);
    let dx = 1000.0 / 64.0 * MPC_M;
    let phi = Array3::from_shape_fn((64, 64, 64), |(i, j, k)| {
        lens.phi_and_gradient([i as f64 * dx, j as f64 * dx, k as f64 * dx])
            .0
    });
    let dir = tempfile::tempdir().unwrap();
    let file = hdf5::File::create(dir.path().join("phi.h5")).unwrap();
    file.new_dataset_builder()
        .with_data(&phi)
        .create("Phi")
        .unwrap();
    file.new_dataset_builder()
        .with_data(&phi.mapv(|v| v / C2))
        .create("fields/phi_c2")
        .unwrap();
    drop(file);
    let mut imported = config.clone();
    imported.lenses.clear();
    imported.potential.file = Some("phi.h5".into());
    let a = deflections(&imported, dir.path());
    imported.potential.dataset = "fields/phi_c2".into();
    imported.potential.phi_units = excalibur::config::PhiUnits::SpeedOfLightSquared;
    let b = deflections(&imported, dir.path());
    assert_eq!(a.len(), sampled.len());
    for ((s, a), b) in sampled.iter().zip(&a).zip(&b) {
        if *s > 1e-7 {
            // Differenced gradients against analytic ones: O(dx²) apart, here a few percent at most.
            assert!((a / s - 1.0).abs() < 0.05, "imported {a} vs sampled {s}");
            assert!((b / a - 1.0).abs() < 1e-9, "units c2 vs m2/s2");
        }
    }
    // A missing dataset is named in the error.
    imported.potential.dataset = "nothing".into();
    let err = Model::build(&imported, dir.path(), None)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("nothing"), "{err}");
}
