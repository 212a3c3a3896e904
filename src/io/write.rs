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
use std::path::Path;

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
}

fn text(s: &str) -> VarLenUnicode {
    s.parse()
        .expect("strings without NUL are valid VarLenUnicode")
}

/// Writes a run file at `path` atomically (see [`super::atomic::write_atomically`]); refuses to
/// replace an existing file unless `force`.
pub fn write_run(
    path: &Path,
    meta: &RunMeta,
    rays: &[RayRecord],
    force: bool,
) -> Result<(), IoError> {
    super::atomic::write_atomically(path, force, |tmp| {
        write_to(tmp, meta, rays).map_err(IoError::h5(path, "cannot write the run file"))
    })
}

fn write_to(tmp: &Path, meta: &RunMeta, rays: &[RayRecord]) -> hdf5::Result<()> {
    let file = hdf5::File::create(tmp)?;
    let n = rays.len();
    file.new_attr::<i64>()
        .create("n_photons")?
        .write_scalar(&(n as i64))?;
    for (name, value) in [
        ("software", SOFTWARE),
        ("config_toml", meta.config_toml.as_str()),
        ("velocity_convention", VELOCITY_CONVENTION),
        ("metric", meta.metric.as_str()),
        ("layout", "per_photon"),
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
    let strings = |v: &[&str]| Array1::from(v.iter().map(|s| text(s)).collect::<Vec<_>>());
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
    if !meta.warnings.is_empty() {
        let w: Vec<&str> = meta.warnings.iter().map(String::as_str).collect();
        file.new_attr_builder()
            .with_data(&strings(&w))
            .create("warnings")?;
    }

    let mut info = Vec::with_capacity(n);
    for (i, r) in rays.iter().enumerate() {
        let name = format!("photon_{i}_states");
        if r.rows.is_empty() {
            file.new_dataset::<f64>().shape([0]).create(name.as_str())?;
        } else {
            let flat: Vec<f64> = r.rows.iter().flat_map(|row| row.iter().copied()).collect();
            let arr = Array2::from_shape_vec((r.rows.len(), 14), flat).expect("14 columns per row");
            file.new_dataset_builder()
                .with_data(&arr)
                .create(name.as_str())?;
        }
        let first = r.rows.first();
        let pick = |from: usize| {
            first.map_or([f64::NAN; 4], |row| {
                [row[from], row[from + 1], row[from + 2], row[from + 3]]
            })
        };
        info.push(PhotonInfo {
            id: i as i32,
            n_states: r.rows.len() as i32,
            initial_position: pick(0),
            initial_velocity: pick(4),
            weight: 1.0,
        });
    }
    file.new_dataset_builder()
        .with_data(&Array1::from(info))
        .create("photon_info")?;

    let obs = file.create_group("observables")?;
    let codes = Array1::from(rays.iter().map(|r| r.end.code()).collect::<Vec<i32>>());
    let end = obs
        .new_dataset_builder()
        .with_data(&codes)
        .create("end_reason")?;
    end.new_attr_builder()
        .with_data(&strings(&end_reason_labels()))
        .create("labels")?;
    let ints =
        |f: &dyn Fn(&RayRecord) -> i64| Array1::from(rays.iter().map(f).collect::<Vec<i64>>());
    obs.new_dataset_builder()
        .with_data(&ints(&|r| r.id as i64))
        .create("ray_id")?;
    obs.new_dataset_builder()
        .with_data(&ints(&|r| r.steps_accepted as i64))
        .create("steps_accepted")?;
    obs.new_dataset_builder()
        .with_data(&ints(&|r| r.steps_rejected as i64))
        .create("steps_rejected")?;
    for (name, get, _) in SCALAR_OBSERVABLES {
        let v = Array1::from(
            rays.iter()
                .map(|r| get(r.observables))
                .collect::<Vec<f64>>(),
        );
        obs.new_dataset_builder().with_data(&v).create(name)?;
    }
    let dirs: Vec<f64> = rays
        .iter()
        .flat_map(|r| r.observables.final_direction)
        .collect();
    let dirs = Array2::from_shape_vec((n, 3), dirs).expect("three components per ray");
    obs.new_dataset_builder()
        .with_data(&dirs)
        .create("final_direction")?;
    file.flush()?;
    Ok(())
}
