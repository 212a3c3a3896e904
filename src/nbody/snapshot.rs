//! Reading N-body snapshots (interface.md §6) a chunk of particles at a time, so that the
//! particle set is never in memory at once: `gadget_hdf5` (the Header attributes and
//! `PartType<k>/Coordinates`, `/Masses` or the MassTable; every file of a multi-file snapshot
//! `snap.0.hdf5 … snap.K.hdf5`) and `arrays` (`positions`, `masses` or a root `mass`,
//! root attributes `box_size` and `redshift`). Units are converted here: positions to Mpc,
//! masses to M☉ (the solve needs only ratios of masses, the header the box).
//!
//! Every problem names the file and the item: a missing group or attribute, a NaN position,
//! a position more than one box outside the box, a negative or non-finite mass.

use crate::config::{ParticlesConfig, SnapshotFormat};
use crate::io::IoError;
use hdf5::{File, Group};
use ndarray::s;
use std::path::{Path, PathBuf};

/// Particles read per chunk: 2²⁰ positions are 24 MiB in f64.
pub const CHUNK_PARTICLES: usize = 1 << 20;

/// What the snapshot says about itself (converted to Mpc with its h).
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotHeader {
    pub box_mpc: f64,
    pub redshift: f64,
    /// (Ωm, ΩΛ, h) when the file states them (gadget_hdf5's Omega0, OmegaLambda, HubbleParam).
    pub cosmology: Option<(f64, f64, f64)>,
    /// The files of the snapshot in order.
    pub files: Vec<PathBuf>,
    /// Coordinates × this = Mpc (the length unit over h).
    pub length_to_mpc: f64,
    pub particles: u64,
}

/// An attribute's first value (a scalar attribute is one value).
fn scalar(path: &Path, group: &Group, name: &str) -> Result<f64, IoError> {
    vector(path, group, name)?.first().copied().ok_or_else(|| {
        IoError::invalid(path, format!("attribute {}/{name} is empty", group.name()))
    })
}

/// An attribute's values, converted to f64 (Gadget writes counts as integers).
fn vector(path: &Path, group: &Group, name: &str) -> Result<Vec<f64>, IoError> {
    group
        .attr(name)
        .and_then(|a| a.read_raw::<f64>())
        .map_err(IoError::h5(
            path,
            format!("attribute {}/{name}", group.name()),
        ))
}

/// The files of a multi-file snapshot: `x.0.hdf5` names `x.0.hdf5 … x.(K−1).hdf5`, K from
/// the header's NumFilesPerSnapshot; any other name is one file.
fn snapshot_files(first: &Path, count: usize) -> Vec<PathBuf> {
    let name = first
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    match name.strip_suffix(".0.hdf5") {
        Some(stem) if count > 1 => (0..count)
            .map(|k| first.with_file_name(format!("{stem}.{k}.hdf5")))
            .collect(),
        _ => vec![first.to_path_buf()],
    }
}

/// Reads the header of the snapshot `path` (for a multi-file snapshot, its file 0); `config_h`
/// converts the lengths of an `arrays` file, which states no h.
pub fn read_header(
    path: &Path,
    config: &ParticlesConfig,
    config_h: f64,
) -> Result<SnapshotHeader, IoError> {
    crate::io::target::check_input(path, "potential.particles.file")?;
    let file = File::open(path).map_err(IoError::h5(
        path,
        "potential.particles.file: cannot open as HDF5",
    ))?;
    let unit = config.length_unit_mpc_h;
    match config.format {
        SnapshotFormat::GadgetHdf5 => {
            let header = file
                .group("Header")
                .map_err(IoError::h5(path, "group Header"))?;
            let h = scalar(path, &header, "HubbleParam")?;
            let cosmology = Some((
                scalar(path, &header, "Omega0")?,
                scalar(path, &header, "OmegaLambda")?,
                h,
            ));
            let count = header
                .attr("NumFilesPerSnapshot")
                .and_then(|a| a.read_raw::<f64>())
                .ok()
                .and_then(|v| v.first().copied())
                .unwrap_or(1.0) as usize;
            let totals = vector(path, &header, "NumPart_Total")?;
            let particles = config
                .types
                .iter()
                .map(|&t| totals.get(t as usize).copied().unwrap_or(0.0) as u64)
                .sum();
            Ok(SnapshotHeader {
                box_mpc: scalar(path, &header, "BoxSize")? * unit / h,
                length_to_mpc: unit / h,
                redshift: scalar(path, &header, "Redshift")?,
                cosmology,
                files: snapshot_files(path, count.max(1)),
                particles,
            })
        }
        SnapshotFormat::Arrays => {
            let root = file.as_group().map_err(IoError::h5(path, "root group"))?;
            let n = file
                .dataset("positions")
                .map_err(IoError::h5(path, "dataset positions"))?
                .shape()
                .first()
                .copied()
                .unwrap_or(0) as u64;
            Ok(SnapshotHeader {
                // Arrays state no h: their lengths are taken in Mpc/h with h from [cosmology].
                box_mpc: scalar(path, &root, "box_size")? * unit / config_h,
                length_to_mpc: unit / config_h,
                redshift: scalar(path, &root, "redshift")?,
                cosmology: None,
                files: vec![path.to_path_buf()],
                particles: n,
            })
        }
    }
}

