//! The f32 node grid against the analytic lenses it samples (physics.md §6): deflections of
//! rays at b ≥ 6 Δx within 2 %, at b ≥ 12 Δx within 0.5 %, at 256³ and 512³; the null
//! condition and the conserved energy on grid rays; two lenses on one grid.

use excalibur::config::{LensConfig, PotentialMode, Precision, ProfileKind, RunConfig};
use excalibur::field::FieldCache;
use excalibur::setup::Model;
use excalibur::trace::{NoSink, RunResult};
use std::path::Path;

/// A static beam along +x through a 1000 Mpc box, past compact lenses at its centre, at impact
/// parameters of 6 and 12 cells of a `nodes`³ grid (or the same rays through the analytic field).
fn beam(nodes: usize, lenses: Vec<LensConfig>, grid: bool) -> RunResult {
    let dx = 1000.0 / nodes as f64;
    let mut c = RunConfig::default();
    c.cosmology.model = excalibur::config::CosmologyModel::Static;
    c.lenses = lenses;
    c.potential.mode = if grid {
        PotentialMode::Grid
    } else {
        PotentialMode::Analytic
    };
    c.potential.nodes = nodes;
    c.potential.precision = Precision::F32;
    c.observer.position_mpc = [20.0, 500.0, 500.0];
    c.rays.pattern = excalibur::config::PatternKind::Beam;
    c.rays.toward_mpc = [500.0, 500.0, 500.0];
    c.rays.impact_mpc = vec![6.0 * dx, 12.0 * dx];
    c.rays.n_phi = 4;
    c.integration.method = excalibur::config::MethodKind::Rk4;
    c.integration.step_mpc = 0.5;
    c.integration.stop.distance_mpc = Some(950.0);
    let model = Model::build(
        c.into_valid().unwrap(),
        Path::new("."),
        &mut FieldCache::default(),
    )
    .unwrap();
    model.trace(&model.rays, 0, &NoSink, &Default::default())
}

fn sphere(mass_msun: f64, center_mpc: [f64; 3]) -> LensConfig {
    LensConfig {
        profile: ProfileKind::UniformSphere,
        mass_msun,
        radius_mpc: 1.0,
        center_mpc,
        ..Default::default()
    }
}

/// (largest relative deflection error at 6 Δx, at 12 Δx) of the grid against the analytic field.
fn errors(nodes: usize, lenses: Vec<LensConfig>) -> (f64, f64, RunResult) {
    let grid = beam(nodes, lenses.clone(), true);
    let exact = beam(nodes, lenses, false);
    let mut worst = [0.0f64; 2];
    for (g, e) in grid.rays.iter().zip(&exact.rays) {
        let err = (g.observables.deflection_rad / e.observables.deflection_rad - 1.0).abs();
        let ring = usize::from(
            e.observables.impact_parameter_m
                > 1.5 * 6.0 * 1000.0 / nodes as f64 * excalibur::units::MPC_M,
        );
        worst[ring] = worst[ring].max(err);
    }
    (worst[0], worst[1], grid)
}

#[test]
fn an_f32_grid_gives_the_lens_deflection_at_256_and_512_nodes() {
    for nodes in [256, 512] {
        let (e6, e12, grid) = errors(nodes, vec![sphere(1e15, [500.0, 500.0, 500.0])]);
        assert!(e6 < 0.02, "{nodes}³: {e6} at 6 cells");
        assert!(e12 < 0.005, "{nodes}³: {e12} at 12 cells");
        // The null condition and the energy hold only as well as the interpolated gradient
        // matches the interpolated Φ (they are exact for a consistent field, to round-off on
        // analytic rays): the drift is ~ |Φ|/c² (1e-5 here) times the interpolation's relative
        // inconsistency (≲ 1e-2 several cells from the lens), so ≲ 1e-7.
        for r in &grid.rays {
            assert!(
                r.observables.null_error_max < 1e-7,
                "{}",
                r.observables.null_error_max
            );
            assert!(
                r.observables.energy_drift < 1e-7,
                "{}",
                r.observables.energy_drift
            );
        }
    }
}

#[test]
fn two_lenses_on_one_grid_deflect_as_their_sum() {
    let lenses = vec![
        sphere(6e14, [500.0, 500.0, 500.0]),
        sphere(4e14, [520.0, 500.0, 500.0]),
    ];
    let (e6, e12, _) = errors(256, lenses);
    assert!(e6 < 0.02 && e12 < 0.005, "{e6} {e12}");
}

