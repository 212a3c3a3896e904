//! The particle solve of issue 22 (physics.md §13): CIC of 1.7·10⁷ particles onto 256³ nodes
//! (in 2²⁰-particle chunks, as a snapshot is read), our 3-D real FFT, and the whole Poisson
//! solve (forward transform, Green's function, Φ and the three spectral derivatives: five
//! transforms) at 256³ and 512³, on 2 threads. `scripts/bench_poisson.py` runs this and numpy's
//! `rfftn` and the same solve in numpy in one sitting and prints the ratios.
//! Run: `cargo bench --bench poisson`.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use excalibur::nbody::deposit::{deposit, Assignment};
use excalibur::nbody::fft3::Fft3;
use excalibur::nbody::poisson::{solve, PoissonSetup};
use rand::{Rng, SeedableRng};
use std::time::Duration;

/// Node masses of a lumpy field (1 + a few waves), so the solve has work in every mode.
fn mass_grid(n: usize) -> Vec<f64> {
    (0..n * n * n)
        .map(|idx| {
            let (i, j, k) = (idx / (n * n), (idx / n) % n, idx % n);
            let t = std::f64::consts::TAU / n as f64;
            1.0 + 0.3 * (3.0 * t * i as f64).sin() * (5.0 * t * j as f64).cos()
                + 0.2 * (7.0 * t * k as f64).sin()
        })
        .collect()
}

fn poisson(c: &mut Criterion) {
    excalibur::keep_freed_memory();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("pool");
    let mut group = c.benchmark_group("nbody");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(1));

    // 1.7·10⁷ particles uniform in a 256³ box, deposited a 2²⁰ chunk at a time.
    let n = 256;
    let particles = 17_000_000;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let cells: Vec<[f64; 3]> = (0..particles)
        .map(|_| std::array::from_fn(|_| rng.random::<f64>() * n as f64))
        .collect();
    let masses = vec![1.0; particles];
    let mut grid = vec![0.0; n * n * n];
    group.bench_function("cic_17M_particles_256", |b| {
        b.iter(|| {
            pool.install(|| {
                grid.iter_mut().for_each(|v| *v = 0.0);
                for (c, m) in cells.chunks(1 << 20).zip(masses.chunks(1 << 20)) {
                    deposit(&mut grid, n, Assignment::Cic, c, m);
                }
            })
        })
    });
    drop((cells, masses, grid));

    for n in [256usize, 512] {
        let masses = mass_grid(n);
        let fft = Fft3::new(n);
        group.bench_with_input(BenchmarkId::new("rfft3_forward", n), &n, |b, _| {
            b.iter_batched_ref(
                || masses.clone(),
                |m| pool.install(|| fft.forward(m)),
                BatchSize::LargeInput,
            )
        });
        let setup = PoissonSetup {
            nodes: n,
            box_m: 500.0 * excalibur::units::MPC_M,
            hubble_per_s: 2.2685455030e-18,
            omega_m: 0.3,
            scale_factor: 1.0,
            deconvolve: Some(Assignment::Cic),
        };
        group.bench_with_input(BenchmarkId::new("poisson_solve", n), &n, |b, _| {
            b.iter_batched_ref(
                || masses.clone(),
                |m| pool.install(|| solve(m, &setup)),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, poisson);
criterion_main!(benches);
