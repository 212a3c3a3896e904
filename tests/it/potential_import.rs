//! `potential.file`: a Φ grid imported from HDF5 (as users do with N-body fields) holds exactly
//! the values written, and traces like the same field sampled from the lens, in both unit
//! conventions.

use excalibur::config::{PhiUnits, RunConfig};
use excalibur::field::{FieldCache, FieldData};
use excalibur::potential::{Grid, GridGeometry};
use excalibur::setup::Model;
use excalibur::trace::NoSink;
use excalibur::units::{C2, MPC_M};
use ndarray::Array3;
use std::path::Path;

fn model(config: &RunConfig, base: &Path) -> Result<Model, excalibur::setup::SetupError> {
    let valid = config.clone().into_valid().expect("valid config");
    Model::build(valid, base, &mut FieldCache::default())
}

fn deflections(config: &RunConfig, base: &Path) -> Vec<f64> {
    let model = model(config, base).unwrap();
    let r = model.trace(&model.rays, 2, &NoSink, &Default::default());
    r.rays
        .iter()
        .map(|r| r.observables.deflection_rad)
        .collect()
}

fn base_config() -> RunConfig {
    let overrides = vec![
        ("potential.nodes".to_string(), "64".to_string()),
        ("potential.precision".to_string(), "\"f64\"".to_string()),
        ("rays.n_theta".to_string(), "4".to_string()),
        ("rays.n_phi".to_string(), "4".to_string()),
        ("rays.half_angle_deg".to_string(), "1.5".to_string()),
        ("lenses.0.radius_mpc".to_string(), "40.0".to_string()),
    ];
    RunConfig::load(Path::new("configs/cluster_grid.toml"), &overrides)
        .unwrap()
        .config()
        .clone()
}

/// Φ of lens 0 at the nodes (origin + i·L/N), C order, in m²/s².
fn phi_nodes(config: &RunConfig) -> Array3<f64> {
    let lens = config.lenses[0].si();
    let dx = config.potential.size_mpc / config.potential.nodes as f64 * MPC_M;
    let n = config.potential.nodes;
    Array3::from_shape_fn((n, n, n), |(i, j, k)| {
        lens.phi_and_gradient([i as f64 * dx, j as f64 * dx, k as f64 * dx])
            .0
    })
}

fn write_phi(path: &Path, phi: &Array3<f64>) {
    let file = hdf5::File::create(path).unwrap();
    file.new_dataset_builder()
        .with_data(phi)
        .create("Phi")
        .unwrap();
    file.new_dataset_builder()
        .with_data(&phi.mapv(|v| v / C2))
        .create("fields/phi_c2")
        .unwrap();
    file.close().unwrap();
}

/// The imported grid equals, value for value, the grid built in memory from the same array:
/// nothing is transposed, rescaled or rounded on the way through HDF5.
#[test]
fn an_imported_grid_equals_the_in_memory_one_exactly() {
    let config = base_config();
    let phi = phi_nodes(&config);
    let dir = tempfile::tempdir().unwrap();
    write_phi(&dir.path().join("phi.h5"), &phi);
    let mut imported = config.clone();
    imported.lenses.clear();
    imported.potential.file = Some("phi.h5".into());
    let m = model(&imported, dir.path()).unwrap();
    let FieldData::GridF64(g) = &*m.field else {
        panic!("an f64 grid was asked for");
    };
    let p = &config.potential;
    let geometry = GridGeometry::cube(p.nodes, p.size_mpc * MPC_M, [0.0; 3]).unwrap();
    let in_memory = Grid::<f64>::from_potential(geometry, &phi).unwrap();
    assert_eq!(g.node_values(), in_memory.node_values());
    // In units of c², the same up to the rounding of one division and one multiplication by c²
    // per value (2 ulp), and for the differenced gradients that rounding divided by the spacing.
    imported.potential.dataset = "fields/phi_c2".into();
    imported.potential.phi_units = PhiUnits::SpeedOfLightSquared;
    let m = model(&imported, dir.path()).unwrap();
    let FieldData::GridF64(g) = &*m.field else {
        panic!("an f64 grid was asked for");
    };
    let phi_max = phi.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let gradient_tol = 2.0 * 2.0 * f64::EPSILON * phi_max / geometry.spacing_m;
    for ((idx, a), b) in g.node_values().indexed_iter().zip(&in_memory.node_values()) {
        let tol = if idx.3 == 0 {
            2.0 * f64::EPSILON * b.abs()
        } else {
            gradient_tol
        };
        assert!((a - b).abs() <= tol, "{idx:?}: {a} vs {b}");
    }
}

