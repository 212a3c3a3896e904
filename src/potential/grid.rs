//! Node-centred potential grid: node (i, j, k) sits at origin + (i, j, k)·dx with dx = L/N.
//!
//! Storage: each node holds [Φ, ∂ₓΦ, ∂ᵧΦ, ∂_zΦ] in f32 or f64, nodes in 8³ bricks
//! (`bricks.rs`; `Grid::node_values` gives the (Nx, Ny, Nz, 4) array). Lens grids store the analytic gradient; imported Φ gets
//! central differences (one-sided second order on the faces). Queries interpolate all four
//! components trilinearly with the same weights, in f64; a query is valid iff
//! 0 ≤ (x − o)/dx ≤ N − 1 on every axis (physics.md §6).

use super::analytic::{Field, StaticLanes, StaticSample};
use super::bricks::Bricks;
use super::build::{build_parallel, fill_slab_from_lenses, slab_planes};
pub use super::scalar::GridScalar;
use crate::lens::Lens;
use ndarray::{Array3, Array4};
use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum GridError {
    #[error("potential.nodes = {0} is invalid: at least 2 nodes per axis are needed")]
    TooFewNodes(usize),
    #[error("potential.size_mpc must be a finite number > 0 (got spacing {0} m)")]
    BadSpacing(f64),
    #[error(
        "the grid would need {bytes} bytes ({nodes} nodes × 4 values), which cannot be allocated"
    )]
    TooLarge { nodes: usize, bytes: u128 },
    #[error("imported potential has shape {got:?}, but potential.nodes asks for {want:?}")]
    ShapeMismatch { got: [usize; 3], want: [usize; 3] },
    #[error("imported potential holds a non-finite value at node {0:?}")]
    NonFinite([usize; 3]),
}

/// Where the nodes are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridGeometry {
    pub nodes: [usize; 3],
    /// dx = L/N [m].
    pub spacing_m: f64,
    pub origin_m: [f64; 3],
}

impl GridGeometry {
    /// A cube of `nodes` per axis and edge `size_m` (dx = size/nodes).
    pub fn cube(nodes: usize, size_m: f64, origin_m: [f64; 3]) -> Result<Self, GridError> {
        if nodes < 2 {
            return Err(GridError::TooFewNodes(nodes));
        }
        let spacing_m = size_m / nodes as f64;
        if !(spacing_m.is_finite() && spacing_m > 0.0) {
            return Err(GridError::BadSpacing(spacing_m));
        }
        Ok(GridGeometry {
            nodes: [nodes; 3],
            spacing_m,
            origin_m,
        })
    }

    /// The error of a grid whose values cannot be allocated.
    fn too_large<T>(&self) -> GridError {
        let nodes = self.node_count();
        let bytes = nodes as u128 * 4 * std::mem::size_of::<T>() as u128;
        GridError::TooLarge { nodes, bytes }
    }

    pub fn node_count(&self) -> usize {
        self.nodes.iter().product()
    }

    /// Position of node (i, j, k) [m].
    pub fn node_position(&self, i: usize, j: usize, k: usize) -> [f64; 3] {
        [
            self.origin_m[0] + i as f64 * self.spacing_m,
            self.origin_m[1] + j as f64 * self.spacing_m,
            self.origin_m[2] + k as f64 * self.spacing_m,
        ]
    }

    /// True iff x lies in the valid (interpolable) region [o, o + (N − 1)dx] on every axis.
    pub fn contains(&self, x_m: [f64; 3]) -> bool {
        (0..3).all(|a| {
            let rel = (x_m[a] - self.origin_m[a]) / self.spacing_m;
            rel >= 0.0 && rel <= (self.nodes[a] - 1) as f64
        })
    }
}

/// A sampled field Φ₀ with stored gradient.
#[derive(Debug, Clone)]
pub struct Grid<T: GridScalar> {
    pub geometry: GridGeometry,
    /// [Φ, ∂ₓΦ, ∂ᵧΦ, ∂_zΦ] per node, nodes in the order of `bricks`.
    data: Vec<T>,
    bricks: Bricks,
    inv_spacing: f64,
    /// The nodes sample one period of a periodic field (`Grid::from_periodic_nodes`): a last
    /// cell per axis joins node N − 1 to node 0.
    periodic: bool,
    /// Looked up modulo the box: a ray that leaves it continues in its periodic copy.
    wrap: bool,
}

