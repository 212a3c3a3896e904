//! Reading a manifest costs O(values), not O(runs): the checks of `Manifest::load`.

use super::manifest::Manifest;
use crate::config::{ConfigError, RunConfig};
use std::collections::HashMap;
use std::path::PathBuf;

impl Manifest {
    /// Validates the values key by key and the corners, and checks that the template gives
    /// every run its own file (see the module's doc).
    pub(super) fn check(&self) -> Result<(), ConfigError> {
        let fail = |key: &str, message: String| ConfigError {
            file: self.path.display().to_string(),
            key: key.into(),
            message,
        };
        let runs = self
            .vary
            .iter()
            .try_fold(1usize, |n, (_, v)| n.checked_mul(v.len()))
            .ok_or_else(|| fail("vary", "has more runs than can be counted (2⁶⁴)".into()))?;
        self.check_template(runs)?;
        let first: Vec<(String, String)> = self
            .vary
            .iter()
            .map(|(k, v)| (k.clone(), v[0].clone()))
            .collect();
        // The base is read and parsed once; each check validates a copy with its overrides.
        let base_name = format!("{} (base of {})", self.base.display(), self.path.display());
        let base_error = |message: String| ConfigError {
            file: base_name.clone(),
            key: "(file)".into(),
            message,
        };
        let text = crate::io::target::read_text(&self.base)
            .map_err(|why| base_error(format!("cannot read: {why}")))?;
        let table: toml::Table = toml::from_str(&text)
            .map_err(|e| base_error(format!("not valid TOML: {}", e.message())))?;
        let validate = |values: &[(String, String)]| -> Result<(), ConfigError> {
            RunConfig::from_table(table.clone(), &base_name, values).map(drop)
        };
        for (k, (_, values)) in self.vary.iter().enumerate() {
            for v in values {
                let mut one = first.clone();
                one[k].1 = v.clone();
                validate(&one)?;
            }
        }
        const MAX_CORNER_KEYS: usize = 10;
        if self.vary.len() <= MAX_CORNER_KEYS {
            let ends: Vec<[&String; 2]> = self.vary.iter().map(|(_, v)| extremes(v)).collect();
            for corner in 0..1usize << self.vary.len() {
                let values: Vec<(String, String)> = self
                    .vary
                    .iter()
                    .zip(&ends)
                    .enumerate()
                    .map(|(k, ((key, _), e))| (key.clone(), e[(corner >> k) & 1].clone()))
                    .collect();
                validate(&values)?;
            }
        }
        Ok(())
    }

    /// The template's placeholders are `{index}` and the swept keys' last names, and it
    /// gives each run its own file: with `{index}` always; without it, each key of two or more
    /// values must appear by a last name no other swept key has, with distinct values, and
    /// (for up to 10⁵ runs, where the names are compared one by one) no two names may meet.
    fn check_template(&self, runs: usize) -> Result<(), ConfigError> {
        let fail = |message: String| ConfigError {
            file: self.path.display().to_string(),
            key: "output".into(),
            message,
        };
        let last = |key: &str| key.rsplit('.').next().unwrap_or(key).to_string();
        let names: Vec<String> = self.vary.iter().map(|(k, _)| last(k)).collect();
        let mut rest = self.output.as_str();
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                break;
            };
            let name = &after[..close];
            if name != "index" && !names.iter().any(|n| n == name) {
                return Err(fail(format!(
                    "the template names {{{name}}}, which is neither {{index}} nor the last name of a swept key (allowed: {{index}}{})",
                    names.iter().map(|n| format!(", {{{n}}}")).collect::<String>()
                )));
            }
            rest = &after[close + 1..];
        }
        if self.output.contains("{index}") {
            return Ok(());
        }
        // The fastest key first, so the first collision named is of neighbouring runs.
        for (k, (key, values)) in self.vary.iter().enumerate().rev() {
            if values.len() < 2 {
                continue;
            }
            let name = &names[k];
            if !self.output.contains(&format!("{{{name}}}")) {
                // Run 0 and the run with only this key at its second value.
                let stride: usize = self.vary[k + 1..].iter().map(|(_, v)| v.len()).product();
                return Err(fail(format!(
                    "the template maps runs 0 and {stride} to one file, {}: add {{index}} or {{{name}}} (they differ only in {key})",
                    self.run(0)?.output.display()
                )));
            }
            if names.iter().filter(|n| *n == name).count() > 1 {
                return Err(fail(format!(
                    "{{{name}}} is the last name of more than one swept key; use {{index}}"
                )));
            }
            let mut seen = std::collections::HashSet::new();
            if let Some(v) = values.iter().find(|v| !seen.insert(v.trim_matches('"'))) {
                return Err(fail(format!(
                    "{key} lists {v} twice, so two runs would share one file"
                )));
            }
        }
        const MAX_COMPARED_RUNS: usize = 100_000;
        if runs > MAX_COMPARED_RUNS {
            return Err(fail(format!(
                "a sweep of {runs} runs needs {{index}} in its template (names are compared one by one up to {MAX_COMPARED_RUNS} runs)"
            )));
        }
        let mut outputs: HashMap<PathBuf, usize> = HashMap::new();
        for i in 0..runs {
            let run = self.run(i)?;
            if let Some(j) = outputs.insert(run.output.clone(), i) {
                return Err(fail(format!(
                    "the template maps runs {j} and {i} to one file, {}: add {{index}} or the last name of each swept key",
                    run.output.display()
                )));
            }
        }
        Ok(())
    }
}

/// A key's smallest and largest values (numbers compared as numbers; otherwise the first and
/// the last written).
fn extremes(values: &[String]) -> [&String; 2] {
    let numbers: Option<Vec<f64>> = values.iter().map(|v| v.parse::<f64>().ok()).collect();
    match numbers {
        Some(n) => {
            let lo = (0..n.len())
                .min_by(|&a, &b| n[a].total_cmp(&n[b]))
                .unwrap_or(0);
            let hi = (0..n.len())
                .max_by(|&a, &b| n[a].total_cmp(&n[b]))
                .unwrap_or(0);
            [&values[lo], &values[hi]]
        }
        None => [&values[0], &values[values.len() - 1]],
    }
}
