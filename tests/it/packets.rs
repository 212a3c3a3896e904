//! Lock-step RK4 packets (`integrate/packet.rs`) against the scalar loop: every ray of a run
//! traced in packets of four must equal, bit for bit, the same ray traced alone (which takes
//! the scalar path), in its outcome, its end reason and every recorded row. The runs make
//! lanes leave a packet at different steps for every reason a lane can leave: a grid left
//! (rays of different directions exit at different steps), a core entered, a distance or scale
//! factor reached, the step cap; with a recording interval that is not a divisor of the steps,
//! the first-order equations and a time-dependent potential.

use excalibur::config::RunConfig;
use excalibur::field::FieldCache;
use excalibur::integrate::{EndReason, LANES};
use excalibur::setup::Model;
use excalibur::trace::{NoSink, RunResult};
use std::collections::BTreeSet;
use std::path::Path;

fn model(file: &str, overrides: &[(&str, &str)]) -> Model {
    let overrides: Vec<(String, String)> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let config = RunConfig::load(Path::new(file), &overrides).expect("valid config");
    Model::build(config, Path::new("."), &mut FieldCache::default()).expect("model")
}

/// Traces the run in packets (two threads) and each ray alone; asserts they agree bit for bit
/// and returns the end reasons met.
fn packets_equal_scalar(model: &Model) -> BTreeSet<String> {
    let cancel = Default::default();
    let packed: RunResult = model.trace(&model.rays, 2, &NoSink, &cancel);
    assert!(
        model.rays.len() > 2 * LANES,
        "the run must fill several packets"
    );
    let mut ends = BTreeSet::new();
    for (i, together) in packed.rays.iter().enumerate() {
        let alone = model.trace(&model.rays[i..=i], 1, &NoSink, &cancel);
        let alone = &alone.rays[0];
        let bits = |rows: &[[f64; 14]]| -> Vec<u64> {
            rows.iter().flatten().map(|v| v.to_bits()).collect()
        };
        assert_eq!(together.rows.len(), alone.rows.len(), "ray {i}: row count");
        assert!(
            bits(&together.rows) == bits(&alone.rows),
            "ray {i}: rows differ"
        );
        // RayOutcome holds floats (NaN for rays that cannot start): compare their bits too.
        assert_eq!(
            format!("{:?}", together.outcome),
            format!("{:?}", alone.outcome),
            "ray {i}: outcome"
        );
        assert_eq!(
            together.outcome.final_state.map(f64::to_bits),
            alone.outcome.final_state.map(f64::to_bits),
            "ray {i}: final state"
        );
        ends.insert(format!("{:?}", together.end()));
    }
    ends
}

#[test]
fn packets_equal_scalar_rays_on_a_grid_that_rays_leave_at_different_steps() {
    let m = model(
        "configs/two_lenses.toml",
        &[
            ("potential.nodes", "48"),
            ("integration.record_every", "3"),
            ("rays.half_angle_deg", "40"),
        ],
    );
    let ends = packets_equal_scalar(&m);
    assert!(
        ends.contains(&format!("{:?}", EndReason::LeftGrid)),
        "{ends:?}"
    );
    assert!(
        ends.contains(&format!("{:?}", EndReason::DistanceReached)),
        "{ends:?}"
    );
}

#[test]
fn packets_equal_scalar_rays_entering_a_core_or_stopping_on_a_scale_factor_or_step_cap() {
    let m = model(
        "configs/seed_optimal.toml",
        &[
            ("potential.mode", "analytic"),
            ("lenses.0.profile", "point"),
            ("lenses.0.core_radius_mpc", "10"),
            ("rays.n_theta", "5"),
            ("rays.n_phi", "6"),
            ("rays.half_angle_deg", "2"),
            ("potential.time_dependence", "fixed_physical_mass"),
            ("spacetime.equations", "first_order"),
            ("integration.stop.scale_factor", "0.82"),
            ("integration.stop.distance_mpc", "2000"),
            ("integration.step_mpc", "3"),
            ("integration.record_every", "7"),
        ],
    );
    let ends = packets_equal_scalar(&m);
    assert!(
        ends.contains(&format!("{:?}", EndReason::EnteredCore)),
        "{ends:?}"
    );
    assert!(
        ends.contains(&format!("{:?}", EndReason::ScaleFactorReached)),
        "{ends:?}"
    );
    let capped = model(
        "configs/seed_optimal.toml",
        &[("potential.nodes", "32"), ("integration.stop.steps", "301")],
    );
    let ends = packets_equal_scalar(&capped);
    assert!(
        ends.contains(&format!("{:?}", EndReason::StepLimit)),
        "{ends:?}"
    );
}
