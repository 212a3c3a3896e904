//! The periodic grid of a particle solve (`Grid::from_periodic_nodes`, interface.md §6
//! `replicate`): its last cell, between node N − 1 and node 0, interpolates like any other; with `wrap` a lookup anywhere equals the lookup of the same point moved back into the
//! box by whole boxes; without, the box ends at its edge.

use excalibur::potential::{Field, Grid};
use std::f64::consts::PI;

const N: usize = 16;
const BOX_M: f64 = 3.2e24;
const ORIGIN_M: [f64; 3] = [-1.0e24, 0.5e24, 2.0e24];

/// One periodic plane wave per axis: Φ and its exact gradient at node (i, j, k).
fn wave([i, j, k]: [usize; 3]) -> [f64; 4] {
    let t = |n: usize, m: f64| 2.0 * PI * m * n as f64 / N as f64;
    let (x, y, z) = (t(i, 1.0), t(j, 2.0), t(k, 3.0));
    let kk = 2.0 * PI / BOX_M;
    [
        x.cos() + y.sin() + z.cos(),
        -kk * x.sin(),
        2.0 * kk * y.cos(),
        -3.0 * kk * z.sin(),
    ]
}

fn grid(wrap: bool) -> Grid<f64> {
    Grid::from_periodic_nodes(N, BOX_M, ORIGIN_M, wrap, wave).expect("grid")
}

#[test]
fn the_last_cell_joins_node_n_minus_1_to_node_0() {
    let g = grid(false);
    assert_eq!(g.geometry.nodes, [N; 3]);
    let dx = BOX_M / N as f64;
    // Half way along x between node N − 1 and node 0, at node 3 in y and 5 in z.
    let x = [
        ORIGIN_M[0] + (N as f64 - 0.5) * dx,
        ORIGIN_M[1] + 3.0 * dx,
        ORIGIN_M[2] + 5.0 * dx,
    ];
    let s = g.sample(x).expect("the last cell is inside the box");
    let want = 0.5 * (wave([N - 1, 3, 5])[0] + wave([0, 3, 5])[0]);
    assert!((s.phi - want).abs() < 1e-12, "{} vs {want}", s.phi);
    // Without wrap the box ends at its edge.
    let beyond = [ORIGIN_M[0] + BOX_M * 1.001, x[1], x[2]];
    assert!(g.sample(beyond).is_none());
    assert!(!g.wraps());
}

#[test]
fn a_wrapped_lookup_equals_the_lookup_in_the_box() {
    let g = grid(true);
    assert!(g.wraps());
    let mut worst = 0.0f64;
    for p in 0..200 {
        // Points spread over the box (a fixed low-discrepancy sequence).
        let u = [0.618_034, 0.414_214, 0.732_051].map(|c: f64| (c * (p + 1) as f64).fract());
        let inside = [0, 1, 2].map(|a| ORIGIN_M[a] + u[a] * BOX_M);
        let base = g.sample(inside).expect("inside");
        for shift in [[1.0, 0.0, 0.0], [-2.0, 3.0, -1.0], [5.0, -7.0, 11.0]] {
            let moved = [0, 1, 2].map(|a| inside[a] + shift[a] * BOX_M);
            let s = g.sample(moved).expect("a wrapped grid has no outside");
            worst = worst.max((s.phi - base.phi).abs());
            for a in 0..3 {
                let scale = 2.0 * PI / BOX_M * 3.0;
                assert!((s.gradient[a] - base.gradient[a]).abs() < 1e-9 * scale);
            }
        }
    }
    // Moving by whole boxes changes the cell coordinate only by rounding (~1e-15 of N).
    assert!(worst < 1e-9, "{worst}");
    assert!(g.sample([f64::NAN, 0.0, 0.0]).is_none());
    assert!(g.sample([f64::INFINITY, 0.0, 0.0]).is_none());
}
