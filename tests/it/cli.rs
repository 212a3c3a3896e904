//! Drives the `excalibur` binary as users and scripts do (interface.md §1–§3).

use excalibur::io::read_run;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn exe() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_excalibur"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

pub(crate) fn run(args: &[&str]) -> Output {
    exe().args(args).output().expect("binary runs")
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// The same rays, their states bit for bit (NaN included) and everything else equal.
pub(crate) fn assert_same_rays(r1: &[excalibur::io::StoredRay], r2: &[excalibur::io::StoredRay]) {
    assert_eq!(r1.len(), r2.len());
    for (a, b) in r1.iter().zip(r2) {
        assert_eq!(a.rows.len(), b.rows.len());
        for (x, y) in a.rows.iter().zip(&b.rows) {
            assert!(
                x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits()),
                "bit-identical states"
            );
        }
        assert_eq!(a, b);
    }
}

/// Merges `parts` (in the order given) into `merged` and asserts the result is the run `whole`
/// of `rays` rays: the same metadata and every ray bit for bit.
pub(crate) fn assert_merge_matches(whole: &Path, parts: &[&str], merged: &Path, rays: usize) {
    let args = [&["merge"][..], parts, &["-o", merged.to_str().unwrap()][..]].concat();
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let (m1, r1) = read_run(whole).unwrap();
    let (m2, r2) = read_run(merged).unwrap();
    assert_eq!(m1, m2);
    assert_eq!(r1.len(), rays);
    assert_same_rays(&r1, &r2);
}

pub(crate) fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

pub(crate) fn configs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("configs"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
    v.sort();
    v
}

#[test]
fn check_every_config() {
    let all = configs();
    assert!(all.len() >= 9, "{all:?}");
    for path in all {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# "),
            "{} must start with a one-line comment",
            path.display()
        );
        let o = run(&["check", path.to_str().unwrap()]);
        if path.ends_with("seed_guide.toml") {
            assert_eq!(o.status.code(), Some(2));
            assert!(
                stderr(&o).contains("weak-field") && stderr(&o).contains("lenses.0.mass_msun"),
                "{}",
                stderr(&o)
            );
        } else {
            assert!(o.status.success(), "{}: {}", path.display(), stderr(&o));
            let resolved = String::from_utf8(o.stdout).unwrap();
            let back: excalibur::config::RunConfig =
                toml::from_str(&resolved).expect("resolved config parses");
            back.validate().unwrap();
        }
    }
}

