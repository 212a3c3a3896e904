//! One table of results from a folder of run files (interface.md §5): a CSV row per file with
//! the config keys that differ between the files and summary statistics of its observables.

use super::error::IoError;
use super::read::{read_run, StoredRay};
use crate::integrate::EndReason;
use std::path::{Path, PathBuf};
use strum::VariantArray;

/// One run file's row before the columns are chosen.
struct FileRow {
    file: String,
    /// Every config key (dotted path) with its TOML literal.
    config: Vec<(String, String)>,
    stats: [f64; 7],
    ends: Vec<(EndReason, usize)>,
}

const STAT_COLUMNS: [&str; 7] = [
    "photons",
    "deflection_mean_arcsec",
    "deflection_max_arcsec",
    "redshift_min",
    "redshift_max",
    "time_delay_mean_s",
    "null_error_max",
];

const ARCSEC_PER_RAD: f64 = 180.0 * 3600.0 / std::f64::consts::PI;

/// The CSV table of `files` (header first), rows in the order given.
pub fn summarize(files: &[PathBuf]) -> Result<String, IoError> {
    let rows: Vec<FileRow> = files.iter().map(|f| row_of(f)).collect::<Result<_, _>>()?;
    // Config keys whose value is not the same in every file (a key missing from some counts).
    let mut keys: Vec<String> = vec![];
    for r in &rows {
        for (k, _) in &r.config {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    let value = |r: &FileRow, k: &str| {
        r.config
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    keys.retain(|k| rows.iter().any(|r| value(r, k) != value(&rows[0], k)));
    let ends: Vec<EndReason> = EndReason::VARIANTS
        .iter()
        .copied()
        .filter(|e| rows.iter().any(|r| r.ends.iter().any(|(x, _)| x == e)))
        .collect();
    let mut header: Vec<String> = vec!["file".into()];
    header.extend(keys.iter().cloned());
    header.extend(STAT_COLUMNS.iter().map(|s| s.to_string()));
    header.extend(ends.iter().map(|e| format!("end_{}", e.label())));
    let mut table = Table::new();
    table.row(&header);
    for r in &rows {
        let mut cells = vec![r.file.clone()];
        cells.extend(keys.iter().map(|k| value(r, k).unwrap_or_default()));
        cells.extend(r.stats.iter().map(|v| v.to_string()));
        cells.extend(ends.iter().map(|e| {
            r.ends
                .iter()
                .find(|(end, _)| end == e)
                .map_or(0, |(_, n)| *n)
                .to_string()
        }));
        table.row(&cells);
    }
    Ok(table.finish())
}

fn row_of(path: &Path) -> Result<FileRow, IoError> {
    let (meta, rays) = read_run(path)?;
    let config: toml::Table = toml::from_str(&meta.config_toml)
        .map_err(|e| IoError::invalid(path, format!("config_toml is not TOML: {e}")))?;
    let mut flat = vec![];
    flatten("", &toml::Value::Table(config), &mut flat);
    Ok(FileRow {
        file: path.display().to_string(),
        config: flat,
        stats: stats(&rays),
        ends: EndReason::VARIANTS
            .iter()
            .map(|e| (*e, rays.iter().filter(|r| r.end == *e).count()))
            .filter(|(_, n)| *n > 0)
            .collect(),
    })
}

/// photons, deflection mean and max [arcsec], redshift min and max, mean time delay [s],
/// largest null error; statistics over the rays whose value is finite (NaN when none is).
fn stats(rays: &[StoredRay]) -> [f64; 7] {
    let finite = |f: fn(&StoredRay) -> f64| -> Vec<f64> {
        rays.iter().map(f).filter(|v| v.is_finite()).collect()
    };
    let mean = |v: &[f64]| {
        if v.is_empty() {
            f64::NAN
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let fold = |v: &[f64], f: fn(f64, f64) -> f64| v.iter().copied().reduce(f).unwrap_or(f64::NAN);
    let deflection = finite(|r| r.observables.deflection_rad * ARCSEC_PER_RAD);
    let redshift = finite(|r| r.observables.redshift);
    let delay = finite(|r| r.observables.time_delay_s);
    let null = finite(|r| r.observables.null_error_max);
    [
        rays.len() as f64,
        mean(&deflection),
        fold(&deflection, f64::max),
        fold(&redshift, f64::min),
        fold(&redshift, f64::max),
        mean(&delay),
        fold(&null, f64::max),
    ]
}

/// Dotted paths of every leaf (arrays of tables by index: `lenses.0.mass_msun`; other arrays
/// as one TOML literal).
fn flatten(prefix: &str, v: &toml::Value, out: &mut Vec<(String, String)>) {
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                flatten(&join(k), v, out);
            }
        }
        toml::Value::Array(a) if a.iter().all(|x| x.is_table()) && !a.is_empty() => {
            for (i, v) in a.iter().enumerate() {
                flatten(&join(&i.to_string()), v, out);
            }
        }
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// The CSV table being written (RFC 4180 by the `csv` crate: cells with a comma, a quote, a
/// carriage return or a newline are quoted; lines end in \n).
struct Table(csv::Writer<Vec<u8>>);

impl Table {
    fn new() -> Table {
        Table(
            csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new()),
        )
    }

    fn row(&mut self, cells: &[String]) {
        // Writing to memory cannot fail; the rows all have the header's length.
        let _ = self.0.write_record(cells);
    }

    fn finish(self) -> String {
        let bytes = self.0.into_inner().unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        let mut t = Table::new();
        let cells = ["a", "[1.0, 2.0]", "say \"hi\"", "line\rfeed"].map(String::from);
        t.row(&cells);
        assert_eq!(
            t.finish(),
            "a,\"[1.0, 2.0]\",\"say \"\"hi\"\"\",\"line\rfeed\"\n"
        );
    }

    #[test]
    fn configs_flatten_to_dotted_paths() {
        let t: toml::Table =
            toml::from_str("x = 1\n[[lenses]]\nmass_msun = 2.0\n[rays]\ntoward = [1.0, 2.0]\n")
                .unwrap();
        let mut out = vec![];
        flatten("", &toml::Value::Table(t), &mut out);
        assert!(out.contains(&("lenses.0.mass_msun".into(), "2.0".into())));
        assert!(out.contains(&("rays.toward".into(), "[1.0, 2.0]".into())));
        assert!(out.contains(&("x".into(), "1".into())));
    }
}
