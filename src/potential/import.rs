//! A grid from imported node values of Φ (`potential.file`): its gradient by differences.

use super::grid::{Grid, GridError, GridGeometry, GridScalar};
use super::region::NodeRegion;
use ndarray::Array3;

impl<T: GridScalar> Grid<T> {
    /// Builds from node values of Φ (C order), with central-difference gradients in the interior and
    /// second-order one-sided differences on the outer planes; both exact for linear fields.
    pub fn from_potential(geometry: GridGeometry, phi: &Array3<f64>) -> Result<Self, GridError> {
        Self::from_potential_region(geometry, NodeRegion::whole(geometry.nodes), phi)
    }

    /// The grid of `region` of a file of geometry `file`, from the values `phi` of the nodes
    /// [`NodeRegion::read_for`] names (the region and, where the file has them, its
    /// neighbours): every node's Φ and gradient are those [`Grid::from_potential`] gives the
    /// same node of the whole file, so a shard that reads part of a file traces its field.
    pub fn from_potential_region(
        file: GridGeometry,
        region: NodeRegion,
        phi: &Array3<f64>,
    ) -> Result<Self, GridError> {
        let read = region.read_for(file.nodes);
        let shape = phi.shape();
        let got = [shape[0], shape[1], shape[2]];
        if got != read.extent() {
            return Err(GridError::ShapeMismatch {
                got,
                want: read.extent(),
            });
        }
        if file.nodes.iter().any(|&n| n < 3) {
            return Err(GridError::TooFewNodes(
                *file.nodes.iter().min().unwrap_or(&0),
            ));
        }
        if let Some((idx, _)) = phi.indexed_iter().find(|(_, v)| !v.is_finite()) {
            let idx = [idx.0, idx.1, idx.2];
            return Err(GridError::NonFinite(std::array::from_fn(|a| {
                idx[a] + read.lo[a]
            })));
        }
        let h = file.spacing_m;
        // The derivative at file node `idx` from the values read: central where the file has
        // both neighbours, one-sided on the file's outer planes (`read` holds them there).
        let derivative = |axis: usize, idx: [usize; 3]| -> f64 {
            let at = |offset: isize| {
                let p: [usize; 3] = std::array::from_fn(|a| {
                    let i = if a == axis {
                        (idx[a] as isize + offset) as usize
                    } else {
                        idx[a]
                    };
                    i - read.lo[a]
                });
                phi[(p[0], p[1], p[2])]
            };
            let i = idx[axis];
            if i == 0 {
                (-3.0 * at(0) + 4.0 * at(1) - at(2)) / (2.0 * h)
            } else if i == file.nodes[axis] - 1 {
                (3.0 * at(0) - 4.0 * at(-1) + at(-2)) / (2.0 * h)
            } else {
                (at(1) - at(-1)) / (2.0 * h)
            }
        };
        let lo = region.lo;
        Self::from_nodes(region.geometry_in(&file), |[i, j, k]| {
            let node = [i + lo[0], j + lo[1], k + lo[2]];
            let d = |axis| derivative(axis, node);
            let p = [
                node[0] - read.lo[0],
                node[1] - read.lo[1],
                node[2] - read.lo[2],
            ];
            [phi[(p[0], p[1], p[2])], d(0), d(1), d(2)]
        })
    }
}
