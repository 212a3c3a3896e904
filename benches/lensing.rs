//! The lensed-image engine: a 256² image and a 64² preview of a point lens with an offset
//! source (configs/teach_einstein_ring.toml with the source moved off the axis), on 2 threads,
//! in the config's ΛCDM background and in a static one (Euclidean distances, as the thin-lens
//! tools it is compared with). Run: `cargo bench --bench lensing`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use excalibur::config::RunConfig;
use excalibur::field::FieldCache;
use excalibur::lensing::{render, Source};
use excalibur::setup::Model;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

fn lensing(c: &mut Criterion) {
    excalibur::keep_freed_memory();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("pool");
    let cancel = AtomicBool::new(false);
    let mut group = c.benchmark_group("lensed_image_point_lens");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));
    for (background, size) in [
        ("lcdm", 64usize),
        ("lcdm", 256),
        ("static", 64),
        ("static", 256),
    ] {
        let overrides = vec![
            ("source.offset_mpc".to_string(), "[0.05, 0.0]".to_string()),
            ("cosmology.model".to_string(), format!("\"{background}\"")),
        ];
        let config = RunConfig::load(Path::new("configs/teach_einstein_ring.toml"), &overrides)
            .expect("teach_einstein_ring.toml");
        let source = Source::new(&config.source, Path::new("configs")).expect("source");
        let model =
            Model::build(config, Path::new("configs"), &mut FieldCache::default()).expect("model");
        let probe = pool
            .install(|| render(&model, &source, size, &cancel))
            .expect("image");
        eprintln!(
            "{background} {size}²: {} geodesics ({} for the map), {} steps, {} images",
            probe.geodesics,
            probe.map.geodesics,
            probe.steps,
            probe.images.len()
        );
        group.bench_with_input(BenchmarkId::new(background, size), &size, |b, &n| {
            b.iter(|| pool.install(|| render(&model, &source, n, &cancel)))
        });
    }
    group.finish();
}

criterion_group!(benches, lensing);
criterion_main!(benches);
