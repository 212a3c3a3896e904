//! The small, copyable part of a background that the hot path needs (H0 and the density
//! parameters), and the errors of the cosmology layer.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum CosmologyError {
    #[error("cosmology.{key} = {value} is invalid: {allowed}")]
    Invalid {
        key: &'static str,
        value: f64,
        allowed: &'static str,
    },
    #[error("Ωm + Ωr + ΩΛ = {sum} but the metric has flat spatial sections: the sum must be 1 (within 1e-9)")]
    NotFlat { sum: f64 },
    #[error("conformal time {eta_s} s lies outside the tabulated range [0, {max_s}] s")]
    EtaOutOfRange { eta_s: f64, max_s: f64 },
    #[error("scale factor {a} lies outside the tabulated range [0, {max}]")]
    ScaleFactorOutOfRange { a: f64, max: f64 },
}

/// Density parameters and H0; the hot path only needs this small copyable part.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expansion {
    pub h0_per_s: f64,
    pub omega_m: f64,
    pub omega_r: f64,
    pub omega_lambda: f64,
    /// Static background: a ≡ 1, ℋ ≡ 0.
    pub is_static: bool,
}

impl Expansion {
    /// E²(a) = Ωr a⁻⁴ + Ωm a⁻³ + ΩΛ.
    pub fn e_squared(&self, a: f64) -> f64 {
        self.omega_r / (a * a * a * a) + self.omega_m / (a * a * a) + self.omega_lambda
    }

    /// ℋ = a·H(a) [s⁻¹]; zero for a static background.
    #[inline]
    pub fn conformal_hubble(&self, a: f64) -> f64 {
        if self.is_static {
            return 0.0;
        }
        // One division instead of two: this runs in every right-hand-side evaluation.
        let inv_a = 1.0 / a;
        self.h0_per_s
            * (inv_a * (self.omega_r * inv_a + self.omega_m) + self.omega_lambda * a * a).sqrt()
    }

    /// dℋ/dη = a²H0²[E² + (a/2) dE²/da] [s⁻²].
    pub fn conformal_hubble_rate(&self, a: f64) -> f64 {
        if self.is_static {
            return 0.0;
        }
        let de2_da = -4.0 * self.omega_r / a.powi(5) - 3.0 * self.omega_m / a.powi(4);
        a * a * self.h0_per_s * self.h0_per_s * (self.e_squared(a) + 0.5 * a * de2_da)
    }

    /// da/dη = a²H(a) = a·ℋ.
    pub fn da_deta(&self, a: f64) -> f64 {
        a * self.conformal_hubble(a)
    }
}
