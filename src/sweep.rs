//! Parameter sweeps (interface.md §5): a manifest names a base config, an output template and
//! the swept keys with their values; its runs are the Cartesian product of the values, the
//! first key varying slowest, indexed from 0 so that a SLURM job array can run run I with
//! `--index $SLURM_ARRAY_TASK_ID`. Every run is checked when the manifest is read: each key
//! must exist in the config and each combination must validate, and no two runs may share an
//! output file.

use crate::config::{ConfigError, RunConfig};
use std::collections::HashMap;
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
        let text = std::fs::read_to_string(path)
            .map_err(|e| fail("(file)", format!("cannot read: {e}")))?;
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

    /// Number of runs: the product of the value counts.
    pub fn len(&self) -> usize {
        self.vary.iter().map(|(_, v)| v.len()).product()
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

    /// Every run validates, and no two share an output file.
    fn check(&self) -> Result<(), ConfigError> {
        let mut outputs: HashMap<PathBuf, usize> = HashMap::new();
        for i in 0..self.len() {
            let run = self.run(i)?;
            self.config_of(&run)?;
            if let Some(j) = outputs.insert(run.output.clone(), i) {
                return Err(ConfigError {
                    file: self.path.display().to_string(),
                    key: "output".into(),
                    message: format!(
                        "the template maps runs {j} and {i} to one file, {}: add {{index}} or the last name of each swept key",
                        run.output.display()
                    ),
                });
            }
        }
        Ok(())
    }
}

/// A range of one key, as the window's "Export sweep…" asks for it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyRange {
    /// Dotted config key, e.g. `lenses.0.mass_msun`.
    pub key: String,
    pub from: f64,
    pub to: f64,
    pub count: usize,
    /// Logarithmic spacing (masses) instead of linear.
    pub log: bool,
}

impl KeyRange {
    /// The values, `count` of them from `from` to `to`, rounded to 12 significant digits so
    /// that a file name or a table shows 1e15, not 999999999999998.9.
    pub fn values(&self) -> Vec<f64> {
        let n = self.count.max(1);
        (0..n)
            .map(|i| {
                let t = if n == 1 {
                    0.0
                } else {
                    i as f64 / (n - 1) as f64
                };
                let v = if self.log {
                    self.from * (self.to / self.from).powf(t)
                } else {
                    self.from + t * (self.to - self.from)
                };
                format!("{v:.11e}").parse().unwrap_or(v)
            })
            .collect()
    }
}

/// Writes a sweep of `range` over `config` as a manifest at `path`, with the config beside it
/// (`<stem>.base.toml`) as its base and outputs in `runs/<stem>/{index}.h5`; checks it as
/// `excalibur sweep` will (every run validated) and refuses to replace either file. Returns
/// the manifest as read back.
pub fn export(path: &Path, config: &RunConfig, range: &KeyRange) -> Result<Manifest, ConfigError> {
    let file = path.display().to_string();
    let fail = |key: &str, message: String| ConfigError {
        file: file.clone(),
        key: key.into(),
        message,
    };
    if !(range.from.is_finite() && range.to.is_finite()) || range.count == 0 {
        return Err(fail(
            "range",
            "needs finite ends and at least one value".into(),
        ));
    }
    if range.log && (range.from <= 0.0 || range.to <= 0.0) {
        return Err(fail(
            "range",
            "logarithmic spacing needs positive ends".into(),
        ));
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "sweep".into());
    let base = path.with_file_name(format!("{stem}.base.toml"));
    for p in [path, base.as_path()] {
        if p.exists() {
            return Err(fail(
                "(file)",
                format!("{} already exists; choose another name", p.display()),
            ));
        }
    }
    let values: Vec<String> = range
        .values()
        .iter()
        .map(|v| literal(&toml::Value::Float(*v)))
        .collect();
    let text = format!(
        "# A sweep of {key} exported from the window; run it with configs/slurm/sweep.sh.\nbase = {base:?}\noutput = {output:?}\n\n[vary]\n{key:?} = [{values}]\n",
        key = range.key,
        base = base.display().to_string(),
        output = format!("runs/{stem}/{{index}}.h5"),
        values = values.join(", "),
    );
    let io = |e: crate::io::IoError| fail("(file)", e.to_string());
    crate::io::save_config(config, &base).map_err(io)?;
    let written = crate::io::write_atomically(path, false, |tmp| {
        std::fs::write(tmp, &text).map_err(|source| crate::io::IoError::File {
            path: path.to_path_buf(),
            what: "cannot write",
            source,
        })
    });
    let checked = written.map_err(io).and_then(|()| Manifest::load(path));
    if checked.is_err() {
        // Nothing half-made stays behind (neither file existed before).
        let _ = std::fs::remove_file(path);
        let _ = std::fs::remove_file(&base);
    }
    checked
}

/// A value as TOML writes it (strings quoted), for `--set`, listings and file names; floats in
/// their shortest form that stays a float (2.0, 0.5, 1e14).
fn literal(v: &toml::Value) -> String {
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
    fn exported_sweeps_read_back_with_their_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("masses.toml");
        let config = RunConfig::load(Path::new("configs/seed_quick.toml"), &[])
            .unwrap()
            .as_given()
            .clone();
        let range = KeyRange {
            key: "lenses.0.mass_msun".into(),
            from: 1e14,
            to: 1e16,
            count: 3,
            log: true,
        };
        let m = export(&path, &config, &range).unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(m.vary[0].1, ["1e14", "1e15", "1e16"]);
        assert_eq!(m.base, dir.path().join("masses.base.toml"));
        // Refuses to replace, and a key that does not exist leaves nothing behind.
        assert!(export(&path, &config, &range).is_err());
        let bad = dir.path().join("bad.toml");
        let e = export(
            &bad,
            &config,
            &KeyRange {
                key: "lenses.0.mass".into(),
                ..range
            },
        )
        .unwrap_err();
        assert!(e.message.contains("mass"), "{e}");
        assert!(!bad.exists() && !dir.path().join("bad.base.toml").exists());
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
