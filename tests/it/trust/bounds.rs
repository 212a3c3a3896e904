//! Memory and work bounded before they are spent: Φ and PNG bombs, 10⁸ rays, --threads, a
//! 10¹²-run sweep, 10⁵ lenses.

use super::{peak_rss, quick, refused, s, QUICK};
use crate::cli::{exe, stderr, tmp};
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn memory_bombs_are_refused_before_memory_is_spent() {
    let dir = tmp();
    // A small HDF5 file that declares a 1200³ Φ (13.8 GB as f64), chunked and unwritten.
    let phi = dir.path().join("bomb.h5");
    let f = hdf5::File::create(&phi).unwrap();
    f.new_dataset::<f64>()
        .shape([1200, 1200, 1200])
        .chunk([16, 16, 16])
        .create("Phi")
        .unwrap();
    drop(f);
    assert!(std::fs::metadata(&phi).unwrap().len() < 100_000);
    let cfg = dir.path().join("bomb.toml");
    std::fs::write(
        &cfg,
        QUICK.replace(
            "mode = \"analytic\"",
            "mode = \"grid\"\nnodes = 64\nsize_mpc = 400.0\norigin_mpc = [-200.0, -200.0, -200.0]\nfile = \"bomb.h5\"",
        ),
    )
    .unwrap();
    let mut c = exe();
    c.args(["run", s(&cfg), "-o", s(&dir.path().join("o.h5"))]);
    let (code, rss, err) = peak_rss(c);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("[1200, 1200, 1200]") && err.contains("potential.nodes = 64"),
        "{err}"
    );
    assert!(rss < 200 << 20, "peak RSS {rss}");

    // A PNG whose header claims 100000² px (a few dozen bytes).
    let png = dir.path().join("bomb.png");
    let file = std::fs::File::create(&png).unwrap();
    let mut enc = png::Encoder::new(file, 100_000, 100_000);
    enc.set_color(png::ColorType::Rgb);
    let mut w = enc.write_header().unwrap();
    // An empty zlib stream as the only IDAT: the file is about 70 bytes, like the attack's.
    w.write_chunk(
        png::chunk::IDAT,
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    )
    .unwrap();
    drop(w);
    assert!(std::fs::metadata(&png).unwrap().len() < 100);
    let img_cfg = dir.path().join("img.toml");
    let text = std::fs::read_to_string("configs/teach_einstein_ring.toml").unwrap();
    std::fs::write(&img_cfg, text).unwrap();
    // `image` of the teaching ring with `png` as its source picture.
    let image_of = |png: &str| {
        let mut c = exe();
        c.args(["image", s(&img_cfg), "-o", s(&dir.path().join("o.png"))]);
        c.args(["--size", "32", "--force", "--set", "source.kind=\"image\""]);
        c.arg("--set").arg(format!("source.image=\"{png}\""));
        peak_rss(c)
    };
    let (code, rss, err) = image_of("bomb.png");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("100000 × 100000") && err.contains("32768"),
        "{err}"
    );
    assert!(rss < 200 << 20, "peak RSS {rss}");

    // A real 6000² PNG: averaged down while decoded (a whole decode holds 540 MB).
    let big = dir.path().join("big.png");
    let w = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    let mut enc = png::Encoder::new(w, 6000, 6000);
    enc.set_color(png::ColorType::Rgb);
    let mut stream = enc.write_header().unwrap().into_stream_writer().unwrap();
    let row: Vec<u8> = (0..6000 * 3).map(|k| (k % 251) as u8).collect();
    for _ in 0..6000 {
        std::io::Write::write_all(&mut stream, &row).unwrap();
    }
    stream.finish().unwrap();
    let (code, rss, err) = image_of("big.png");
    assert_eq!(code, 0, "{err}");
    assert!(rss < 300 << 20, "peak RSS {rss}");

    // 10⁸ rays, allowed key by key, refused as a whole with the estimate.
    let q = quick(dir.path());
    let mut c = exe();
    c.args(["run", s(&q), "-o", s(&dir.path().join("many.h5"))]);
    c.args([
        "--set",
        "rays.pattern=\"cone_grid\"",
        "--set",
        "rays.n_theta=10000",
    ]);
    c.args([
        "--set",
        "rays.n_phi=10000",
        "--set",
        "output.memory_limit_gib=4",
    ]);
    let (code, rss, err) = peak_rss(c);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("99990001 rays") && err.contains("memory_limit_gib"),
        "{err}"
    );
    assert!(rss < 200 << 20, "peak RSS {rss}");

    // A config read from an endless device stops at the size cap.
    let start = Instant::now();
    refused(&["check", "/dev/zero"], "character device");
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn work_is_bounded_threads_sweeps_and_lens_lists() {
    let dir = tmp();
    let cfg = quick(dir.path());
    refused(&["run", s(&cfg), "--threads", "100000"], "[0, 1024]");
    // 10¹² runs: four keys of 1000 values each (n_phi descending, so the last run traces 4 rays
    // and the time measured is the manifest's reading and the decode of I).
    let values = |lo: f64, step: f64| -> String {
        (0..1000)
            .map(|i| format!("{:e}", lo + step * i as f64))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let manifest = dir.path().join("huge.toml");
    std::fs::write(
        &manifest,
        format!(
            "base = \"{}\"\noutput = \"{}/{{index}}.h5\"\n[vary]\n\"lenses.0.mass_msun\" = [{}]\n\"lenses.0.center_mpc.1\" = [{}]\n\"rays.n_phi\" = [{}]\n\"integration.step_mpc\" = [{}]\n",
            s(&cfg),
            s(dir.path()),
            values(1e13, 1e10),
            values(0.0, 0.001),
            (1..=1000).rev().map(|i| i.to_string()).collect::<Vec<_>>().join(", "),
            values(0.5, 0.001),
        ),
    )
    .unwrap();
    // Decoding index 999999999999 of 10¹² runs must not expand the product: its memory stays
    // that of one small run (an expansion would need terabytes), and the bound on the time is
    // a hang guard 30× above the 1 s it takes here, not a speed test.
    let start = Instant::now();
    let mut c = exe();
    c.args(["sweep", s(&manifest), "--index", "999999999999", "--quiet"]);
    let (code, rss, err) = peak_rss(c);
    let took = start.elapsed();
    assert_eq!(code, 0, "{err}");
    assert!(rss < 200 << 20, "peak RSS {rss}");
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert!(dir.path().join("999999999999.h5").exists());
    // An unknown placeholder is an error, not part of a file name.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!(
            "base = \"{}\"\noutput = \"{}/{{mass}}.h5\"\n[vary]\n\"lenses.0.mass_msun\" = [1e13, 2e13]\n",
            s(&cfg),
            s(dir.path())
        ),
    )
    .unwrap();
    refused(&["sweep", s(&bad), "--list"], "{mass}");
    // 10⁵ lenses (light halos far apart) validate in seconds.
    let mut text = String::from("[potential]\nmode = \"analytic\"\n");
    for i in 0..100_000 {
        let (x, y, z) = (i % 47, (i / 47) % 47, i / (47 * 47));
        text.push_str(&format!(
            "[[lenses]]\nprofile = \"plummer\"\nmass_msun = 1e9\nradius_mpc = 0.1\ncenter_mpc = [{}.0, {}.0, {}.0]\n",
            x * 20,
            y * 20,
            z * 20
        ));
    }
    let many = dir.path().join("many.toml");
    std::fs::write(&many, text).unwrap();
    let start = Instant::now();
    let o = exe()
        .args(["check", s(&many)])
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}