/// The grid build sums lenses row by row in SIMD registers (`potential/build.rs`); every node
/// must still hold exactly what the lens sum at its position gives, in f64 and rounded to f32,
/// for every profile, with the lenses summed in the same order.
#[test]
fn every_node_holds_the_exact_lens_sum_whatever_the_build_vectorises() {
    use excalibur::lens::{Lens, Profile};
    use excalibur::potential::{Grid, GridGeometry};
    use excalibur::units::{gm_from_msun, MPC_M};
    let profiles = [
        Profile::Point,
        Profile::UniformSphere {
            radius_m: 9.0 * MPC_M,
        },
        Profile::Plummer {
            scale_m: 4.0 * MPC_M,
        },
        Profile::Nfw {
            radius_m: 30.0 * MPC_M,
            concentration: 5.0,
        },
        Profile::Sis {
            radius_m: 20.0 * MPC_M,
            ellipticity: 0.2,
        },
    ];
    let lenses: Vec<Lens> = profiles
        .iter()
        .enumerate()
        .map(|(n, p)| Lens {
            profile: *p,
            gm: gm_from_msun(1e14 * (n + 1) as f64),
            // Off the nodes, so that no r is zero.
            center_m: [40.3 + 7.1 * n as f64, 50.7, 33.9].map(|c| c * MPC_M),
            core_radius_m: 0.0,
        })
        .collect();
    // 37 nodes along a row: full SIMD blocks and a remainder.
    let geometry = GridGeometry {
        nodes: [9, 11, 37],
        spacing_m: 2.5 * MPC_M,
        origin_m: [30.0 * MPC_M, 40.0 * MPC_M, 10.0 * MPC_M],
    };
    let g64 = Grid::<f64>::from_lenses(geometry, &lenses).unwrap();
    let g32 = Grid::<f32>::from_lenses(geometry, &lenses).unwrap();
    let (v64, v32) = (g64.node_values(), g32.node_values());
    for ((i, j, k, c), v) in v64.indexed_iter() {
        let x = geometry.node_position(i, j, k);
        let mut sum = [0.0; 4];
        for lens in &lenses {
            let (p, g) = lens.phi_and_gradient(x);
            sum[0] += p;
            (0..3).for_each(|a| sum[1 + a] += g[a]);
        }
        assert_eq!(
            v.to_bits(),
            sum[c].to_bits(),
            "node {:?} value {c}",
            (i, j, k)
        );
        assert_eq!(v32[(i, j, k, c)].to_bits(), (sum[c] as f32).to_bits());
    }
}

/// An edit of a lens rebuilds the grid in the memory of the grid it replaces when nothing else
/// holds that one (`FieldCache`, `Grid::from_lenses_into`), and the values are those of a grid
/// built afresh; a grid of another size gets memory of its own.
#[test]
fn a_rebuilt_grid_of_the_same_size_reuses_the_old_memory_and_matches_a_fresh_build() {
    use excalibur::field::FieldData;
    let config = |mass_msun: f64, nodes: usize| {
        let mut c = RunConfig {
            lenses: vec![sphere(mass_msun, [500.0, 500.0, 500.0])],
            ..Default::default()
        };
        c.potential.mode = PotentialMode::Grid;
        c.potential.nodes = nodes;
        c.potential.precision = Precision::F32;
        c.into_valid().unwrap()
    };
    let field = |cache: &mut FieldCache, mass_msun: f64, nodes: usize| {
        let c = config(mass_msun, nodes);
        Model::build(c, Path::new("."), cache).unwrap().field
    };
    let grid = |f: &FieldData| match f {
        FieldData::GridF32(g) => (g.storage_address(), g.node_values()),
        _ => panic!("an f32 grid was asked for"),
    };
    let mut cache = FieldCache::default();
    let first = grid(&field(&mut cache, 1e15, 40)).0;
    let (again, values) = grid(&field(&mut cache, 3e15, 40));
    assert_eq!(
        again, first,
        "the rebuild did not reuse the old grid's memory"
    );
    let (_, fresh) = grid(&field(&mut FieldCache::default(), 3e15, 40));
    assert!(values
        .iter()
        .zip(&fresh)
        .all(|(a, b)| a.to_bits() == b.to_bits()));
    // Held elsewhere (as the window holds the field it shows), the old grid is left alone.
    let held = field(&mut cache, 5e15, 40);
    let (other, _) = grid(&field(&mut cache, 7e15, 40));
    assert_ne!(other, grid(&held).0);
    assert_eq!(
        grid(&field(&mut cache, 7e15, 48)).1.shape(),
        &[48, 48, 48, 4]
    );
}
