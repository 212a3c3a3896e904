//! A grid from imported node values of Φ (`potential.file`): its gradient by differences.

use super::grid::{Grid, GridError, GridGeometry, GridScalar};
use ndarray::Array3;

impl<T: GridScalar> Grid<T> {
    /// Builds from node values of Φ (C order), with central-difference gradients in the interior and
    /// second-order one-sided differences on the outer planes; both exact for linear fields.
    pub fn from_potential(geometry: GridGeometry, phi: &Array3<f64>) -> Result<Self, GridError> {
        let shape = phi.shape();
        let got = [shape[0], shape[1], shape[2]];
        if got != geometry.nodes {
            return Err(GridError::ShapeMismatch {
                got,
                want: geometry.nodes,
            });
        }
        if got.iter().any(|&n| n < 3) {
            return Err(GridError::TooFewNodes(*got.iter().min().unwrap_or(&0)));
        }
        if let Some((idx, _)) = phi.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(GridError::NonFinite([idx.0, idx.1, idx.2]));
        }
        let h = geometry.spacing_m;
        let derivative = |axis: usize, idx: [usize; 3]| -> f64 {
            let n = got[axis];
            let at = |offset: isize| {
                let mut p = idx;
                p[axis] = (idx[axis] as isize + offset) as usize;
                phi[(p[0], p[1], p[2])]
            };
            let i = idx[axis];
            if i == 0 {
                (-3.0 * at(0) + 4.0 * at(1) - at(2)) / (2.0 * h)
            } else if i == n - 1 {
                (3.0 * at(0) - 4.0 * at(-1) + at(-2)) / (2.0 * h)
            } else {
                (at(1) - at(-1)) / (2.0 * h)
            }
        };
        Self::from_nodes(geometry, |[i, j, k]| {
            let d = |axis| derivative(axis, [i, j, k]);
            [phi[(i, j, k)], d(0), d(1), d(2)]
        })
    }
}