#[test]
fn set_overrides_reach_the_resolved_config() {
    let o = run(&[
        "check",
        "configs/cluster_grid.toml",
        "--set",
        "potential.nodes=64",
        "--set",
        "lenses.0.mass_msun=2e15",
        "--set",
        "rays.pattern=beam",
        "--set",
        "rays.impact_mpc=[5.0,10.0]",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let c: excalibur::config::RunConfig =
        toml::from_str(&String::from_utf8(o.stdout).unwrap()).unwrap();
    assert_eq!(c.potential.nodes, 64);
    assert_eq!(c.lenses[0].mass_msun, 2e15);
    assert_eq!(c.rays.impact_mpc, vec![5.0, 10.0]);
}

#[test]
fn run_json_inspect_and_round_trip() {
    let dir = tmp();
    let out = dir.path().join("quick.h5");
    let o = run(&[
        "run",
        "configs/seed_quick.toml",
        "-o",
        out.to_str().unwrap(),
        "--json",
        "--quiet",
        "--threads",
        "2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "--quiet prints nothing on stderr");
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    for key in [
        "photons",
        "steps_total",
        "grid_build_s",
        "integrate_s",
        "total_s",
        "steps_per_s",
        "output",
        "end_reasons",
    ] {
        assert!(j.get(key).is_some(), "missing {key}");
    }
    assert_eq!(j["photons"], 40);
    assert_eq!(j["steps_total"], 40 * 200);
    assert_eq!(j["end_reasons"]["step_limit"], 40);
    let (meta, rays) = read_run(&out).unwrap();
    assert_eq!(rays.len(), 40);
    assert!(meta.config_toml.contains("seed = 42"));
    for (i, r) in rays.iter().enumerate() {
        assert_eq!(r.id, i);
        assert_eq!(r.rows.len(), 201);
        assert!(
            r.rows[0][4] < 0.0 && r.rows[0][8] == 1.0,
            "row 0 is the observer, u0 < 0"
        );
    }
    // The same run in memory gives the same bytes as the file holds.
    let config =
        excalibur::config::RunConfig::load(Path::new("configs/seed_quick.toml"), &[]).unwrap();
    let model = excalibur::setup::Model::build(
        config,
        Path::new("configs"),
        &mut excalibur::field::FieldCache::default(),
    )
    .unwrap();
    let result = model.trace(
        &model.rays,
        1,
        &excalibur::trace::NoSink,
        &Default::default(),
    );
    for (a, b) in result.rays.iter().zip(&rays) {
        assert_eq!(a.rows, b.rows);
        assert_eq!(a.observables, b.observables);
    }
    let o = run(&["inspect", out.to_str().unwrap()]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("photons: 40")
            && text.contains("step_limit=40")
            && text.contains("deflection"),
        "{text}"
    );
    // Refuses to overwrite without --force, then overwrites with it.
    let before = std::fs::read(&out).unwrap();
    let o = run(&[
        "run",
        "configs/seed_quick.toml",
        "-o",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&out).unwrap(), before);
    let o = run(&[
        "run",
        "configs/seed_quick.toml",
        "-o",
        out.to_str().unwrap(),
        "--quiet",
        "--force",
    ]);
    assert!(o.status.success());
}

#[test]
fn shards_merge_to_the_unsharded_run() {
    let dir = tmp();
    let whole = dir.path().join("whole.h5");
    let args = ["--quiet", "--set", "rays.count=13"];
    let o = run(&[
        &[
            "run",
            "configs/seed_quick.toml",
            "-o",
            whole.to_str().unwrap(),
        ][..],
        &args[..],
    ]
    .concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let mut parts = vec![];
    for i in 0..3 {
        let p = dir.path().join(format!("part{i}.h5"));
        let shard = format!("{i}/3");
        let o = run(&[
            &[
                "run",
                "configs/seed_quick.toml",
                "-o",
                p.to_str().unwrap(),
                "--shard",
                &shard,
            ][..],
            &args[..],
        ]
        .concat());
        assert!(o.status.success(), "{}", stderr(&o));
        parts.push(p.to_str().unwrap().to_string());
    }
    let merged = dir.path().join("merged.h5");
    // Parts in any order.
    let shuffled = [&parts[2], &parts[0], &parts[1]].map(|p| p.as_str());
    assert_merge_matches(&whole, &shuffled, &merged, 13);
    // Missing a shard is an error that says which.
    let o = run(&[
        "merge",
        &parts[0],
        &parts[1],
        "-o",
        dir.path().join("bad.h5").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing shards [2]"), "{}", stderr(&o));
}

/// The seed's Python readers use h5py: read our file with it and check the layout.
#[test]
fn h5py_reads_the_seed_layout() {
    // No skip: without python3 and h5py this test fails, naming what to install
    // (`scripts/deps.sh` installs both).
    let dir = tmp();
    let out = dir.path().join("py.h5");
    let o = run(&[
        "run",
        "configs/seed_quick.toml",
        "-o",
        out.to_str().unwrap(),
        "--quiet",
        "--set",
        "rays.count=5",
        "--set",
        "integration.stop.steps=20",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let script = r#"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
n = int(f.attrs["n_photons"]); assert n == 5, n
assert f.attrs["velocity_convention"] == "u0<0, u^i along line of sight"
assert list(f.attrs["columns"])[0] == "eta" and len(f.attrs["columns"]) == 14
info = f["photon_info"]
assert info.dtype.names == ("id", "n_states", "initial_position", "initial_velocity", "weight"), info.dtype.names
assert info.dtype["id"] == np.dtype("<i4") and info.dtype["initial_position"].shape == (4,)
for i in range(n):
    s = f[f"photon_{i}_states"][()]
    assert s.dtype == np.float64 and s.shape == (21, 14), s.shape
    assert not np.isnan(s).any()
    assert info[i]["n_states"] == 21 and np.array_equal(info[i]["initial_position"], s[0, 0:4])
    assert s[0, 4] < 0 and abs(s[0, 8] - 1.0) == 0
obs = f["observables"]
labels = list(obs["end_reason"].attrs["labels"])
assert labels[4] == "step_limit" and all(obs["end_reason"][()] == 4)
assert obs["final_direction"].shape == (5, 3)
for k in ["deflection_rad", "redshift", "time_delay_s", "null_error_max"]:
    assert obs[k].shape == (5,)
print("h5py ok")
"#;
    let py = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&out)
        .output()
        .expect("python3 runs (install it, and h5py: bash scripts/deps.sh)");
    assert!(
        py.status.success(),
        "h5py check failed (install h5py: python3 -m pip install h5py): {}",
        String::from_utf8_lossy(&py.stderr)
    );
}
