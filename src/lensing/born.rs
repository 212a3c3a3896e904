//! The Born approximation of a map's rays (physics.md §13): the reduced deflection integrated
//! along the unperturbed straight line through the same potential,
//! α(θ) = (2/c²)∫₀^{χ_s} (χ_s − χ)/χ_s · g(a(χ)) ∇⊥Φ₀(x_obs + χ n̂(θ)) dχ, β_Born = θ − α,
//! so that the Born Jacobian comes from the same bundle differences as the geodesics' and
//! "geodesic − Born" is the post-Born signal, not a difference of two derivative schemes.
//!
//! The integral is a composite Gauss–Legendre rule on panels that follow the potential: for
//! each analytic lens, panels graded geometrically (factor 2) out from the line's closest
//! approach, starting at a quarter of the impact parameter (the integrand's width); for a grid,
//! panels of one cell. The same panel edges serve the whole bundle of a pixel, so the rule's
//! error is smooth in θ and cancels in the bundle's differences.

use crate::lens::Profile;
use crate::setup::Model;
use crate::units::{dot, sub, C2};
use gauss_quad::GaussLegendre;
use std::num::NonZeroUsize;

/// Nodes per panel: a 6-point rule is exact for polynomials of degree 11.
const NODES_PER_PANEL: usize = 6;

/// Panels of the uniform background partition of [0, χ_s] (where no lens grades them).
const UNIFORM_PANELS: usize = 64;

/// Doublings of the graded panels on each side of a lens's closest approach: out to 2³⁰ impact
/// parameters, beyond any line's length.
const GRADED_PANELS: i32 = 32;

/// The Born integrator of one model.
pub struct Born<'a> {
    model: &'a Model,
    observer_m: [f64; 3],
    source_distance_m: f64,
    rule: Vec<(f64, f64)>,
}

impl<'a> Born<'a> {
    pub fn new(model: &'a Model, source_distance_m: f64) -> Born<'a> {
        let rule = GaussLegendre::new(NonZeroUsize::new(NODES_PER_PANEL).expect("non-zero"))
            .as_node_weight_pairs()
            .to_vec();
        Born {
            model,
            observer_m: model
                .config
                .observer
                .position_mpc
                .map(|v| v * crate::units::MPC_M),
            source_distance_m,
            rule,
        }
    }

    /// Panel edges in χ [m] for lines close to unit direction `d` (a pixel's bundle).
    pub fn panel_edges(&self, d: [f64; 3]) -> Vec<f64> {
        let chi_s = self.source_distance_m;
        let mut edges: Vec<f64> = (0..=UNIFORM_PANELS)
            .map(|k| chi_s * k as f64 / UNIFORM_PANELS as f64)
            .collect();
        for lens in &self.model.lenses {
            let rel = sub(lens.center_m, self.observer_m);
            let along = dot(rel, d);
            let perp = sub(rel, d.map(|v| v * along));
            // A quarter of the impact parameter, but not below a core (the line is NaN there).
            let width = (0.25 * dot(perp, perp).sqrt()).max(1e-6 * chi_s);
            edges.push(along);
            // Where the line crosses a surface at which the profile changes form (its
            // density jumps): an edge there keeps the rule's error smooth.
            let b = dot(perp, perp).sqrt();
            let surface = match lens.profile {
                Profile::UniformSphere { radius_m }
                | Profile::Nfw { radius_m, .. }
                | Profile::Sis { radius_m, .. } => Some(radius_m),
                Profile::Point | Profile::Plummer { .. } => None,
            };
            if let Some(r) = surface.filter(|r| *r > b) {
                let half = (r * r - b * b).sqrt();
                edges.extend([along - half, along + half]);
            }
            for k in 0..GRADED_PANELS {
                let step = width * 2f64.powi(k);
                edges.extend([along - step, along + step]);
            }
        }
        if let Some(g) = self.model.field.grid_geometry() {
            let cells = (chi_s / g.spacing_m).ceil() as usize;
            edges.extend((0..=cells).map(|k| k as f64 * g.spacing_m));
        }
        edges.retain(|&c| (0.0..=chi_s).contains(&c));
        edges.sort_by(f64::total_cmp);
        edges.dedup();
        edges
    }

    /// The quadrature nodes of `edges` (from [`Born::panel_edges`]) as (χ [m], weight ×
    /// lensing kernel (χ_s − χ)/χ_s × growth g(a(χ))): what does not depend on the line,
    /// computed once for the lines of a pixel's bundle (a(χ) is the costly part). `None` where
    /// the background has no a(χ).
    pub fn nodes(&self, edges: &[f64]) -> Option<Vec<(f64, f64)>> {
        let chi_s = self.source_distance_m;
        let time = &self.model.time;
        let mut nodes = Vec::with_capacity(edges.len() * self.rule.len());
        for w in edges.windows(2) {
            let (mid, half) = (0.5 * (w[0] + w[1]), 0.5 * (w[1] - w[0]));
            for &(node, weight) in &self.rule {
                let chi = mid + half * node;
                let a = self.model.background.scale_factor_at_distance_m(chi).ok()?;
                let g = time.factor(a, 0.0).0;
                nodes.push((chi, weight * half * (chi_s - chi) / chi_s * g));
            }
        }
        Some(nodes)
    }

    /// The reduced Born deflection [rad] of the line along unit `dir`, in the pixel's (right, up)
    /// axes, on `nodes` ([`Born::nodes`]); `None` where the line leaves the potential's valid
    /// region (a grid's edge) or passes within a lens core (where the geodesics end too).
    pub fn deflection(
        &self,
        dir: [f64; 3],
        right: [f64; 3],
        up: [f64; 3],
        nodes: &[(f64, f64)],
    ) -> Option<[f64; 2]> {
        for lens in &self.model.lenses {
            let rel = sub(lens.center_m, self.observer_m);
            let along = dot(rel, dir);
            let perp = sub(rel, dir.map(|v| v * along));
            if along > 0.0
                && along < self.source_distance_m
                && dot(perp, perp).sqrt() < lens.core_radius_m
            {
                return None;
            }
        }
        let mut alpha = [0.0; 2];
        for &(chi, kernel) in nodes {
            let x: [f64; 3] = std::array::from_fn(|k| self.observer_m[k] + chi * dir[k]);
            let grad = self.model.field.sample_at(x)?.gradient;
            let perp = sub(grad, dir.map(|v| v * dot(grad, dir)));
            alpha[0] += kernel * dot(perp, right);
            alpha[1] += kernel * dot(perp, up);
        }
        Some(alpha.map(|v| 2.0 * v / C2))
    }
}
