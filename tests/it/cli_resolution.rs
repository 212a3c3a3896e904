//! The grid-resolution warning (physics.md §6: rays within 5 cells of a lens centre): printed,
//! in `--json`, stored in the run file, shown by `inspect`; absent for analytic fields.

use crate::cli::{run, stderr, tmp};

fn warnings_of(args: &[&str]) -> (Vec<String>, String) {
    let o = run(args);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let w = json["warnings"]
        .as_array()
        .expect("a warnings list")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    (w, stderr(&o))
}

#[test]
fn a_coarse_grid_is_warned_about_and_the_warning_is_kept() {
    let dir = tmp();
    let out = dir.path().join("coarse.h5");
    let o = out.to_str().unwrap();
    // The grid cluster (configs/cluster_grid.toml): a 5 Mpc sphere on 7.8 Mpc cells, rays 3–30 Mpc from its centre.
    let (w, err) = warnings_of(&["run", "configs/cluster_grid.toml", "-o", o, "--json"]);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with("lens 0: 91 of 91 rays pass within 5 grid cells"),
        "{}",
        w[0]
    );
    assert!(
        w[0].contains("potential.nodes to at least 1489"),
        "{}",
        w[0]
    );
    assert!(err.contains(&format!("warning: {}", w[0])), "{err}");
    let (meta, _) = excalibur::io::read_run(&out).unwrap();
    assert_eq!(meta.warnings, w);
    let inspect = run(&["inspect", o]);
    assert!(String::from_utf8_lossy(&inspect.stdout).contains("warning: lens 0"));
    // Analytic lenses have no grid to be coarse: no warning, none stored.
    let (w, err) = warnings_of(&[
        "run",
        "configs/cluster_grid.toml",
        "-o",
        o,
        "--force",
        "--json",
        "--set",
        "potential.mode=\"analytic\"",
    ]);
    assert!(w.is_empty() && !err.contains("warning"), "{w:?} {err}");
    assert!(excalibur::io::read_run(&out).unwrap().0.warnings.is_empty());
}

/// Only the central ray passes near the lens (the seed's production cone at 512³ has one, aimed
/// at the lens centre): no node count would help it, so none is suggested (it said "at least 0").
#[test]
fn a_central_ray_alone_gets_no_node_count() {
    let dir = tmp();
    let o = dir.path().join("c.h5");
    let (w, _) = warnings_of(&[
        "run",
        "configs/seed_optimal.toml",
        "-o",
        o.to_str().unwrap(),
        "--json",
        "--quiet",
        "--set",
        "potential.nodes=64",
        "--set",
        "rays.n_theta=1",
        "--set",
        "rays.n_phi=1",
        "--set",
        "integration.stop.steps=10",
    ]);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("lens 0: 1 of 1 rays"), "{}", w[0]);
    assert!(
        w[0].ends_with("set potential.mode = \"analytic\""),
        "{}",
        w[0]
    );
}
