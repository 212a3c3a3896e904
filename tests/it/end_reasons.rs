//! Every end reason lands where it should (physics.md §8), with RK4 and with DOPRI5: located
//! events put the last state on their surface to 1e-10, a ray leaving the grid ends inside it
//! within one step of the face, and the failures are reported as themselves.

use crate::common::*;
use excalibur::config::{MethodKind, PotentialMode, RunConfig};
use excalibur::field::FieldCache;
use excalibur::integrate::{EndReason, Integration, Method, StepRule, StopConditions};
use excalibur::lens::{Lens, Profile};
use excalibur::metric::flrw::cores_of;
use excalibur::metric::idx;
use excalibur::setup::Model;
use excalibur::trace::NoSink;
use excalibur::units::{gm_from_msun, MPC_M};
use std::path::Path;

/// RK4 with 5 Mpc steps, or DOPRI5 at rtol 1e-10 starting from 5 Mpc.
fn methods(stop: StopConditions) -> [Integration; 2] {
    [
        Integration {
            method: Method::Rk4(StepRule::Comoving(5.0 * MPC_M)),
            stop,
            record_every: 1,
            keep_null: false,
        },
        Integration {
            method: Method::Dopri5 {
                rtol: 1e-10,
                initial_step_m: 5.0 * MPC_M,
                length_scale_m: MPC_M,
                eta_rtol: None,
            },
            stop,
            record_every: 1,
            keep_null: false,
        },
    ]
}

fn point(mass_msun: f64, center_mpc: [f64; 3], core_mpc: f64) -> Lens {
    Lens {
        profile: Profile::Point,
        gm: gm_from_msun(mass_msun),
        center_m: center_mpc.map(|c| c * MPC_M),
        core_radius_m: core_mpc * MPC_M,
    }
}

#[test]
fn distance_and_scale_factor_stops_land_on_their_values() {
    let bg = lcdm();
    let st = flrw(
        analytic(vec![sphere(1e15, [300.0, 20.0, 0.0])]),
        &bg,
        [0.0; 3],
    );
    let by_distance = StopConditions {
        distance_m: Some(777.7 * MPC_M),
        ..Default::default()
    };
    let by_a = StopConditions {
        scale_factor: Some(0.8),
        ..Default::default()
    };
    for integ in methods(by_distance) {
        let (out, _) = trace(&st, [0.0; 3], [1.0, 0.0, 0.0], &integ);
        assert_eq!(out.end, EndReason::DistanceReached);
        let y = out.final_state;
        let d = (y[idx::X].powi(2) + y[idx::X + 1].powi(2) + y[idx::X + 2].powi(2)).sqrt();
        assert!(rel(d, 777.7 * MPC_M) < 1e-10, "{:?}: {d}", integ.method);
    }
    for integ in methods(by_a) {
        let (out, _) = trace(&st, [0.0; 3], [1.0, 0.0, 0.0], &integ);
        assert_eq!(out.end, EndReason::ScaleFactorReached);
        assert!(
            rel(out.final_state[idx::A], 0.8) < 1e-10,
            "{:?}",
            integ.method
        );
    }
}

/// `integration.stop.redshift` becomes a scale-factor stop: the ray ends at 1/a − 1 = z.
#[test]
fn a_redshift_stop_lands_on_the_redshift() {
    for method in [MethodKind::Rk4, MethodKind::Dopri5] {
        let mut c = RunConfig::load(Path::new("configs/cluster_grid.toml"), &[])
            .unwrap()
            .config()
            .clone();
        c.potential.mode = PotentialMode::Analytic;
        c.rays.n_theta = 2;
        c.rays.n_phi = 2;
        c.integration.method = method;
        c.integration.step_mpc = 5.0;
        c.integration.stop.distance_mpc = None;
        c.integration.stop.redshift = Some(0.2);
        let model = Model::build(
            c.into_valid().unwrap(),
            Path::new("configs"),
            &mut FieldCache::default(),
        )
        .unwrap();
        let r = model.trace(&model.rays, 1, &NoSink, &Default::default());
        for ray in &r.rays {
            assert_eq!(ray.end(), EndReason::ScaleFactorReached, "{method:?}");
            let z = 1.0 / ray.outcome.final_state[idx::A] - 1.0;
            assert!((z - 0.2).abs() < 1e-10, "{method:?}: z = {z}");
        }
    }
}

/// Traces a ray along +x past a point lens with a 0.5 Mpc core at `centre_mpc`, with RK4 and
/// DOPRI5, and asserts it ends with entered_core on the core sphere to 1e-10.
fn assert_ends_on_core(centre_mpc: [f64; 3]) {
    let bg = lcdm();
    let lens = point(1e14, centre_mpc, 0.5);
    let mut st = flrw(analytic(vec![lens]), &bg, [0.0; 3]);
    st.cores = cores_of(&[lens]);
    let stop = StopConditions {
        distance_m: Some(1000.0 * MPC_M),
        ..Default::default()
    };
    for integ in methods(stop) {
        let (out, _) = trace(&st, [0.0; 3], [1.0, 0.0, 0.0], &integ);
        assert_eq!(out.end, EndReason::EnteredCore, "{:?}", integ.method);
        let y = out.final_state;
        let r = (0..3)
            .map(|k| (y[idx::X + k] - centre_mpc[k] * MPC_M).powi(2))
            .sum::<f64>()
            .sqrt();
        assert!(rel(r, 0.5 * MPC_M) < 1e-10, "{:?}: r = {r}", integ.method);
    }
}

