//! Integration throughput and grid build on the seed's production geometry (512³ grid over
//! 1000 Mpc, 1e15 M☉ sphere of 5 Mpc at the centre, observer at the corner, 7×7 cone of 7.5°,
//! 1000 RK4 steps per ray) and at 128³, plus the analytic (grid-free) mode.
//! Run: `cargo bench --no-default-features --bench throughput`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use excalibur::config::{PotentialMode, RunConfig, ValidConfig};
use excalibur::field::FieldCache;
use excalibur::potential::{Grid, GridGeometry};
use excalibur::setup::Model;
use excalibur::trace::NoSink;
use std::path::Path;
use std::time::Duration;

fn seed_config(nodes: usize, mode: PotentialMode, rays_per_axis: usize) -> ValidConfig {
    let overrides = vec![
        ("potential.nodes".to_string(), nodes.to_string()),
        ("rays.n_theta".to_string(), rays_per_axis.to_string()),
        ("rays.n_phi".to_string(), rays_per_axis.to_string()),
    ];
    let mut c = RunConfig::load(Path::new("configs/seed_optimal.toml"), &overrides)
        .expect("seed_optimal.toml")
        .config()
        .clone();
    c.potential.mode = mode;
    c.into_valid().expect("valid")
}

fn integration(c: &mut Criterion) {
    excalibur::keep_freed_memory();
    let mut group = c.benchmark_group("rk4_seed_geometry");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(1));
    // 21×21 directions (421 rays × 1000 steps) so that a sample is long enough to time well;
    // the 7×7 seed cone is the same work per ray.
    for (label, nodes, mode) in [
        ("grid_512_f32", 512, PotentialMode::Grid),
        ("grid_128_f32", 128, PotentialMode::Grid),
        ("analytic", 128, PotentialMode::Analytic),
    ] {
        let config = seed_config(nodes, mode, 21);
        let model =
            Model::build(config, Path::new("."), &mut FieldCache::default()).expect("model");
        let steps = model
            .trace(&model.rays, 2, &NoSink, &Default::default())
            .steps_total();
        group.throughput(Throughput::Elements(steps));
        for threads in [1usize, 2] {
            let id = BenchmarkId::new(label, format!("{threads}_threads"));
            group.bench_with_input(id, &model, |b, m| {
                b.iter(|| m.trace(&m.rays, threads, &NoSink, &Default::default()))
            });
        }
    }
    group.finish();
}

fn grid_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("grid_build_f32");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15))
        .warm_up_time(Duration::from_secs(1));
    let config = seed_config(128, PotentialMode::Grid, 7);
    let model = Model::build(config, Path::new("."), &mut FieldCache::default()).expect("model");
    for nodes in [128usize, 512] {
        let geom = GridGeometry::cube(nodes, 1000.0 * excalibur::units::MPC_M, [0.0; 3]).unwrap();
        group.throughput(Throughput::Elements(geom.node_count() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(nodes), &geom, |b, g| {
            b.iter(|| Grid::<f32>::from_lenses(*g, &model.lenses).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, integration, grid_build);
criterion_main!(benches);
