//! The headless commands: run, check, inspect, merge. Each is a few library calls and a report.

use super::args::{Overrides, RunArgs};
use super::exit::bad_input;
use super::report;
use anyhow::Context;
use excalibur::config::{OutputLayout, RunConfig, ValidConfig};
use excalibur::field::FieldCache;
use excalibur::io::{self, IoError, RayRecord, RunMeta};
use excalibur::setup::Model;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Loads and validates a config with its `--set` overrides.
pub fn load(path: &Path, overrides: &Overrides) -> anyhow::Result<ValidConfig> {
    Ok(RunConfig::load(path, &overrides.sets)?)
}

pub fn base_dir(config: &Path) -> PathBuf {
    config.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Checks an output before any work is spent on it (`io::check_output`: it must not exist
/// without `--force`, be anything but a regular file, or be one of `inputs`); bad input.
pub fn refuse_output(output: &Path, force: bool, inputs: &[PathBuf]) -> anyhow::Result<()> {
    io::check_output(output, force, inputs).map_err(io_error)
}

/// An io error for the terminal: bad input (exit 2) when the files given are at fault, with
/// the hint to pass --force for an existing output.
pub fn io_error(e: IoError) -> anyhow::Error {
    match e {
        IoError::Exists { .. } => bad_input(anyhow::anyhow!("{e}; pass --force to overwrite it")),
        e if e.is_bad_input() => bad_input(e),
        e => e.into(),
    }
}

/// The files a command on `config` (read from `config_path`) reads: the config itself and
/// the files it names; no output may replace one of them.
pub fn inputs_of(config_path: &Path, config: &ValidConfig) -> Vec<PathBuf> {
    let mut files = vec![config_path.to_path_buf()];
    files.extend(config.input_files(&base_dir(config_path)));
    files
}

/// `excalibur run`.
pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    let total_start = Instant::now();
    let config = load(&args.config, &args.sets)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| config.output.path.clone());
    let inputs = inputs_of(&args.config, &config);
    refuse_output(&output, args.force, &inputs)?;
    let plan = excalibur::budget::MemoryEstimate::of(&config);
    let budget = |e: excalibur::budget::BudgetError| {
        bad_input(anyhow::anyhow!("{}: {e}", args.config.display()))
    };
    // Memory first, then disk; a potential.file's grid is counted as the model is built,
    // once its rays say which part of it they reach.
    let mut before_grid = plan;
    if excalibur::field::file_geometry(&config.potential).is_ok_and(|g| g.is_some()) {
        before_grid.grid_bytes = 0;
    }
    before_grid.check_memory(&config, true).map_err(budget)?;
    plan.check_disk(output.parent().unwrap_or(Path::new("")))
        .map_err(budget)?;
    let threads = args.threads.unwrap_or(config.threads);
    let dir = base_dir(&args.config);
    let model = Model::build_run(config, &dir, &mut FieldCache::default(), args.shard)
        .with_context(|| format!("{}: cannot set up the run", args.config.display()))
        .map_err(bad_input)?;
    let warnings = excalibur::resolution::resolution_warnings(&model);
    if !args.quiet {
        for w in &warnings {
            eprintln!("warning: {w}");
        }
    }
    let rays = match args.shard {
        Some((i, n)) => model.shard(i, n),
        None => &model.rays[..],
    };
    let sink = report::ProgressSink::new(rays.len(), args.quiet);
    let snapshot = excalibur::field::snapshot_record(&model.config, &dir)
        .with_context(|| format!("{}: cannot record the snapshot", args.config.display()))
        .map_err(bad_input)?;
    let mut meta = RunMeta {
        config_toml: model.config.to_toml(),
        metric: model.config.spacetime.metric.as_ref().into(),
        n_photons_total: model.rays.len(),
        shard: args.shard,
        warnings,
        snapshot,
    };
    let mut result = report::Digest::default();
    // Rays that left the part of a potential.file read, said as they are found.
    let late_warning = |exits: usize, meta: &mut RunMeta| {
        let warning = excalibur::resolution::part_read_warning(exits);
        if let Some(w) = &warning {
            if !args.quiet {
                eprintln!("warning: {w}");
            }
            meta.warnings.push(w.clone());
        }
        warning.is_some()
    };
    let written = match model.config.output.layout {
        OutputLayout::PerPhoton => {
            let traced = model.trace(rays, threads, &sink, &AtomicBool::new(false));
            result.add(&traced);
            let exits = excalibur::resolution::exits_from_part_read(&model, &traced);
            late_warning(exits, &mut meta);
            let records: Vec<RayRecord> = traced.rays.iter().map(RayRecord::from).collect();
            io::write_run(&output, &meta, &records, args.force, &inputs)
        }
        // Rays are traced a block at a time and each block appended to the file, so memory
        // holds one block's states, not the run's.
        OutputLayout::Packed => io::write_atomically(&output, args.force, &inputs, |tmp| {
            let mut w = io::PackedWriter::create(
                tmp,
                &output,
                &meta,
                rays.len(),
                model.config.output.compression,
            )?;
            let per_ray = excalibur::trace::expected_rows(&model.integration);
            let block_rays = (excalibur::budget::PACKED_BLOCK_ROWS / per_ray).clamp(64, 8192);
            let mut exits = 0;
            for block in rays.chunks(block_rays) {
                let traced = model.trace(block, threads, &sink, &AtomicBool::new(false));
                result.add(&traced);
                exits += excalibur::resolution::exits_from_part_read(&model, &traced);
                let records: Vec<RayRecord> = traced.rays.iter().map(RayRecord::from).collect();
                w.append(&records)?;
            }
            if late_warning(exits, &mut meta) {
                w.set_warnings(&meta.warnings)?;
            }
            w.finish()
        }),
    };
    sink.finish();
    written.map_err(io_error)?;
    let total_s = total_start.elapsed().as_secs_f64();
    if !args.quiet {
        eprint!("{}", report::summary(&model, &result, &output, total_s));
    }
    if args.json {
        super::out::print(&format!(
            "{}\n",
            report::json_summary(&model, &result, &output, total_s, &meta.warnings)
        ))?;
    }
    Ok(())
}

/// `excalibur check`: the resolved config as TOML.
pub fn check(config: &Path, overrides: &Overrides) -> anyhow::Result<String> {
    Ok(load(config, overrides)?.to_toml())
}

/// `excalibur inspect`.
pub fn inspect(path: &Path) -> anyhow::Result<String> {
    let (meta, rays) = io::read_run(path).map_err(bad_input)?;
    Ok(report::inspect(path, &meta, &rays))
}
