//! Writing the seed-compatible run layout plus provenance and observables.

use super::error::IoError;
use super::layout::{
    end_reason_labels, COLUMNS, SCALAR_OBSERVABLES, SOFTWARE, UNITS, VELOCITY_CONVENTION,
};
use crate::integrate::EndReason;
use crate::metric::Row;
use crate::observables::Observables;
use crate::trace::RayResult;
use hdf5::types::VarLenUnicode;
use ndarray::{Array1, Array2};
use std::path::{Path, PathBuf};

/// The compound `photon_info` row (field order fixed by the seed's readers).
#[derive(hdf5::H5Type, Clone, Copy, Debug, PartialEq)]
#[repr(C)]
pub struct PhotonInfo {
    pub id: i32,
    pub n_states: i32,
    pub initial_position: [f64; 4],
    pub initial_velocity: [f64; 4],
    pub weight: f64,
}

/// One ray as written: borrowed from a live result or a file read back.
#[derive(Debug, Clone, Copy)]
pub struct RayRecord<'a> {
    /// Global ray id (launch order in the unsharded run).
    pub id: usize,
    pub rows: &'a [Row],
    pub end: EndReason,
    pub observables: &'a Observables,
    pub steps_accepted: u64,
    pub steps_rejected: u64,
}

impl<'a> From<&'a RayResult> for RayRecord<'a> {
    fn from(r: &'a RayResult) -> Self {
        RayRecord {
            id: r.ray.id,
            rows: &r.rows,
            end: r.outcome.end,
            observables: &r.observables,
            steps_accepted: r.outcome.steps_accepted,
            steps_rejected: r.outcome.steps_rejected,
        }
    }
}

/// File-level provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct RunMeta {
    /// The fully resolved config (TOML).
    pub config_toml: String,
    /// "perturbed_flrw" or "schwarzschild".
    pub metric: String,
    /// Rays in the whole (unsharded) run.
    pub n_photons_total: usize,
    /// (index, count) for a shard file.
    pub shard: Option<(usize, usize)>,
    /// Warnings about the run's accuracy (e.g. a grid too coarse for some rays).
    pub warnings: Vec<String>,
    /// The N-body snapshot the potential came from (group `snapshot`).
    pub snapshot: Option<super::provenance::SnapshotRecord>,
}

fn text(s: &str) -> VarLenUnicode {
    s.parse()
        .expect("strings without NUL are valid VarLenUnicode")
}

/// Writes a run file at `path` atomically (see [`super::atomic::write_atomically`]); refuses to
/// replace an existing file unless `force`, and never replaces one of `inputs`.
pub fn write_run(
    path: &Path,
    meta: &RunMeta,
    rays: &[RayRecord],
    force: bool,
    inputs: &[PathBuf],
) -> Result<(), IoError> {
    super::atomic::write_atomically(path, force, inputs, |tmp| {
        write_to(tmp, meta, rays).map_err(IoError::h5_write(path, "cannot write the run file"))
    })
}

fn write_to(tmp: &Path, meta: &RunMeta, rays: &[RayRecord]) -> hdf5::Result<()> {
    let file = hdf5::File::create(tmp)?;
    root_attributes(&file, meta, rays.len(), "per_photon")?;
    let mut info = Vec::with_capacity(rays.len());
    for (i, r) in rays.iter().enumerate() {
        let name = format!("photon_{i}_states");
        if r.rows.is_empty() {
            file.new_dataset::<f64>().shape([0]).create(name.as_str())?;
        } else {
            file.new_dataset_builder()
                .with_data(&rows_array(r.rows))
                .create(name.as_str())?;
        }
        info.push(photon_info(i, r.rows));
    }
    file.new_dataset_builder()
        .with_data(&Array1::from(info))
        .create("photon_info")?;
    let mut columns = ObservableColumns::create(&file)?;
    columns.append(rays)?;
    file.flush()?;
    Ok(())
}

/// The root attributes of both layouts (interface.md §3).
pub(super) fn root_attributes(
    file: &hdf5::File,
    meta: &RunMeta,
    n: usize,
    layout: &str,
) -> hdf5::Result<()> {
    file.new_attr::<i64>()
        .create("n_photons")?
        .write_scalar(&(n as i64))?;
    for (name, value) in [
        ("software", SOFTWARE),
        ("config_toml", meta.config_toml.as_str()),
        ("velocity_convention", VELOCITY_CONVENTION),
        ("metric", meta.metric.as_str()),
        ("layout", layout),
        ("prng", crate::rays::PRNG_NAME),
        (
            "screen_basis",
            "rodrigues: e1 = R x, e2 = R y, R takes z to the axis (physics.md 7)",
        ),
    ] {
        file.new_attr::<VarLenUnicode>()
            .create(name)?
            .write_scalar(&text(value))?;
    }
    file.new_attr_builder()
        .with_data(&strings(&COLUMNS))
        .create("columns")?;
    file.new_attr_builder()
        .with_data(&strings(&UNITS))
        .create("units")?;
    file.new_attr::<i64>()
        .create("n_photons_total")?
        .write_scalar(&(meta.n_photons_total as i64))?;
    if let Some((i, count)) = meta.shard {
        file.new_attr::<VarLenUnicode>()
            .create("shard")?
            .write_scalar(&text(&format!("{i}/{count}")))?;
    }
    if let Some(record) = &meta.snapshot {
        super::provenance::write_snapshot(file, record)?;
    }
    write_warnings(file, &meta.warnings)
}

