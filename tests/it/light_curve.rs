//! `excalibur image --light-curve`: a point source moved across a point lens (the microlensing
//! demo) has the total magnification μ(u) = (u² + 2)/(u√(u² + 4)), u = β/θ_E (Paczyński
//! 1986), from the images polished on exact geodesics of one ray map.

use crate::cli::{run, stderr, tmp};

#[test]
fn a_point_lens_light_curve_is_the_microlensing_formula() {
    let dir = tmp();
    let csv_path = dir.path().join("curve.csv");
    // θ_E = 20.2″ (a 1e14 M☉ point lens at 1 Gpc, source at 2 Gpc); the path passes 0.03 Mpc
    // (u = 0.15) from the axis, from u = 0.78 on one side to the other.
    let o = run(&[
        "image",
        "configs/teach_einstein_ring.toml",
        "--light-curve=-0.15,0.03..0.15,0.03",
        "--steps",
        "21",
        "-o",
        csv_path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut rows = csv::Reader::from_path(&csv_path).unwrap();
    let headers = rows.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "step",
            "offset_x_mpc",
            "offset_y_mpc",
            "u",
            "images",
            "magnification_total"
        ]
    );
    let mut n = 0;
    let mut peak: f64 = 0.0;
    for r in rows.records() {
        let r = r.unwrap();
        let u: f64 = r[3].parse().unwrap();
        let images: usize = r[4].parse().unwrap();
        let mu: f64 = r[5].parse().unwrap();
        let want = (u * u + 2.0) / (u * (u * u + 4.0).sqrt());
        assert_eq!(images, 2, "a point lens has two images at u = {u}");
        // 1 %: the tolerance; measured 1e-7 here (exact geodesics vs the thin-lens
        // formula differ by ~1e-4 of θ_E in angle).
        assert!(
            (mu / want - 1.0).abs() < 0.01,
            "u = {u}: μ = {mu}, formula {want}"
        );
        peak = peak.max(mu);
        n += 1;
    }
    assert_eq!(n, 21);
    assert!(peak > 6.0, "the peak at u = 0.15 is μ ≈ 6.6, got {peak}");
}

#[test]
fn a_bad_path_is_refused_with_the_form_it_needs() {
    let dir = tmp();
    let out = dir.path().join("c.csv");
    for bad in ["0,0", "0,0..x,1", "0..1", "nan,0..1,1"] {
        let o = run(&[
            "image",
            "configs/teach_einstein_ring.toml",
            &format!("--light-curve={bad}"),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("X0,Y0..X1,Y1") || stderr(&o).contains("X,Y"),
            "{bad}: {}",
            stderr(&o)
        );
        assert!(!out.exists());
    }
}
