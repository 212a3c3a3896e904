//! The predicted Einstein radius: the point-lens formula of `observables::einstein_radius_rad`
//! (physics.md §9, with the normalisation that matches the run's potential) for the total lens
//! mass at its mass-weighted distance along the axis.

use super::sky::Sky;
use crate::config::{Metric, TimeDependenceKind};
use crate::cosmology::Background;
use crate::observables::{einstein_radius_rad, MassNormalisation};
use crate::setup::Model;
use crate::units::{dot, sub, MPC_M};

/// θ_E [rad] of the model's total lens mass seen against the source plane, or None without
/// lenses or with the lenses not between the observer and the source. Static background:
/// Euclidean distances; ΛCDM: angular-diameter distances for a fixed physical mass (Φ ∝ 1/a),
/// the comoving form for the default frozen potential.
pub fn predicted_einstein_radius(model: &Model, sky: &Sky) -> Option<f64> {
    let (gm, centre) = lens_centroid(model)?;
    einstein_angle(model, sky, gm, dot(centre, sky.axis))
}

/// θ_E [rad] of a point mass `gm` at comoving distance `chi_l_m` along the axis, with the
/// distances and mass normalisation of the run (see [`predicted_einstein_radius`]).
pub fn einstein_angle(model: &Model, sky: &Sky, gm: f64, chi_l_m: f64) -> Option<f64> {
    let normalisation = match model.config.potential.time_dependence {
        TimeDependenceKind::FixedPhysicalMass => MassNormalisation::FixedPhysical,
        TimeDependenceKind::Frozen => MassNormalisation::FrozenComoving,
    };
    // Schwarzschild runs are static whatever the cosmology section says.
    let background = match model.config.spacetime.metric {
        Metric::Schwarzschild => &Background::Static,
        Metric::PerturbedFlrw => &model.background,
    };
    einstein_radius_rad(
        gm,
        chi_l_m,
        sky.source_distance_m,
        background,
        normalisation,
    )
}

/// The lenses' total GM and their mass-weighted centre relative to the observer [m]; None
/// without mass.
pub fn lens_centroid(model: &Model) -> Option<(f64, [f64; 3])> {
    let gm: f64 = model.lenses.iter().map(|l| l.gm).sum();
    if gm <= 0.0 {
        return None;
    }
    let observer_m = model.config.observer.position_mpc.map(|c| c * MPC_M);
    let centre = std::array::from_fn(|k| {
        model
            .lenses
            .iter()
            .map(|l| l.gm * sub(l.center_m, observer_m)[k])
            .sum::<f64>()
            / gm
    });
    Some((gm, centre))
}