/// The root attribute `warnings` (left out when there are none), replacing any written before
/// (a run learns of some only as its rays end).
pub(super) fn write_warnings(file: &hdf5::File, warnings: &[String]) -> hdf5::Result<()> {
    if file.attr_names()?.iter().any(|n| n == "warnings") {
        file.delete_attr("warnings")?;
    }
    if !warnings.is_empty() {
        let w: Vec<&str> = warnings.iter().map(String::as_str).collect();
        file.new_attr_builder()
            .with_data(&strings(&w))
            .create("warnings")?;
    }
    Ok(())
}

fn strings(v: &[&str]) -> Array1<VarLenUnicode> {
    Array1::from(v.iter().map(|s| text(s)).collect::<Vec<_>>())
}

/// A ray's rows as an [n, 14] array.
pub(super) fn rows_array(rows: &[Row]) -> Array2<f64> {
    let flat: Vec<f64> = rows.iter().flat_map(|row| row.iter().copied()).collect();
    Array2::from_shape_vec((rows.len(), 14), flat).expect("14 columns per row")
}

/// The `photon_info` row of photon `i` (position and velocity from its first row).
pub(super) fn photon_info(i: usize, rows: &[Row]) -> PhotonInfo {
    let first = rows.first();
    let pick = |from: usize| {
        first.map_or([f64::NAN; 4], |row| {
            [row[from], row[from + 1], row[from + 2], row[from + 3]]
        })
    };
    PhotonInfo {
        id: i as i32,
        n_states: rows.len() as i32,
        initial_position: pick(0),
        initial_velocity: pick(4),
        weight: 1.0,
    }
}

/// The `observables` group, written block by block (one block for the per-photon layout, one
/// per batch of rays when a packed run streams to its file).
pub(super) struct ObservableColumns {
    group: hdf5::Group,
    len: usize,
}

/// Rows per chunk of the resizable datasets.
pub(super) const CHUNK_ROWS: usize = 4096;

/// Appends `data` ([n] or [n, cols]) to the resizable dataset `ds` that holds `len` rows.
pub(super) fn append<T: hdf5::H5Type>(
    ds: &hdf5::Dataset,
    len: usize,
    data: &[T],
    cols: usize,
) -> hdf5::Result<()> {
    let n = data.len() / cols.max(1);
    if n == 0 {
        return Ok(());
    }
    if cols == 0 {
        ds.resize([len + n])?;
        ds.write_slice(data, ndarray::s![len..len + n])
    } else {
        ds.resize([len + n, cols])?;
        let arr = ndarray::ArrayView2::from_shape((n, cols), data).expect("rows of `cols` values");
        ds.write_slice(arr, ndarray::s![len..len + n, ..])
    }
}

/// A resizable, chunked dataset of `cols` columns (0: one-dimensional).
pub(super) fn resizable<T: hdf5::H5Type>(
    loc: &hdf5::Group,
    name: &str,
    cols: usize,
    deflate: u8,
) -> hdf5::Result<hdf5::Dataset> {
    let builder = loc.new_dataset::<T>();
    let builder = if deflate > 0 {
        builder.shuffle().deflate(deflate)
    } else {
        builder
    };
    if cols == 0 {
        builder.chunk([CHUNK_ROWS]).shape([0usize..]).create(name)
    } else {
        builder
            .chunk([CHUNK_ROWS, cols])
            .shape([(0usize, None), (cols, Some(cols))])
            .create(name)
    }
}

impl ObservableColumns {
    pub(super) fn create(file: &hdf5::File) -> hdf5::Result<ObservableColumns> {
        let group = file.create_group("observables")?;
        resizable::<i32>(&group, "end_reason", 0, 0)?
            .new_attr_builder()
            .with_data(&strings(&end_reason_labels()))
            .create("labels")?;
        for name in ["ray_id", "steps_accepted", "steps_rejected"] {
            resizable::<i64>(&group, name, 0, 0)?;
        }
        for (name, _, _) in SCALAR_OBSERVABLES {
            resizable::<f64>(&group, name, 0, 0)?;
        }
        resizable::<f64>(&group, "final_direction", 3, 0)?;
        Ok(ObservableColumns { group, len: 0 })
    }

    pub(super) fn append(&mut self, rays: &[RayRecord]) -> hdf5::Result<()> {
        let g = &self.group;
        let len = self.len;
        let codes: Vec<i32> = rays.iter().map(|r| r.end.code()).collect();
        append(&g.dataset("end_reason")?, len, &codes, 0)?;
        let ints = |f: &dyn Fn(&RayRecord) -> i64| rays.iter().map(f).collect::<Vec<i64>>();
        append(&g.dataset("ray_id")?, len, &ints(&|r| r.id as i64), 0)?;
        append(
            &g.dataset("steps_accepted")?,
            len,
            &ints(&|r| r.steps_accepted as i64),
            0,
        )?;
        append(
            &g.dataset("steps_rejected")?,
            len,
            &ints(&|r| r.steps_rejected as i64),
            0,
        )?;
        for (name, get, _) in SCALAR_OBSERVABLES {
            let v: Vec<f64> = rays.iter().map(|r| get(r.observables)).collect();
            append(&g.dataset(name)?, len, &v, 0)?;
        }
        let dirs: Vec<f64> = rays
            .iter()
            .flat_map(|r| r.observables.final_direction)
            .collect();
        append(&g.dataset("final_direction")?, len, &dirs, 3)?;
        self.len += rays.len();
        Ok(())
    }
}
