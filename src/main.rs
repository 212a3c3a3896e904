//! The `excalibur` binary: parses the command line and hands each command to the library (the
//! headless commands in `cli/`, the visualizer in `excalibur::app`).

mod cli;

use clap::Parser;
use cli::args::{Cli, Command, GuiArgs};
use std::path::PathBuf;
use std::process::ExitCode;

fn dispatch(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Gui(args) => gui(args),
        Command::Run(args) => cli::run(&args),
        Command::Merge(args) => cli::merge(&args),
        Command::Image(args) => cli::image(&args),
        Command::Map(args) => cli::map(&args),
        Command::Potential(args) => cli::potential(&args),
        Command::Inspect { file } => cli::out::print(&cli::inspect(&file)?),
        Command::Check { config, sets } => cli::out::print(&cli::check(&config, &sets)?),
        Command::Sweep(args) => cli::sweep(&args),
        Command::Summarize {
            files,
            output,
            force,
        } => cli::summarize(&files, output.as_deref(), force),
    }
}

fn config_path(args: &GuiArgs) -> PathBuf {
    args.config
        .clone()
        .unwrap_or_else(|| PathBuf::from("configs/default.toml"))
}

#[cfg(feature = "gui")]
fn gui(args: GuiArgs) -> anyhow::Result<()> {
    use excalibur::app::{run_gui, GuiOptions};
    let path = config_path(&args);
    let config = excalibur::config::RunConfig::load(&path, &args.sets.sets)?;
    cli::display::check_display(&path)?;
    let inputs = cli::inputs_of(&path, &config);
    if let Some(shot) = &args.screenshot {
        cli::refuse_output(shot, true, &inputs)?;
    }
    if args.frames.is_some() && args.screenshot.is_none() && args.record.is_none() {
        return Err(cli::exit::bad_input(anyhow::anyhow!(
            "--frames needs --screenshot or --record"
        )));
    }
    let record = record_options(&args, &path, &inputs)?;
    // The log replaces a regular file that is none of the inputs, like the screenshot.
    let log = match &args.log {
        Some(p) => {
            cli::refuse_output(p, true, &inputs)?;
            Some(std::fs::File::create(p).map_err(|e| {
                cli::exit::bad_input(anyhow::anyhow!(
                    "{}: --log: cannot create: {e}",
                    p.display()
                ))
            })?)
        }
        None => None,
    };
    // The edit of --then-set, validated now so a bad key fails before a window opens.
    let then_config = if args.then_set.is_empty() {
        None
    } else {
        let all: Vec<(String, String)> = args
            .sets
            .sets
            .iter()
            .chain(&args.then_set)
            .cloned()
            .collect();
        Some(
            // As written, like the draft it replaces (implicit defaults follow the edit).
            excalibur::config::RunConfig::load(&path, &all)?
                .as_given()
                .clone(),
        )
    };
    Ok(run_gui(GuiOptions {
        config,
        config_path: path,
        plots: args.plots,
        select: args.select,
        bend: args.bend,
        screenshot: args.screenshot,
        frames: args.frames,
        measure_edit: args.measure_edit,
        then: then_config,
        zoom_steps: args.zoom.unwrap_or(0),
        pick: args.pick,
        log,
        record,
        inputs,
    })?)
}

/// `--record OUT [--animate KEY=FROM..TO [--log-steps]] [--frames N] [--fps F]`: every frame's
/// config built and validated, then the recording started (`Recorder::start` checks the output:
/// a .gif, or an .mp4 with ffmpeg present, none of the inputs), all before the window opens, so
/// a bad value or output exits 2 at once.
#[cfg(feature = "gui")]
fn record_options(
    args: &GuiArgs,
    path: &std::path::Path,
    inputs: &[PathBuf],
) -> anyhow::Result<Option<excalibur::app::RecordOptions>> {
    let Some(out) = &args.record else {
        return Ok(None);
    };
    let frames = args.frames.unwrap_or(30) as usize;
    let configs = match &args.animate {
        None => None,
        Some((key, from, to)) => {
            if args.log_steps && (*from <= 0.0 || *to <= 0.0) {
                return Err(cli::exit::bad_input(anyhow::anyhow!(
                    "--animate {key}: --log-steps needs FROM and TO > 0"
                )));
            }
            let range = excalibur::sweep::KeyRange {
                key: key.clone(),
                from: *from,
                to: *to,
                count: frames,
                log: args.log_steps,
            };
            let mut configs = Vec::with_capacity(frames);
            for v in range.values() {
                let mut sets = args.sets.sets.clone();
                sets.push((key.clone(), format!("{v:e}")));
                // As written, like the draft it replaces (implicit defaults follow the edit).
                configs.push(
                    excalibur::config::RunConfig::load(path, &sets)?
                        .as_given()
                        .clone(),
                );
            }
            Some(configs)
        }
    };
    let recorder =
        excalibur::app::capture::record::Recorder::start(out, inputs).map_err(cli::io_error)?;
    Ok(Some(excalibur::app::RecordOptions {
        recorder,
        configs,
        frames,
        fps: args.fps,
    }))
}

/// A headless build (`--no-default-features`) has no visualizer; say so instead of pretending.
#[cfg(not(feature = "gui"))]
fn gui(args: GuiArgs) -> anyhow::Result<()> {
    let c = config_path(&args);
    Err(cli::exit::bad_input(anyhow::anyhow!(
        "this build has no visualizer (built without the `gui` feature); trace {} headlessly with `excalibur run {}`",
        c.display(),
        c.display()
    )))
}

fn main() -> ExitCode {
    excalibur::keep_freed_memory();
    let parsed = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // No command is `gui` with its defaults.
    let command =
        parsed
            .command
            .unwrap_or_else(|| match Cli::parse_from(["excalibur", "gui"]).command {
                Some(c) => c,
                None => unreachable!("`gui` parses to a command"),
            });
    if !matches!(command, Command::Gui(_)) {
        // Temporary outputs go when a signal ends the command (the window has its own Ctrl-C).
        if let Err(e) = excalibur::io::remove_temporaries_on_signals() {
            eprintln!("error: cannot watch for signals: {e}");
            return ExitCode::from(1);
        }
    }
    match dispatch(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if cli::out::is_closed(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(cli::exit_status(&e))
        }
    }
}
