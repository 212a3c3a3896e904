//! Lens physics beyond the point mass: uniform gradient (V4), extended profiles against their
//! Born deflection, symmetry of a cone, grid convergence, Shapiro delay, Sachs–Wolfe and ISW.

use crate::common::*;
use excalibur::cosmology::Background;
use excalibur::integrate::{EndReason, StopConditions};
use excalibur::lens::{Lens, Profile, TimeDependence};
use excalibur::metric::idx;
use excalibur::observables::of_ray;
use excalibur::potential::{AnalyticField, Field, Grid, GridGeometry, UniformField};
use excalibur::rays::Pattern;
use excalibur::trace::{NoSink, Tracer};
use excalibur::units::{gm_from_msun, normalize, C2, C_M_S, G_SI, MPC_M, M_SUN_KG};
use ndarray::Array3;

const G_GRAD: f64 = 1e-13;

fn uniform_gradient() -> AnalyticField {
    AnalyticField {
        lenses: vec![],
        uniform: Some(UniformField {
            phi0: 0.0,
            gradient: [G_GRAD, 0.0, 0.0],
            reference_m: [0.0; 3],
        }),
    }
}

#[test]
fn v4_uniform_gradient_analytic_and_grid() {
    let expected = 2.0 * G_GRAD * 100.0 * MPC_M / C2;
    assert!(rel(expected, 6.8665586669e-6) < 1e-10);
    // The grid: Φ = g·x sampled at nodes, gradients by (one-sided) differences, f64 storage.
    let geom = GridGeometry::cube(14, 140.0 * MPC_M, [-60.0 * MPC_M; 3]).unwrap();
    let phi = Array3::from_shape_fn((14, 14, 14), |(i, j, k)| {
        G_GRAD * geom.node_position(i, j, k)[0]
    });
    let grid: Grid<f64> = Grid::from_potential(geom, &phi).unwrap();
    for x in [
        [-1.3e24, 2.2e23, 7.0e23],
        [4.0e23, -1.0e24, 0.0],
        geom.node_position(10, 10, 10),
    ] {
        let s = grid.sample(x).unwrap();
        assert!(
            (s.phi - G_GRAD * x[0]).abs() <= 1e-15 * (G_GRAD * 60.0 * MPC_M),
            "value at {x:?}"
        );
        assert!((s.gradient[0] - G_GRAD).abs() <= 1e-15 * G_GRAD && s.gradient[1].abs() < 1e-28);
    }
    let stop = StopConditions {
        distance_m: Some(100.0 * MPC_M),
        ..Default::default()
    };
    let check = |alpha: f64, toward_minus_x: f64| {
        assert!(rel(alpha, expected) < 1e-6, "α = {alpha}");
        assert!(toward_minus_x < 0.0, "bends toward −x (down the gradient)");
    };
    let st = flrw(uniform_gradient(), &Background::Static, [0.0, -50.0, 0.0]);
    let (out, _) = trace(&st, [0.0; 3], [0.0, 1.0, 0.0], &rk4(1.0, stop));
    check(
        of_ray(&st, &[], &out).deflection_rad,
        out.final_state[idx::U],
    );
    let st = flrw(&grid, &Background::Static, [0.0, -50.0, 0.0]);
    let (out, _) = trace(&st, [0.0; 3], [0.0, 1.0, 0.0], &rk4(1.0, stop));
    assert_eq!(out.end, EndReason::DistanceReached);
    check(
        of_ray(&st, &[], &out).deflection_rad,
        out.final_state[idx::U],
    );
}