impl<T: GridScalar> Grid<T> {
    /// Samples the analytic lens sum at every node, slab by slab in parallel (no coordinate meshes).
    pub fn from_lenses(geometry: GridGeometry, lenses: &[Lens]) -> Result<Self, GridError> {
        Self::from_lenses_into(geometry, lenses, Vec::new())
    }

    /// As [`Grid::from_lenses`], written into `storage` (the values of a grid no longer needed:
    /// [`Grid::into_storage`]) when it holds exactly as many values, as after an edit of a lens:
    /// the rebuild then costs only the arithmetic, not faulting in gigabytes of fresh memory
    /// (512³ in the window here: 0.57–0.86 s, against 0.7–1.1 s in fresh memory). Other
    /// storage is freed before the new is reserved.
    pub fn from_lenses_into(
        geometry: GridGeometry,
        lenses: &[Lens],
        storage: Vec<T>,
    ) -> Result<Self, GridError> {
        let position = |i, j, k| geometry.node_position(i, j, k);
        let bricks = Bricks::new(geometry.nodes);
        let data = build_parallel::<T>(&bricks, storage, |s, slab| {
            fill_slab_from_lenses(&bricks, &position, T::from_f64, lenses, s, slab)
        })
        .ok_or_else(|| geometry.too_large::<T>())?;
        Ok(Self::from_data(geometry, data, bricks))
    }

    /// Builds from [Φ, ∂ₓΦ, ∂ᵧΦ, ∂_zΦ] of each node (i, j, k), filled slab by slab in parallel
    /// (a particle solve's spectral gradient comes this way).
    pub fn from_nodes(
        geometry: GridGeometry,
        values: impl Fn([usize; 3]) -> [f64; 4] + Sync,
    ) -> Result<Self, GridError> {
        let [_, ny, nz] = geometry.nodes;
        let bricks = Bricks::new(geometry.nodes);
        let data = build_parallel::<T>(&bricks, Vec::new(), |s, slab| {
            let slab_start = s * bricks.slab_nodes();
            for i in slab_planes(&bricks, s) {
                for j in 0..ny {
                    for k in 0..nz {
                        let base = (bricks.index(i, j, k) - slab_start) * 4;
                        let v = values([i, j, k]);
                        for c in 0..4 {
                            slab[base + c] = T::from_f64(v[c]);
                        }
                    }
                }
            }
        })
        .ok_or_else(|| geometry.too_large::<T>())?;
        Ok(Self::from_data(geometry, data, bricks))
    }

    /// The grid of a periodic box of `cells`³ nodes and edge `box_m` (a particle solve's):
    /// `values` gives node (i, j, k). Its last cell on each axis joins node N − 1 to node 0,
    /// so the whole box interpolates, with no node stored twice. With `wrap`, lookups are
    /// taken modulo the box (`potential.particles.replicate`); without, a ray ends where it
    /// leaves the box.
    pub fn from_periodic_nodes(
        cells: usize,
        box_m: f64,
        origin_m: [f64; 3],
        wrap: bool,
        values: impl Fn([usize; 3]) -> [f64; 4] + Sync,
    ) -> Result<Self, GridError> {
        let geometry = GridGeometry::cube(cells, box_m, origin_m)?;
        let mut grid = Self::from_nodes(geometry, values)?;
        grid.periodic = true;
        grid.wrap = wrap;
        Ok(grid)
    }

    /// Whether lookups wrap around the box.
    pub fn wraps(&self) -> bool {
        self.wrap
    }

    fn from_data(geometry: GridGeometry, data: Vec<T>, bricks: Bricks) -> Self {
        // `sample` reads the values through a raw pointer and relies on this length.
        assert_eq!(data.len(), bricks.stored_nodes() * 4);
        assert!(geometry.nodes.iter().all(|&n| n < i32::MAX as usize));
        Grid {
            inv_spacing: 1.0 / geometry.spacing_m,
            geometry,
            data,
            bricks,
            periodic: false,
            wrap: false,
        }
    }

    /// A copy of the node values as an array of shape (Nx, Ny, Nz, 4): [Φ, ∂ₓΦ, ∂ᵧΦ, ∂_zΦ]
    /// (the grid itself stores them in bricks).
    pub fn node_values(&self) -> Array4<T> {
        let [nx, ny, nz] = self.geometry.nodes;
        Array4::from_shape_fn((nx, ny, nz, 4), |(i, j, k, c)| {
            self.data[self.bricks.index(i, j, k) * 4 + c]
        })
    }

