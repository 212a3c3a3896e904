//! Joining shard files (`excalibur run --shard I/N`) into the file the unsharded run writes.

use super::error::IoError;
use super::read::{read_run, StoredRay};
use super::write::{write_run, RayRecord, RunMeta};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why shard files could not be merged.
#[derive(Debug, Error)]
pub enum MergeError {
    #[error("merge needs at least one shard file")]
    NoParts,
    #[error(transparent)]
    Read(IoError),
    #[error("{}: not a shard file (no shard attribute)", path.display())]
    NotShard { path: PathBuf },
    #[error("{}: comes from a different run than {}", path.display(), first.display())]
    DifferentRun { path: PathBuf, first: PathBuf },
    #[error("{}: shard {index}/{count} given twice", path.display())]
    Repeated {
        path: PathBuf,
        index: usize,
        count: usize,
    },
    #[error("the parts hold {have} of {total} rays; missing shards {missing:?}")]
    Incomplete {
        have: usize,
        total: usize,
        missing: Vec<usize>,
    },
    #[error(transparent)]
    Write(IoError),
}

impl MergeError {
    /// Whether the parts (or the output path) were at fault rather than the writing.
    pub fn is_bad_input(&self) -> bool {
        match self {
            MergeError::Write(e) => e.is_bad_input(),
            _ => true,
        }
    }
}

/// Reads every part, checks that they come from one run and cover every shard exactly once,
/// and writes the merged file (photons in launch order) to `output`.
pub fn merge(parts: &[PathBuf], output: &Path, force: bool) -> Result<(), MergeError> {
    let Some(first_path) = parts.first() else {
        return Err(MergeError::NoParts);
    };
    super::target::check_output(output, force, parts).map_err(MergeError::Write)?;
    let mut first: Option<RunMeta> = None;
    let mut all: Vec<StoredRay> = vec![];
    let mut seen_shards = vec![];
    for p in parts {
        let (meta, rays) = read_run(p).map_err(MergeError::Read)?;
        let Some((index, count)) = meta.shard else {
            return Err(MergeError::NotShard { path: p.clone() });
        };
        if let Some(f) = &first {
            // The same snapshot bytes too: a snapshot rewritten between shards is another run.
            if f.config_toml != meta.config_toml
                || f.snapshot != meta.snapshot
                || f.n_photons_total != meta.n_photons_total
                || f.shard.map(|s| s.1) != Some(count)
            {
                return Err(MergeError::DifferentRun {
                    path: p.clone(),
                    first: first_path.clone(),
                });
            }
        }
        if seen_shards.contains(&index) {
            return Err(MergeError::Repeated {
                path: p.clone(),
                index,
                count,
            });
        }
        seen_shards.push(index);
        first.get_or_insert(meta);
        all.extend(rays);
    }
    let Some(meta) = first else {
        return Err(MergeError::NoParts);
    };
    all.sort_by_key(|r| r.id);
    let complete =
        all.len() == meta.n_photons_total && all.iter().enumerate().all(|(i, r)| r.id == i);
    if !complete {
        let count = meta.shard.map_or(0, |s| s.1);
        let mut missing: Vec<usize> = (0..count).filter(|i| !seen_shards.contains(i)).collect();
        missing.truncate(10);
        return Err(MergeError::Incomplete {
            have: all.len(),
            total: meta.n_photons_total,
            missing,
        });
    }
    let merged = RunMeta {
        shard: None,
        ..meta
    };
    let records: Vec<RayRecord> = all.iter().map(RayRecord::from).collect();
    // In the layout (and compression) the run asked for, as the unsharded run wrote it.
    let output_config = toml::from_str::<crate::config::RunConfig>(&merged.config_toml)
        .map(|c| c.output)
        .unwrap_or_default();
    match output_config.layout {
        crate::config::OutputLayout::Packed => super::packed::write_packed(
            output,
            &merged,
            &records,
            force,
            output_config.compression,
            parts,
        ),
        crate::config::OutputLayout::PerPhoton => {
            write_run(output, &merged, &records, force, parts)
        }
    }
    .map_err(MergeError::Write)
}
