//! The background a run uses: flat ΛCDM with its η table, or static (a ≡ 1).

use super::expansion::{CosmologyError, Expansion};
use super::lcdm::Lcdm;

/// The background: ΛCDM with its η table, or static.
#[derive(Debug, Clone)]
pub enum Background {
    Lcdm(Lcdm),
    Static,
}

impl Background {
    pub fn expansion(&self) -> Expansion {
        match self {
            Background::Lcdm(l) => l.expansion,
            Background::Static => Expansion {
                h0_per_s: 0.0,
                omega_m: 0.0,
                omega_r: 0.0,
                omega_lambda: 0.0,
                is_static: true,
            },
        }
    }

    /// η at the observer: η(a = 1) for ΛCDM, 0 by convention for the static background.
    pub fn eta_obs_s(&self) -> f64 {
        match self {
            Background::Lcdm(l) => l.eta0_s(),
            Background::Static => 0.0,
        }
    }

    pub fn a_of_eta(&self, eta_s: f64) -> Result<f64, CosmologyError> {
        match self {
            Background::Lcdm(l) => l.a_of_eta(eta_s),
            Background::Static => Ok(1.0),
        }
    }

    /// The background's scale factor on the observer's past light cone at comoving distance
    /// `chi_m` [m]: a(η_obs − χ/c) (1 for the static background).
    pub fn scale_factor_at_distance_m(&self, chi_m: f64) -> Result<f64, CosmologyError> {
        self.a_of_eta(self.eta_obs_s() - chi_m / crate::units::C_M_S)
    }
}