    /// Φ [m²/s²] at every node, shape (Nx, Ny, Nz): what `excalibur potential` writes.
    pub fn node_phi(&self) -> Array3<f64> {
        let [nx, ny, nz] = self.geometry.nodes;
        Array3::from_shape_fn((nx, ny, nz), |(i, j, k)| {
            self.data[self.bricks.index(i, j, k) * 4].to_f64()
        })
    }

    /// The node values' memory, for the next grid of the same size
    /// ([`Grid::from_lenses_into`]).
    pub fn into_storage(self) -> Vec<T> {
        self.data
    }

    /// Where the node values live: tests check that a rebuild reuses its predecessor's memory.
    pub fn storage_address(&self) -> usize {
        self.data.as_ptr() as usize
    }

    /// Bytes held by the node values.
    pub fn memory_bytes(&self) -> usize {
        self.data.len() * std::mem::size_of::<T>()
    }
}

impl<T: GridScalar> Field for Grid<T> {
    #[inline(always)]
    fn sample(&self, x_m: [f64; 3]) -> Option<StaticSample> {
        let mut out = StaticLanes::<1>::default();
        let [valid] = self.sample_lanes(&[[x_m[0]], [x_m[1]], [x_m[2]]], &mut out);
        let g = out.gradient;
        valid.then_some(StaticSample {
            phi: out.phi[0],
            gradient: [g[0][0], g[1][0], g[2][0]],
        })
    }

