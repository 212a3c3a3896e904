//! The manifest and its runs: reading it, and run I by a mixed-radix decode of I.

use crate::config::{ConfigError, RunConfig};
use std::path::{Path, PathBuf};

/// A parsed and checked sweep manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The manifest file (named in errors).
    pub path: PathBuf,
    /// The config every run starts from (relative paths are taken from the current folder,
    /// like the output template, as a job script runs from the project's folder).
    pub base: PathBuf,
    pub output: String,
    /// Swept keys in the order written, each with its values (TOML literals).
    pub vary: Vec<(String, Vec<String>)>,
}

/// One run of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRun {
    pub index: usize,
    /// (key, TOML literal) for each swept key, in the manifest's order.
    pub values: Vec<(String, String)>,
    pub output: PathBuf,
}

impl Manifest {
    /// Reads, parses and checks a manifest (every run's config is validated).
    pub fn load(path: &Path) -> Result<Manifest, ConfigError> {
        let file = path.display().to_string();
        let fail = |key: &str, message: String| ConfigError {
            file: file.clone(),
            key: key.into(),
            message,
        };
        let text = crate::io::read_text(path)
            .map_err(|why| fail("(file)", format!("cannot read: {why}")))?;
        let table: toml::Table =
            toml::from_str(&text).map_err(|e| fail("(file)", format!("not valid TOML: {e}")))?;
        for key in table.keys() {
            if !["base", "output", "vary"].contains(&key.as_str()) {
                return Err(fail(
                    key,
                    "unknown manifest key: allowed are base, output, [vary]".into(),
                ));
            }
        }
        let string = |key: &str| match table.get(key) {
            Some(toml::Value::String(s)) => Ok(s.clone()),
            _ => Err(fail(key, "required, a string".into())),
        };
        let base = PathBuf::from(string("base")?);
        let output = string("output")?;
        let Some(toml::Value::Table(vary)) = table.get("vary") else {
            return Err(fail("vary", "required: a table of key = [values]".into()));
        };
        let mut swept = vec![];
        for (key, values) in vary {
            let at = format!("vary.\"{key}\"");
            let toml::Value::Array(values) = values else {
                return Err(fail(&at, "must be a list of values".into()));
            };
            if values.is_empty() {
                return Err(fail(
                    &at,
                    "is an empty list: a sweep needs at least one value".into(),
                ));
            }
            swept.push((key.clone(), values.iter().map(literal).collect()));
        }
        if swept.is_empty() {
            return Err(fail("vary", "sweeps no key".into()));
        }
        let manifest = Manifest {
            path: path.to_path_buf(),
            base,
            output,
            vary: swept,
        };
        manifest.check()?;
        Ok(manifest)
    }

    /// Number of runs: the product of the value counts (checked not to overflow on load).
    pub fn len(&self) -> usize {
        self.vary
            .iter()
            .try_fold(1usize, |n, (_, v)| n.checked_mul(v.len()))
            .unwrap_or(usize::MAX)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Run `index` (the first key varies slowest).
    pub fn run(&self, index: usize) -> Result<SweepRun, ConfigError> {
        let n = self.len();
        if index >= n {
            return Err(ConfigError {
                file: self.path.display().to_string(),
                key: "--index".into(),
                message: format!(
                    "{index} is out of range: this sweep has runs 0 to {}",
                    n - 1
                ),
            });
        }
        let mut rest = index;
        let mut values = vec![(String::new(), String::new()); self.vary.len()];
        for (k, (key, vals)) in self.vary.iter().enumerate().rev() {
            values[k] = (key.clone(), vals[rest % vals.len()].clone());
            rest /= vals.len();
        }
        let mut output = self.output.replace("{index}", &index.to_string());
        for (key, value) in &values {
            let last = key.rsplit('.').next().unwrap_or(key);
            output = output.replace(&format!("{{{last}}}"), value.trim_matches('"'));
        }
        Ok(SweepRun {
            index,
            values,
            output: PathBuf::from(output),
        })
    }

    /// The base config with run `index`'s values, validated.
    pub fn config_of(&self, run: &SweepRun) -> Result<crate::config::ValidConfig, ConfigError> {
        RunConfig::load(&self.base, &run.values).map_err(|mut e| {
            e.file = format!("{} (base of {})", e.file, self.path.display());
            e
        })
    }
}

/// A value as TOML writes it (strings quoted), for `--set`, listings and file names; floats in
/// their shortest form that stays a float (2.0, 0.5, 1e14).
pub(crate) fn literal(v: &toml::Value) -> String {
    match v {
        toml::Value::Float(f) => {
            let plain = f.to_string();
            let exp = format!("{f:e}");
            if !f.is_finite() {
                plain
            } else if exp.len() < plain.len() {
                exp
            } else if plain.contains('.') {
                plain
            } else {
                format!("{plain}.0")
            }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(vary: &[(&str, &[&str])]) -> Manifest {
        Manifest {
            path: "m.toml".into(),
            base: "configs/seed_quick.toml".into(),
            output: "out/{index}.h5".into(),
            vary: vary
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
                .collect(),
        }
    }

    #[test]
    fn runs_enumerate_the_product_first_key_slowest() {
        let m = manifest(&[("a.x", &["1", "2"]), ("b.y", &["10", "20", "30"])]);
        assert_eq!(m.len(), 6);
        let v: Vec<Vec<String>> = (0..6)
            .map(|i| {
                m.run(i)
                    .unwrap()
                    .values
                    .into_iter()
                    .map(|(_, v)| v)
                    .collect()
            })
            .collect();
        assert_eq!(v[0], ["1", "10"]);
        assert_eq!(v[2], ["1", "30"]);
        assert_eq!(v[3], ["2", "10"]);
        assert_eq!(v[5], ["2", "30"]);
        assert_eq!(m.run(4).unwrap().output, PathBuf::from("out/4.h5"));
        assert_eq!(m.run(6).unwrap_err().key, "--index");
    }

    #[test]
    fn templates_take_each_keys_last_name() {
        let mut m = manifest(&[("lenses.0.mass_msun", &["1e14", "2e14"])]);
        m.output = "runs/m_{mass_msun}.h5".into();
        assert_eq!(m.run(1).unwrap().output, PathBuf::from("runs/m_2e14.h5"));
    }

    #[test]
    fn floats_keep_a_decimal_point() {
        assert_eq!(literal(&toml::Value::Float(2.0)), "2.0");
        assert_eq!(literal(&toml::Value::Float(1e15)), "1e15");
        assert_eq!(literal(&toml::Value::Float(2.5e14)), "2.5e14");
        assert_eq!(literal(&toml::Value::Float(0.5)), "0.5");
        assert_eq!(literal(&toml::Value::Integer(3)), "3");
    }
}
