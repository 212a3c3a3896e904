//! A run of more rays than a process may hold memory mappings (Linux's vm.max_map_count,
//! 65 530 by default). Each ray's buffer used to reserve the guess of `expected_rows` (64 Ki
//! rows, 7 MiB, for DOPRI5, whose steps are not known in advance): every ray became a mapping
//! of its own and `excalibur run` of 80 000 DOPRI5 rays aborted ("memory allocation of 7340256
//! bytes failed") with 140 MB resident.

use excalibur::config::RunConfig;
use excalibur::field::FieldCache;
use excalibur::setup::Model;
use excalibur::trace::NoSink;
use std::path::Path;

#[test]
fn eighty_thousand_adaptive_rays_trace_in_one_run() {
    // 8 impact parameters × 10 000 azimuths; 60 Mpc of path each (a few steps), so the run
    // takes seconds and its states a few tens of MB.
    let overrides = [
        ("rays.n_phi", "10000"),
        ("integration.stop.distance_mpc", "60"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()));
    let config = RunConfig::load(Path::new("configs/point_mass_beam.toml"), &overrides)
        .expect("valid config");
    let model = Model::build(config, Path::new("."), &mut FieldCache::default()).expect("model");
    assert!(model.rays.len() > 65_530, "{} rays", model.rays.len());
    let result = model.trace(&model.rays, 2, &NoSink, &Default::default());
    assert_eq!(result.rays.len(), model.rays.len());
    let rows: usize = result.rays.iter().map(|r| r.rows.len()).sum();
    assert!(
        result.rays.iter().all(|r| r.rows.len() >= 2),
        "every ray records its path"
    );
    // What the buffers hold is what the rays recorded, within the doubling of a Vec.
    let reserved: usize = result.rays.iter().map(|r| r.rows.capacity()).sum();
    assert!(
        reserved <= 2 * rows + 32 * result.rays.len(),
        "{reserved} rows reserved for {rows}"
    );
}

/// A run cancelled before it starts ends every ray as Cancelled at once: no launch, no
/// buffer, NaN observables, and each ray still reported to the sink (a progress bar's count).
#[test]
fn a_cancelled_run_skips_its_rays_without_tracing_them() {
    use excalibur::integrate::EndReason;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    struct Count(AtomicUsize);
    impl excalibur::trace::Sink for Count {
        fn finished(&self, _: &excalibur::trace::RayResult) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
    let config = RunConfig::load(Path::new("configs/point_mass_beam.toml"), &[]).unwrap();
    let model = Model::build(config, Path::new("."), &mut FieldCache::default()).unwrap();
    let count = Count(AtomicUsize::new(0));
    let result = model.trace(&model.rays, 2, &count, &AtomicBool::new(true));
    assert_eq!(count.0.load(Ordering::Relaxed), model.rays.len());
    for r in &result.rays {
        assert_eq!(r.outcome.end, EndReason::Cancelled);
        assert_eq!(r.outcome.steps_accepted, 0);
        assert!(r.rows.is_empty() && r.rows.capacity() == 0);
        assert!(r.observables.deflection_rad.is_nan());
    }
}