/// Born deflection of a spherical lens of enclosed mass M(<r), along the straight line at
/// impact b from ζ = −D to +D: (2/c²)∫ G M(<r) b / r³ dζ, by Simpson in ζ = b sinh(u).
fn born(enclosed_kg: &dyn Fn(f64) -> f64, b: f64, d: f64) -> f64 {
    let u_max = (d / b).asinh();
    let n = 20_000;
    let h = 2.0 * u_max / n as f64;
    let f = |u: f64| {
        let z = b * u.sinh();
        let r = (b * b + z * z).sqrt();
        G_SI * enclosed_kg(r) * b / (r * r * r) * b * u.cosh()
    };
    let mut s = f(-u_max) + f(u_max);
    for i in 1..n {
        s += f(-u_max + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    2.0 / C2 * s * h / 3.0
}

#[test]
fn extended_profiles_follow_their_enclosed_mass() {
    let m = 1e15 * M_SUN_KG;
    let r0 = 3.0 * MPC_M;
    let nfw_m = |y: f64| (1.0 + y).ln() - y / (1.0 + y);
    type EnclosedMass = Box<dyn Fn(f64) -> f64>;
    let cases: Vec<(Profile, EnclosedMass)> = vec![
        (
            Profile::UniformSphere { radius_m: r0 },
            Box::new(move |r: f64| m * (r / r0).min(1.0).powi(3)),
        ),
        (
            Profile::Plummer { scale_m: r0 },
            Box::new(move |r: f64| m * r.powi(3) / (r * r + r0 * r0).powf(1.5)),
        ),
        (
            Profile::Nfw {
                radius_m: r0,
                concentration: 5.0,
            },
            Box::new(move |r: f64| m * nfw_m(5.0 * r / r0) / nfw_m(5.0)),
        ),
    ];
    for (profile, enclosed) in cases {
        let lens = Lens {
            profile,
            gm: gm_from_msun(1e15),
            center_m: [0.0; 3],
            core_radius_m: 0.0,
        };
        for b in [0.5, 1.5, 2.9, 3.1, 6.0] {
            let (st, out, _) = v3_ray(analytic(vec![lens]), &lcdm(), b, b / 40.0);
            let alpha = of_ray(&st, &[lens], &out).deflection_rad;
            let predicted = born(&*enclosed, b * MPC_M, D_MPC * MPC_M);
            assert!(
                rel(alpha, predicted) < 1e-4,
                "{profile:?} b={b}: α/Born = {}",
                alpha / predicted
            );
            if let Some(f) = lens.projected_mass_fraction(b * MPC_M) {
                let closed = 4.0 * lens.gm * f / (C2 * b * MPC_M) * D_MPC / D_MPC.hypot(b);
                assert!(
                    rel(alpha, closed) < 1e-4,
                    "{profile:?} b={b}: projected-mass law"
                );
            }
        }
    }
}

#[test]
fn cone_around_on_axis_lens_is_azimuthally_symmetric() {
    let axis = normalize([1.0, 1.0, 1.0]);
    let lens = sphere(1e15, [500.0 * axis[0], 500.0 * axis[1], 500.0 * axis[2]]);
    let st = flrw(analytic(vec![lens]), &lcdm(), [0.0; 3]);
    let stop = StopConditions {
        distance_m: Some(1000.0 * MPC_M),
        ..Default::default()
    };
    let tracer = Tracer {
        spacetime: &st,
        lenses: &[lens],
        integration: rk4(1.0, stop),
    };
    let rays = Pattern::ConeGrid {
        axis,
        half_angle_rad: 2f64.to_radians(),
        n_theta: 3,
        n_phi: 8,
    }
    .rays();
    let result = tracer.run(&rays, 2, &NoSink, &Default::default());
    assert_eq!(result.rays.len(), 17);
    assert!(
        result.rays.iter().enumerate().all(|(i, r)| r.ray.id == i),
        "launch order"
    );
    assert!(
        result.rays[0].observables.deflection_rad < 1e-15,
        "central ray"
    );
    for ring in [&result.rays[1..9], &result.rays[9..17]] {
        let a0 = ring[0].observables.deflection_rad;
        assert!(a0 > 1e-6);
        for r in ring {
            assert!(
                rel(r.observables.deflection_rad, a0) < 1e-9,
                "φ = {}",
                r.ray.phi_rad
            );
            assert!(
                r.observables.deflection_toward_lens_rad > 0.99 * a0,
                "radial kick toward the axis"
            );
        }
    }
}

/// Gridded deflection converges to the analytic one at second order in dx at fixed b. The grid
/// is a slab around the ray (nodes need not be cubic, nor contain the lens) so that fine
/// spacings stay cheap; b/dx runs from 8 to 64, where the stored-gradient scheme is asymptotic.
#[test]
fn grid_converges_to_analytic_at_second_order() {
    let lens = Lens {
        profile: Profile::UniformSphere {
            radius_m: 0.5 * MPC_M,
        },
        ..sphere(1e15, [0.0; 3])
    };
    let observer = [-30.0, 8.3, 0.2];
    fn deflection_at<F: Field>(field: &F, step: f64, observer: [f64; 3]) -> f64 {
        let st = flrw(field, &Background::Static, observer);
        let (out, _) = trace(&st, [0.0; 3], [1.0, 0.0, 0.0], &rk4(step, plane_x(55.0)));
        assert_eq!(out.end, EndReason::PlaneCrossed);
        of_ray(&st, &[], &out).deflection_rad
    }
    let exact = deflection_at(&analytic(vec![lens]), 0.05, observer);
    let errors: Vec<f64> = [1.0, 0.5, 0.25, 0.125]
        .iter()
        .map(|&dx: &f64| {
            let nodes = [
                (64.0 / dx) as usize,
                (4.0 / dx) as usize + 1,
                (4.0 / dx) as usize + 1,
            ];
            let geom = GridGeometry {
                nodes,
                spacing_m: dx * MPC_M,
                origin_m: [-32.0 * MPC_M, 6.0 * MPC_M, -2.0 * MPC_M],
            };
            let grid: Grid<f64> = Grid::from_lenses(geom, &[lens]).unwrap();
            (deflection_at(&grid, 0.25, observer) / exact - 1.0).abs()
        })
        .collect();
    // At least second order per halving (4 asymptotically; larger before the asymptotic regime).
    for w in errors.windows(2) {
        assert!(w[0] / w[1] > 3.0, "errors {errors:?}");
    }
    assert!(errors[0] < 1e-3, "{errors:?}");
}

#[test]
fn shapiro_delay_follows_point_mass_law_in_both_backgrounds() {
    let lens = sphere(1e15, [0.0; 3]);
    let mut delays = vec![];
    for bg in [Background::Static, lcdm()] {
        let (st, out, _) = v3_ray(analytic(vec![lens]), &bg, 10.0, 0.25);
        let obs = of_ray(&st, &[lens], &out);
        let (b, d) = (10.0 * MPC_M, D_MPC * MPC_M);
        let r = d.hypot(b);
        let law = 2.0 * lens.gm / (C2 * C_M_S) * (((r + d) * (r + d)) / (b * b)).ln();
        assert!(
            rel(obs.time_delay_s, law) < 1e-3,
            "delay {} vs {law}",
            obs.time_delay_s
        );
        assert!(rel(obs.shapiro_delay_s, law) < 1e-3);
        delays.push(obs.time_delay_s);
    }
    assert!(rel(delays[0], delays[1]) < 1e-6, "{delays:?}");
}

#[test]
fn sachs_wolfe_emitter_in_a_well_is_redshifted() {
    // A smooth (Plummer) well keeps RK4 at fourth order; the sphere's C¹ surface would not.
    const STEP: f64 = 0.02;
    let lens = Lens {
        profile: Profile::Plummer { scale_m: MPC_M },
        ..sphere(1e16, [0.0; 3])
    };
    let stop = StopConditions {
        distance_m: Some(99.0 * MPC_M),
        ..Default::default()
    };
    for bg in [Background::Static, lcdm()] {
        let st = flrw(analytic(vec![lens]), &bg, [-100.0, 0.0, 0.0]);
        let (out, _) = trace(&st, [0.0; 3], [1.0, 0.0, 0.0], &rk4(STEP, stop));
        let obs = of_ray(&st, &[lens], &out);
        let (p_obs, p_em) = (out.initial_sample.phi / C2, out.final_sample.phi / C2);
        assert!(p_em < -1e-4, "emitter deep in the well");
        let exact = (1.0 / out.final_state[idx::A])
            * ((1.0 + 2.0 * p_obs) / (1.0 + 2.0 * p_em)).sqrt()
            - 1.0;
        assert!(
            (obs.redshift - exact).abs() < 1e-12,
            "z {} vs {exact}",
            obs.redshift
        );
        let z_h = obs.z_expansion;
        assert!(obs.z_sachs_wolfe > 0.0);
        let residual = (obs.redshift - z_h) - obs.z_sachs_wolfe * (1.0 + z_h);
        assert!(
            residual.abs() < 10.0 * p_em * p_em,
            "second-order residual {residual}"
        );
    }
}

#[test]
fn isw_of_uniform_time_dependent_potential() {
    let phi0 = -1e-5 * C2;
    let field = uniform(phi0);
    let bg = lcdm();
    let mut st = flrw(field, &bg, [0.0; 3]);
    st.time = TimeDependence::FixedPhysicalMass;
    let stop = StopConditions {
        distance_m: Some(1500.0 * MPC_M),
        ..Default::default()
    };
    let (out, _) = trace(&st, [0.0; 3], [0.0, 0.0, 1.0], &rk4(2.0, stop));
    let obs = of_ray(&st, &[], &out);
    let a_em = out.final_state[idx::A];
    let (p_obs, p_em) = (out.initial_sample.phi / C2, out.final_sample.phi / C2);
    assert!(rel(p_em, p_obs / a_em) < 1e-14);
    let exact = (1.0 / a_em) * ((1.0 - 2.0 * p_obs) / (1.0 - 2.0 * p_em)).sqrt() - 1.0;
    assert!(
        (obs.redshift - exact).abs() < 1e-11,
        "z {} vs {exact}",
        obs.redshift
    );
    // First order: z_SW + z_ISW = −(Φ_obs − Φ_em)/c², with the ISW part twice the SW part and opposite.
    assert!(
        rel(obs.z_isw, -2.0 * obs.z_sachs_wolfe) < 1e-6,
        "ISW {} SW {}",
        obs.z_isw,
        obs.z_sachs_wolfe
    );
    assert!((obs.redshift - obs.z_linear).abs() < 1e-9);
}
