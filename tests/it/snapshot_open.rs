//! A snapshot opened in the window (`nbody::open`, Files → Open and drag-and-drop): the config
//! is pointed at the file with its format, box and header cosmology, the lenses go, and the
//! result traces; other HDF5 files are told apart (a run file is not a snapshot).

use excalibur::config::{PotentialMode, RunConfig, SnapshotFormat};
use excalibur::field::FieldCache;
use excalibur::nbody::open::{open_snapshot, snapshot_format};
use excalibur::setup::Model;
use std::path::Path;

/// A small Gadget HDF5 snapshot (one file, PartType1 with a MassTable mass): a jittered lattice
/// of 16³ particles in a 300 Mpc/h box at z = 0.5, coordinates in kpc/h, Ωm 0.31, ΩΛ 0.69,
/// h 0.68.
pub fn write_gadget(path: &Path) {
    write_gadget_clumped(path, 0.0);
}

/// As [`write_gadget`], with each particle pulled by `pull` (0–1) of its way toward the box
/// centre, in a Gaussian of the distance (a clump of ~60 Mpc/h): a field that lenses.
pub fn write_gadget_clumped(path: &Path, pull: f64) {
    let n = 16usize;
    let box_kpc_h = 300_000.0;
    let centre = box_kpc_h / 2.0;
    let positions: Vec<f32> = (0..n * n * n)
        .flat_map(|k| {
            let c = [k / (n * n), (k / n) % n, k % n];
            let jitter = ((k * 7919) % 101) as f64 / 101.0 - 0.5;
            let p = c.map(|c| (c as f64 + 0.5 + 0.3 * jitter) * box_kpc_h / n as f64);
            let r2: f64 = p.iter().map(|x| (x - centre).powi(2)).sum();
            let w = pull * (-r2 / (2.0 * 60_000.0f64.powi(2))).exp();
            p.map(|x| (x + w * (centre - x)) as f32)
        })
        .collect();
    let f = hdf5::File::create(path).unwrap();
    let header = f.create_group("Header").unwrap();
    for (name, v) in [
        ("BoxSize", box_kpc_h),
        ("Redshift", 0.5),
        ("Omega0", 0.31),
        ("OmegaLambda", 0.69),
        ("HubbleParam", 0.68),
    ] {
        header
            .new_attr::<f64>()
            .create(name)
            .unwrap()
            .write_scalar(&v)
            .unwrap();
    }
    let count = (n * n * n) as f64;
    for (name, v) in [
        ("MassTable", [0.0, 1.0, 0.0, 0.0, 0.0, 0.0]),
        ("NumPart_Total", [0.0, count, 0.0, 0.0, 0.0, 0.0]),
        ("NumPart_ThisFile", [0.0, count, 0.0, 0.0, 0.0, 0.0]),
    ] {
        header
            .new_attr_builder()
            .with_data(&ndarray::Array1::from(v.to_vec()))
            .create(name)
            .unwrap();
    }
    let arr = ndarray::Array2::from_shape_vec((n * n * n, 3), positions).unwrap();
    f.create_group("PartType1")
        .unwrap()
        .new_dataset_builder()
        .with_data(&arr)
        .create("Coordinates")
        .unwrap();
}

#[test]
fn opening_a_snapshot_points_the_config_at_it_and_it_traces() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.hdf5");
    write_gadget(&snap);
    assert_eq!(
        snapshot_format(&snap).unwrap(),
        Some(SnapshotFormat::GadgetHdf5)
    );
    let mut config = RunConfig::load(Path::new("configs/cluster_grid.toml"), &[])
        .unwrap()
        .as_given()
        .clone();
    config.rays.n_theta = 3;
    config.rays.n_phi = 3;
    let said = open_snapshot(&mut config, &snap).unwrap();
    assert!(
        said.contains("4096 particles") && said.contains("z = 0.5"),
        "{said}"
    );
    assert!(said.contains("1 lenses removed"), "{said}");
    let p = &config.potential;
    assert_eq!(p.mode, PotentialMode::Particles);
    let particles = p.particles.as_ref().unwrap();
    assert_eq!(particles.file, std::fs::canonicalize(&snap).unwrap());
    assert_eq!(particles.format, SnapshotFormat::GadgetHdf5);
    assert!(config.lenses.is_empty());
    let c = &config.cosmology;
    assert_eq!((c.omega_m, c.omega_lambda), (0.31, 0.69));
    assert!((c.h0_km_s_mpc - 68.0).abs() < 1e-12);
    // The config now runs through the snapshot: its box (300 Mpc/h) and redshift.
    let valid = config.into_valid().unwrap();
    let model = Model::build(valid, Path::new("."), &mut FieldCache::default()).unwrap();
    let g = model.field.grid_geometry().unwrap();
    let box_mpc = g.spacing_m * g.nodes[0] as f64 / excalibur::units::MPC_M;
    assert!((box_mpc - 300.0 / 0.68).abs() < 1e-9, "{box_mpc}");
}

#[test]
fn other_hdf5_files_are_not_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let phi = dir.path().join("phi.h5");
    let f = hdf5::File::create(&phi).unwrap();
    f.new_dataset_builder()
        .with_data(&ndarray::Array3::<f64>::zeros((3, 3, 3)))
        .create("Phi")
        .unwrap();
    drop(f);
    assert_eq!(snapshot_format(&phi).unwrap(), None);
    let mut config = RunConfig::default();
    let e = open_snapshot(&mut config, &phi).unwrap_err().to_string();
    assert!(e.contains("not a snapshot") && e.contains("phi.h5"), "{e}");
    assert_eq!(config.potential.mode, RunConfig::default().potential.mode);
    let text = dir.path().join("notes.h5");
    std::fs::write(&text, "not HDF5").unwrap();
    assert!(snapshot_format(&text).is_err());
}
