//! `Config`: a validated run config, immutable; `set` returns a new one by the rules of `--set`.

use crate::errors::config_error;
use crate::values::{lookup, set_text, to_python};
use excalibur::config::{apply_override, ConfigError, RunConfig, ValidConfig};
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use std::path::{Path, PathBuf};

/// A run configuration (interface.md §2), validated exactly as `excalibur check` does.
///
/// `Config.load(path)` reads a TOML file (relative paths in it resolve against its folder);
/// `Config.from_toml(text, base_dir=".")` parses text. `cfg.set(key, value)` returns a new
/// Config with one dotted key changed (array entries by index: "lenses.0.mass_msun"), by the
/// rules of `--set`; `cfg[key]` reads a key of the resolved config (defaults filled in);
/// `cfg.to_toml()` is the resolved config as TOML. Units are the keys' own (Mpc, M☉, degrees).
#[pyclass(frozen, module = "excalibur")]
pub struct Config {
    /// The TOML table as given, with every `set` applied: what the next `set` edits.
    table: toml::Table,
    /// The file it came from ("" for text), named in errors.
    file: String,
    /// Where relative paths in it (potential.file, source.image) resolve.
    pub base_dir: PathBuf,
    pub valid: ValidConfig,
    /// The resolved config, parsed once for item access.
    resolved: toml::Table,
}

impl Config {
    fn make(py: Python<'_>, table: toml::Table, file: &str, base_dir: PathBuf) -> PyResult<Config> {
        let valid =
            RunConfig::from_table(table.clone(), file, &[]).map_err(|e| config_error(py, &e))?;
        let resolved: toml::Table = toml::from_str(&valid.to_toml()).map_err(|e| {
            config_error(
                py,
                &ConfigError {
                    file: file.into(),
                    key: "(resolved)".into(),
                    message: e.to_string(),
                },
            )
        })?;
        Ok(Config {
            table,
            file: file.to_string(),
            base_dir,
            valid,
            resolved,
        })
    }

    fn parse(py: Python<'_>, text: &str, file: &str, base_dir: PathBuf) -> PyResult<Config> {
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            config_error(
                py,
                &ConfigError {
                    file: file.into(),
                    key: "(syntax)".into(),
                    message: e.message().to_string(),
                },
            )
        })?;
        Config::make(py, table, file, base_dir)
    }

    /// The files a run of this config reads (no output may replace one).
    pub fn inputs(&self) -> Vec<PathBuf> {
        let mut files = self.valid.input_files(&self.base_dir);
        if !self.file.is_empty() {
            files.push(PathBuf::from(&self.file));
        }
        files
    }
}

#[pymethods]
impl Config {
    /// Reads and validates a config file; raises ConfigError naming the file and key.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Config> {
        let name = path.display().to_string();
        let text = excalibur::io::read_text(&path).map_err(|why| {
            config_error(
                py,
                &ConfigError {
                    file: name.clone(),
                    key: "(file)".into(),
                    message: format!("cannot read: {why}"),
                },
            )
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Config::parse(py, &text, &name, base)
    }

    /// Parses and validates TOML text; relative paths in it resolve against `base_dir`.
    #[staticmethod]
    #[pyo3(signature = (text, base_dir = PathBuf::from(".")))]
    fn from_toml(py: Python<'_>, text: &str, base_dir: PathBuf) -> PyResult<Config> {
        Config::parse(py, text, "", base_dir)
    }

    /// A new Config with `key` set to `value` (bool, int, float, str in TOML syntax, or a
    /// list), validated like `--set KEY=VALUE`; raises ConfigError (`.key` names the key).
    fn set(&self, py: Python<'_>, key: &str, value: &Bound<'_, PyAny>) -> PyResult<Config> {
        let text = set_text(value)?;
        let mut table = self.table.clone();
        apply_override(&mut table, key, &text).map_err(|mut e| {
            e.file = self.file.clone();
            config_error(py, &e)
        })?;
        Config::make(py, table, &self.file, self.base_dir.clone())
    }

    /// A key of the resolved config ("potential.nodes", "lenses.0.mass_msun", "cosmology").
    fn __getitem__<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        match lookup(&self.resolved, key) {
            Some(v) => to_python(py, v),
            None => Err(PyKeyError::new_err(format!(
                "{key}: not a key of the resolved config"
            ))),
        }
    }

    fn __contains__(&self, key: &str) -> bool {
        lookup(&self.resolved, key).is_some()
    }

    /// The resolved config as TOML (what `excalibur check` prints and run files store).
    fn to_toml(&self) -> String {
        self.valid.to_toml()
    }

    fn __repr__(&self) -> String {
        let from = if self.file.is_empty() {
            "text".to_string()
        } else {
            self.file.clone()
        };
        format!("<excalibur.Config from {from}>")
    }
}
