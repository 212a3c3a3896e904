//! `excalibur image` as users drive it (interface.md §4): the PNG, the JSON keys, the maps
//! file, and bad input.

use crate::cli::{run, stderr, tmp};

fn png_size(path: &std::path::Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    let be = |k: usize| u32::from_be_bytes([bytes[k], bytes[k + 1], bytes[k + 2], bytes[k + 3]]);
    (be(16), be(20))
}

#[test]
fn image_writes_the_png_the_json_and_the_maps() {
    let dir = tmp();
    let png = dir.path().join("ring.png");
    let maps = dir.path().join("maps.h5");
    let o = run(&[
        "image",
        "configs/teach_einstein_ring.toml",
        "-o",
        png.to_str().unwrap(),
        "--size",
        "48",
        "--json",
        "--maps",
        maps.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(png_size(&png), (48, 48));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    for key in [
        "pixels",
        "seconds",
        "einstein_radius_predicted_arcsec",
        "einstein_radius_measured_arcsec",
        "images",
        "magnification_total",
        "critical_curves_arcsec",
        "caustics_arcsec",
    ] {
        assert!(json.get(key).is_some(), "missing {key}: {json}");
    }
    assert_eq!(json["pixels"], 48);
    let images = json["images"].as_array().unwrap();
    assert_eq!(images.len(), 2, "{json}");
    assert_eq!(images[0]["time_delay_s"], 0.0);
    assert!(images[1]["time_delay_s"].as_f64().unwrap() > 0.0);
    let total: f64 = images
        .iter()
        .map(|i| i["magnification"].as_f64().unwrap().abs())
        .sum();
    assert!((json["magnification_total"].as_f64().unwrap() - total).abs() < 1e-9 * total);
    // The maps: shapes, NaN where rays ended in the core, delays ≥ 0 from the earliest pixel.
    let f = hdf5::File::open(&maps).unwrap();
    let beta = f.dataset("beta_arcsec").unwrap();
    assert_eq!(beta.shape(), vec![48, 48, 2]);
    let end: Vec<u8> = f.dataset("end_reason").unwrap().read_raw().unwrap();
    let mu: Vec<f64> = f.dataset("magnification").unwrap().read_raw().unwrap();
    let delay: Vec<f64> = f.dataset("time_delay_s").unwrap().read_raw().unwrap();
    assert_eq!(
        (end.len(), mu.len(), delay.len()),
        (48 * 48, 48 * 48, 48 * 48)
    );
    let reached = excalibur::integrate::EndReason::PlaneCrossed.code() as u8;
    for k in 0..end.len() {
        assert_eq!(end[k] == reached, delay[k].is_finite(), "pixel {k}");
        if delay[k].is_finite() {
            assert!(delay[k] >= 0.0);
        }
    }
    assert!(delay.contains(&0.0));
    let toml: String = f
        .attr("config_toml")
        .unwrap()
        .read_scalar::<hdf5::types::VarLenUnicode>()
        .unwrap()
        .to_string();
    assert!(
        toml.contains("teach") || toml.contains("Einstein"),
        "{toml}"
    );
}

#[test]
fn image_refuses_bad_input_with_exit_2() {
    let dir = tmp();
    let out = dir.path().join("keep.png");
    std::fs::write(&out, b"precious").unwrap();
    let o = out.to_str().unwrap();
    let ring = "configs/teach_einstein_ring.toml";
    for (args, needle) in [
        (vec!["image", ring, "-o", o], "already exists"),
        (
            vec!["image", ring, "-o", o, "--force", "--size", "3"],
            "--size",
        ),
        (
            vec![
                "image",
                ring,
                "-o",
                o,
                "--force",
                "--set",
                "camera.field_of_view_arcsec=0",
            ],
            "camera.field_of_view_arcsec",
        ),
        (
            vec![
                "image",
                ring,
                "-o",
                o,
                "--force",
                "--set",
                "source.distance_mpc=-5",
            ],
            "source.distance_mpc",
        ),
        (
            vec![
                "image",
                ring,
                "-o",
                o,
                "--force",
                "--set",
                "source.kind=\"image\"",
                "--set",
                "source.image=\"nowhere.png\"",
            ],
            "source.image",
        ),
        (
            vec![
                "image",
                ring,
                "-o",
                o,
                "--force",
                "--set",
                "camera.ra_deg=360",
            ],
            "camera.ra_deg",
        ),
        (
            vec![
                "image",
                ring,
                "-o",
                o,
                "--force",
                "--set",
                "camera.dec_deg=-90.5",
            ],
            "camera.dec_deg",
        ),
    ] {
        let r = run(&args);
        let err = stderr(&r);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?} must name {needle}: {err}");
        assert!(!err.contains("panicked"));
        assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    }
}

/// A FITS path is taken literally: cfitsio's extended file-name syntax (`name[1]`, a leading
/// `!` to clobber) would otherwise write another file or replace one without --force. An
/// existing FITS file is kept unless --force.
#[test]
fn image_fits_paths_are_literal_and_existing_files_kept() {
    let dir = tmp();
    let ring = "configs/teach_einstein_ring.toml";
    let png = dir.path().join("x.png");
    for name in ["a[1].fits", "!b.fits", "c.fits(d)"] {
        let fits = dir.path().join(name);
        let (p, f) = (png.to_str().unwrap(), fits.to_str().unwrap());
        let o = run(&[
            "image", ring, "-o", p, "--force", "--size", "16", "--fits", f,
        ]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let bytes = std::fs::read(&fits).unwrap();
        assert!(
            bytes.starts_with(b"SIMPLE  =                    T"),
            "{name}"
        );
        assert_eq!(
            bytes.len() % 2880,
            0,
            "{name}: FITS files are 2880-byte blocks"
        );
        // Written again without --force: refused, the file untouched.
        let other = dir.path().join("y.png");
        let o = run(&[
            "image",
            ring,
            "-o",
            other.to_str().unwrap(),
            "--size",
            "16",
            "--fits",
            f,
        ]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
        assert_eq!(std::fs::read(&fits).unwrap(), bytes);
    }
    // Only the PNG and the three files named: nothing under another name, no temporary.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["!b.fits", "a[1].fits", "c.fits(d)", "x.png"]);
}
