//! Mass assignment of particles to the nodes of a periodic N³ grid (physics.md §13): NGP, CIC
//! or TSC, the product of a 1-D window per axis.
//!
//! Parallel and deterministic: the grid's x planes are shared out among the workers, and each
//! plane sums the particles that reach it in a fixed order (by stencil offset, then by the
//! particles' order in the chunk), so the same particles give the same bytes whatever the
//! number of threads. Particles come in chunks (a snapshot is read a chunk at a time); chunks
//! are deposited in the order they come.

use rayon::prelude::*;

/// The assignment window (interface.md §6 `assignment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignment {
    /// Nearest grid point: one node, window sinc(kΔx/2).
    Ngp,
    /// Cloud in cell: the 2 nodes either side, window sinc².
    Cic,
    /// Triangular shaped cloud: the 3 nearest nodes, window sinc³.
    Tsc,
}

impl Assignment {
    /// The power p of the window W = Π sinc^p(k_i Δx/2).
    pub fn window_power(self) -> i32 {
        match self {
            Assignment::Ngp => 1,
            Assignment::Cic => 2,
            Assignment::Tsc => 3,
        }
    }

    /// The first node (unwrapped) of the 1-D stencil at position `u` [cells] and its weights
    /// (those past the stencil's width are 0).
    #[inline]
    pub fn stencil(self, u: f64) -> (i64, [f64; 3]) {
        match self {
            Assignment::Ngp => (u.round() as i64, [1.0, 0.0, 0.0]),
            Assignment::Cic => {
                let base = u.floor();
                let f = u - base;
                (base as i64, [1.0 - f, f, 0.0])
            }
            Assignment::Tsc => {
                let c = u.round();
                let d = u - c;
                (
                    c as i64 - 1,
                    [
                        0.5 * (0.5 - d).powi(2),
                        0.75 - d * d,
                        0.5 * (0.5 + d).powi(2),
                    ],
                )
            }
        }
    }

    /// Nodes per axis the stencil touches.
    pub fn width(self) -> usize {
        self.window_power() as usize
    }
}

/// Adds the particles at `cells` (positions in units of the node spacing from node 0; any
/// value, wrapped periodically) with `masses` to `grid` ([N, N, N], x slowest).
pub fn deposit(
    grid: &mut [f64],
    n: usize,
    assignment: Assignment,
    cells: &[[f64; 3]],
    masses: &[f64],
) {
    assert_eq!(grid.len(), n * n * n);
    assert_eq!(cells.len(), masses.len());
    let wrap = |i: i64| i.rem_euclid(n as i64) as usize;
    // Each particle's first x plane, and the particles listed plane by plane (a counting sort,
    // stable: the chunk's order within a plane).
    let first: Vec<usize> = cells
        .iter()
        .map(|c| wrap(assignment.stencil(c[0]).0))
        .collect();
    let mut start = vec![0usize; n + 1];
    for &p in &first {
        start[p + 1] += 1;
    }
    for p in 0..n {
        start[p + 1] += start[p];
    }
    let mut fill = start.clone();
    let mut by_plane = vec![0u32; cells.len()];
    for (q, &p) in first.iter().enumerate() {
        by_plane[fill[p]] = q as u32;
        fill[p] += 1;
    }
    let width = assignment.width();
    grid.par_chunks_mut(n * n)
        .enumerate()
        .for_each(|(i, plane)| {
            for s in 0..width {
                // Particles whose stencil starts s planes before plane i reach it with weight s.
                let from = (i + n * width - s) % n;
                for &q in &by_plane[start[from]..start[from + 1]] {
                    let q = q as usize;
                    let (_, wx) = assignment.stencil(cells[q][0]);
                    let (y0, wy) = assignment.stencil(cells[q][1]);
                    let (z0, wz) = assignment.stencil(cells[q][2]);
                    let m = masses[q] * wx[s];
                    for (a, wya) in wy.iter().enumerate().take(width) {
                        let row = wrap(y0 + a as i64) * n;
                        for (b, wzb) in wz.iter().enumerate().take(width) {
                            plane[row + wrap(z0 + b as i64)] += m * wya * wzb;
                        }
                    }
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn particles(count: usize, n: usize) -> (Vec<[f64; 3]>, Vec<f64>) {
        // A deterministic scatter over the box and beyond it (wrapped), masses of two sizes.
        let cells = (0..count)
            .map(|q| {
                let f = |k: usize| ((q * 7919 + k * 104_729) % 10_007) as f64 / 10_007.0;
                [
                    f(1) * n as f64 * 1.5 - 0.25 * n as f64,
                    f(2) * n as f64,
                    f(3) * n as f64,
                ]
            })
            .collect();
        let masses = (0..count).map(|q| 1.0 + (q % 2) as f64).collect();
        (cells, masses)
    }

    #[test]
    fn every_assignment_conserves_mass_and_its_weights_sum_to_one() {
        let n = 16;
        let (cells, masses) = particles(5000, n);
        let total: f64 = masses.iter().sum();
        for a in [Assignment::Ngp, Assignment::Cic, Assignment::Tsc] {
            for u in [0.0, 0.3, 0.5, 0.99, -1.7] {
                let (_, w) = a.stencil(u);
                assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-15, "{a:?} at {u}");
            }
            let mut grid = vec![0.0; n * n * n];
            deposit(&mut grid, n, a, &cells, &masses);
            let got: f64 = grid.iter().sum();
            assert!((got / total - 1.0).abs() < 1e-13, "{a:?}: {got} of {total}");
        }
    }

    #[test]
    fn a_particle_on_a_node_stays_there_and_cic_splits_by_distance() {
        let n = 8;
        let mut grid = vec![0.0; n * n * n];
        deposit(&mut grid, n, Assignment::Cic, &[[2.25, 3.0, 7.0]], &[4.0]);
        assert_eq!(grid[(2 * n + 3) * n + 7], 3.0);
        assert_eq!(grid[(3 * n + 3) * n + 7], 1.0);
        let mut grid = vec![0.0; n * n * n];
        deposit(&mut grid, n, Assignment::Tsc, &[[8.0, 0.0, 0.0]], &[1.0]);
        // Node 8 is node 0: 0.75 there, 0.125 on each neighbour along every axis.
        assert_eq!(grid[0], 0.75 * 0.75 * 0.75);
        assert_eq!(grid[(n - 1) * n * n], 0.125 * 0.75 * 0.75);
    }

    #[test]
    fn the_deposit_is_the_same_bytes_on_one_thread_and_on_four() {
        let n = 16;
        let (cells, masses) = particles(20_000, n);
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut grid = vec![0.0; n * n * n];
            pool.install(|| deposit(&mut grid, n, Assignment::Tsc, &cells, &masses));
            grid.iter().map(|v| v.to_bits()).collect::<Vec<u64>>()
        };
        assert_eq!(on(1), on(4));
    }
}
