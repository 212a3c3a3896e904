//! The headless commands: run, check, inspect, merge (interface.md §1). Errors are returned as
//! [`CliError`] with the exit status they map to; nothing here panics on bad input.

use crate::config::{ConfigError, RunConfig};
use crate::integrate::EndReason;
use crate::io::{self, RayRecord, RunMeta, StoredRay};
use crate::setup::{Model, SetupError};
use crate::trace::{RayResult, RunResult, Sink};
use crate::units::rad_to_arcsec;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

/// A failure with its exit status: 2 for bad input, 1 for a failure while running.
#[derive(Debug)]
pub struct CliError {
    pub status: i32,
    pub message: String,
}

impl CliError {
    pub fn input(message: impl Into<String>) -> Self {
        CliError {
            status: 2,
            message: message.into(),
        }
    }
    pub fn failure(message: impl Into<String>) -> Self {
        CliError {
            status: 1,
            message: message.into(),
        }
    }
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        CliError::input(e.to_string())
    }
}

impl From<io::IoError> for CliError {
    fn from(e: io::IoError) -> Self {
        CliError::input(e.to_string())
    }
}

/// Parses `KEY=VALUE` pairs of `--set`.
pub fn parse_overrides(sets: &[String]) -> Result<Vec<(String, String)>, CliError> {
    sets.iter()
        .map(|s| match s.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                Ok((k.trim().to_string(), v.trim().to_string()))
            }
            _ => Err(CliError::input(format!(
                "--set {s}: expected KEY=VALUE, e.g. --set potential.nodes=128"
            ))),
        })
        .collect()
}

