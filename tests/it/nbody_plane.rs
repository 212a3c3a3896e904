//! The window's density slice (`nbody::plane`): ρ/ρ̄ of a snapshot on a plane is what the
//! solve's 3-D deposit gives the nodes, interpolated linearly between the two node planes
//! around it, for each assignment; a uniform lattice of particles is 1 everywhere.

use excalibur::config::{
    AssignmentKind, CosmologyConfig, ParticlesConfig, PotentialConfig, PotentialMode,
    SnapshotFormat,
};
use excalibur::nbody::deposit::{deposit, Assignment};
use excalibur::nbody::plane::plane_density;
use rand::{Rng, SeedableRng};
use std::path::Path;

const N: usize = 12;
const BOX_MPC: f64 = 120.0;

fn write_arrays(path: &Path, positions: &[[f64; 3]], masses: &[f64]) {
    let f = hdf5::File::create(path).unwrap();
    let flat: Vec<f64> = positions.iter().flatten().copied().collect();
    let arr = ndarray::Array2::from_shape_vec((positions.len(), 3), flat).unwrap();
    f.new_dataset_builder()
        .with_data(&arr)
        .create("positions")
        .unwrap();
    f.new_dataset_builder()
        .with_data(&ndarray::Array1::from(masses.to_vec()))
        .create("masses")
        .unwrap();
    for (name, v) in [("box_size", BOX_MPC), ("redshift", 0.0)] {
        f.new_attr::<f64>()
            .create(name)
            .unwrap()
            .write_scalar(&v)
            .unwrap();
    }
}

fn potential(path: &Path, assignment: AssignmentKind) -> PotentialConfig {
    let h = CosmologyConfig::default().h0_km_s_mpc / 100.0;
    PotentialConfig {
        mode: PotentialMode::Particles,
        nodes: N,
        origin_mpc: [-10.0, 5.0, 0.0],
        particles: Some(ParticlesConfig {
            file: path.to_path_buf(),
            format: SnapshotFormat::Arrays,
            // Positions written in Mpc: one unit is h Mpc/h.
            length_unit_mpc_h: h,
            assignment,
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[test]
fn the_plane_is_the_deposit_between_its_node_planes_for_each_assignment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("random.hdf5");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let positions: Vec<[f64; 3]> = (0..5000)
        .map(|_| std::array::from_fn(|_| rng.random::<f64>() * BOX_MPC))
        .collect();
    let masses: Vec<f64> = (0..5000).map(|_| 0.5 + rng.random::<f64>()).collect();
    write_arrays(&path, &positions, &masses);
    let dx = BOX_MPC / N as f64;
    let cells: Vec<[f64; 3]> = positions.iter().map(|p| p.map(|v| v / dx)).collect();
    let mean = masses.iter().sum::<f64>() / (N * N * N) as f64;
    let cosmology = CosmologyConfig::default();
    for (kind, assignment) in [
        (AssignmentKind::Ngp, Assignment::Ngp),
        (AssignmentKind::Cic, Assignment::Cic),
        (AssignmentKind::Tsc, Assignment::Tsc),
    ] {
        let p = potential(&path, kind);
        let mut grid = vec![0.0; N * N * N];
        deposit(&mut grid, N, assignment, &cells, &masses);
        for axis in 0..3 {
            // 3.3 cells past node 0 along the axis (the grid starts at origin_mpc).
            let position = p.origin_mpc[axis] + 3.3 * dx;
            let plane = plane_density(&path, &p, &cosmology, axis, position).unwrap();
            let (a, b) = ((axis + 1) % 3, (axis + 2) % 3);
            for i in 0..N {
                for j in 0..N {
                    let node = |k: usize| {
                        let mut idx = [0; 3];
                        idx[axis] = k;
                        idx[a] = i;
                        idx[b] = j;
                        grid[(idx[0] * N + idx[1]) * N + idx[2]] / mean
                    };
                    let want = 0.7 * node(3) + 0.3 * node(4);
                    let got = plane.values[i * N + j];
                    assert!(
                        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                        "{kind:?} axis {axis} node ({i}, {j}): {got} vs {want}"
                    );
                    // The bilinear lookup returns the node values on the nodes.
                    let at = plane.at(
                        p.origin_mpc[a] + i as f64 * dx,
                        p.origin_mpc[b] + j as f64 * dx,
                    );
                    assert!((at - got).abs() <= 1e-9 * got.abs().max(1.0));
                }
            }
        }
    }
}

#[test]
fn a_uniform_lattice_has_unit_density_on_any_plane() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lattice.hdf5");
    let dx = BOX_MPC / N as f64;
    let positions: Vec<[f64; 3]> = (0..N * N * N)
        .map(|k| [k / (N * N), (k / N) % N, k % N].map(|c| (c as f64 + 0.25) * dx))
        .collect();
    write_arrays(&path, &positions, &vec![2.0; positions.len()]);
    let p = potential(&path, AssignmentKind::Cic);
    let plane = plane_density(&path, &p, &CosmologyConfig::default(), 1, 17.0).unwrap();
    for v in &plane.values {
        assert!((v - 1.0).abs() < 1e-12, "{v}");
    }
    // Between nodes too.
    assert!((plane.at(3.7, 41.2) - 1.0).abs() < 1e-12);
}
