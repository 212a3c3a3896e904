//! The predicted Einstein radius: the point-lens formula with the run's distances
//! (physics.md §9), for the total lens mass at its mass-weighted distance along the axis.

use super::sky::Sky;
use crate::config::{CosmologyModel, Metric, TimeDependenceKind};
use crate::setup::Model;
use crate::units::{dot, sub, C2, C_M_S, MPC_M};

/// θ_E [rad] of the model's total lens mass seen against the source plane, or None without
/// lenses or with the lenses not between the observer and the source.
///
/// Static background: θ_E² = (4GM/c²)·D_ls/(D_l·D_s) with Euclidean distances. ΛCDM with a fixed
/// physical mass (Φ ∝ 1/a): the same with angular-diameter distances, D = aχ and
/// D_ls = a_s(χ_s − χ_l). ΛCDM with the default frozen comoving potential: rays obey the
/// comoving form (4GM/c²)·χ_ls/(χ_l·χ_s), which is the formula with M → a_l·M.
pub fn predicted_einstein_radius(model: &Model, sky: &Sky) -> Option<f64> {
    let gm: f64 = model.lenses.iter().map(|l| l.gm).sum();
    if model.lenses.is_empty() || gm <= 0.0 {
        return None;
    }
    let observer_m = model.config.observer.position_mpc.map(|c| c * MPC_M);
    let chi_l = model
        .lenses
        .iter()
        .map(|l| l.gm * dot(sub(l.center_m, observer_m), sky.axis))
        .sum::<f64>()
        / gm;
    let chi_s = sky.source_distance_m;
    if !(chi_l > 0.0 && chi_l < chi_s) {
        return None;
    }
    let comoving = 4.0 * gm / C2 * (chi_s - chi_l) / (chi_l * chi_s);
    let lcdm = model.config.spacetime.metric == Metric::PerturbedFlrw
        && model.config.cosmology.model == CosmologyModel::Lcdm;
    let fixed_mass =
        model.config.potential.time_dependence == TimeDependenceKind::FixedPhysicalMass;
    let theta2 = if lcdm && fixed_mass {
        let eta_l = model.background.eta_obs_s() - chi_l / C_M_S;
        let a_l = model.background.a_of_eta(eta_l).ok()?;
        comoving / a_l
    } else {
        comoving
    };
    Some(theta2.sqrt())
}
