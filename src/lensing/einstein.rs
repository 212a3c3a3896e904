//! The predicted Einstein radius: the point-lens formula of `observables::einstein_radius_rad`
//! (physics.md §9, with the normalisation that matches the run's potential) for the total lens
//! mass at its mass-weighted distance along the axis, and for a single lens of a profile with a
//! closed projected mass the radius where the mean convergence inside is 1: θ² = θ_pm²·f(χθ),
//! f = M₂D(< b)/M (a SIS gives 4πσ²/c²·D_ls/D_s, a sphere or Plummer sphere its own ring or
//! none when it is subcritical).

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

/// How the prediction was made, for its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EinsteinBasis {
    /// The lens's own profile (one lens with a closed projected mass).
    Profile,
    /// The point-mass value of the lenses' total mass (several lenses, NFW, elliptical SIS).
    PointMass,
}

impl EinsteinBasis {
    pub fn label(self) -> &'static str {
        match self {
            EinsteinBasis::Profile => "profile",
            EinsteinBasis::PointMass => "point mass of the same mass",
        }
    }
}

/// θ_E [rad] from the lens's own profile where one lens has a closed projected mass (None
/// inside when it makes no ring), else the point-mass value; with its basis.
pub fn predicted_einstein_radius_of_profile(
    model: &Model,
    sky: &Sky,
) -> (Option<f64>, EinsteinBasis) {
    let point = predicted_einstein_radius(model, sky);
    let [lens] = model.lenses.as_slice() else {
        return (point, EinsteinBasis::PointMass);
    };
    let observer_m = model.config.observer.position_mpc.map(|c| c * MPC_M);
    let chi = dot(sub(lens.center_m, observer_m), sky.axis);
    let (Some(theta_pm), Some(_)) = (point, lens.projected_mass_fraction(chi.abs())) else {
        return (point, EinsteinBasis::PointMass);
    };
    // projected_mass_fraction is Some for every b once it is for one (it depends on the profile
    // only), so the unwrap_or never applies.
    let g =
        |t: f64| t * t - theta_pm * theta_pm * lens.projected_mass_fraction(chi * t).unwrap_or(1.0);
    // The outermost root: scan down from θ_pm (g ≥ 0 there) for the first sign change, then
    // bisect; none when g stays ≥ 0 (a subcritical lens makes no ring).
    let mut hi = theta_pm;
    let mut lo = None;
    for k in 1..=400 {
        let t = theta_pm * 0.97f64.powi(k);
        if g(t) < 0.0 {
            lo = Some(t);
            break;
        }
        hi = t;
    }
    let Some(mut lo) = lo else {
        return (None, EinsteinBasis::Profile);
    };
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if g(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (Some(0.5 * (lo + hi)), EinsteinBasis::Profile)
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