    /// Locates every lane's cell and weighs its corners in SIMD registers; only the loads of
    /// the corner values are lane by lane. The one trilinear lookup: `sample` is its one-lane
    /// case.
    #[inline(always)]
    fn sample_lanes<const L: usize>(
        &self,
        x_m: &[[f64; L]; 3],
        out: &mut StaticLanes<L>,
    ) -> [bool; L] {
        let mut valid = [true; L];
        let mut cell = [[0usize; L]; 3];
        let mut frac = [[0.0; L]; 3];
        for axis in 0..3 {
            let origin = self.geometry.origin_m[axis];
            let n = self.geometry.nodes[axis];
            // A periodic lattice has N cells per axis (the last one wraps to node 0), others
            // N − 1.
            let (last, max_cell) = if self.periodic {
                (n as f64, n - 1)
            } else {
                ((n - 1) as f64, n - 2)
            };
            for l in 0..L {
                let rel = (x_m[axis][l] - origin) * self.inv_spacing;
                let rel = if self.wrap { rel.rem_euclid(last) } else { rel };
                // The negated form also rejects NaN.
                let inside = rel >= 0.0 && rel <= last;
                valid[l] &= inside;
                // A lane outside looks up cell 0 (harmless) and is reported invalid.
                let rel = if inside { rel } else { 0.0 };
                // SAFETY: 0 ≤ rel ≤ N < 2³¹ (`from_data` checks N), so the truncation is a
                // valid i32; `as` would add a saturation check to every lookup.
                let i0 = (unsafe { rel.to_int_unchecked::<i32>() } as usize).min(max_cell);
                cell[axis][l] = i0;
                frac[axis][l] = rel - i0 as f64;
            }
        }
        let flat = self.data.as_ptr();
        let mut acc = [[0.0f64; L]; 4];
        for l in 0..L {
            let (fx, fy, fz) = (frac[0][l], frac[1][l], frac[2][l]);
            // Node offsets of the cell's two planes on each axis: corner (a, b, c) is node
            // x[a] + y[b] + z[c].
            let at = |axis: usize| {
                let i = cell[axis][l];
                // Only a periodic lattice's last cell reaches i + 1 = N: its node 0.
                let next = if i + 1 == self.geometry.nodes[axis] {
                    0
                } else {
                    i + 1
                };
                [
                    self.bricks.table_offset(axis, i),
                    self.bricks.table_offset(axis, next),
                ]
            };
            let (x, y, z) = (at(0), at(1), at(2));
            for (xi, wx) in [(x[0], 1.0 - fx), (x[1], fx)] {
                for (yj, wy) in [(y[0], 1.0 - fy), (y[1], fy)] {
                    let w = wx * wy;
                    let (w0, w1) = (w * (1.0 - fz), w * fz);
                    let (n0, n1) = (xi + yj + z[0], xi + yj + z[1]);
                    debug_assert!(n0.max(n1) < self.bricks.stored_nodes());
                    // SAFETY: every cell index is at most N − 1 on its axis and its upper node
                    // N − 1 or less (N wraps to 0), so both nodes are nodes of the grid, whose
                    // 4 values each lie inside `data` (`from_data` checks its length against
                    // the bricks). Checked indexing here cost ~5 % of
                    // a step.
                    let (v0, v1) = unsafe {
                        (
                            std::slice::from_raw_parts(flat.add(n0 * 4), 4),
                            std::slice::from_raw_parts(flat.add(n1 * 4), 4),
                        )
                    };
                    for c in 0..4 {
                        acc[c][l] += w0 * v0[c].to_f64() + w1 * v1[c].to_f64();
                    }
                }
            }
        }
        out.phi = acc[0];
        out.gradient = [acc[1], acc[2], acc[3]];
        valid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// Φ = a + b·x on a 5×6×7 grid (f64): central and one-sided differences and trilinear
    /// interpolation are all exact for a linear field, so any point inside reproduces it.
    fn linear_grid() -> (Grid<f64>, impl Fn([f64; 3]) -> f64) {
        let geometry = GridGeometry {
            nodes: [5, 6, 7],
            spacing_m: 2.0,
            origin_m: [-3.0, 1.0, 10.0],
        };
        let phi = |x: [f64; 3]| 7.0 + 0.5 * x[0] - 1.25 * x[1] + 2.0 * x[2];
        let values =
            Array3::from_shape_fn((5, 6, 7), |(i, j, k)| phi(geometry.node_position(i, j, k)));
        (Grid::from_potential(geometry, &values).unwrap(), phi)
    }

    #[test]
    fn trilinear_interpolation_reproduces_a_linear_field_and_its_gradient() {
        let (g, phi) = linear_grid();
        for x in [
            [-3.0, 1.0, 10.0],
            [0.3, 4.7, 17.9],
            [5.0, 11.0, 22.0],
            [1.0, 5.0, 16.0],
        ] {
            let s = g.sample(x).expect("inside");
            assert_relative_eq!(s.phi, phi(x), max_relative = 1e-13);
            assert_relative_eq!(s.gradient[0], 0.5, max_relative = 1e-12);
            assert_relative_eq!(s.gradient[1], -1.25, max_relative = 1e-12);
            assert_relative_eq!(s.gradient[2], 2.0, max_relative = 1e-12);
        }
    }

    #[test]
    fn nodes_hold_their_values_and_the_valid_region_ends_at_the_last_node() {
        let (g, phi) = linear_grid();
        let x = g.geometry.node_position(4, 5, 6);
        assert_eq!(g.node_values()[(4, 5, 6, 0)], phi(x));
        assert!(g.geometry.contains(x) && g.sample(x).is_some());
        for outside in [
            [x[0] + 1e-9, x[1], x[2]],
            [-3.0 - 1e-9, 2.0, 12.0],
            [f64::NAN, 2.0, 12.0],
        ] {
            assert!(g.sample(outside).is_none(), "{outside:?}");
            assert!(!g.geometry.contains(outside));
        }
    }

    #[test]
    fn bad_shapes_and_values_are_refused_with_their_numbers() {
        let geometry = GridGeometry::cube(4, 1.0, [0.0; 3]).unwrap();
        let wrong = Array3::<f64>::zeros((4, 4, 5));
        assert!(matches!(
            Grid::<f32>::from_potential(geometry, &wrong),
            Err(GridError::ShapeMismatch {
                got: [4, 4, 5],
                want: [4, 4, 4]
            })
        ));
        let mut nan = Array3::<f64>::zeros((4, 4, 4));
        nan[(1, 2, 3)] = f64::NAN;
        assert!(matches!(
            Grid::<f32>::from_potential(geometry, &nan),
            Err(GridError::NonFinite([1, 2, 3]))
        ));
        assert!(matches!(
            GridGeometry::cube(1, 1.0, [0.0; 3]),
            Err(GridError::TooFewNodes(1))
        ));
        assert!(GridGeometry::cube(8, f64::NAN, [0.0; 3]).is_err());
    }
}
