//! The bare kernel shared by the benches: a minimal std-only RK4 of the production step (exact
//! symbols of the perturbed FLRW metric, ΛCDM ℋ(a), frozen Φ) on an f32 interleaved
//! [Φ, ∇Φ] grid with a trilinear lookup, and nothing else (no recording, no events, no cancel
//! polls), in the production node order or in 8³ bricks.

use excalibur::units::{gm_from_msun, C2, INV_C2, MPC_M};
use rayon::prelude::*;

/// How nodes are ordered in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// x slowest, z fastest: the production layout.
    Linear,
    /// 8³ bricks, bricks in linear order and nodes in linear order inside each brick: the eight
    /// corners of a cell share one or a few bricks (4 KiB pages) instead of spanning 2 N² nodes.
    Bricked8,
}

const BRICK: usize = 8;

/// [Φ, ∂xΦ, ∂yΦ, ∂zΦ] per node, f32, in either layout.
pub struct BareGrid {
    n: usize,
    inv_dx: f64,
    layout: Layout,
    data: Vec<[f32; 4]>,
}

impl BareGrid {
    /// The seed's uniform sphere (1e15 M☉, R = 5 Mpc) at (500, 500, 500) Mpc on an n³ grid over
    /// 1000 Mpc, sampled exactly at the nodes (n a multiple of 8 for bricks).
    pub fn seed(n: usize, layout: Layout) -> BareGrid {
        assert!(layout == Layout::Linear || n.is_multiple_of(BRICK));
        let dx = 1000.0 * MPC_M / n as f64;
        let (gm, r0, c) = (gm_from_msun(1e15), 5.0 * MPC_M, 500.0 * MPC_M);
        let nb = n / BRICK;
        let data = (0..n * n * n)
            .into_par_iter()
            .map(|index| {
                let node = match layout {
                    Layout::Linear => [index / (n * n), (index / n) % n, index % n],
                    Layout::Bricked8 => {
                        let (b, local) = (index / BRICK.pow(3), index % BRICK.pow(3));
                        let brick = [b / (nb * nb), (b / nb) % nb, b % nb];
                        let inner = [
                            local / (BRICK * BRICK),
                            (local / BRICK) % BRICK,
                            local % BRICK,
                        ];
                        [0, 1, 2].map(|a| brick[a] * BRICK + inner[a])
                    }
                };
                let p = node.map(|i| i as f64 * dx - c);
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
            layout,
            data,
        }
    }

    /// The part of a node's index that comes from its coordinate `i` on `axis`; a node's index
    /// is the sum over its three axes.
    #[inline(always)]
    fn axis_offset(&self, axis: usize, i: usize) -> usize {
        let n = self.n;
        match self.layout {
            Layout::Linear => i * [n * n, n, 1][axis],
            Layout::Bricked8 => {
                let nb = n / BRICK;
                let (b, l) = (i / BRICK, i % BRICK);
                let brick_stride = [nb * nb, nb, 1][axis] * BRICK.pow(3);
                b * brick_stride + l * [BRICK * BRICK, BRICK, 1][axis]
            }
        }
    }

    #[inline(always)]
    pub fn sample(&self, x: [f64; 3]) -> Option<[f64; 4]> {
        let f = x.map(|v| v * self.inv_dx);
        let i = f.map(|v| v.floor());
        if i.iter().any(|v| *v < 0.0 || *v >= (self.n - 1) as f64) {
            return None;
        }
        let t = [f[0] - i[0], f[1] - i[1], f[2] - i[2]];
        let cell = i.map(|v| v as usize);
        let off: [[usize; 2]; 3] = std::array::from_fn(|a| {
            [
                self.axis_offset(a, cell[a]),
                self.axis_offset(a, cell[a] + 1),
            ]
        });
        let mut out = [0.0; 4];
        for (di, wi) in [(0, 1.0 - t[0]), (1, t[0])] {
            for (dj, wj) in [(0, 1.0 - t[1]), (1, t[1])] {
                for (dk, wk) in [(0, 1.0 - t[2]), (1, t[2])] {
                    let w = wi * wj * wk;
                    let v = self.data[off[0][di] + off[1][dj] + off[2][dk]];
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

pub struct Bare<'a> {
    pub grid: &'a BareGrid,
    pub h0: f64,
    pub omega_m: f64,
    pub omega_l: f64,
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
    pub fn ray(&self, dir: [f64; 3], ds: f64, steps: usize) -> usize {
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
