//! Every float of the config must be finite, used or not.

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
