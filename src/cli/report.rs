//! What the commands print: the progress bar, the run summary (text and `--json`), and
//! `inspect`'s description of a run file.

use excalibur::integrate::EndReason;
use excalibur::io::{RunMeta, StoredRay};
use excalibur::observables::Observables;
use excalibur::setup::Model;
use excalibur::trace::{RayResult, RunResult, Sink};
use excalibur::units::rad_to_arcsec;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fmt::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use strum::VariantArray;

/// A progress bar on stderr (hidden with `--quiet`) with the running steps/s.
pub struct ProgressSink {
    bar: ProgressBar,
    steps: AtomicU64,
    start: Instant,
}

impl ProgressSink {
    pub fn new(rays: usize, quiet: bool) -> ProgressSink {
        let bar = if quiet {
            ProgressBar::hidden()
        } else {
            let b = ProgressBar::with_draw_target(Some(rays as u64), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} rays  {msg}  eta {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        };
        ProgressSink {
            bar,
            steps: AtomicU64::new(0),
            start: Instant::now(),
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Sink for ProgressSink {
    fn finished(&self, r: &RayResult) {
        let steps = self.steps.fetch_add(
            r.outcome.steps_accepted + r.outcome.steps_rejected,
            Ordering::Relaxed,
        );
        let rate = steps as f64 / self.start.elapsed().as_secs_f64().max(1e-9);
        self.bar.set_message(format!("{rate:.3e} steps/s"));
        self.bar.inc(1);
    }
}

/// What the reports need of a run: counts, timings, and each ray's end and observables (not its
/// states, so a packed run that streamed its states to the file need not keep them).
#[derive(Default)]
pub struct Digest {
    pub steps: u64,
    pub integrate_s: f64,
    pub ends: Vec<EndReason>,
    /// The summarized values of each ray (see [`summarized`]): 32 bytes a ray.
    pub observables: Vec<[f64; 4]>,
}

impl Digest {
    /// Adds a traced block of rays.
    pub fn add(&mut self, result: &RunResult) {
        self.steps += result.steps_total();
        self.integrate_s += result.integrate_s;
        self.ends.extend(result.rays.iter().map(|r| r.end()));
        self.observables
            .extend(result.rays.iter().map(|r| summarized(&r.observables)));
    }
}

/// `--json`: one object with the keys of interface.md §1.
pub fn json_summary(
    model: &Model,
    result: &Digest,
    output: &Path,
    total_s: f64,
    warnings: &[String],
) -> String {
    let steps = result.steps;
    let end_reasons: serde_json::Map<String, serde_json::Value> = EndReason::VARIANTS
        .iter()
        .map(|&e| (e, result.ends.iter().filter(|x| **x == e).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(e, n)| (e.label().to_string(), n.into()))
        .collect();
    serde_json::json!({
        "photons": result.ends.len(),
        "photons_total": model.rays.len(),
        "steps_total": steps,
        "grid_build_s": model.grid_build_s,
        "integrate_s": result.integrate_s,
        "total_s": total_s,
        "steps_per_s": steps as f64 / result.integrate_s.max(1e-12),
        "output": output.display().to_string(),
        "output_bytes": std::fs::metadata(output).map(|m| m.len()).unwrap_or(0),
        "grid_bytes": model.field.memory_bytes(),
        "grid_nodes_read": model.grid_nodes_read,
        "peak_rss_bytes": excalibur::budget::peak_resident_bytes(),
        "end_reasons": end_reasons,
        "warnings": warnings,
    })
    .to_string()
}

/// (min, median, max) of the finite values.
fn range(values: impl Iterator<Item = f64>) -> Option<(f64, f64, f64)> {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some((v[0], v[v.len() / 2], v[v.len() - 1]))
}

/// The observables the summaries show: deflection [arcsec], redshift, time delay [s], largest
/// null error.
pub fn summarized(o: &Observables) -> [f64; 4] {
    [
        rad_to_arcsec(o.deflection_rad),
        o.redshift,
        o.time_delay_s,
        o.null_error_max,
    ]
}

/// Observables summary lines shared by `run` and `inspect` (of [`summarized`] values).
fn observables_lines<'a>(rays: impl Iterator<Item = &'a [f64; 4]> + Clone) -> String {
    let columns = [
        ("deflection", "arcsec"),
        ("redshift z", ""),
        ("time delay", "s"),
        ("null error (max)", ""),
    ];
    let mut s = String::new();
    for (k, (name, unit)) in columns.into_iter().enumerate() {
        let _ = match range(rays.clone().map(|v| v[k])) {
            Some((lo, mid, hi)) => writeln!(
                s,
                "  {name:<22} min {lo:>12.5e}  median {mid:>12.5e}  max {hi:>12.5e} {unit}"
            ),
            None => writeln!(s, "  {name:<22} (none)"),
        };
    }
    s
}

fn end_reason_line(ends: impl Iterator<Item = EndReason> + Clone) -> String {
    EndReason::VARIANTS
        .iter()
        .map(|&e| (e, ends.clone().filter(|x| *x == e).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(e, n)| format!("{}={n}", e.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The text summary of `run` (stderr).
pub fn summary(model: &Model, result: &Digest, output: &Path, total_s: f64) -> String {
    let steps = result.steps;
    let mut s = format!("excalibur run: {}\n", model.config.title);
    let _ = writeln!(
        s,
        "  photons {} of {}, steps {steps}, {:.3e} steps/s",
        result.ends.len(),
        model.rays.len(),
        steps as f64 / result.integrate_s.max(1e-12)
    );
    let _ = writeln!(
        s,
        "  grid build {:.3} s ({:.1} MiB), integrate {:.3} s, total {:.3} s",
        model.grid_build_s,
        model.field.memory_bytes() as f64 / 1048576.0,
        result.integrate_s,
        total_s
    );
    let _ = writeln!(
        s,
        "  end reasons: {}",
        end_reason_line(result.ends.iter().copied())
    );
    s += &observables_lines(result.observables.iter());
    let _ = writeln!(s, "  wrote {}", output.display());
    s
}

/// `inspect`: what a run file holds.
pub fn inspect(path: &Path, meta: &RunMeta, rays: &[StoredRay]) -> String {
    let title = toml::from_str::<toml::Table>(&meta.config_toml)
        .ok()
        .and_then(|t| t.get("title").and_then(|v| v.as_str().map(str::to_string)))
        .unwrap_or_default();
    let mut s = format!(
        "{}\n  title: {title}\n  metric: {}\n",
        path.display(),
        meta.metric
    );
    let _ = write!(
        s,
        "  photons: {} (run total {})",
        rays.len(),
        meta.n_photons_total
    );
    if let Some((i, n)) = meta.shard {
        let _ = write!(s, ", shard {i}/{n}");
    }
    let _ = writeln!(
        s,
        "\n  states: {}",
        rays.iter().map(|r| r.rows.len()).sum::<usize>()
    );
    let _ = writeln!(
        s,
        "  end reasons: {}",
        end_reason_line(rays.iter().map(|r| r.end))
    );
    let values: Vec<[f64; 4]> = rays.iter().map(|r| summarized(&r.observables)).collect();
    s += &observables_lines(values.iter());
    for w in &meta.warnings {
        let _ = writeln!(s, "  warning: {w}");
    }
    s += "  config:\n";
    for line in meta.config_toml.lines() {
        let _ = writeln!(s, "    {line}");
    }
    s
}
