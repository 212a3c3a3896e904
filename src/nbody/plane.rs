//! The density of a snapshot on a plane, for the window's slice (log ρ/ρ̄ beside Φ): the
//! deposit the Poisson solve starts from, taken at the plane. Along the plane's normal the
//! value is the linear interpolation between the two node planes around it; in the plane it is
//! the node lattice of the solve (`potential.nodes` per edge), with the config's assignment
//! window on all three axes, so it is exactly what `deposit` gives those nodes. The snapshot is
//! read again, a chunk at a time; only the plane's N² values are held.

use super::deposit::Assignment;
use super::field::particles_of;
use super::snapshot::for_each_chunk;
use crate::config::{CosmologyConfig, PotentialConfig};
use crate::io::IoError;
use std::path::Path;

/// ρ/ρ̄ on the N × N nodes of a plane normal to `axis` of the periodic snapshot box.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaneDensity {
    pub nodes: usize,
    /// The grid's node 0 [Mpc] (`potential.origin_mpc`) and the box edge [Mpc].
    pub origin_mpc: [f64; 3],
    pub box_mpc: f64,
    pub axis: usize,
    /// Row-major over the in-plane axes (a, b) = ((axis + 1) % 3, (axis + 2) % 3).
    pub values: Vec<f64>,
}

impl PlaneDensity {
    /// ρ/ρ̄ at in-plane coordinates (a, b) [Mpc], bilinear between the nodes, periodic.
    pub fn at(&self, a_mpc: f64, b_mpc: f64) -> f64 {
        let n = self.nodes;
        let (ax, bx) = ((self.axis + 1) % 3, (self.axis + 2) % 3);
        let dx = self.box_mpc / n as f64;
        let cell = |x: f64, origin: f64| {
            let u = ((x - origin) / dx).rem_euclid(n as f64);
            let i = (u.floor() as usize).min(n - 1);
            (i, u - i as f64)
        };
        let (i, fi) = cell(a_mpc, self.origin_mpc[ax]);
        let (j, fj) = cell(b_mpc, self.origin_mpc[bx]);
        let v = |i: usize, j: usize| self.values[(i % n) * n + j % n];
        (1.0 - fi) * ((1.0 - fj) * v(i, j) + fj * v(i, j + 1))
            + fi * ((1.0 - fj) * v(i + 1, j) + fj * v(i + 1, j + 1))
    }
}

/// The weight of node `node` (0 ≤ node < n) in the periodic 1-D stencil at `u` [cells].
fn weight(assignment: Assignment, u: f64, node: usize, n: usize) -> f64 {
    let (first, w) = assignment.stencil(u);
    let offset = (node as i64 - first).rem_euclid(n as i64) as usize;
    if offset < assignment.width() {
        w[offset]
    } else {
        0.0
    }
}

/// The snapshot's ρ/ρ̄ on the plane normal to `axis` at `position_mpc` (a world coordinate:
/// the grid sits at `potential.origin_mpc`), on the solve's `potential.nodes`² in-plane nodes.
pub fn plane_density(
    path: &Path,
    potential: &PotentialConfig,
    cosmology: &CosmologyConfig,
    axis: usize,
    position_mpc: f64,
) -> Result<PlaneDensity, IoError> {
    let (particles, header, assignment) = particles_of(path, potential, cosmology)?;
    let n = potential.nodes;
    let dx = header.box_mpc / n as f64;
    // The two node planes around the position, and the plane's share of each.
    let along = ((position_mpc - potential.origin_mpc[axis]) / dx).rem_euclid(n as f64);
    let below = (along.floor() as usize).min(n - 1);
    let f = along - below as f64;
    let above = (below + 1) % n;
    let (a, b) = ((axis + 1) % 3, (axis + 2) % 3);
    let mut plane = vec![0.0; n * n];
    let mut total = 0.0;
    for_each_chunk(&header, particles, |chunk| {
        for (p, &m) in chunk.positions_mpc.iter().zip(&chunk.masses) {
            total += m;
            let u = p[axis] / dx;
            let w_axis =
                (1.0 - f) * weight(assignment, u, below, n) + f * weight(assignment, u, above, n);
            if w_axis == 0.0 {
                continue;
            }
            let (ua, ub) = (p[a] / dx, p[b] / dx);
            let (fa, wa) = assignment.stencil(ua);
            let (fb, wb) = assignment.stencil(ub);
            for (da, wa) in wa.iter().enumerate().take(assignment.width()) {
                let i = (fa + da as i64).rem_euclid(n as i64) as usize;
                for (db, wb) in wb.iter().enumerate().take(assignment.width()) {
                    let j = (fb + db as i64).rem_euclid(n as i64) as usize;
                    plane[i * n + j] += m * w_axis * wa * wb;
                }
            }
        }
    })?;
    if total.is_nan() || total <= 0.0 {
        return Err(IoError::invalid(
            path,
            "the particles of potential.particles.types have zero total mass",
        ));
    }
    let mean = total / (n * n * n) as f64;
    plane.iter_mut().for_each(|v| *v /= mean);
    Ok(PlaneDensity {
        nodes: n,
        origin_mpc: potential.origin_mpc,
        box_mpc: header.box_mpc,
        axis,
        values: plane,
    })
}
