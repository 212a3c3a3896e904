//! Files larger than one node (interface.md §6): a `potential.file` run reads only the nodes
//! its rays can reach. A shard's grid holds the whole file's Φ and gradient at the same nodes,
//! bit for bit, its rays trace as through the whole file, and the part it holds is the box of
//! its rays' straight lines plus two cells, worked out here from the rays themselves.

use excalibur::config::RunConfig;
use excalibur::field::{FieldCache, FieldData};
use excalibur::potential::{Grid, GridGeometry, NodeRegion};
use excalibur::setup::Model;
use excalibur::trace::NoSink;
use excalibur::units::MPC_M;
use ndarray::{s, Array3, Array4};
use std::path::Path;

const NODES: usize = 64;
const SIZE_MPC: f64 = 1000.0;

/// A narrow cone along +z from the middle of the box's lower face, through a lens at z = 300
/// Mpc, stopped at 600 Mpc: its shards reach a few per cent of the box.
fn config() -> RunConfig {
    let text = format!(
        r#"
[[lenses]]
profile = "uniform_sphere"
mass_msun = 1.0e15
radius_mpc = 40.0
center_mpc = [503.0, 497.0, 300.0]
[potential]
mode = "grid"
nodes = {NODES}
size_mpc = {SIZE_MPC}
origin_mpc = [0.0, 0.0, 0.0]
precision = "f64"
file = "phi.h5"
[observer]
position_mpc = [500.0, 500.0, 0.0]
[rays]
pattern = "cone_grid"
toward_mpc = [500.0, 500.0, 1000.0]
half_angle_deg = 2.0
n_theta = 8
n_phi = 8
[integration]
method = "dopri5"
rtol = 1e-9
[integration.stop]
distance_mpc = 600.0
"#
    );
    RunConfig::from_toml_str(&text, "slab.toml", &[])
        .unwrap()
        .config()
        .clone()
}

/// A smooth Φ with structure on every axis, written as dataset `Phi` of `dir/phi.h5`.
fn write_file(dir: &Path) -> Array3<f64> {
    let phi = Array3::from_shape_fn((NODES, NODES, NODES), |(i, j, k)| {
        let (x, y, z) = (i as f64 / 9.0, j as f64 / 7.0, k as f64 / 11.0);
        -3.0e11 * (1.0 + 0.3 * x.sin() * y.cos() + 0.2 * (z + 0.5 * x).sin())
    });
    let file = hdf5::File::create(dir.join("phi.h5")).unwrap();
    file.new_dataset_builder()
        .with_data(&phi)
        .create("Phi")
        .unwrap();
    phi
}

fn values(model: &Model) -> Array4<f64> {
    match &*model.field {
        FieldData::GridF64(g) => g.node_values(),
        _ => panic!("an f64 grid was asked for"),
    }
}

/// The nodes the test expects a run of `rays` to read: the box of the segments from the
/// launch point to 600 Mpc + |offset| along each direction, its cells and two more on each
/// side, then one layer more for the differences, all within the file.
fn expected_read(model: &Model, rays: &[excalibur::rays::Ray]) -> (NodeRegion, NodeRegion) {
    let observer = [500.0, 500.0, 0.0];
    let dx = SIZE_MPC / NODES as f64;
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for r in rays {
        let off: Vec<f64> = r.offset_m.iter().map(|o| o / MPC_M).collect();
        let len = 600.0 + off.iter().map(|o| o * o).sum::<f64>().sqrt();
        for a in 0..3 {
            let start = observer[a] + off[a];
            for x in [observer[a], start, start + len * r.direction[a]] {
                lo[a] = lo[a].min(x);
                hi[a] = hi[a].max(x);
            }
        }
    }
    let last = (NODES - 1) as f64;
    let region = NodeRegion {
        lo: lo.map(|x| ((x / dx).floor() - 2.0).clamp(0.0, last) as usize),
        hi: hi.map(|x| ((x / dx).ceil() + 2.0).clamp(0.0, last) as usize),
    };
    let read = NodeRegion {
        lo: region.lo.map(|l| l.saturating_sub(1)),
        hi: region.hi.map(|h| (h + 1).min(NODES - 1)),
    };
    assert!(model.config.potential.nodes == NODES);
    (region, read)
}

