//! The `excalibur` binary: clap dispatch to the visualizer or the headless commands.

use clap::{Parser, Subcommand};
use excalibur::cli::{self, CliError, RunOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "excalibur",
    version,
    about = "Light bending in cosmology: photon geodesics through perturbed FLRW and Schwarzschild"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the visualizer on CONFIG (default configs/default.toml).
    Gui {
        config: Option<PathBuf>,
        /// Render the finished run, save a PNG of the whole window and exit.
        #[arg(long)]
        screenshot: Option<PathBuf>,
        /// With --screenshot: take it after N frames instead of when the run finishes.
        #[arg(long, requires = "screenshot")]
        frames: Option<u32>,
        /// With --screenshot: after the run, double lens 0's mass and report the re-trace timings.
        #[arg(long, requires = "screenshot")]
        measure_edit: bool,
        /// Override a config key by dotted path, as for `run` (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// Open the plot window from the start.
        #[arg(long)]
        plots: bool,
        /// Select this ray (its readout and redshift plot) from the start.
        #[arg(long, value_name = "RAY")]
        select: Option<usize>,
        /// Start with this display-only bend exaggeration (1 to 1e6).
        #[arg(long, default_value_t = 1.0, value_parser = parse_bend)]
        bend: f64,
    },
    /// Headless run: build the potential, trace the rays, write HDF5.
    Run {
        config: PathBuf,
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Override a config key by dotted path, e.g. --set potential.nodes=128 (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// Worker threads (0 = all cores); overrides the config's `threads`.
        #[arg(long)]
        threads: Option<usize>,
        /// Trace only shard I of N (e.g. 3/16), for job arrays; join with `merge`.
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        /// Overwrite an existing output file.
        #[arg(long)]
        force: bool,
        /// Print a JSON summary on stdout.
        #[arg(long)]
        json: bool,
        /// No progress bar or summary on stderr.
        #[arg(long)]
        quiet: bool,
    },
    /// Join shard outputs into one file identical to the unsharded run.
    Merge {
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        #[arg(short, long)]
        output: PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// Print what a run file holds.
    Inspect { file: PathBuf },
    /// Validate a config and print it fully resolved, as TOML.
    Check {
        config: PathBuf,
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
}

fn dispatch(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        None => gui(GuiOptions {
            config: PathBuf::from("configs/default.toml"),
            sets: vec![],
            screenshot: None,
            frames: None,
            measure_edit: false,
            plots: false,
            select: None,
            bend: 1.0,
        }),
        Some(Command::Gui {
            config,
            screenshot,
            frames,
            measure_edit,
            sets,
            plots,
            select,
            bend,
        }) => gui(GuiOptions {
            config: config.unwrap_or_else(|| PathBuf::from("configs/default.toml")),
            sets,
            screenshot,
            frames,
            measure_edit,
            plots,
            select,
            bend,
        }),
        Some(Command::Run {
            config,
            output,
            sets,
            threads,
            shard,
            force,
            json,
            quiet,
        }) => cli::run(&RunOptions {
            config,
            output,
            sets,
            threads,
            shard,
            force,
            json,
            quiet,
        }),
        Some(Command::Merge {
            parts,
            output,
            force,
        }) => cli::merge(&parts, &output, force),
        Some(Command::Inspect { file }) => cli::inspect(&file).map(|s| print!("{s}")),
        Some(Command::Check { config, sets }) => cli::check(&config, &sets).map(|s| print!("{s}")),
    }
}

#[cfg(feature = "gui")]
use excalibur::app::GuiOptions;

#[cfg(feature = "gui")]
fn gui(opts: GuiOptions) -> Result<(), CliError> {
    excalibur::app::run_gui(opts)
}

/// What `gui` was asked for, in a build without the visualizer (only `config` is reported).
#[cfg(not(feature = "gui"))]
#[allow(dead_code)]
struct GuiOptions {
    config: PathBuf,
    sets: Vec<String>,
    screenshot: Option<PathBuf>,
    frames: Option<u32>,
    measure_edit: bool,
    plots: bool,
    select: Option<usize>,
    bend: f64,
}

/// A headless build (`--no-default-features`) has no visualizer; say so instead of pretending.
#[cfg(not(feature = "gui"))]
fn gui(opts: GuiOptions) -> Result<(), CliError> {
    let c = opts.config.display();
    Err(CliError::input(format!(
        "this build has no visualizer (built without the `gui` feature); trace {c} headlessly with `excalibur run {c}`"
    )))
}

/// `--bend`: a finite factor in [1, 1e6].
fn parse_bend(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (1.0..=1e6).contains(&v) => Ok(v),
        _ => Err(format!("`{text}` is not a bend exaggeration in [1, 1e6]")),
    }
}

fn main() -> ExitCode {
    excalibur::keep_freed_memory();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(e.status as u8)
        }
    }
}
