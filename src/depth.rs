//! Is the summed potential of many lenses within the weak field at a point? Decided for each of
//! n lenses in O(n log n) instead of the O(n²) of summing every pair, so a halo catalogue of
//! 10⁵ `[[lenses]]` validates in about a second.
//!
//! Every profile's potential is negative, so |Σ Φ_j| = Σ |Φ_j|, and every profile obeys
//! |Φ_j(r)| ≤ GM_j'/r at all r up to the largest distance D between two points asked about
//! (|Φ|·r grows with r: to GM at the edge of a point, sphere, Plummer or SIS mass; for NFW, whose
//! mass grows as ln r, to GM·ln(1 + D/r_s)/m(c) = GM_j' at D; a pseudo-elliptical SIS gains
//! 1/√(1 − ε) because its m ≥ √(1 − ε)·r). A group of lenses whose centres lie in a box at
//! distance d from the point therefore adds at most Σ GM_j'/d. A k-d tree of boxes gives an upper
//! bound from far boxes and the exact sum from near ones; only when that bound passes the limit
//! is the point summed exactly over all lenses, so the answer is the exact sum's.

use crate::lens::{Lens, Profile};
use crate::units::{dot, sub, C2};

/// Lenses per leaf of the tree, summed exactly when a leaf is near.
const LEAF: usize = 8;

/// A box is far, and bounded by its mass over its distance, beyond this many box sizes.
const OPENING: f64 = 1.0;

struct Node {
    lo: [f64; 3],
    hi: [f64; 3],
    /// Σ GM_j' of the box's lenses [m³/s²].
    gm_bound: f64,
    /// The box's lenses: `order[start..end]`.
    start: usize,
    end: usize,
    /// Child nodes (none for a leaf).
    children: Option<[usize; 2]>,
}

/// A tree over a lens list for bounding Σ|Φ_j|/c² at points within `reach_m` of every centre.
pub struct DepthTree<'a> {
    lenses: &'a [Lens],
    order: Vec<usize>,
    bounds: Vec<f64>,
    nodes: Vec<Node>,
}

