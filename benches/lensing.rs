//! The lensed-image engine: a 256² image and a 64² preview of a point lens with an offset
//! source (configs/teach_einstein_ring.toml with the source moved off the axis), on 2 threads,
//! in the config's ΛCDM background and in a static one (Euclidean distances, as the thin-lens
//! tools it is compared with); and a source move's re-shade against the render of the same
//! image. Run: `cargo bench --bench lensing`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use excalibur::config::RunConfig;
use excalibur::field::FieldCache;
use excalibur::lensing::{render, reshade, Source};
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

/// A source move in the window (issue 20: ≤ 50 ms at 256²): the re-shade of a finished
/// image (`reshade`: the picture from the kept ray map and the images polished on exact
/// geodesics) against the full render of the same image, in the same run.
fn source_move(c: &mut Criterion) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("pool");
    let cancel = AtomicBool::new(false);
    let config = RunConfig::load(Path::new("configs/teach_einstein_ring.toml"), &[])
        .expect("teach_einstein_ring.toml");
    let source = Source::new(&config.source, Path::new("configs")).expect("source");
    let mut moved = config.source.clone();
    moved.offset_mpc = [0.05, 0.02];
    let moved = Source::new(&moved, Path::new("configs")).expect("source");
    let model =
        Model::build(config, Path::new("configs"), &mut FieldCache::default()).expect("model");
    let image = pool
        .install(|| render(&model, &source, 256, &cancel))
        .expect("image");
    let mut group = c.benchmark_group("source_move_256");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function("reshade", |b| {
        b.iter(|| pool.install(|| reshade(&model, &image, &moved)))
    });
    group.bench_function("render", |b| {
        b.iter(|| pool.install(|| render(&model, &moved, 256, &cancel)))
    });
    group.finish();
}

criterion_group!(benches, lensing, source_move);
criterion_main!(benches);