#[test]
fn a_shard_holds_the_whole_files_values_on_the_part_its_rays_reach() {
    let dir = tempfile::tempdir().unwrap();
    let phi = write_file(dir.path());
    let valid = config().into_valid().unwrap();
    let whole = Model::build(valid.clone(), dir.path(), &mut FieldCache::default()).unwrap();
    assert_eq!(whole.grid_nodes_read, (NODES as u64).pow(3));
    // The whole file's grid is the in-memory one of the same array.
    let geometry = GridGeometry::cube(NODES, SIZE_MPC * MPC_M, [0.0; 3]).unwrap();
    let whole_values = values(&whole);
    assert_eq!(
        whole_values,
        Grid::<f64>::from_potential(geometry, &phi)
            .unwrap()
            .node_values()
    );
    let shards = 4;
    let mut held = 0u64;
    for i in 0..shards {
        let shard = Model::build_run(
            valid.clone(),
            dir.path(),
            &mut FieldCache::default(),
            Some((i, shards)),
        )
        .unwrap();
        let rays = shard.shard(i, shards);
        let (region, read) = expected_read(&shard, rays);
        assert_eq!(shard.grid_nodes_read, read.node_count(), "shard {i}");
        let g = shard.field.grid_geometry().unwrap();
        assert_eq!(g.nodes, region.extent(), "shard {i}");
        // Held: the part's nodes in whole 8³ bricks, four f64 values each.
        let bricked: u64 = region
            .extent()
            .iter()
            .map(|&n| n.div_ceil(8) as u64 * 8)
            .product();
        assert_eq!(
            shard.field.memory_bytes() as u64,
            bricked * 4 * 8,
            "shard {i}"
        );
        // The shard's nodes hold the whole file's Φ and gradient, bit for bit.
        let (l, h) = (region.lo, region.hi);
        assert_eq!(
            values(&shard),
            whole_values.slice(s![l[0]..=h[0], l[1]..=h[1], l[2]..=h[2], ..]),
            "shard {i}"
        );
        held += shard.grid_nodes_read;
        // Its rays trace as through the whole file: the lookup differs only by the rounding
        // of the part's origin (one ulp of a cell fraction).
        let a = shard.trace(rays, 1, &NoSink, &Default::default());
        let b = whole.trace(rays, 1, &NoSink, &Default::default());
        for (a, b) in a.rays.iter().zip(&b.rays) {
            assert_eq!(a.end(), b.end());
            let (da, db) = (a.observables.deflection_rad, b.observables.deflection_rad);
            assert!(
                (da - db).abs() <= 1e-9 * db.abs(),
                "shard {i}: {da} vs {db}"
            );
            assert!((a.observables.redshift - b.observables.redshift).abs() < 1e-14);
        }
    }
    // Four narrow shards together read a few per cent of the file (6.1 %: each has its own
    // margin and layer).
    let fraction = held as f64 / (NODES as f64).powi(3);
    assert!(fraction < 0.1, "the shards read {fraction} of the file");
}

#[test]
fn rays_that_leave_the_part_read_inside_the_file_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path());
    let valid = config().into_valid().unwrap();
    let model = Model::build_run(valid, dir.path(), &mut FieldCache::default(), None).unwrap();
    let traced = model.trace(&model.rays, 1, &NoSink, &Default::default());
    assert_eq!(
        excalibur::resolution::exits_from_part_read(&model, &traced),
        0
    );
    // Traced further than the stop the part was cut for, every ray leaves it at z ≈ 640 Mpc,
    // deep inside the file.
    let mut further = model.integration;
    further.stop.distance_m = Some(900.0 * MPC_M);
    let traced = model.trace_with(&further, &model.rays, 1, &NoSink, &Default::default());
    let exits = excalibur::resolution::exits_from_part_read(&model, &traced);
    assert_eq!(exits, model.rays.len());
    let warning = excalibur::resolution::part_read_warning(exits).unwrap();
    assert!(
        warning.contains(&format!("{exits} rays left the part of potential.file")),
        "{warning}"
    );
}
