//! The machine's reference for one RK4 step (issue 12): a minimal kernel written with std only,
//! the same equations as the production step (exact symbols of the perturbed FLRW metric,
//! ΛCDM ℋ(a), frozen Φ) on the same f32 interleaved [Φ, ∇Φ] grid layout with a trilinear
//! lookup, but nothing else: no recording, no events, no cancel polls, no bounds checks
//! beyond one per sample. Measured in the same run as the production `Model::trace` on the
//! seed's geometry (421 rays × 1000 steps), 1 and 2 threads, 128³ and 512³, so the ratio is
//! free of this shared machine's drift. Run: `cargo bench --no-default-features --bench bare_kernel`
//! (`ONLY128=1` skips the 512³ grids, whose 4 GiB of first-touched pages otherwise dominate a
//! `perf record` of the 128³ cases; `RECORD_EVERY=k` records every k-th step of the production
//! run instead of the config's every step). The kernel itself is in `bare/mod.rs`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use excalibur::config::RunConfig;
use excalibur::field::FieldCache;
use excalibur::setup::Model;
use excalibur::trace::NoSink;
use excalibur::units::{hubble_per_s, MPC_M};
use rayon::prelude::*;
use std::path::Path;
use std::time::Duration;

#[allow(dead_code)] // the layout bench uses the rest of the module
mod bare;
use bare::{Bare, BareGrid, Layout};

fn bare_vs_production(c: &mut Criterion) {
    excalibur::keep_freed_memory();
    let mut group = c.benchmark_group("bare_vs_production");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(6))
        .warm_up_time(Duration::from_secs(1));
    let sizes: &[usize] = if std::env::var("ONLY128").is_ok() {
        &[128]
    } else {
        &[128, 512]
    };
    for &nodes in sizes {
        let overrides = [
            ("potential.nodes", nodes.to_string()),
            ("rays.n_theta", "21".into()),
            ("rays.n_phi", "21".into()),
        ]
        .map(|(k, v)| (k.to_string(), v));
        let mut overrides = overrides.to_vec();
        if let Ok(every) = std::env::var("RECORD_EVERY") {
            overrides.push(("integration.record_every".into(), every));
        }
        let config = RunConfig::load(Path::new("configs/seed_optimal.toml"), &overrides).unwrap();
        let model = Model::build(config, Path::new("."), &mut FieldCache::default()).unwrap();
        let steps = model
            .trace(&model.rays, 1, &NoSink, &Default::default())
            .steps_total();
        let grid = BareGrid::seed(nodes, Layout::Linear);
        let bare = Bare {
            grid: &grid,
            h0: hubble_per_s(model.config.cosmology.h0_km_s_mpc),
            omega_m: model.config.cosmology.omega_m,
            omega_l: model.config.cosmology.omega_lambda,
        };
        let dirs: Vec<[f64; 3]> = model.rays.iter().map(|r| r.direction).collect();
        let bare_steps: usize = dirs.iter().map(|d| bare.ray(*d, MPC_M, 1000)).sum();
        eprintln!("{nodes}³: production {steps} steps, bare {bare_steps}");
        group.throughput(Throughput::Elements(steps));
        for threads in [1usize, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            group.bench_function(BenchmarkId::new(format!("bare_{nodes}"), threads), |b| {
                b.iter(|| {
                    pool.install(|| {
                        dirs.par_iter()
                            .with_max_len(1)
                            .map(|d| bare.ray(*d, MPC_M, 1000))
                            .sum::<usize>()
                    })
                })
            });
            group.bench_function(
                BenchmarkId::new(format!("production_{nodes}"), threads),
                |b| b.iter(|| model.trace(&model.rays, threads, &NoSink, &Default::default())),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bare_vs_production);
criterion_main!(benches);
