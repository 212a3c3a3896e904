//! Scale-out as a cluster uses it (issue 11): a SLURM job array of shard processes running at
//! once, then a merge; a parameter sweep listed and run index by index; one table of results.

use super::cli::{assert_merge_matches, assert_same_rays, exe, run, stderr, tmp};
use super::sweeps::manifest;
use excalibur::io::read_run;
use std::path::Path;

/// What each array task would run: `excalibur run CONFIG --shard $SLURM_ARRAY_TASK_ID/N`.
const ARGS: [&str; 3] = ["--quiet", "--set", "rays.count=23"];

#[test]
fn a_job_array_of_concurrent_shards_merges_to_the_unsharded_run_bit_for_bit() {
    let dir = tmp();
    let whole = dir.path().join("whole.h5");
    let o = run(&[
        &[
            "run",
            "configs/seed_quick.toml",
            "-o",
            whole.to_str().unwrap(),
        ][..],
        &ARGS[..],
    ]
    .concat());
    assert!(o.status.success(), "{}", stderr(&o));
    // Four array tasks, all started before any is waited for.
    let n = 4;
    let parts: Vec<String> = (0..n)
        .map(|i| {
            dir.path()
                .join(format!("part{i}.h5"))
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let children: Vec<_> = (0..n)
        .map(|i| {
            exe()
                .args([
                    "run",
                    "configs/seed_quick.toml",
                    "-o",
                    &parts[i],
                    "--shard",
                    &format!("{i}/{n}"),
                ])
                .args(ARGS)
                .spawn()
                .expect("start a shard process")
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let merged = dir.path().join("merged.h5");
    let shuffled = [&parts[3], &parts[1], &parts[0], &parts[2]].map(|p| p.as_str());
    assert_merge_matches(&whole, &shuffled, &merged, 23);
    // A task that ran twice (a resubmitted array index) is refused, naming the shard.
    let o = run(&[
        "merge",
        &parts[0],
        &parts[1],
        &parts[1],
        &parts[2],
        &parts[3],
        "-o",
        dir.path().join("dup.h5").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("shard 1/4 given twice"),
        "{}",
        stderr(&o)
    );
    // A task that failed (its file missing) is refused, naming the shard.
    let o = run(&[
        "merge",
        &parts[0],
        &parts[2],
        &parts[3],
        "-o",
        dir.path().join("gap.h5").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing shards [1]"), "{}", stderr(&o));
    assert!(!dir.path().join("dup.h5").exists() && !dir.path().join("gap.h5").exists());
}

#[test]
fn the_packed_layout_holds_the_per_photon_rows_bit_for_bit_and_every_reader_reads_it() {
    let dir = tmp();
    let file = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let base = [
        "--quiet",
        "--set",
        "rays.count=37",
        "--set",
        "integration.stop.steps=150",
    ];
    let packed = ["--set", "output.layout=\"packed\""];
    let o = run(&[
        &["run", "configs/seed_quick.toml", "-o", &file("pp.h5")][..],
        &base[..],
    ]
    .concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&[
        &["run", "configs/seed_quick.toml", "-o", &file("pk.h5")][..],
        &base[..],
        &packed[..],
    ]
    .concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let (m1, r1) = read_run(Path::new(&file("pp.h5"))).unwrap();
    let (m2, r2) = read_run(Path::new(&file("pk.h5"))).unwrap();
    assert_eq!(r1.len(), 37);
    assert_ne!(
        m1.config_toml, m2.config_toml,
        "the layout is part of the config"
    );
    assert_same_rays(&r1, &r2);
    // Shards of a packed run merge into a packed file equal to the unsharded one.
    let mut parts = vec![];
    for i in 0..3 {
        let p = file(&format!("part{i}.h5"));
        let shard = format!("{i}/3");
        let o = run(&[
            &[
                "run",
                "configs/seed_quick.toml",
                "-o",
                &p,
                "--shard",
                &shard,
            ][..],
            &base[..],
            &packed[..],
        ]
        .concat());
        assert!(o.status.success(), "{}", stderr(&o));
        parts.push(p);
    }
    let o = run(&[
        "merge",
        &parts[0],
        &parts[1],
        &parts[2],
        "-o",
        &file("merged.h5"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (m3, r3) = read_run(Path::new(&file("merged.h5"))).unwrap();
    assert_eq!((m2, r2), (m3, r3));
    let layout = hdf5::File::open(file("merged.h5"))
        .and_then(|f| f.attr("layout"))
        .and_then(|a| a.read_scalar::<hdf5::types::VarLenUnicode>())
        .unwrap();
    assert_eq!(layout.as_str(), "packed");
    // inspect and summarize read it like the per-photon file.
    let o = run(&["inspect", &file("pk.h5")]);
    assert!(
        o.status.success() && String::from_utf8_lossy(&o.stdout).contains("states: "),
        "{}",
        stderr(&o)
    );
    let o = run(&["summarize", &file("pp.h5"), &file("pk.h5")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = String::from_utf8(o.stdout).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("file,output.layout,"), "{csv}");
    // Same rays, same statistics: the rows differ only in file name and layout.
    let tail = |r: &str| r.splitn(3, ',').nth(2).unwrap().to_string();
    assert_eq!(tail(rows[1]), tail(rows[2]));
}

/// The job scripts of configs/slurm run as SLURM would run them (its variables set by hand):
/// three array tasks, then the merge, equal to the unsharded run; two sweep tasks, then the
/// summary.
#[test]
fn the_slurm_scripts_run_a_sharded_job_and_its_merge() {
    let dir = tmp();
    let out = dir.path().join("big");
    let config = dir.path().join("small.toml");
    let mut c = excalibur::config::RunConfig::load(
        Path::new("configs/seed_quick.toml"),
        &[("rays.count".into(), "11".into())],
    )
    .unwrap()
    .config()
    .clone();
    c.output.path = dir.path().join("whole.h5");
    std::fs::write(&config, c.to_toml()).unwrap();
    let bin = env!("CARGO_BIN_EXE_excalibur");
    let script = |name: &str, args: &[&str], task: Option<usize>| {
        let mut cmd = std::process::Command::new("bash");
        cmd.arg(format!("configs/slurm/{name}"))
            .args(args)
            .env("EXCALIBUR", bin);
        if let Some(t) = task {
            cmd.env("SLURM_ARRAY_TASK_ID", t.to_string())
                .env("SLURM_ARRAY_TASK_COUNT", "3")
                .env("SLURM_CPUS_PER_TASK", "1");
        }
        let o = cmd.output().unwrap();
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    for t in 0..3 {
        script(
            "sharded_run.sh",
            &[config.to_str().unwrap(), out.to_str().unwrap()],
            Some(t),
        );
    }
    script("merge.sh", &[out.to_str().unwrap()], None);
    let o = run(&["run", config.to_str().unwrap(), "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        read_run(&out.join("merged.h5")).unwrap(),
        read_run(&c.output.path).unwrap()
    );
    // A 2-run sweep through sweep.sh, then summarize.sh.
    let runs = dir.path().join("sweep");
    let m = manifest(
        dir.path(),
        &format!("{}/{{index}}.h5", runs.display()),
        "\"rays.count\" = [3, 5]\n",
    );
    for t in 0..2 {
        script("sweep.sh", &[&m], Some(t));
    }
    let table = dir.path().join("sweep.csv");
    script(
        "summarize.sh",
        &[runs.to_str().unwrap(), table.to_str().unwrap()],
        None,
    );
    let csv = std::fs::read_to_string(&table).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("file,rays.count,photons,"), "{csv}");
    assert!(
        lines[1].contains(",3,3,") && lines[2].contains(",5,5,"),
        "{csv}"
    );
}
