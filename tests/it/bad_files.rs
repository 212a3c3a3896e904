//! Bad files never crash anything: empty, foreign, truncated and wrong-shape HDF5 given as
//! `potential.file` (or to `inspect`), and a config that is not UTF-8, all exit 2 with a message
//! naming the file, and leave what is on disk alone. Random `--set` overrides give an error or a
//! valid config, never a panic.

use crate::cli::{run, stderr, tmp};
use excalibur::config::{apply_override, RunConfig};
use ndarray::{Array2, Array3};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// (name, path) of each kind of bad Φ file, written into `dir`.
fn bad_potentials(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let p = |n: &str| dir.join(n);
    std::fs::write(p("empty.h5"), b"").unwrap();
    std::fs::write(p("text.h5"), b"not an HDF5 file\n").unwrap();
    let f = hdf5::File::create(p("flat.h5")).unwrap();
    f.new_dataset_builder()
        .with_data(&Array2::<f64>::zeros((8, 8)))
        .create("Phi")
        .unwrap();
    f.close().unwrap();
    let f = hdf5::File::create(p("shape.h5")).unwrap();
    f.new_dataset_builder()
        .with_data(&Array3::<f64>::zeros((8, 8, 8)))
        .create("Phi")
        .unwrap();
    f.close().unwrap();
    let f = hdf5::File::create(p("whole.h5")).unwrap();
    f.new_dataset_builder()
        .with_data(&Array3::<f64>::zeros((16, 16, 16)))
        .create("Phi")
        .unwrap();
    f.close().unwrap();
    let whole = std::fs::read(p("whole.h5")).unwrap();
    std::fs::write(p("truncated.h5"), &whole[..whole.len() / 3]).unwrap();
    let f = hdf5::File::create(p("nodataset.h5")).unwrap();
    f.close().unwrap();
    [
        "empty.h5",
        "text.h5",
        "flat.h5",
        "shape.h5",
        "truncated.h5",
        "nodataset.h5",
    ]
    .into_iter()
    .map(|n| (n, p(n)))
    .collect()
}

#[test]
fn bad_potential_files_and_configs_exit_2_naming_the_file() {
    let dir = tmp();
    let out = dir.path().join("keep.h5");
    std::fs::write(&out, b"precious").unwrap();
    let o = out.to_str().unwrap();
    for (name, path) in bad_potentials(dir.path()) {
        let set = format!("potential.file=\"{}\"", path.display());
        let r = run(&[
            "run",
            "configs/cluster_grid.toml",
            "--set",
            "potential.nodes=16",
            "--set",
            &set,
            "-o",
            o,
            "--force",
        ]);
        let err = stderr(&r);
        assert_eq!(r.status.code(), Some(2), "{name}: {err}");
        let named = err.contains(name) || err.contains("potential.nodes");
        assert!(named && !err.contains("panicked"), "{name}: {err}");
        assert_eq!(std::fs::read(&out).unwrap(), b"precious", "{name}");
        // The same file given to inspect.
        let r = run(&["inspect", path.to_str().unwrap()]);
        assert_eq!(r.status.code(), Some(2), "inspect {name}: {}", stderr(&r));
    }
    let latin1 = dir.path().join("latin1.toml");
    std::fs::write(&latin1, b"title = \"caf\xe9\"\n").unwrap();
    let r = run(&["check", latin1.to_str().unwrap()]);
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(
        err.contains("latin1.toml") && err.contains("UTF-8"),
        "{err}"
    );
}

/// Random keys (real ones, with random indices and bad tails) and random values (numbers of
/// every size, NaN, infinities, strings, arrays, tables, junk): each gives a config error or a
/// valid config, and never panics.
#[test]
fn random_overrides_give_an_error_or_a_valid_config_never_a_panic() {
    let base = std::fs::read_to_string("configs/cluster_grid.toml").unwrap();
    let keys = [
        "title",
        "threads",
        "cosmology.h0_km_s_mpc",
        "cosmology.omega_m",
        "lenses.0.mass_msun",
        "lenses.0.radius_mpc",
        "lenses.0.center_mpc",
        "lenses.0.profile",
        "lenses.3.mass_msun",
        "potential.nodes",
        "potential.size_mpc",
        "rays.n_theta",
        "rays.half_angle_deg",
        "rays.impact_mpc",
        "integration.step_mpc",
        "integration.stop.redshift",
        "source.distance_mpc",
        "camera.field_of_view_arcsec",
        "nope.deeper.key",
        "lenses.x.mass_msun",
    ];
    let values = [
        "0",
        "-1",
        "1e308",
        "-1e308",
        "1e-320",
        "nan",
        "inf",
        "-inf",
        "3",
        "2.5",
        "\"text\"",
        "[1.0, 2.0, 3.0]",
        "[]",
        "{a = 1}",
        "true",
        "\"point\"",
        "\"sis\"",
        "18446744073709551615",
        "-9223372036854775808",
        "[nan, 1.0, 2.0]",
        "=",
        "[[",
        "\"\\u0000\"",
    ];
    // proptest draws 1–3 (key, value) pairs per case and, on a failure, shrinks to the
    // smallest list that still fails; the seed is fixed so CI runs the same 600 cases.
    let pair = (0..keys.len(), 0..values.len())
        .prop_map(move |(k, v)| (keys[k].to_string(), values[v].to_string()));
    let config = proptest::test_runner::Config {
        cases: 600,
        failure_persistence: None,
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..Default::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new_with_rng(
        config,
        proptest::test_runner::TestRng::from_seed(
            proptest::test_runner::RngAlgorithm::ChaCha,
            &[7; 32],
        ),
    );
    let outcome = runner.run(&proptest::collection::vec(pair, 1..4), |overrides| {
        let ran = std::panic::catch_unwind(|| {
            let mut table: toml::Table = toml::from_str(&base).unwrap();
            for (k, v) in &overrides {
                if apply_override(&mut table, k, v).is_err() {
                    return;
                }
            }
            if let Ok(c) = RunConfig::from_toml_str(&base, "cluster_grid.toml", &overrides) {
                // A valid config really is valid: every float finite.
                let text = c.to_toml();
                assert!(!text.contains("nan") && !text.contains("inf"), "{text}");
            }
        });
        prop_assert!(ran.is_ok(), "panicked on {overrides:?}");
        Ok(())
    });
    assert!(outcome.is_ok(), "{outcome:?}");
}
