//! Zero contours of a field sampled at pixel centres (marching squares), joined into polylines:
//! the critical curves det A = 0. Squares with a NaN corner (a ray that ended in a lens core or
//! left the grid) are skipped, so no curve is drawn around a core.

use std::collections::HashMap;

/// A point of a contour, in lattice coordinates (column, row).
pub type LatticePoint = [f64; 2];

/// An edge of the sampling lattice between two neighbouring samples: (column, row, vertical).
type EdgeId = (usize, usize, bool);

/// The zero contours of `f` (row-major, `n`×`n`), as polylines in lattice coordinates; a closed
/// curve repeats its first point at the end.
pub fn zero_contours(f: &[f64], n: usize) -> Vec<Vec<LatticePoint>> {
    let at = |i: usize, j: usize| f[j * n + i];
    // The crossing on an edge, by linear interpolation.
    let point = |e: EdgeId| -> LatticePoint {
        let (i, j, vertical) = e;
        let (a, b, end) = if vertical {
            (at(i, j), at(i, j + 1), [i as f64, j as f64 + 1.0])
        } else {
            (at(i, j), at(i + 1, j), [i as f64 + 1.0, j as f64])
        };
        let t = a / (a - b);
        let start = [i as f64, j as f64];
        [
            start[0] + t * (end[0] - start[0]),
            start[1] + t * (end[1] - start[1]),
        ]
    };
    let mut segments: Vec<(EdgeId, EdgeId)> = vec![];
    for j in 0..n.saturating_sub(1) {
        for i in 0..n.saturating_sub(1) {
            let v = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
            if v.iter().any(|x| !x.is_finite()) {
                continue;
            }
            // Edges in order top, right, bottom, left.
            let edges: [EdgeId; 4] = [
                (i, j, false),
                (i + 1, j, true),
                (i, j + 1, false),
                (i, j, true),
            ];
            let crosses: Vec<usize> = (0..4)
                .filter(|&k| (v[k] > 0.0) != (v[(k + 1) % 4] > 0.0))
                .collect();
            match crosses.len() {
                2 => segments.push((edges[crosses[0]], edges[crosses[1]])),
                4 => {
                    // A saddle: pair the edges so that the centre's sign separates them.
                    let centre = 0.25 * v.iter().sum::<f64>();
                    if (centre > 0.0) == (v[0] > 0.0) {
                        segments.push((edges[0], edges[1]));
                        segments.push((edges[2], edges[3]));
                    } else {
                        segments.push((edges[3], edges[0]));
                        segments.push((edges[1], edges[2]));
                    }
                }
                _ => {}
            }
        }
    }
    chain(segments)
        .into_iter()
        .map(|c| c.into_iter().map(point).collect())
        .collect()
}

/// Joins segments that share edges into chains (closed chains end on their first edge).
fn chain(segments: Vec<(EdgeId, EdgeId)>) -> Vec<Vec<EdgeId>> {
    let mut by_edge: HashMap<EdgeId, Vec<usize>> = HashMap::new();
    for (k, (a, b)) in segments.iter().enumerate() {
        by_edge.entry(*a).or_default().push(k);
        by_edge.entry(*b).or_default().push(k);
    }
    let mut used = vec![false; segments.len()];
    let mut chains = vec![];
    let next = |edge: EdgeId, used: &[bool]| -> Option<usize> {
        by_edge[&edge].iter().copied().find(|k| !used[*k])
    };
    for start in 0..segments.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let (a, b) = segments[start];
        let mut forward = vec![a, b];
        while let Some(k) = next(*forward.last().unwrap_or(&a), &used) {
            used[k] = true;
            let (p, q) = segments[k];
            let last = *forward.last().unwrap_or(&a);
            forward.push(if p == last { q } else { p });
        }
        if forward.first() != forward.last() {
            // Open so far: extend backwards from the start.
            let mut backward = vec![];
            let mut edge = a;
            while let Some(k) = next(edge, &used) {
                used[k] = true;
                let (p, q) = segments[k];
                edge = if p == edge { q } else { p };
                backward.push(edge);
            }
            backward.reverse();
            backward.extend(forward);
            forward = backward;
        }
        chains.push(forward);
    }
    chains
}

/// Whether a polyline ends where it starts.
pub fn is_closed(curve: &[LatticePoint]) -> bool {
    curve.len() > 3 && curve.first() == curve.last()
}

/// Whether `p` lies inside the closed polyline `curve` (even-odd rule).
pub fn encloses(curve: &[LatticePoint], p: LatticePoint) -> bool {
    let mut inside = false;
    for w in curve.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
            if p[0] < x {
                inside = !inside;
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    /// f = r² − R² on a 64² lattice: one closed contour, all its points at radius R.
    #[test]
    fn a_circle_is_one_closed_contour_at_its_radius() {
        let n = 64;
        let (cx, cy, r) = (31.3, 30.8, 17.0);
        let f: Vec<f64> = (0..n * n)
            .map(|k| {
                let (i, j) = ((k % n) as f64, (k / n) as f64);
                (i - cx).hypot(j - cy) - r
            })
            .collect();
        let curves = zero_contours(&f, n);
        assert_eq!(curves.len(), 1);
        let c = &curves[0];
        assert!(is_closed(c));
        for p in c {
            assert!(((p[0] - cx).hypot(p[1] - cy) - r).abs() < 0.02, "{p:?}");
        }
        assert!(encloses(c, [cx, cy]));
        assert!(!encloses(c, [1.0, 1.0]));
    }

    /// Two separate circles give two contours; NaN samples cut no contour around them.
    #[test]
    fn separate_zeros_give_separate_curves_and_nan_regions_none() {
        let n = 80;
        let f: Vec<f64> = (0..n * n)
            .map(|k| {
                let (i, j) = ((k % n) as f64, (k / n) as f64);
                let d1 = (i - 20.0).hypot(j - 40.0);
                let d2 = (i - 60.0).hypot(j - 40.0);
                if d1 < 3.0 {
                    f64::NAN
                } else {
                    d1.min(d2) - 10.0
                }
            })
            .collect();
        let curves = zero_contours(&f, n);
        assert_eq!(curves.len(), 2);
        assert!(curves.iter().all(|c| is_closed(c)));
    }
}
