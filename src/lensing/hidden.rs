//! Images of the source centre that a lens core hides. Geodesics that enter a core end there
//! (`entered_core`), so an image inside a core would vanish without a word; the thin-lens
//! equation of the same lenses (`thin.rs`) still has it. Its roots inside each core's disc are
//! reported as warnings (the JSON's `warnings`, the window's sky panel).

use super::sky::{Sky, ARCSEC};
use super::thin::ThinLens;
use crate::setup::Model;
use crate::units::{dot, sub, MPC_M};

/// Newton starts per core diameter, and iterations per start.
const STARTS: usize = 24;
const NEWTON: usize = 30;

/// One warning per thin-lens image of `beta_s` [rad] inside a lens core.
pub fn images_hidden_in_cores(model: &Model, sky: &Sky, beta_s: [f64; 2]) -> Vec<String> {
    let Ok(thin) = ThinLens::of(model, sky) else {
        return vec![];
    };
    let observer_m = model.config.observer.position_mpc.map(|c| c * MPC_M);
    let mut warnings = vec![];
    for (i, lens) in model.lenses.iter().enumerate() {
        let d = sub(lens.center_m, observer_m);
        let along = dot(d, sky.axis);
        if lens.core_radius_m <= 0.0 || along <= 0.0 {
            continue;
        }
        let centre = sky.angles_of(d);
        let radius = lens.core_radius_m / along;
        let mut roots: Vec<[f64; 2]> = vec![];
        for a in 0..STARTS {
            for b in 0..STARTS {
                let start = [
                    centre[0] + radius * (2.0 * (a as f64 + 0.5) / STARTS as f64 - 1.0),
                    centre[1] + radius * (2.0 * (b as f64 + 0.5) / STARTS as f64 - 1.0),
                ];
                let Some(root) = newton(&thin, start, beta_s, radius) else {
                    continue;
                };
                let inside = (root[0] - centre[0]).hypot(root[1] - centre[1]) < radius;
                let new = roots
                    .iter()
                    .all(|r| (r[0] - root[0]).hypot(r[1] - root[1]) > 1e-3 * radius);
                if inside && new {
                    roots.push(root);
                }
            }
        }
        for r in roots {
            warnings.push(format!(
                "lens {i}: the thin-lens equation puts an image of the source centre at ({:.2}″, {:.2}″), inside its core (radius {:.2}″), where geodesics end (entered_core); a smaller lenses.{i}.core_radius_mpc would show it",
                r[0] / ARCSEC,
                r[1] / ARCSEC,
                radius / ARCSEC
            ));
        }
    }
    warnings
}

/// Newton's method on the thin-lens map with a finite-difference Jacobian; the root, or None.
fn newton(thin: &ThinLens, mut theta: [f64; 2], beta_s: [f64; 2], scale: f64) -> Option<[f64; 2]> {
    let h = 1e-6 * scale;
    for _ in 0..NEWTON {
        let b = thin.beta(theta);
        let r = [b[0] - beta_s[0], b[1] - beta_s[1]];
        if r[0].hypot(r[1]) < 1e-9 * scale {
            return Some(theta);
        }
        let bx = thin.beta([theta[0] + h, theta[1]]);
        let by = thin.beta([theta[0], theta[1] + h]);
        let j = [
            [(bx[0] - b[0]) / h, (by[0] - b[0]) / h],
            [(bx[1] - b[1]) / h, (by[1] - b[1]) / h],
        ];
        let det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
        if det == 0.0 || !det.is_finite() {
            return None;
        }
        let step = [
            (j[1][1] * r[0] - j[0][1] * r[1]) / det,
            (-j[1][0] * r[0] + j[0][0] * r[1]) / det,
        ];
        // No flight from one start across the sky.
        let len = step[0].hypot(step[1]);
        let f = if len > scale { scale / len } else { 1.0 };
        theta = [theta[0] - f * step[0], theta[1] - f * step[1]];
    }
    None
}
