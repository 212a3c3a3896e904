//! Issue 12's memory-layout question: does an 8³-bricked grid make the step faster than the
//! production layout (x slowest, z fastest)? The same bare kernel (`bare/mod.rs`) on the same
//! field in both layouts, one thread, the seed's 421 rays × 1000 steps, at 512³ (2 GiB) and,
//! with `LAYOUT_1024=1`, at 1024³ (16 GiB a grid, one grid in memory at a time). Run:
//! `cargo bench --no-default-features --bench grid_layout`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use excalibur::units::{hubble_per_s, MPC_M};
use std::time::Duration;

mod bare;
use bare::{Bare, BareGrid, Layout};

/// The seed's 21 × 21 cone of 7.5° toward (500, 500, 500) Mpc plus its axis, as unit vectors.
fn seed_directions() -> Vec<[f64; 3]> {
    let axis = [1.0 / 3f64.sqrt(); 3];
    // Two unit vectors orthogonal to the axis.
    let e1 = [1.0 / 2f64.sqrt(), -1.0 / 2f64.sqrt(), 0.0];
    let e2 = [1.0 / 6f64.sqrt(), 1.0 / 6f64.sqrt(), -2.0 / 6f64.sqrt()];
    let mut dirs = vec![axis];
    for i in 1..=21 {
        let theta = 7.5f64.to_radians() * i as f64 / 21.0;
        for j in 0..21 {
            let phi = std::f64::consts::TAU * j as f64 / 21.0;
            let (s, c) = theta.sin_cos();
            dirs.push(std::array::from_fn(|a| {
                c * axis[a] + s * (phi.cos() * e1[a] + phi.sin() * e2[a])
            }));
        }
    }
    dirs
}

fn layouts(c: &mut Criterion) {
    excalibur::keep_freed_memory();
    let mut group = c.benchmark_group("grid_layout");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(6))
        .warm_up_time(Duration::from_secs(1));
    let sizes: &[usize] = if std::env::var("LAYOUT_1024").is_ok() {
        &[512, 1024]
    } else {
        &[512]
    };
    let dirs = seed_directions();
    for &nodes in sizes {
        for layout in [Layout::Linear, Layout::Bricked8] {
            let grid = BareGrid::seed(nodes, layout);
            let bare = Bare {
                grid: &grid,
                h0: hubble_per_s(70.0),
                omega_m: 0.3,
                omega_l: 0.7,
            };
            let steps: usize = dirs.iter().map(|d| bare.ray(*d, MPC_M, 1000)).sum();
            group.throughput(Throughput::Elements(steps as u64));
            let name = format!("{layout:?}_{nodes}");
            group.bench_function(BenchmarkId::new(name, 1), |b| {
                b.iter(|| {
                    dirs.iter()
                        .map(|d| bare.ray(*d, MPC_M, 1000))
                        .sum::<usize>()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, layouts);
criterion_main!(benches);