#[test]
fn imported_potential_traces_like_the_sampled_lens() {
    let config = base_config();
    let sampled = deflections(&config, Path::new("."));
    let dir = tempfile::tempdir().unwrap();
    write_phi(&dir.path().join("phi.h5"), &phi_nodes(&config));
    let mut imported = config.clone();
    imported.lenses.clear();
    imported.potential.file = Some("phi.h5".into());
    let a = deflections(&imported, dir.path());
    assert_eq!(a.len(), sampled.len());
    for (s, a) in sampled.iter().zip(&a) {
        if *s > 1e-7 {
            // Differenced gradients against analytic ones: O(dx²) apart, here a few percent at most.
            assert!((a / s - 1.0).abs() < 0.05, "imported {a} vs sampled {s}");
        }
    }
    // A missing dataset is named in the error, with its cause.
    imported.potential.dataset = "nothing".into();
    let err = model(&imported, dir.path()).err().unwrap();
    let text = format!("{:#}", anyhow::Error::from(err));
    assert!(
        text.contains("nothing") && text.contains("phi.h5"),
        "{text}"
    );
}

/// The weak-field limit holds for imported fields too: a node deeper than |Φ|/c² = 1e-3 (here
/// a grid written in m²/s² but declared in units of c²) is refused, naming the file and node.
#[test]
fn an_imported_field_beyond_the_weak_field_is_refused() {
    let config = base_config();
    let dir = tempfile::tempdir().unwrap();
    write_phi(&dir.path().join("phi.h5"), &phi_nodes(&config));
    let mut imported = config.clone();
    imported.lenses.clear();
    imported.potential.file = Some("phi.h5".into());
    imported.potential.phi_units = PhiUnits::SpeedOfLightSquared;
    let err = model(&imported, dir.path()).err().expect("refused");
    let text = format!("{:#}", anyhow::Error::from(err));
    assert!(
        text.contains("weak-field") && text.contains("phi.h5") && text.contains("node"),
        "{text}"
    );
}

/// `excalibur potential` → `potential.file`: the lens grid the config builds, written by the
/// command, reads back as the same Φ at every node bit for bit, and a run that imports it
/// holds that Φ; an analytic config has no grid to write (exit 2).
#[test]
fn the_potential_command_writes_what_potential_file_reads_back_bit_for_bit() {
    use crate::cli::{run, stderr, tmp};
    let dir = tmp();
    let out = dir.path().join("phi.h5");
    let o = run(&[
        "potential",
        "configs/cluster_grid.toml",
        "-o",
        out.to_str().unwrap(),
        "--set",
        "potential.nodes=48",
        "--set",
        "potential.precision=\"f64\"",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let overrides = [
        ("potential.nodes", "48"),
        ("potential.precision", "\"f64\""),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()));
    let config = RunConfig::load(Path::new("configs/cluster_grid.toml"), &overrides).unwrap();
    let built = model(config.config(), Path::new("configs")).unwrap();
    let FieldData::GridF64(grid) = &*built.field else {
        panic!("an f64 grid")
    };
    let written = excalibur::io::read_potential(&out, "Phi", 48, 1.0, [0; 3], [47; 3]).unwrap();
    let bits = |a: &Array3<f64>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&written), bits(&grid.node_phi()));
    let mut import = config.config().clone();
    import.potential.file = Some(out.clone());
    let imported = model(&import, Path::new(".")).unwrap();
    let FieldData::GridF64(back) = &*imported.field else {
        panic!("an f64 grid")
    };
    assert_eq!(bits(&back.node_phi()), bits(&grid.node_phi()));
    let o = run(&[
        "potential",
        "configs/default.toml",
        "-o",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("potential.mode = \"analytic\" has no grid"),
        "{}",
        stderr(&o)
    );
}
