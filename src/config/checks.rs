//! The checks of single keys: positive values in range, finite vectors (the walk over every
//! float is `finite.rs`).

use super::error::{err as bad, ConfigError};

/// A point [Mpc]: three finite components within 1e6 Mpc (a hundred horizons) of the origin.
pub(super) fn finite3(key: &str, v: [f64; 3]) -> Result<(), ConfigError> {
    if v.iter().all(|x| x.is_finite() && x.abs() <= 1e6) {
        Ok(())
    } else {
        Err(bad(
            key,
            format!(
                "{v:?} is not allowed: all three components must be finite and within 1e6 (Mpc)"
            ),
        ))
    }
}

/// A finite number in (0, `max`]: every length, mass and count of the config has a physical
/// upper end (e.g. 1e20 M☉ is beyond any bound structure, 1e5 Mpc beyond the horizon).
pub(super) fn positive_upto(key: &str, v: f64, max: f64, unit: &str) -> Result<(), ConfigError> {
    if v.is_finite() && v > 0.0 && v <= max {
        Ok(())
    } else {
        Err(bad(
            key,
            format!("{v} is not allowed: must be in (0, {max:e}] {unit}"),
        ))
    }
}
