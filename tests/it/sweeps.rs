//! Parameter sweeps as a cluster user drives them (issue 11): a manifest listed and run index
//! by index, one table of the results, manifest errors, and the window's "Export sweep…".

use super::cli::{run, stderr, tmp};
use excalibur::io::read_run;
use std::path::Path;

/// Writes a manifest over configs/seed_quick.toml in `dir` (a new file each call).
pub(crate) fn manifest(dir: &Path, output: &str, vary: &str) -> String {
    // A file per manifest: the error cases are all written before any is run.
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let k = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("sweep{k}.toml"));
    std::fs::write(
        &path,
        format!("base = \"configs/seed_quick.toml\"\noutput = \"{output}\"\n[vary]\n{vary}"),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

const VARY: &str =
    "\"lenses.0.mass_msun\" = [1e14, 1e15]\n\"rays.half_angle_deg\" = [2.0, 5.0, 10.0]\n";

#[test]
fn a_two_by_three_sweep_lists_runs_and_summarizes_to_one_row_each() {
    let dir = tmp();
    let out = dir.path().join("runs");
    let m = manifest(
        dir.path(),
        &format!("{}/{{index}}_{{mass_msun}}.h5", out.display()),
        VARY,
    );
    let o = run(&["sweep", &m, "--list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let listed = String::from_utf8(o.stdout).unwrap();
    let want = [
        (1e14, 2.0),
        (1e14, 5.0),
        (1e14, 10.0),
        (1e15, 2.0),
        (1e15, 5.0),
        (1e15, 10.0),
    ];
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 6, "{listed}");
    assert_eq!(
        lines[0],
        "0 lenses.0.mass_msun=1e14 rays.half_angle_deg=2.0"
    );
    assert_eq!(
        lines[5],
        "5 lenses.0.mass_msun=1e15 rays.half_angle_deg=10.0"
    );
    let mut files = vec![];
    for (i, (mass, angle)) in want.iter().enumerate() {
        let o = run(&["sweep", &m, "--index", &i.to_string(), "--quiet"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let exp = if *mass == 1e14 { "1e14" } else { "1e15" };
        let file = out.join(format!("{i}_{exp}.h5"));
        let (meta, rays) = read_run(&file).unwrap();
        let config: excalibur::config::RunConfig = toml::from_str(&meta.config_toml).unwrap();
        assert_eq!(config.lenses[0].mass_msun, *mass, "run {i}");
        assert_eq!(config.rays.half_angle_deg, *angle, "run {i}");
        assert_eq!(rays.len(), config.rays.count);
        files.push(file.to_str().unwrap().to_string());
    }
    // Each run refuses to overwrite its file without --force.
    let o = run(&["sweep", &m, "--index", "2", "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let table = dir.path().join("table.csv");
    let mut args = vec!["summarize"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["-o", table.to_str().unwrap()]);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&table).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let header = &rows[0];
    assert_eq!(rows.len(), 7, "{csv}");
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no {name} in {header:?}"))
    };
    // Only the swept keys differ between the files, so only they become columns.
    assert_eq!(header[1..3], ["lenses.0.mass_msun", "rays.half_angle_deg"]);
    for (i, (mass, angle)) in want.iter().enumerate() {
        let row = &rows[i + 1];
        assert_eq!(row[col("file")], files[i]);
        assert_eq!(
            row[col("lenses.0.mass_msun")].parse::<f64>().unwrap(),
            *mass
        );
        assert_eq!(
            row[col("rays.half_angle_deg")].parse::<f64>().unwrap(),
            *angle
        );
        let (_, rays) = read_run(Path::new(&files[i])).unwrap();
        assert_eq!(row[col("photons")], rays.len().to_string());
        let max = rays
            .iter()
            .map(|r| r.observables.deflection_rad)
            .fold(0.0, f64::max);
        let got: f64 = row[col("deflection_max_arcsec")].parse().unwrap();
        assert!((got / (max.to_degrees() * 3600.0) - 1.0).abs() < 1e-12);
        assert_eq!(row[col("end_step_limit")], rays.len().to_string());
    }
    // Ten times the mass, ten times the deflection (weak field, same rays).
    let d = |i: usize| {
        rows[i + 1][col("deflection_max_arcsec")]
            .parse::<f64>()
            .unwrap()
    };
    assert!((d(3) / d(0) / 10.0 - 1.0).abs() < 1e-3);
}

#[test]
fn manifest_errors_exit_2_and_name_the_key() {
    let dir = tmp();
    let out = format!("{}/{{index}}.h5", dir.path().display());
    let cases = [
        (
            manifest(dir.path(), &out, "\"lenses.0.mass\" = [1e14]\n"),
            vec!["--list"],
            "mass",
        ),
        (
            manifest(dir.path(), &out, "\"rays.n_theta\" = []\n"),
            vec!["--list"],
            "rays.n_theta",
        ),
        (
            manifest(
                dir.path(),
                &format!("{}/same.h5", dir.path().display()),
                VARY,
            ),
            vec!["--list"],
            "output: the template maps runs 0 and 1 to one file",
        ),
        (
            manifest(dir.path(), &out, VARY),
            vec!["--index", "6"],
            "--index: 6 is out of range",
        ),
        (
            manifest(dir.path(), &out, "\"lenses.0.mass_msun\" = [-1.0]\n"),
            vec!["--list"],
            "lenses.0.mass_msun",
        ),
    ];
    for (m, flags, needle) in cases {
        let mut args = vec!["sweep", m.as_str()];
        args.extend(flags);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
}

#[cfg(feature = "gui")]
#[test]
fn the_windows_export_sweep_writes_a_manifest_the_cli_runs() {
    use excalibur::app::shared::actions::PanelAction;
    use excalibur::sweep::KeyRange;
    let mut c = super::app_bridge::config("seed_quick");
    c.rays.count = 3;
    let mut app = super::app_bridge::app(c);
    let dir = tmp();
    let path = dir.path().join("masses.toml");
    let range = KeyRange {
        key: "lenses.0.mass_msun".into(),
        from: 1e14,
        to: 1e15,
        count: 2,
        log: true,
    };
    app.world_mut()
        .write_message(PanelAction::ExportSweep(path.clone(), range));
    app.update();
    let info = app
        .world()
        .resource::<excalibur::app::bridge::files::StatusInfo>();
    assert!(format!("{info:?}").contains("2 runs"), "{info:?}");
    let o = run(&["sweep", path.to_str().unwrap(), "--list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let listed = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        listed,
        "0 lenses.0.mass_msun=1e14\n1 lenses.0.mass_msun=1e15\n"
    );
    // The base is the window's config: three rays, as edited.
    let base = dir.path().join("masses.base.toml");
    let text = std::fs::read_to_string(base).unwrap();
    assert!(text.contains("count = 3"), "{text}");
}
