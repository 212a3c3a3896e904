//! The headless commands: run, check, inspect, merge. Each is a few library calls and a report.

use super::args::{MergeArgs, Overrides, RunArgs};
use super::exit::{bad_input, BadInput};
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

/// An output that exists without `--force`, or whose folder is a file, is bad input.
pub fn refuse_existing(output: &Path, force: bool) -> anyhow::Result<()> {
    let folder = output.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(file) = folder.and_then(|d| d.ancestors().find(|a| a.is_file())) {
        return Err(bad_input(anyhow::anyhow!(
            "{}: cannot be written, {} is a file, not a folder",
            output.display(),
            file.display()
        )));
    }
    if output.exists() && !force {
        return Err(bad_input(anyhow::anyhow!(
            "{}: already exists; pass --force to overwrite it",
            output.display()
        )));
    }
    Ok(())
}

/// Rows traced and written per block in the packed layout (2¹⁸ rows, 29 MiB): a block holds
/// enough rays to keep every core busy, and few enough that its states stay small.
const PACKED_BLOCK_ROWS: usize = 1 << 18;

/// `excalibur run`.
pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    let total_start = Instant::now();
    let config = load(&args.config, &args.sets)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| config.output.path.clone());
    refuse_existing(&output, args.force)?;
    let threads = args.threads.unwrap_or(config.threads);
    let model = Model::build(config, &base_dir(&args.config), &mut FieldCache::default())
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
    let meta = RunMeta {
        config_toml: model.config.to_toml(),
        metric: model.config.spacetime.metric.as_ref().into(),
        n_photons_total: model.rays.len(),
        shard: args.shard,
        warnings,
    };
    let mut result = report::Digest::default();
    let written = match model.config.output.layout {
        OutputLayout::PerPhoton => {
            let traced = model.trace(rays, threads, &sink, &AtomicBool::new(false));
            result.add(&traced);
            let records: Vec<RayRecord> = traced.rays.iter().map(RayRecord::from).collect();
            io::write_run(&output, &meta, &records, args.force)
        }
        // Rays are traced a block at a time and each block appended to the file, so memory
        // holds one block's states, not the run's.
        OutputLayout::Packed => io::write_atomically(&output, args.force, |tmp| {
            let mut w = io::PackedWriter::create(
                tmp,
                &output,
                &meta,
                rays.len(),
                model.config.output.compression,
            )?;
            let per_ray = excalibur::trace::expected_rows(&model.integration);
            let block_rays = (PACKED_BLOCK_ROWS / per_ray).clamp(64, 8192);
            for block in rays.chunks(block_rays) {
                let traced = model.trace(block, threads, &sink, &AtomicBool::new(false));
                result.add(&traced);
                let records: Vec<RayRecord> = traced.rays.iter().map(RayRecord::from).collect();
                w.append(&records)?;
            }
            w.finish()
        }),
    };
    sink.finish();
    written.map_err(|e| match e {
        IoError::Exists { .. } => bad_input(e),
        other => other.into(),
    })?;
    let total_s = total_start.elapsed().as_secs_f64();
    if !args.quiet {
        eprint!("{}", report::summary(&model, &result, &output, total_s));
    }
    if args.json {
        println!(
            "{}",
            report::json_summary(&model, &result, &output, total_s, &meta.warnings)
        );
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

/// `excalibur merge`.
pub fn merge(args: &MergeArgs) -> anyhow::Result<()> {
    io::merge(&args.parts, &args.output, args.force).map_err(|e| {
        if e.is_bad_input() {
            BadInput(e.into()).into()
        } else {
            anyhow::Error::from(e)
        }
    })
}
