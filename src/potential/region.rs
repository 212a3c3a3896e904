//! The part of a node grid a run needs (interface.md §6, "files larger than one node"): the
//! nodes of the cells a box of space touches, plus a margin of cells, within the grid. A
//! `potential.file` run reads only these nodes, as an HDF5 hyperslab, and one more layer
//! around them where the file has it, so that the gradient on the region's nodes is the
//! whole file's (central differences need the neighbours).

use super::grid::GridGeometry;

/// An inclusive box of node indices, `lo[a] ..= hi[a]` on axis a.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeRegion {
    pub lo: [usize; 3],
    pub hi: [usize; 3],
}

impl NodeRegion {
    /// Every node of a grid of `nodes` per axis.
    pub fn whole(nodes: [usize; 3]) -> NodeRegion {
        NodeRegion {
            lo: [0; 3],
            hi: nodes.map(|n| n.saturating_sub(1)),
        }
    }

    /// The nodes of every cell that a point of the box `[lo_m, hi_m]` lies in, grown by
    /// `margin_cells` on each side and cut to the grid. At least three nodes per axis are
    /// kept (a gradient by differences needs them), taken inside the grid next to the box
    /// when the box misses it.
    pub fn covering(
        geometry: &GridGeometry,
        lo_m: [f64; 3],
        hi_m: [f64; 3],
        margin_cells: usize,
    ) -> NodeRegion {
        let mut region = NodeRegion::whole(geometry.nodes);
        for a in 0..3 {
            let last = geometry.nodes[a] - 1;
            let rel = |x: f64| (x - geometry.origin_m[a]) / geometry.spacing_m;
            // Indices as f64 first: a box far outside the grid must not overflow.
            let clip = |r: f64| r.clamp(0.0, last as f64) as usize;
            let lo = clip(rel(lo_m[a]).floor() - margin_cells as f64);
            let hi = clip(rel(hi_m[a]).ceil() + margin_cells as f64);
            let (lo, hi) = (lo.min(hi), hi.max(lo));
            // Widen to three nodes, inside the grid.
            let hi = hi.max((lo + 2).min(last));
            let lo = lo.min(hi.saturating_sub(2));
            region.lo[a] = lo;
            region.hi[a] = hi;
        }
        region
    }

    /// This region grown by `by` nodes on each side, within a grid of `nodes` per axis.
    pub fn grown(&self, by: usize, nodes: [usize; 3]) -> NodeRegion {
        NodeRegion {
            lo: self.lo.map(|l| l.saturating_sub(by)),
            hi: std::array::from_fn(|a| (self.hi[a] + by).min(nodes[a] - 1)),
        }
    }

    /// The nodes to read from a file of `nodes` per axis for this region's gradient: the
    /// region and one layer around it, within the file (`Grid::from_potential_region`).
    pub fn read_for(&self, nodes: [usize; 3]) -> NodeRegion {
        self.grown(1, nodes)
    }

    /// Nodes per axis.
    pub fn extent(&self) -> [usize; 3] {
        std::array::from_fn(|a| self.hi[a] + 1 - self.lo[a])
    }

    pub fn node_count(&self) -> u64 {
        self.extent().iter().map(|&n| n as u64).product()
    }

    /// The geometry of the region's own grid: its nodes sit where they sit in `whole`.
    pub fn geometry_in(&self, whole: &GridGeometry) -> GridGeometry {
        GridGeometry {
            nodes: self.extent(),
            spacing_m: whole.spacing_m,
            origin_m: whole.node_position(self.lo[0], self.lo[1], self.lo[2]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geometry() -> GridGeometry {
        // 11 nodes per axis, 1 m apart, from (−5, −5, −5).
        GridGeometry::cube(11, 11.0, [-5.0; 3]).unwrap()
    }

    #[test]
    fn a_box_takes_the_nodes_of_its_cells_and_the_margin() {
        let r = NodeRegion::covering(&geometry(), [-0.5, 0.0, 1.2], [0.5, 0.0, 1.8], 2);
        // x: cells 4 and 5 (nodes 4..=6) grown by 2; y: the point on node 5; z: cell 6.
        assert_eq!(r.lo, [2, 3, 4]);
        assert_eq!(r.hi, [8, 7, 9]);
        assert_eq!(r.extent(), [7, 5, 6]);
        assert_eq!(r.node_count(), 7 * 5 * 6);
        let g = r.geometry_in(&geometry());
        assert_eq!(g.origin_m, [-3.0, -2.0, -1.0]);
        assert_eq!(g.nodes, [7, 5, 6]);
    }

    #[test]
    fn a_box_is_cut_to_the_grid_and_keeps_three_nodes() {
        let r = NodeRegion::covering(&geometry(), [-100.0, 4.9, 40.0], [100.0, 5.0, 50.0], 0);
        assert_eq!(r.lo, [0, 8, 8]);
        assert_eq!(r.hi, [10, 10, 10]);
        let grown = NodeRegion {
            lo: [1, 5, 9],
            hi: [3, 7, 10],
        }
        .grown(1, [11; 3]);
        assert_eq!(
            grown,
            NodeRegion {
                lo: [0, 4, 8],
                hi: [4, 8, 10]
            }
        );
    }
}