/// One chunk: positions [Mpc] and masses [M☉/h units of the snapshot × mass_unit].
pub struct Chunk {
    pub positions_mpc: Vec<[f64; 3]>,
    pub masses: Vec<f64>,
}

/// Calls `each` with every chunk of the snapshot's particles, file by file and type by type
/// in order.
pub fn for_each_chunk(
    header: &SnapshotHeader,
    config: &ParticlesConfig,
    mut each: impl FnMut(&Chunk),
) -> Result<(), IoError> {
    let (box_mpc, length_to_mpc) = (header.box_mpc, header.length_to_mpc);
    for path in &header.files {
        crate::io::target::check_input(path, "potential.particles.file")?;
        let file = File::open(path).map_err(IoError::h5(path, "cannot open as HDF5"))?;
        let groups: Vec<(String, Option<f64>)> = match config.format {
            SnapshotFormat::Arrays => {
                let root = file.as_group().map_err(IoError::h5(path, "root group"))?;
                let mass = root
                    .attr("mass")
                    .ok()
                    .and_then(|a| a.read_raw::<f64>().ok())
                    .and_then(|v| v.first().copied());
                vec![(String::new(), mass)]
            }
            SnapshotFormat::GadgetHdf5 => {
                let header = file
                    .group("Header")
                    .map_err(IoError::h5(path, "group Header"))?;
                let table = vector(path, &header, "MassTable")?;
                let this_file = vector(path, &header, "NumPart_ThisFile")?;
                config
                    .types
                    .iter()
                    .filter(|&&t| this_file.get(t as usize).copied().unwrap_or(0.0) > 0.0)
                    .map(|&t| {
                        let m = table.get(t as usize).copied().filter(|m| *m > 0.0);
                        (format!("PartType{t}/"), m)
                    })
                    .collect()
            }
        };
        for (prefix, table_mass) in groups {
            let positions = file
                .dataset(&format!(
                    "{prefix}{}",
                    if prefix.is_empty() {
                        "positions"
                    } else {
                        "Coordinates"
                    }
                ))
                .map_err(IoError::h5(path, format!("dataset {prefix}Coordinates")))?;
            let name = positions.name();
            let shape = positions.shape();
            if shape.len() != 2 || shape[1] != 3 {
                return Err(IoError::invalid(
                    path,
                    format!("{name} has shape {shape:?}; [n, 3] is needed"),
                ));
            }
            let masses = match table_mass {
                Some(_) => None,
                None => Some(
                    file.dataset(&format!(
                        "{prefix}{}",
                        if prefix.is_empty() {
                            "masses"
                        } else {
                            "Masses"
                        }
                    ))
                    .map_err(IoError::h5(
                        path,
                        format!("dataset {prefix}Masses (no MassTable entry)"),
                    ))?,
                ),
            };
            let n = shape[0];
            for start in (0..n).step_by(CHUNK_PARTICLES) {
                let end = (start + CHUNK_PARTICLES).min(n);
                let raw: ndarray::Array2<f64> = positions
                    .read_slice_2d(s![start..end, ..])
                    .map_err(IoError::h5(path, format!("{name} rows {start}..{end}")))?;
                let mut chunk = Chunk {
                    positions_mpc: Vec::with_capacity(end - start),
                    masses: match (&masses, table_mass) {
                        (Some(ds), _) => ds
                            .read_slice_1d::<f64, _>(s![start..end])
                            .map_err(IoError::h5(
                                path,
                                format!("{} rows {start}..{end}", ds.name()),
                            ))?
                            .to_vec(),
                        (None, m) => vec![m.unwrap_or(0.0); end - start],
                    },
                };
                for (q, row) in raw.outer_iter().enumerate() {
                    let p = [row[0], row[1], row[2]].map(|v| v * length_to_mpc);
                    if p.iter()
                        .any(|v| !v.is_finite() || *v < -box_mpc || *v > 2.0 * box_mpc)
                    {
                        return Err(IoError::invalid(
                            path,
                            format!("{name} row {}: position {p:?} Mpc is not finite or lies more than one box ({box_mpc} Mpc) outside the box", start + q),
                        ));
                    }
                    chunk.positions_mpc.push(p);
                }
                if let Some((q, m)) = chunk
                    .masses
                    .iter()
                    .enumerate()
                    .find(|(_, m)| !(m.is_finite() && **m >= 0.0))
                {
                    return Err(IoError::invalid(
                        path,
                        format!("{prefix}Masses row {}: {m} is not a mass", start + q),
                    ));
                }
                each(&chunk);
            }
        }
    }
    Ok(())
}
