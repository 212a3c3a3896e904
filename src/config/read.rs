//! Reading a config: TOML text, `--set` overrides by dotted path, then validation, giving a
//! [`ValidConfig`] or an error that names the file and the key.

use super::error::{err, ConfigError};
use super::schema::RunConfig;
use super::valid::ValidConfig;
use std::path::Path;

/// Sets `key` (dotted path, array indices as numbers) in a TOML table to `value` (TOML syntax;
/// a bare word that is not valid TOML is taken as a string).
pub fn apply_override(root: &mut toml::Table, key: &str, value: &str) -> Result<(), ConfigError> {
    let parsed: toml::Value = match toml::from_str::<toml::Table>(&format!("v = {value}")) {
        Ok(mut t) => t.remove("v").unwrap_or(toml::Value::String(value.into())),
        Err(_) => toml::Value::String(value.into()),
    };
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(err(
            key,
            "an override needs a dotted key such as potential.nodes = 128",
        ));
    }
    let mut cur: &mut toml::Value = root.entry(parts[0]).or_insert_with(|| {
        if parts.len() > 1 {
            toml::Value::Table(Default::default())
        } else {
            parsed.clone()
        }
    });
    for (n, part) in parts.iter().enumerate().skip(1) {
        let last = n == parts.len() - 1;
        cur = match cur {
            toml::Value::Table(t) => t.entry(*part).or_insert_with(|| {
                if last {
                    parsed.clone()
                } else {
                    toml::Value::Table(Default::default())
                }
            }),
            toml::Value::Array(a) => {
                let i: usize = part
                    .parse()
                    .map_err(|_| err(key, format!("`{part}` is not an array index")))?;
                let len = a.len();
                a.get_mut(i).ok_or_else(|| {
                    err(
                        key,
                        format!("index {i} is out of range (the array has {len} entries)"),
                    )
                })?
            }
            _ => {
                return Err(err(
                    key,
                    format!("`{}` is not a table", parts[..n].join(".")),
                ))
            }
        };
    }
    *cur = parsed;
    Ok(())
}
impl RunConfig {
    /// Parses TOML text with overrides; `file` names the source in errors.
    pub fn from_toml_str(
        text: &str,
        file: &str,
        overrides: &[(String, String)],
    ) -> Result<ValidConfig, ConfigError> {
        let with_file = |mut e: ConfigError| {
            e.file = file.to_string();
            e
        };
        let table: toml::Table = toml::from_str(text)
            .map_err(|e| with_file(err("(syntax)", e.message().to_string())))?;
        RunConfig::from_table(table, file, overrides)
    }

    /// Validates an already parsed TOML table with overrides (a sweep parses its base once and
    /// checks each of its values against a copy).
    pub fn from_table(
        mut table: toml::Table,
        file: &str,
        overrides: &[(String, String)],
    ) -> Result<ValidConfig, ConfigError> {
        let with_file = |mut e: ConfigError| {
            e.file = file.to_string();
            e
        };
        for (k, v) in overrides {
            apply_override(&mut table, k, v).map_err(with_file)?;
        }
        let config: RunConfig = serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| {
                let path = e.path().to_string();
                let msg = e.into_inner().message().to_string();
                with_file(err(
                    if path == "." {
                        "(top level)".to_string()
                    } else {
                        path
                    },
                    msg,
                ))
            })?;
        config.into_valid().map_err(with_file)
    }

    /// Reads and validates a config file.
    pub fn load(path: &Path, overrides: &[(String, String)]) -> Result<ValidConfig, ConfigError> {
        let name = path.display().to_string();
        let text = crate::io::target::read_text(path).map_err(|why| ConfigError {
            file: name.clone(),
            key: "(file)".into(),
            message: format!("cannot read: {why}"),
        })?;
        RunConfig::from_toml_str(&text, &name, overrides)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn sets_nested_keys_array_entries_and_new_tables() {
        let mut t = table("[potential]\nnodes = 512\n[[lenses]]\nmass_msun = 1e15\n");
        apply_override(&mut t, "potential.nodes", "128").unwrap();
        apply_override(&mut t, "lenses.0.center_mpc", "[1.0, 2.0, 3.0]").unwrap();
        apply_override(&mut t, "integration.stop.redshift", "0.5").unwrap();
        apply_override(&mut t, "title", "two words").unwrap();
        assert_eq!(t["potential"]["nodes"].as_integer(), Some(128));
        assert_eq!(t["lenses"][0]["center_mpc"][2].as_float(), Some(3.0));
        assert_eq!(t["integration"]["stop"]["redshift"].as_float(), Some(0.5));
        // Not valid TOML as a value: taken as a string.
        assert_eq!(t["title"].as_str(), Some("two words"));
    }

    #[test]
    fn bad_paths_name_the_key_and_the_reason() {
        let mut t = table("[potential]\nnodes = 512\n[[lenses]]\nmass_msun = 1e15\n");
        let e = apply_override(&mut t, "lenses.3.mass_msun", "1").unwrap_err();
        assert_eq!(e.key, "lenses.3.mass_msun");
        assert!(e
            .message
            .contains("index 3 is out of range (the array has 1 entries)"));
        let e = apply_override(&mut t, "lenses.x.mass_msun", "1").unwrap_err();
        assert!(e.message.contains("`x` is not an array index"));
        let e = apply_override(&mut t, "potential.nodes.deep", "1").unwrap_err();
        assert!(e.message.contains("`potential.nodes` is not a table"));
        assert!(apply_override(&mut t, "potential..nodes", "1").is_err());
    }

    #[test]
    fn overrides_are_validated_like_the_file() {
        let e = RunConfig::from_toml_str(
            "[[lenses]]\nmass_msun = 1e15\n",
            "x.toml",
            &[("lenses.0.mass_msun".into(), "-1".into())],
        )
        .unwrap_err();
        assert_eq!(
            (e.file.as_str(), e.key.as_str()),
            ("x.toml", "lenses.0.mass_msun")
        );
    }
}
