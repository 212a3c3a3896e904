//! `excalibur map` throughput (issue 23): pixels per second of configs/map_point_lens.toml
//! (five geodesics and five Born lines each) on 1 and 2 threads, the figure behind the
//! README's projection of nside 1024 and 4096 skies. Run: `cargo bench --bench map`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use excalibur::budget::MemoryEstimate;
use excalibur::config::RunConfig;
use excalibur::field::FieldCache;
use excalibur::lensing::trace_sphere_map;
use excalibur::rays::Pattern;
use excalibur::setup::Model;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

fn map(c: &mut Criterion) {
    let config = RunConfig::load(Path::new("configs/map_point_lens.toml"), &[])
        .expect("map_point_lens.toml");
    let sky = Pattern::of(&config)
        .healpix_sky()
        .expect("a healpix pattern");
    let estimate = MemoryEstimate::of(&config);
    let model = Model::build_without_rays(
        config,
        Path::new("configs"),
        &mut FieldCache::default(),
        estimate,
    )
    .expect("model");
    let cancel = AtomicBool::new(false);
    let mut group = c.benchmark_group("healpix_map_point_lens");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(1))
        .throughput(Throughput::Elements(sky.len()));
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let probe = pool
            .install(|| trace_sphere_map(&model, &sky, 0..sky.len(), &cancel))
            .expect("map");
        eprintln!(
            "{threads} thread(s): {} pixels, {} geodesics, {} steps",
            sky.len(),
            probe.geodesics,
            probe.steps
        );
        group.bench_with_input(BenchmarkId::new("threads", threads), &threads, |b, _| {
            b.iter(|| pool.install(|| trace_sphere_map(&model, &sky, 0..sky.len(), &cancel)))
        });
    }
    group.finish();
}

criterion_group!(benches, map);
criterion_main!(benches);
