//! Exact Schwarzschild (isotropic Cartesian): conserved E, L and null condition (V5), the
//! strong-field deflection series, and agreement with weak-field FLRW to O(r_s/b).

use crate::common::*;
use excalibur::cosmology::Background;
use excalibur::integrate::{EndReason, Integration, Method, StopConditions};
use excalibur::lens::{Lens, Profile};
use excalibur::metric::{idx, Schwarzschild, Spacetime};
use excalibur::observables::of_ray;
use excalibur::units::{dot, gm_from_msun, C2, MPC_M};

fn schwarzschild(observer_m: [f64; 3]) -> Schwarzschild {
    let gm = gm_from_msun(1e15);
    Schwarzschild {
        gm,
        center_m: [0.0; 3],
        r_min_m: 10.0 * gm / C2,
        observer_m,
    }
}

fn dopri(rtol: f64, stop: StopConditions, scale_m: f64) -> Integration {
    Integration {
        method: Method::Dopri5 {
            rtol,
            initial_step_m: scale_m,
            length_scale_m: scale_m,
            eta_rtol: None,
        },
        stop,
        record_every: 1,
        keep_null: false,
    }
}

#[test]
fn v5_conserved_quantities_and_null_condition() {
    let d = D_MPC * MPC_M;
    let st = schwarzschild([-d, 0.3 * MPC_M, 0.1 * MPC_M]);
    let stop = StopConditions {
        plane: Some(excalibur::integrate::Plane {
            point_offset_m: [2.0 * d, 0.0, 0.0],
            normal: [1.0, 0.0, 0.0],
        }),
        ..Default::default()
    };
    let dir = excalibur::units::normalize([1.0, 0.001, 0.0]);
    let (out, rows) = trace(&st, [0.0; 3], dir, &dopri(1e-13, stop, MPC_M));
    assert_eq!(out.end, EndReason::PlaneCrossed);
    let e0 = st.conserved_energy(&out.initial_state, &out.initial_sample);
    let e1 = st.conserved_energy(&out.final_state, &out.final_sample);
    assert!(rel(e1, e0) < 1e-11, "E drift {}", rel(e1, e0));
    let l0 = st.angular_momentum(&out.initial_state).unwrap();
    let l1 = st.angular_momentum(&out.final_state).unwrap();
    assert!(
        (l1[2] - l0[2]).abs() < 1e-11 * dot(l0, l0).sqrt(),
        "Lz drift"
    );
    assert!(rel(dot(l1, l1), dot(l0, l0)) < 1e-11, "|L|² drift");
    assert!(out.null_error_max < 1e-12, "null {}", out.null_error_max);
    // Output rows: t, a = 1, Newtonian Φ at the isotropic radius, no NaN.
    for r in &rows {
        assert_eq!(r[8], 1.0);
        let rad = (r[1] * r[1] + r[2] * r[2] + r[3] * r[3]).sqrt();
        assert!(rel(r[9], -st.gm / rad) < 1e-15);
        assert!(r.iter().all(|v| v.is_finite()));
    }
}

/// α = 2x + (15π/16)x² + (16/3)x³ with x = r_s/b, b = |L|c/|E| the conserved impact parameter.
#[test]
fn strong_field_deflection_series() {
    let gm = gm_from_msun(1e15);
    let rs = 2.0 * gm / C2;
    let b = 1000.0 * rs;
    let d = 1e4 * b;
    let st = schwarzschild([-d, b, 0.0]);
    let stop = StopConditions {
        plane: Some(excalibur::integrate::Plane {
            point_offset_m: [2.0 * d, 0.0, 0.0],
            normal: [1.0, 0.0, 0.0],
        }),
        ..Default::default()
    };
    let (out, _) = trace(&st, [0.0; 3], [1.0, 0.0, 0.0], &dopri(1e-13, stop, b));
    let l = st.angular_momentum(&out.initial_state).unwrap();
    let e = st.conserved_energy(&out.initial_state, &out.initial_sample);
    let b_conserved = dot(l, l).sqrt() * excalibur::units::C_M_S / e.abs();
    let x = rs / b_conserved;
    let series = 2.0 * x + 15.0 * std::f64::consts::PI / 16.0 * x * x + 16.0 / 3.0 * x * x * x;
    // Finite path: both ends at 1e4 b lose ≈ x·(b/d)² ... and 2x·b/(2d)·... ≈ 2x·1e-4·(1/2)·1e-4.
    let finite = series * d / d.hypot(b);
    let alpha = of_ray(&st, &[], &out).deflection_rad;
    assert!(
        (alpha / finite - 1.0).abs() < 2e-6,
        "α = {alpha}, series {finite}, ratio-1 = {}",
        alpha / finite - 1.0
    );
    // Without the second-order term the prediction would be off by 1.5e-3: the test sees it.
    assert!((alpha / (2.0 * x) - 1.0).abs() > 1e-3);
}

#[test]
fn schwarzschild_agrees_with_weak_field_flrw_to_order_rs_over_b() {
    let gm = gm_from_msun(1e15);
    let rs = 2.0 * gm / C2;
    let b_mpc = 10.0;
    let point = Lens {
        profile: Profile::Point,
        gm,
        center_m: [0.0; 3],
        core_radius_m: 0.01 * MPC_M,
    };
    let (st_f, out_f, _) = v3_ray(analytic(vec![point]), &Background::Static, b_mpc, 0.25);
    let flrw_obs = of_ray(&st_f, &[point], &out_f);
    let d = D_MPC * MPC_M;
    let st_s = schwarzschild([-d, b_mpc * MPC_M, 0.0]);
    let (out_s, _) = trace(
        &st_s,
        [0.0; 3],
        [1.0, 0.0, 0.0],
        &rk4(0.25, plane_x(2.0 * D_MPC)),
    );
    let sch_obs = of_ray(&st_s, &[point], &out_s);
    let order = rs / (b_mpc * MPC_M);
    let da = rel(sch_obs.deflection_rad, flrw_obs.deflection_rad);
    let dt = rel(sch_obs.time_delay_s, flrw_obs.time_delay_s);
    assert!(da < 3.0 * order, "α differs by {da}, r_s/b = {order}");
    assert!(dt < 3.0 * order, "delay differs by {dt}, r_s/b = {order}");
    assert!(sch_obs.time_delay_s > 0.0 && out_s.final_state[idx::U0] < 0.0);
}