/// A ray aimed at a point lens ends on its core sphere (located inside the step, so no stage
/// samples the 1/r² interior beyond it).
#[test]
fn entering_a_core_ends_on_the_core_sphere() {
    assert_ends_on_core([400.0, 0.1, 0.0]);
}

/// A potential deeper than c²/2 (a point mass without a core, far beyond the weak field) ends
/// the ray with weak_field_violated, not with a NaN.
#[test]
fn a_potential_beyond_the_weak_field_is_reported_as_such() {
    let bg = lcdm();
    let lens = point(1e18, [50.0, 0.001, 0.0], 0.0);
    let st = flrw(analytic(vec![lens]), &bg, [0.0; 3]);
    for mut integ in methods(StopConditions {
        distance_m: Some(100.0 * MPC_M),
        ..Default::default()
    }) {
        if let Method::Rk4(_) = integ.method {
            integ.method = Method::Rk4(StepRule::Comoving(0.001 * MPC_M));
        }
        let (out, _) = trace(&st, [0.0; 3], [1.0, 0.0, 0.0], &integ);
        assert_eq!(out.end, EndReason::WeakFieldViolated, "{:?}", integ.method);
    }
}

/// On a grid: a ray leaving the box ends inside it, within one step of the face; an observer
/// outside the box cannot start.
#[test]
fn leaving_the_grid_ends_inside_within_a_step_and_outside_cannot_start() {
    for method in [MethodKind::Rk4, MethodKind::Dopri5] {
        let mut c = RunConfig::load(Path::new("configs/cluster_grid.toml"), &[])
            .unwrap()
            .config()
            .clone();
        c.potential.nodes = 32;
        c.potential.size_mpc = 100.0;
        c.lenses[0].center_mpc = [50.0, 50.0, 50.0];
        c.observer.position_mpc = [10.0, 50.0, 50.0];
        c.rays.toward_mpc = [90.0, 50.0, 50.0];
        c.rays.n_theta = 1;
        c.integration.method = method;
        c.integration.step_mpc = 2.0;
        c.integration.stop.distance_mpc = None;
        let model = Model::build(
            c.into_valid().unwrap(),
            Path::new("configs"),
            &mut FieldCache::default(),
        )
        .unwrap();
        let r = model.trace(&model.rays, 1, &NoSink, &Default::default());
        let ray = &r.rays[0];
        assert_eq!(ray.end(), EndReason::LeftGrid, "{method:?}");
        // The valid region ends at the last node, (N − 1)·Δx from the origin.
        let face_m = 31.0 * 100.0 / 32.0 * MPC_M;
        let x_m = 10.0 * MPC_M + ray.outcome.final_state[idx::X];
        assert!(x_m <= face_m, "{method:?}: past the face");
        assert!(
            face_m - x_m < 2.0 * MPC_M,
            "{method:?}: {} Mpc short",
            (face_m - x_m) / MPC_M
        );
        // A ray launched outside the box (validation keeps observers inside; an offset
        // launch point, as beams have, can still be outside) cannot start.
        let mut outside = model.rays[0];
        outside.offset_m = [-20.0 * MPC_M, 0.0, 0.0];
        let r = model.trace(&[outside], 1, &NoSink, &Default::default());
        assert_eq!(r.rays[0].end(), EndReason::StartInvalid, "{method:?}");
    }
}

/// A core smaller than a step, placed between two step ends (x = 400 and 405 Mpc with 5 Mpc
/// steps): the chord check shortens the step, so the ray still ends on the core sphere rather
/// than jumping over it (and no stage samples the 1/r² interior).
#[test]
fn a_core_smaller_than_a_step_is_not_jumped_over() {
    assert_ends_on_core([402.5, 0.0, 0.0]);
}

#[test]
fn the_chord_meets_a_sphere_where_geometry_says() {
    use excalibur::metric::chord_entry_m;
    let c = [10.0, 3.0, 0.0];
    // Along x from the origin: the line passes 3 from the centre; radius 5 enters at x = 6.
    assert_eq!(chord_entry_m([0.0; 3], [1.0, 0.0, 0.0], c, 5.0), Some(6.0));
    assert_eq!(
        chord_entry_m([0.0; 3], [1.0, 0.0, 0.0], c, 2.9),
        None,
        "passes outside"
    );
    assert_eq!(
        chord_entry_m([0.0; 3], [-1.0, 0.0, 0.0], c, 5.0),
        None,
        "behind"
    );
    assert_eq!(
        chord_entry_m([10.0, 2.0, 0.0], [1.0, 0.0, 0.0], c, 5.0),
        None,
        "inside"
    );
}
