//! `excalibur sweep` and `excalibur summarize`: a parameter scan as a job array, and one
//! table of its results.

use super::args::{Overrides, RunArgs, SweepArgs};
use super::commands::{io_error, refuse_output, run};
use super::exit::bad_input;
use excalibur::io;
use excalibur::sweep::Manifest;
use std::path::{Path, PathBuf};

/// `excalibur sweep MANIFEST --list | --index I`.
pub fn sweep(args: &SweepArgs) -> anyhow::Result<()> {
    let manifest = Manifest::load(&args.manifest)?;
    if args.list {
        return super::out::print_lines((0..manifest.len()).map(|i| {
            let r = manifest.run(i)?;
            let values: Vec<String> = r.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
            Ok(format!("{i} {}", values.join(" ")))
        }));
    }
    let index = args.index.unwrap_or_default();
    let r = manifest.run(index)?;
    if let Some(folder) = r.output.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !folder.exists() {
            std::fs::create_dir_all(folder).map_err(|e| {
                bad_input(anyhow::anyhow!("{}: cannot create: {e}", folder.display()))
            })?;
        }
    }
    run(&RunArgs {
        config: manifest.base.clone(),
        output: Some(r.output),
        sets: Overrides { sets: r.values },
        threads: args.threads,
        shard: None,
        force: args.force,
        json: args.json,
        quiet: args.quiet,
    })
}

/// `excalibur summarize RUN.h5... [-o TABLE.csv]`.
pub fn summarize(files: &[PathBuf], output: Option<&Path>, force: bool) -> anyhow::Result<()> {
    if files.is_empty() {
        return Err(bad_input(anyhow::anyhow!(
            "summarize needs at least one run file"
        )));
    }
    let table = io::summarize(files).map_err(bad_input)?;
    match output {
        None => super::out::print(&table)?,
        Some(path) => {
            refuse_output(path, force, files)?;
            io::write_atomically(path, force, files, |tmp| {
                std::fs::write(tmp, &table).map_err(|source| io::IoError::File {
                    path: path.to_path_buf(),
                    what: "cannot write",
                    source,
                })
            })
            .map_err(io_error)?;
        }
    }
    Ok(())
}