/// Parses `--shard I/N` (0 ≤ I < N).
pub fn parse_shard(text: &str) -> Result<(usize, usize), CliError> {
    let bad = || {
        CliError::input(format!(
            "--shard {text}: expected I/N with 0 <= I < N, e.g. --shard 0/4"
        ))
    };
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Options of `excalibur run`.
pub struct RunOptions {
    pub config: PathBuf,
    pub output: Option<PathBuf>,
    pub sets: Vec<String>,
    pub threads: Option<usize>,
    pub shard: Option<String>,
    pub force: bool,
    pub json: bool,
    pub quiet: bool,
}

struct ProgressSink {
    bar: ProgressBar,
    steps: AtomicU64,
    start: Instant,
}

impl Sink for ProgressSink {
    fn finished(&self, r: &RayResult) {
        let steps = self.steps.fetch_add(
            r.outcome.steps_accepted + r.outcome.steps_rejected,
            Ordering::Relaxed,
        );
        let rate = steps as f64 / self.start.elapsed().as_secs_f64().max(1e-9);
        self.bar.set_message(format!("{:.3e} steps/s", rate));
        self.bar.inc(1);
    }
}

/// Loads a config with its overrides (exit 2 on any problem).
pub fn load_config(path: &Path, sets: &[String]) -> Result<RunConfig, CliError> {
    Ok(RunConfig::load(path, &parse_overrides(sets)?)?)
}

fn base_dir(config: &Path) -> PathBuf {
    config.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// `excalibur run`.
pub fn run(opts: &RunOptions) -> Result<(), CliError> {
    let total_start = Instant::now();
    let shard = opts.shard.as_deref().map(parse_shard).transpose()?;
    let config = load_config(&opts.config, &opts.sets)?;
    let output = opts
        .output
        .clone()
        .unwrap_or_else(|| config.output.path.clone());
    if output.exists() && !opts.force {
        return Err(CliError::input(format!(
            "{}: already exists; pass --force to overwrite it",
            output.display()
        )));
    }
    let threads = opts.threads.unwrap_or(config.threads);
    let model = Model::build(&config, &base_dir(&opts.config), None).map_err(|e| match e {
        SetupError::Config(c) => CliError::input(format!("{}: {}", opts.config.display(), c)),
        SetupError::Field(m) => CliError::input(format!("{}: {m}", opts.config.display())),
    })?;
    let rays = match shard {
        Some((i, n)) => model.shard(i, n),
        None => &model.rays[..],
    };
    let bar = if opts.quiet {
        ProgressBar::hidden()
    } else {
        let b =
            ProgressBar::with_draw_target(Some(rays.len() as u64), ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} rays  {msg}  eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    };
    let sink = ProgressSink {
        bar,
        steps: AtomicU64::new(0),
        start: Instant::now(),
    };
    let result = model.trace(rays, threads, &sink, &AtomicBool::new(false));
    sink.bar.finish_and_clear();
    let meta = RunMeta {
        config_toml: model.config.to_toml(),
        metric: model.config.spacetime.metric.as_str().into(),
        n_photons_total: model.rays.len(),
        shard,
    };
    let records: Vec<RayRecord> = result.rays.iter().map(RayRecord::from).collect();
    io::write_run(&output, &meta, &records, opts.force).map_err(|e| match e {
        io::IoError::Exists(_) => CliError::input(e.to_string()),
        other => CliError::failure(other.to_string()),
    })?;
    let total_s = total_start.elapsed().as_secs_f64();
    if !opts.quiet {
        eprint!("{}", summary(&model, &result, &output, total_s));
    }
    if opts.json {
        println!("{}", json_summary(&model, &result, &output, total_s));
    }
    Ok(())
}

fn end_reason_map(result: &RunResult) -> serde_json::Map<String, serde_json::Value> {
    result
        .end_reason_counts()
        .into_iter()
        .map(|(e, n)| (e.label().to_string(), serde_json::Value::from(n)))
        .collect()
}

fn json_summary(model: &Model, result: &RunResult, output: &Path, total_s: f64) -> String {
    let steps = result.steps_total();
    let obj = serde_json::json!({
        "photons": result.rays.len(),
        "photons_total": model.rays.len(),
        "steps_total": steps,
        "grid_build_s": model.grid_build_s,
        "integrate_s": result.integrate_s,
        "total_s": total_s,
        "steps_per_s": steps as f64 / result.integrate_s.max(1e-12),
        "output": output.display().to_string(),
        "output_bytes": std::fs::metadata(output).map(|m| m.len()).unwrap_or(0),
        "grid_bytes": model.field.memory_bytes(),
        "end_reasons": end_reason_map(result),
    });
    obj.to_string()
}

fn range(values: impl Iterator<Item = f64>) -> Option<(f64, f64, f64)> {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some((v[0], v[v.len() / 2], v[v.len() - 1]))
}

/// Observables summary lines shared by `run` and `inspect`.
fn observables_lines<'a>(
    rays: impl Iterator<Item = (&'a crate::observables::Observables, EndReason)> + Clone,
) -> String {
    let mut s = String::new();
    let line = |name: &str, r: Option<(f64, f64, f64)>, unit: &str| match r {
        Some((lo, mid, hi)) => {
            format!("  {name:<22} min {lo:>12.5e}  median {mid:>12.5e}  max {hi:>12.5e} {unit}\n")
        }
        None => format!("  {name:<22} (none)\n"),
    };
    s += &line(
        "deflection",
        range(rays.clone().map(|(o, _)| rad_to_arcsec(o.deflection_rad))),
        "arcsec",
    );
    s += &line(
        "redshift z",
        range(rays.clone().map(|(o, _)| o.redshift)),
        "",
    );
    s += &line(
        "time delay",
        range(rays.clone().map(|(o, _)| o.time_delay_s)),
        "s",
    );
    s += &line(
        "null error (max)",
        range(rays.clone().map(|(o, _)| o.null_error_max)),
        "",
    );
    s
}

fn end_reason_line(counts: &[(EndReason, usize)]) -> String {
    counts
        .iter()
        .map(|(e, n)| format!("{}={n}", e.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn summary(model: &Model, result: &RunResult, output: &Path, total_s: f64) -> String {
    let steps = result.steps_total();
    let mut s = format!("excalibur run: {}\n", model.config.title);
    s += &format!(
        "  photons {} of {}, steps {steps}, {:.3e} steps/s\n",
        result.rays.len(),
        model.rays.len(),
        steps as f64 / result.integrate_s.max(1e-12)
    );
    s += &format!(
        "  grid build {:.3} s ({:.1} MiB), integrate {:.3} s, total {:.3} s\n",
        model.grid_build_s,
        model.field.memory_bytes() as f64 / 1048576.0,
        result.integrate_s,
        total_s
    );
    s += &format!(
        "  end reasons: {}\n",
        end_reason_line(&result.end_reason_counts())
    );
    s += &observables_lines(result.rays.iter().map(|r| (&r.observables, r.end())));
    s += &format!("  wrote {}\n", output.display());
    s
}

/// `excalibur check`: the resolved config as TOML.
pub fn check(config: &Path, sets: &[String]) -> Result<String, CliError> {
    let c = load_config(config, sets)?;
    Ok(c.to_toml())
}

/// `excalibur inspect`.
pub fn inspect(path: &Path) -> Result<String, CliError> {
    let (meta, rays) = io::read_run(path)?;
    let title = toml::from_str::<toml::Table>(&meta.config_toml)
        .ok()
        .and_then(|t| t.get("title").and_then(|v| v.as_str().map(str::to_string)))
        .unwrap_or_default();
    let mut counts: Vec<(EndReason, usize)> = vec![];
    for e in EndReason::ALL {
        let n = rays.iter().filter(|r| r.end == e).count();
        if n > 0 {
            counts.push((e, n));
        }
    }
    let mut s = format!(
        "{}\n  title: {title}\n  metric: {}\n",
        path.display(),
        meta.metric
    );
    s += &format!(
        "  photons: {} (run total {})",
        rays.len(),
        meta.n_photons_total
    );
    if let Some((i, n)) = meta.shard {
        s += &format!(", shard {i}/{n}");
    }
    s += &format!(
        "\n  states: {}\n",
        rays.iter().map(|r| r.rows.len()).sum::<usize>()
    );
    s += &format!("  end reasons: {}\n", end_reason_line(&counts));
    s += &observables_lines(rays.iter().map(|r| (&r.observables, r.end)));
    s += "  config:\n";
    for line in meta.config_toml.lines() {
        s += &format!("    {line}\n");
    }
    Ok(s)
}

/// `excalibur merge`: joins shard files into the file the unsharded run would have written.
pub fn merge(parts: &[PathBuf], output: &Path, force: bool) -> Result<(), CliError> {
    if parts.is_empty() {
        return Err(CliError::input("merge: give at least one shard file"));
    }
    if output.exists() && !force {
        return Err(CliError::input(format!(
            "{}: already exists; pass --force to overwrite it",
            output.display()
        )));
    }
    let mut first: Option<RunMeta> = None;
    let mut all: Vec<StoredRay> = vec![];
    let mut seen_shards = vec![];
    for p in parts {
        let (meta, rays) = io::read_run(p)?;
        let Some(shard) = meta.shard else {
            return Err(CliError::input(format!(
                "{}: not a shard file (no shard attribute)",
                p.display()
            )));
        };
        if let Some(f) = &first {
            if f.config_toml != meta.config_toml
                || f.n_photons_total != meta.n_photons_total
                || f.shard.map(|s| s.1) != Some(shard.1)
            {
                return Err(CliError::input(format!(
                    "{}: comes from a different run than {}",
                    p.display(),
                    parts[0].display()
                )));
            }
        }
        if seen_shards.contains(&shard.0) {
            return Err(CliError::input(format!(
                "{}: shard {}/{} given twice",
                p.display(),
                shard.0,
                shard.1
            )));
        }
        seen_shards.push(shard.0);
        first.get_or_insert(meta);
        all.extend(rays);
    }
    let meta = first.expect("at least one part");
    all.sort_by_key(|r| r.id);
    let complete =
        all.len() == meta.n_photons_total && all.iter().enumerate().all(|(i, r)| r.id == i);
    if !complete {
        let count = meta.shard.map_or(0, |s| s.1);
        let mut missing: Vec<usize> = (0..count).filter(|i| !seen_shards.contains(i)).collect();
        missing.truncate(10);
        return Err(CliError::input(format!(
            "merge: the parts hold {} of {} rays; missing shards {missing:?}",
            all.len(),
            meta.n_photons_total
        )));
    }
    let merged = RunMeta {
        shard: None,
        ..meta
    };
    let records: Vec<RayRecord> = all.iter().map(RayRecord::from).collect();
    io::write_run(output, &merged, &records, force)
        .map_err(|e| CliError::failure(e.to_string()))?;
    Ok(())
}
