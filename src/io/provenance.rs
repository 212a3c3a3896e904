//! The snapshot a run traced, recorded in its run file (interface.md §6): group `snapshot`
//! with attributes `path` (the config's `potential.particles.file` as resolved), `files`,
//! `size_bytes` and `sha256` (one entry per file of the snapshot, in order), `redshift` and
//! `particle_count`. So a result can be tied to the exact bytes it came from.

use super::error::IoError;
use hdf5::types::VarLenUnicode;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// One file of a snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotFile {
    pub path: PathBuf,
    pub size_bytes: u64,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
}

/// What a run file records of its snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotRecord {
    /// The config's `potential.particles.file`, resolved against the config's folder.
    pub path: PathBuf,
    pub files: Vec<SnapshotFile>,
    pub redshift: f64,
    pub particle_count: u64,
}

impl SnapshotRecord {
    /// Sizes and hashes `files` (streamed: a snapshot of gigabytes is never held).
    pub fn of_files(
        path: &Path,
        files: &[PathBuf],
        redshift: f64,
        particle_count: u64,
    ) -> Result<SnapshotRecord, IoError> {
        let files = files
            .iter()
            .map(|f| hash_file(f))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SnapshotRecord {
            path: path.to_path_buf(),
            files,
            redshift,
            particle_count,
        })
    }
}

fn hash_file(path: &Path) -> Result<SnapshotFile, IoError> {
    let io = |e: std::io::Error| IoError::invalid(path, format!("cannot read the snapshot: {e}"));
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let size_bytes = std::io::copy(&mut file, &mut hasher).map_err(io)?;
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(SnapshotFile {
        path: path.to_path_buf(),
        size_bytes,
        sha256,
    })
}

fn text(s: &str) -> VarLenUnicode {
    s.parse()
        .expect("strings without NUL are valid VarLenUnicode")
}

/// Writes `record` as group `snapshot` of `file`.
pub(super) fn write_snapshot(file: &hdf5::File, record: &SnapshotRecord) -> hdf5::Result<()> {
    let g = file.create_group("snapshot")?;
    g.new_attr::<VarLenUnicode>()
        .create("path")?
        .write_scalar(&text(&record.path.display().to_string()))?;
    let names: Vec<VarLenUnicode> = record
        .files
        .iter()
        .map(|f| text(&f.path.display().to_string()))
        .collect();
    g.new_attr_builder()
        .with_data(&ndarray::Array1::from(names))
        .create("files")?;
    let sizes: Vec<i64> = record.files.iter().map(|f| f.size_bytes as i64).collect();
    g.new_attr_builder()
        .with_data(&ndarray::Array1::from(sizes))
        .create("size_bytes")?;
    let hashes: Vec<VarLenUnicode> = record.files.iter().map(|f| text(&f.sha256)).collect();
    g.new_attr_builder()
        .with_data(&ndarray::Array1::from(hashes))
        .create("sha256")?;
    g.new_attr::<f64>()
        .create("redshift")?
        .write_scalar(&record.redshift)?;
    g.new_attr::<i64>()
        .create("particle_count")?
        .write_scalar(&(record.particle_count as i64))?;
    Ok(())
}

/// Reads group `snapshot` of `file`, or `None` when the run traced no snapshot.
pub(super) fn read_snapshot(file: &hdf5::File) -> hdf5::Result<Option<SnapshotRecord>> {
    let Ok(g) = file.group("snapshot") else {
        return Ok(None);
    };
    let strings = |name: &str| -> hdf5::Result<Vec<String>> {
        Ok(g.attr(name)?
            .read_raw::<VarLenUnicode>()?
            .iter()
            .map(|s| s.as_str().to_string())
            .collect())
    };
    let names = strings("files")?;
    let hashes = strings("sha256")?;
    let sizes = g.attr("size_bytes")?.read_raw::<i64>()?;
    let files = names
        .into_iter()
        .zip(hashes)
        .zip(sizes)
        .map(|((path, sha256), size)| SnapshotFile {
            path: path.into(),
            size_bytes: size as u64,
            sha256,
        })
        .collect();
    Ok(Some(SnapshotRecord {
        path: g
            .attr("path")?
            .read_scalar::<VarLenUnicode>()?
            .as_str()
            .into(),
        files,
        redshift: g.attr("redshift")?.read_scalar()?,
        particle_count: g.attr("particle_count")?.read_scalar::<i64>()? as u64,
    }))
}
