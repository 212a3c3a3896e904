//! The machine's reference for one RK4 step (issue 12): a minimal kernel written with std only,
//! the same equations as the production step (exact symbols of the perturbed FLRW metric,
//! ΛCDM ℋ(a), frozen Φ) on the same f32 interleaved [Φ, ∇Φ] grid layout with a trilinear
//! lookup, but nothing else: no recording, no events, no cancel polls, no bounds checks
//! beyond one per sample. Measured in the same run as the production `Model::trace` on the
//! seed's geometry (421 rays × 1000 steps), 1 and 2 threads, 128³ and 512³, so the ratio is
//! free of this shared machine's drift. Run: `cargo bench --no-default-features --bench bare_kernel`
//! (`ONLY128=1` skips the 512³ grids, whose 4 GiB of first-touched pages otherwise dominate a
//! `perf record` of the 128³ cases).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use excalibur::config::RunConfig;
use excalibur::field::FieldCache;
use excalibur::setup::Model;
use excalibur::trace::NoSink;
use excalibur::units::{gm_from_msun, hubble_per_s, C2, INV_C2, MPC_M};
use rayon::prelude::*;
use std::path::Path;
use std::time::Duration;

/// [Φ, ∂xΦ, ∂yΦ, ∂zΦ] per node, x slowest (the production layout), f32.
struct BareGrid {
    n: usize,
    inv_dx: f64,
    data: Vec<[f32; 4]>,
}

impl BareGrid {
    /// The seed's uniform sphere (1e15 M☉, R = 5 Mpc) at (500, 500, 500) Mpc on an n³ grid over
    /// 1000 Mpc, sampled exactly at the nodes.
    fn seed(n: usize) -> BareGrid {
        let dx = 1000.0 * MPC_M / n as f64;
        let (gm, r0, c) = (gm_from_msun(1e15), 5.0 * MPC_M, 500.0 * MPC_M);
        let data = (0..n * n * n)
            .into_par_iter()
            .map(|k| {
                let p = [k / (n * n), (k / n) % n, k % n].map(|i| i as f64 * dx - c);
                let r = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt();
                let (phi, g) = if r < r0 {
                    (
                        -gm * (3.0 * r0 * r0 - r * r) / (2.0 * r0 * r0 * r0),
                        gm / (r0 * r0 * r0),
                    )
                } else {
                    (-gm / r, gm / (r * r * r))
                };
                [
                    phi as f32,
                    (g * p[0]) as f32,
                    (g * p[1]) as f32,
                    (g * p[2]) as f32,
                ]
            })
            .collect();
        BareGrid {
            n,
            inv_dx: 1.0 / dx,
            data,
        }
    }

    #[inline(always)]
    fn sample(&self, x: [f64; 3]) -> Option<[f64; 4]> {
        let f = x.map(|v| v * self.inv_dx);
        let i = f.map(|v| v.floor());
        if i.iter().any(|v| *v < 0.0 || *v >= (self.n - 1) as f64) {
            return None;
        }
        let t = [f[0] - i[0], f[1] - i[1], f[2] - i[2]];
        let (i0, j0, k0) = (i[0] as usize, i[1] as usize, i[2] as usize);
        let n = self.n;
        let mut out = [0.0; 4];
        for (di, wi) in [(0, 1.0 - t[0]), (1, t[0])] {
            for (dj, wj) in [(0, 1.0 - t[1]), (1, t[1])] {
                for (dk, wk) in [(0, 1.0 - t[2]), (1, t[2])] {
                    let w = wi * wj * wk;
                    let v = self.data[((i0 + di) * n + j0 + dj) * n + k0 + dk];
                    for q in 0..4 {
                        out[q] += w * v[q] as f64;
                    }
                }
            }
        }
        Some(out)
    }
}

/// [η, x, y, z, u⁰, uˣ, uʸ, uᶻ, a]
type S = [f64; 9];

struct Bare<'a> {
    grid: &'a BareGrid,
    h0: f64,
    omega_m: f64,
    omega_l: f64,
}

impl Bare<'_> {
    #[inline(always)]
    fn rhs(&self, y: &S) -> Option<S> {
        let s = self.grid.sample([y[1], y[2], y[3]])?;
        let (phi, g) = (s[0], [s[1], s[2], s[3]]);
        let a = y[8];
        let h = self.h0 * (self.omega_m / a + self.omega_l * a * a).sqrt();
        let (u0, u) = (y[4], [y[5], y[6], y[7]]);
        let v2 = u[0] * u[0] + u[1] * u[1] + u[2] * u[2];
        let gu = g[0] * u[0] + g[1] * u[1] + g[2] * u[2];
        let (dp, dm) = (C2 + 2.0 * phi, C2 - 2.0 * phi);
        let inv = 1.0 / (dp * dm);
        let (inv_dp, inv_dm) = (dm * inv, dp * inv);
        let rad = C2 * inv_dm * u0 * u0;
        let drag = 2.0 * h * u0;
        let mut d = [0.0; 9];
        d[0] = u0;
        d[1] = u[0];
        d[2] = u[1];
        d[3] = u[2];
        d[4] = -h * u0 * u0 - 2.0 * inv_dp * u0 * gu - h * dm * INV_C2 * inv_dp * v2;
        for i in 0..3 {
            d[5 + i] = -rad * g[i] - drag * u[i] + (2.0 * u[i] * gu - v2 * g[i]) * inv_dm;
        }
        d[8] = a * h * u0;
        Some(d)
    }

    /// `steps` RK4 steps of comoving length `ds` from the observer at the origin along `dir`;
    /// the number taken.
    fn ray(&self, dir: [f64; 3], ds: f64, steps: usize) -> usize {
        let c = 299_792_458.0;
        let mut y: S = [
            0.0,
            0.0,
            0.0,
            0.0,
            -1.0,
            c * dir[0],
            c * dir[1],
            c * dir[2],
            1.0,
        ];
        for n in 0..steps {
            let speed = (y[5] * y[5] + y[6] * y[6] + y[7] * y[7]).sqrt();
            let h = ds / speed;
            let ax = |y: &S, k: &S, f: f64| -> S { std::array::from_fn(|i| y[i] + f * k[i]) };
            let Some(k1) = self.rhs(&y) else { return n };
            let Some(k2) = self.rhs(&ax(&y, &k1, 0.5 * h)) else {
                return n;
            };
            let Some(k3) = self.rhs(&ax(&y, &k2, 0.5 * h)) else {
                return n;
            };
            let Some(k4) = self.rhs(&ax(&y, &k3, h)) else {
                return n;
            };
            for i in 0..9 {
                y[i] += h / 6.0 * (k1[i] + 2.0 * (k2[i] + k3[i]) + k4[i]);
            }
        }
        steps
    }
}

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
        let grid = BareGrid::seed(std::env::var("BARE_NODES").map_or(nodes, |v| v.parse().unwrap()));
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
