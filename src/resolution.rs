//! Is the grid fine enough for these rays? A trilinear grid gives a lens's deflection only
//! where the ray stays several cells away from its centre (physics.md §6: b < 5 Δx is flagged;
//! a Born estimate puts the default scene's inner rings 6–63 % low there). These warnings name
//! the lens, how many rays, and the `potential.nodes` that would fix it.

use crate::setup::Model;
use crate::units::{add, dot, norm, scale, sub, MPC_M};

/// A ray's unlensed line must pass at least this many grid cells from a lens centre.
pub const RESOLVED_CELLS: f64 = 5.0;

/// Node counts above this are not suggested (memory); analytic mode is.
const MAX_SUGGESTED_NODES: usize = 2048;

/// One warning per lens that some rays pass within [`RESOLVED_CELLS`] cells of (none for
/// analytic fields).
pub fn resolution_warnings(model: &Model) -> Vec<String> {
    let Some(grid) = model.field.grid_geometry() else {
        return vec![];
    };
    let mut out: Vec<String> = repetition_warning(model).into_iter().collect();
    let dx = grid.spacing_m;
    // The whole grid's edge (a file read in part holds fewer nodes).
    let size_m = dx * model.config.potential.nodes as f64;
    let observer_m = model.config.observer.position_mpc.map(|c| c * MPC_M);
    for (i, lens) in model.lenses.iter().enumerate() {
        // Impact parameters of the rays' unlensed lines, for rays heading toward the lens.
        let close: Vec<f64> = model
            .rays
            .iter()
            .filter_map(|r| {
                let c = sub(lens.center_m, add(observer_m, r.offset_m));
                let along = dot(c, r.direction);
                (along > 0.0).then(|| norm(sub(c, scale(r.direction, along))))
            })
            .filter(|b| *b < RESOLVED_CELLS * dx)
            .collect();
        if close.is_empty() {
            continue;
        }
        // A ray through the very centre is undeflected by symmetry; the others set the need.
        let b_min = close
            .iter()
            .copied()
            .filter(|b| *b > 1e-6 * dx)
            .fold(f64::INFINITY, f64::min);
        let nodes_needed = (size_m * RESOLVED_CELLS / b_min).ceil();
        // Only central rays close (b_min infinite, nodes_needed 0): no node count helps them.
        let fix = if nodes_needed >= 1.0
            && nodes_needed.is_finite()
            && (nodes_needed as usize) <= MAX_SUGGESTED_NODES
        {
            format!(
                "set potential.nodes to at least {} (or potential.mode = \"analytic\")",
                nodes_needed as usize
            )
        } else {
            "set potential.mode = \"analytic\"".to_string()
        };
        out.push(format!(
            "lens {i}: {} of {} rays pass within {RESOLVED_CELLS} grid cells (Δx = {:.3} Mpc) of its \
             centre, where the grid's deflection is inaccurate; {fix}",
            close.len(),
            model.rays.len(),
            dx / MPC_M
        ));
    }
    out
}

/// With `potential.particles.replicate`, a ray whose path spans more than the box along an
/// axis passes the same structures again in the box's periodic copy: said once, with the
/// longest span, so that users know their light cone repeats. The path is the stop's
/// ([`crate::reach::path_length_m`]); none is said when the stop sets none.
pub fn repetition_warning(model: &Model) -> Option<String> {
    let p = &model.config.potential;
    let replicated = p.mode == crate::config::PotentialMode::Particles
        && p.particles.as_ref().is_some_and(|s| s.replicate);
    let grid = model.field.grid_geometry().filter(|_| replicated)?;
    let box_m = grid.spacing_m * grid.nodes[0] as f64;
    let stop = &model.integration.stop;
    let path_m = crate::reach::path_length_m(stop, &model.background)?;
    let span_m = model
        .rays
        .iter()
        .map(|r| path_m * r.direction.iter().fold(0.0f64, |m, d| m.max(d.abs())))
        .fold(0.0f64, f64::max);
    (span_m > box_m).then(|| {
        format!(
            "rays span up to {:.1} Mpc along an axis of the {:.1} Mpc box: with \
             potential.particles.replicate they pass the same structures again in its periodic \
             copies ({:.2} boxes)",
            span_m / MPC_M,
            box_m / MPC_M,
            span_m / box_m
        )
    })
}

/// The rays of `result` that ended by leaving the part of a `potential.file` a run read
/// (`Model::build_run`) while still inside the file: their bending took them more than the
/// margin off the straight lines the part was cut to. 0 when the whole field is held.
pub fn exits_from_part_read(model: &Model, result: &crate::trace::RunResult) -> usize {
    let Ok(Some(file)) = crate::field::file_geometry(&model.config.potential) else {
        return 0;
    };
    if model.field.grid_geometry() == Some(file) {
        return 0;
    }
    let observer_m = model.config.observer.position_mpc.map(|c| c * MPC_M);
    let dx = file.spacing_m;
    result
        .rays
        .iter()
        .filter(|r| r.end() == crate::integrate::EndReason::LeftGrid)
        .filter(|r| {
            let s = r.outcome.final_state;
            // More than a cell inside every face of the file: the face it left by was one
            // of the part's.
            (0..3).all(|a| {
                let rel = (observer_m[a] + s[1 + a] - file.origin_m[a]) / dx;
                rel > 1.0 && rel < (file.nodes[a] - 1) as f64 - 1.0
            })
        })
        .count()
}

/// The warning for `count` rays that left the part of the file read (none for 0).
pub fn part_read_warning(count: usize) -> Option<String> {
    (count > 0).then(|| {
        format!(
            "{count} rays left the part of potential.file this run read (the box of its rays' \
             straight lines plus {} cells) while still inside the file: they bend more than that \
             margin, and their left_grid ends are the part's edge, not the file's",
            crate::field::REACH_MARGIN_CELLS
        )
    })
}
