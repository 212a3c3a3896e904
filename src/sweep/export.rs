//! The window's "Export sweep…": a range of one key written as a manifest beside its base.

use super::manifest::{literal, Manifest};
use crate::config::{ConfigError, RunConfig};
use std::path::Path;

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
    let written = crate::io::write_atomically(path, false, &[], |tmp| {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