impl<'a> DepthTree<'a> {
    /// Builds the tree for points no farther than `reach_m` from any lens centre plus the span
    /// of the centres themselves (the NFW bound holds up to that distance).
    pub fn new(lenses: &'a [Lens], reach_m: f64) -> DepthTree<'a> {
        let (lo, hi) = bounding_box(lenses, &(0..lenses.len()).collect::<Vec<_>>());
        let span = dot(sub(hi, lo), sub(hi, lo)).sqrt() + reach_m;
        let bounds = lenses.iter().map(|l| gm_bound(l, span)).collect();
        let mut tree = DepthTree {
            lenses,
            order: (0..lenses.len()).collect(),
            bounds,
            nodes: Vec::new(),
        };
        if !lenses.is_empty() {
            tree.build(0, lenses.len());
        }
        tree
    }

    fn build(&mut self, start: usize, end: usize) -> usize {
        let (lo, hi) = bounding_box(self.lenses, &self.order[start..end]);
        let gm_bound = self.order[start..end].iter().map(|&j| self.bounds[j]).sum();
        let id = self.nodes.len();
        self.nodes.push(Node {
            lo,
            hi,
            gm_bound,
            start,
            end,
            children: None,
        });
        if end - start > LEAF {
            let axis = (0..3)
                .max_by(|&a, &b| (hi[a] - lo[a]).total_cmp(&(hi[b] - lo[b])))
                .unwrap_or(0);
            let mid = start + (end - start) / 2;
            let lenses = self.lenses;
            self.order[start..end].select_nth_unstable_by(mid - start, |&a, &b| {
                lenses[a].center_m[axis].total_cmp(&lenses[b].center_m[axis])
            });
            let left = self.build(start, mid);
            let right = self.build(mid, end);
            self.nodes[id].children = Some([left, right]);
        }
        id
    }

    /// An upper bound on Σ|Φ_j(x)|/c² that is exact for the near lenses.
    pub fn bound_over_c2(&self, x: [f64; 3]) -> f64 {
        let mut total = 0.0;
        let mut stack = vec![0usize];
        while let Some(n) = stack.pop() {
            let Some(node) = self.nodes.get(n) else {
                continue;
            };
            let d = distance_to_box(x, node.lo, node.hi);
            let size = (0..3).map(|a| node.hi[a] - node.lo[a]).fold(0.0, f64::max);
            if d > OPENING * size && d > 0.0 {
                total += node.gm_bound / d;
            } else if let Some(children) = node.children {
                stack.extend(children);
            } else {
                total += self.order[node.start..node.end]
                    .iter()
                    .map(|&j| self.lenses[j].phi_and_gradient(x).0.abs())
                    .sum::<f64>();
            }
        }
        total / C2
    }

    /// Σ|Φ_j(x)|/c² when it exceeds `limit` (summed exactly), else None.
    pub fn exceeds(&self, x: [f64; 3], limit: f64) -> Option<f64> {
        if self.bound_over_c2(x) <= limit {
            return None;
        }
        let exact = exact_over_c2(self.lenses, x);
        (exact > limit).then_some(exact)
    }
}

/// Σ|Φ_j(x)|/c² over every lens (O(n)).
pub fn exact_over_c2(lenses: &[Lens], x: [f64; 3]) -> f64 {
    lenses
        .iter()
        .map(|l| l.phi_and_gradient(x).0)
        .sum::<f64>()
        .abs()
        / C2
}

/// GM' with |Φ(r)| ≤ GM'/r for every r ≤ `span_m` (see the module's doc).
fn gm_bound(l: &Lens, span_m: f64) -> f64 {
    match l.profile {
        Profile::Point | Profile::UniformSphere { .. } | Profile::Plummer { .. } => l.gm,
        Profile::Sis { ellipticity, .. } => l.gm / (1.0 - ellipticity.abs()).sqrt(),
        Profile::Nfw {
            radius_m,
            concentration,
        } => {
            let rs = radius_m / concentration;
            let m_c = (1.0 + concentration).ln() - concentration / (1.0 + concentration);
            l.gm * (1.0 + span_m.max(radius_m) / rs).ln() / m_c
        }
    }
}

fn bounding_box(lenses: &[Lens], which: &[usize]) -> ([f64; 3], [f64; 3]) {
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for &j in which {
        for a in 0..3 {
            lo[a] = lo[a].min(lenses[j].center_m[a]);
            hi[a] = hi[a].max(lenses[j].center_m[a]);
        }
    }
    (lo, hi)
}

fn distance_to_box(x: [f64; 3], lo: [f64; 3], hi: [f64; 3]) -> f64 {
    let d: [f64; 3] = std::array::from_fn(|a| (lo[a] - x[a]).max(x[a] - hi[a]).max(0.0));
    dot(d, d).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{gm_from_msun, MPC_M};
    use rand::{Rng, SeedableRng};

    fn lens(profile: Profile, msun: f64, at_mpc: [f64; 3]) -> Lens {
        Lens {
            profile,
            gm: gm_from_msun(msun),
            center_m: at_mpc.map(|c| c * MPC_M),
            core_radius_m: 0.0,
        }
    }

    #[test]
    fn the_bound_is_never_below_the_exact_sum_and_close_to_it_far_away() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let r = 2.0 * MPC_M;
        let profiles = [
            Profile::Point,
            Profile::UniformSphere { radius_m: r },
            Profile::Plummer { scale_m: r },
            Profile::Nfw {
                radius_m: r,
                concentration: 5.0,
            },
            Profile::Sis {
                radius_m: r,
                ellipticity: 0.3,
            },
        ];
        let lenses: Vec<Lens> = (0..3000)
            .map(|k| {
                let at = [(); 3].map(|_| rng.random_range(0.0..500.0));
                lens(profiles[k % profiles.len()], 1e11, at)
            })
            .collect();
        let tree = DepthTree::new(&lenses, 10.0 * MPC_M);
        for l in lenses.iter().take(200) {
            let x = [l.center_m[0] + 0.5 * MPC_M, l.center_m[1], l.center_m[2]];
            let (bound, exact) = (tree.bound_over_c2(x), exact_over_c2(&lenses, x));
            assert!(bound >= exact * (1.0 - 1e-12), "{bound} < {exact}");
            assert!(bound < 2.0 * exact, "{bound} vs {exact}");
        }
    }

    #[test]
    fn a_point_over_the_limit_is_found_and_summed_exactly() {
        let lenses = vec![
            lens(Profile::Point, 1e15, [0.0; 3]),
            lens(Profile::Point, 1e15, [0.05, 0.0, 0.0]),
            lens(Profile::Point, 1e10, [300.0, 0.0, 0.0]),
        ];
        let tree = DepthTree::new(&lenses, MPC_M);
        let x = [0.025 * MPC_M, 0.0, 0.0];
        let got = tree.exceeds(x, 1e-3).unwrap();
        assert_eq!(got, exact_over_c2(&lenses, x));
        assert!(tree.exceeds([150.0 * MPC_M, 0.0, 0.0], 1e-3).is_none());
    }
}
