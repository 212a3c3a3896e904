//! Bad input as users type it: exit status 2, a message naming the file, key or flag, no
//! panic, and nothing on disk lost.

use crate::cli::{run, stderr, tmp};

/// At least 15 kinds of bad input: exit 2, a message naming the key or file, no panic, and an
/// existing output file left untouched.
#[test]
fn bad_input_table() {
    let dir = tmp();
    let out = dir.path().join("keep.h5");
    std::fs::write(&out, b"precious").unwrap();
    let o = out.to_str().unwrap();
    let syntax = dir.path().join("syntax.toml");
    std::fs::write(&syntax, "title = \"x\"\n[potential\nnodes = 3\n").unwrap();
    let unknown = dir.path().join("unknown.toml");
    std::fs::write(&unknown, "# x\nfoo = 1\n").unwrap();
    let nodez = dir.path().join("nodez.toml");
    std::fs::write(&nodez, "# x\n[potential]\nnodez = 3\n").unwrap();
    let not_h5 = dir.path().join("not.h5");
    std::fs::write(&not_h5, "plain text").unwrap();
    let q = "configs/seed_quick.toml";
    let nested = format!("{o}/inside.h5");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["run", "configs/missing.toml", "-o", o],
            "configs/missing.toml",
        ),
        (
            vec!["run", syntax.to_str().unwrap(), "-o", o],
            "syntax.toml",
        ),
        (vec!["run", unknown.to_str().unwrap(), "-o", o], "foo"),
        (
            vec!["run", nodez.to_str().unwrap(), "-o", o],
            "potential.nodez",
        ),
        (
            vec!["run", q, "-o", o, "--set", "lenses.0.mass_msun=-1"],
            "lenses.0.mass_msun",
        ),
        (
            vec!["run", q, "-o", o, "--set", "lenses.0.radius_mpc=0"],
            "lenses.0.radius_mpc",
        ),
        (
            vec!["run", q, "-o", o, "--set", "potential.nodes=1"],
            "potential.nodes",
        ),
        (
            vec!["run", q, "-o", o, "--set", "rays.half_angle_deg=0"],
            "rays.half_angle_deg",
        ),
        (
            vec!["run", q, "-o", o, "--set", "rays.half_angle_deg=95"],
            "(0, 90]",
        ),
        (
            vec![
                "run",
                q,
                "-o",
                o,
                "--set",
                "observer.position_mpc=[-5.0,0.0,0.0]",
            ],
            "observer.position_mpc",
        ),
        (
            vec!["run", q, "-o", o, "--set", "lenses.0.mass_msun=nan"],
            "lenses.0.mass_msun",
        ),
        (
            vec!["run", q, "-o", o, "--set", "cosmology.omega_lambda=0.5"],
            "must be 1",
        ),
        (
            vec!["run", q, "-o", o, "--set", "cosmology.h0_km_s_mpc=-70"],
            "cosmology.h0_km_s_mpc",
        ),
        (
            vec!["run", q, "-o", o, "--set", "potential.precision=f16"],
            "potential.precision",
        ),
        (
            vec!["run", q, "-o", o, "--set", "potential.nodes=\"many\""],
            "potential.nodes",
        ),
        (
            vec!["run", q, "-o", o, "--set", "integration.step_mpc=0"],
            "integration.step_mpc",
        ),
        (
            vec!["run", q, "-o", o, "--set", "lenses.5.mass_msun=1"],
            "lenses.5.mass_msun",
        ),
        (
            vec!["run", q, "-o", o, "--set", "nokey"],
            "'--set <KEY=VALUE>'",
        ),
        (vec!["run", q, "-o", o, "--shard", "3/2"], "'--shard <I/N>'"),
        (vec!["run", q, "-o", o], "already exists"),
        (
            vec!["run", "configs/seed_guide.toml", "-o", o],
            "weak-field",
        ),
        (
            vec![
                "run",
                q,
                "-o",
                o,
                "--set",
                "potential.file=\"nowhere.h5\"",
                "--force",
            ],
            "nowhere.h5",
        ),
        (vec!["inspect", not_h5.to_str().unwrap()], "not.h5"),
        (
            vec!["merge", not_h5.to_str().unwrap(), "-o", o, "--force"],
            "not.h5",
        ),
        (
            vec!["check", q, "--set", "integration.stop.scale_factor=1.5"],
            "integration.stop.scale_factor",
        ),
        (vec!["run", q, "--bogus-flag"], "--bogus-flag"),
        // Every float key, used or not, rejects NaN and infinities by name.
        (
            vec![
                "check",
                q,
                "--set",
                "cosmology.model=\"static\"",
                "--set",
                "cosmology.h0_km_s_mpc=nan",
            ],
            "cosmology.h0_km_s_mpc",
        ),
        (
            vec!["check", q, "--set", "lenses.0.concentration=inf"],
            "lenses.0.concentration",
        ),
        (
            vec!["check", q, "--set", "cosmology.h0_km_s_mpc=1e308"],
            "(0, 1000]",
        ),
        (
            vec!["run", q, "-o", &nested, "--force"],
            "is a file, not a folder",
        ),
        (vec!["run", q, "-o", o, "--threads", "-3"], "--threads"),
        // Every key has a physical range.
        (
            vec!["check", q, "--set", "lenses.0.mass_msun=1e30"],
            "must be in (0, 1e20] M☉",
        ),
        (
            vec!["check", q, "--set", "potential.size_mpc=1e9"],
            "potential.size_mpc",
        ),
        (
            vec!["check", q, "--set", "lenses.0.center_mpc=[1e9, 0.0, 0.0]"],
            "within 1e6",
        ),
        (vec!["check", q, "--set", "threads=100000"], "[0, 1024]"),
        (
            vec!["check", q, "--set", "integration.max_steps=0"],
            "integration.max_steps",
        ),
        // The weak-field check sums every lens, and names a point lens's minimum core.
        (
            vec![
                "check",
                q,
                "--set",
                "lenses=[{profile=\"point\",mass_msun=1e15,center_mpc=[500.0,500.0,500.0]},\
                 {profile=\"point\",mass_msun=1e15,center_mpc=[500.0,500.0,500.03]}]",
            ],
            "of all lenses",
        ),
        (
            vec![
                "check",
                q,
                "--set",
                "lenses=[{profile=\"point\",mass_msun=1e15,core_radius_mpc=0.001}]",
            ],
            "core_radius_mpc ≥ 4.78",
        ),
    ];
    assert!(cases.len() >= 15);
    for (args, needle) in cases {
        let out_run = run(&args);
        let err = stderr(&out_run);
        assert_eq!(out_run.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(needle),
            "{args:?}: message must name `{needle}`: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(
            std::fs::read(&out).unwrap(),
            b"precious",
            "{args:?} touched the existing file"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}
