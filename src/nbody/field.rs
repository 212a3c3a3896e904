//! `potential.mode = "particles"`: the grid of Φ and ∇Φ solved from a snapshot (interface.md
//! §6). The snapshot is read a chunk at a time and deposited as it comes, so the particles are
//! never all in memory; then one Poisson solve (`poisson.rs`) gives the node values.
//!
//! The grid's nodes sit at `potential.origin_mpc` + the snapshot's coordinates; its edge is the
//! snapshot's box (`potential.size_mpc`, when changed from its default, must equal it).

use super::deposit::{deposit, Assignment};
use super::poisson::{solve, PoissonSetup};
use super::snapshot::{for_each_chunk, read_header, SnapshotHeader};
use crate::config::{AssignmentKind, CosmologyConfig, ParticlesConfig, PotentialConfig};
use crate::io::IoError;
use crate::potential::{Grid, GridScalar};
use crate::units::MPC_M;
use std::path::Path;

/// Relative agreement asked of the snapshot's cosmology and box with the config's.
const AGREEMENT: f64 = 1e-6;

impl From<AssignmentKind> for Assignment {
    fn from(a: AssignmentKind) -> Assignment {
        match a {
            AssignmentKind::Ngp => Assignment::Ngp,
            AssignmentKind::Cic => Assignment::Cic,
            AssignmentKind::Tsc => Assignment::Tsc,
        }
    }
}

/// The snapshot's header, checked against the config: its cosmology (Ωm, ΩΛ, h) and its box.
pub fn checked_header(
    path: &Path,
    particles: &ParticlesConfig,
    potential: &PotentialConfig,
    cosmology: &CosmologyConfig,
) -> Result<SnapshotHeader, IoError> {
    let h = cosmology.h0_km_s_mpc / 100.0;
    let header = read_header(path, particles, h)?;
    let differs = |a: f64, b: f64| (a - b).abs() > AGREEMENT * b.abs().max(1e-30);
    if let Some((om, ol, hs)) = header.cosmology {
        for (item, snap, ours, key) in [
            ("Header/Omega0", om, cosmology.omega_m, "cosmology.omega_m"),
            (
                "Header/OmegaLambda",
                ol,
                cosmology.omega_lambda,
                "cosmology.omega_lambda",
            ),
            ("Header/HubbleParam", hs, h, "cosmology.h0_km_s_mpc / 100"),
        ] {
            if differs(snap, ours) {
                return Err(IoError::invalid(
                    path,
                    format!("{item} = {snap} disagrees with {key} = {ours} (they must agree to {AGREEMENT:e})"),
                ));
            }
        }
    }
    if header.particles == 0 {
        return Err(IoError::invalid(
            path,
            "the snapshot holds no particles of potential.particles.types",
        ));
    }
    let default_size = PotentialConfig::default().size_mpc;
    if potential.size_mpc != default_size && differs(header.box_mpc, potential.size_mpc) {
        return Err(IoError::invalid(
            path,
            format!(
                "the snapshot's box is {} Mpc but potential.size_mpc = {} (leave it out to take the box)",
                header.box_mpc, potential.size_mpc
            ),
        ));
    }
    Ok(header)
}

/// What every reader of a particles config's snapshot starts from: its `[potential.particles]`
/// section, the header checked against the config, and the assignment window.
pub(super) fn particles_of<'a>(
    path: &Path,
    potential: &'a PotentialConfig,
    cosmology: &CosmologyConfig,
) -> Result<(&'a ParticlesConfig, SnapshotHeader, Assignment), IoError> {
    let particles = potential
        .particles
        .as_ref()
        .ok_or_else(|| IoError::invalid(path, "no [potential.particles] section"))?;
    let header = checked_header(path, particles, potential, cosmology)?;
    Ok((particles, header, Assignment::from(particles.assignment)))
}

/// Deposits the snapshot on `nodes`³ and solves for Φ; returns the grid and the header.
pub fn particle_grid<T: GridScalar>(
    path: &Path,
    potential: &PotentialConfig,
    cosmology: &CosmologyConfig,
) -> Result<(Grid<T>, SnapshotHeader), IoError> {
    let (particles, header, assignment) = particles_of(path, potential, cosmology)?;
    let n = potential.nodes;
    let dx_mpc = header.box_mpc / n as f64;
    let mut mass = Vec::new();
    mass.try_reserve_exact(n * n * n)
        .map_err(|_| IoError::invalid(path, format!("cannot hold the {n}³ mass grid")))?;
    mass.resize(n * n * n, 0.0);
    for_each_chunk(&header, particles, |chunk| {
        let cells: Vec<[f64; 3]> = chunk
            .positions_mpc
            .iter()
            .map(|p| p.map(|v| v / dx_mpc))
            .collect();
        deposit(&mut mass, n, assignment, &cells, &chunk.masses);
    })?;
    let setup = PoissonSetup {
        nodes: n,
        box_m: header.box_mpc * MPC_M,
        hubble_per_s: cosmology.h0_km_s_mpc * 1e3 / MPC_M,
        omega_m: cosmology.omega_m,
        scale_factor: 1.0 / (1.0 + header.redshift),
        deconvolve: particles.deconvolve.then_some(assignment),
    };
    let solved = solve(&mut mass, &setup).ok_or_else(|| {
        IoError::invalid(
            path,
            "the particles of potential.particles.types have zero total mass",
        )
    })?;
    drop(mass);
    let origin_m = potential.origin_mpc.map(|o| o * MPC_M);
    let g = &solved.gradient;
    let grid = Grid::from_periodic_nodes(
        n,
        header.box_mpc * MPC_M,
        origin_m,
        particles.replicate,
        |[i, j, k]| {
            let p = (i * n + j) * n + k;
            [solved.phi[p], g[0][p], g[1][p], g[2][p]]
        },
    )
    .map_err(|e| IoError::invalid(path, e.to_string()))?;
    Ok((grid, header))
}
