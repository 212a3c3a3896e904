//! The checks every config key goes through: finite numbers, positive values, finite vectors.

use super::error::{err as bad, ConfigError};
use super::schema::RunConfig;

/// Every float of the config, used or not, must be finite: the first NaN or infinity is
/// reported by its dotted key (found by walking the config as TOML, so no key is forgotten).
pub(super) fn first_non_finite(config: &RunConfig) -> Result<(), ConfigError> {
    fn walk(v: &toml::Value, path: &str) -> Option<(String, f64)> {
        match v {
            toml::Value::Float(f) if !f.is_finite() => Some((path.to_string(), *f)),
            toml::Value::Table(t) => t.iter().find_map(|(k, v)| {
                walk(
                    v,
                    &if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    },
                )
            }),
            toml::Value::Array(a) => a
                .iter()
                .enumerate()
                .find_map(|(i, v)| walk(v, &format!("{path}.{i}"))),
            _ => None,
        }
    }
    let Ok(value) = toml::Value::try_from(config) else {
        return Ok(());
    };
    match walk(&value, "") {
        Some((key, v)) => Err(bad(
            key,
            format!("{v} is not allowed: must be a finite number"),
        )),
        None => Ok(()),
    }
}

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
