//! `run`, `read_run` and `Run`: traced rays with their states and observables, in the run
//! file's columns and units (interface.md §3).

use crate::config::Config;
use crate::errors::{bad_input, io_error};
use crate::wait::{detached, pool, Control};
use excalibur::config::OutputLayout;
use excalibur::field::FieldCache;
use excalibur::io::{self, RayRecord, RunMeta, StoredRay, SCALAR_OBSERVABLES};
use excalibur::setup::Model;
use numpy::{IntoPyArray, PyArray1, PyArray2};
use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;

/// The rays of a run: `n_photons`, `states(i)`, `observables`, `end_reasons`, `write(path)`.
#[pyclass(frozen, module = "excalibur")]
pub struct Run {
    meta: RunMeta,
    rays: Vec<StoredRay>,
    layout: OutputLayout,
    compression: u8,
}

/// Traces the rays of `cfg` (interface.md §2) as `excalibur run` does, in memory.
///
/// threads: worker threads (0 = every core). progress: a tqdm bar (or a line on stderr).
/// shard: (index, count) to trace only that part of the rays, like `--shard I/N`.
/// The GIL is released while tracing; KeyboardInterrupt cancels the run within a step of
/// each ray in flight and is raised. Raises ConfigError/ValueError for bad input; a run whose
/// rays and states would exceed `output.memory_limit_gib` (or the memory available) is refused
/// with a ValueError before any of it is allocated.
#[pyfunction]
#[pyo3(signature = (cfg, threads = 0, progress = false, shard = None))]
pub fn run(
    py: Python<'_>,
    cfg: &Config,
    threads: usize,
    progress: bool,
    shard: Option<(usize, usize)>,
) -> PyResult<Run> {
    if threads > 1024 {
        return Err(PyValueError::new_err(format!(
            "threads = {threads}: allowed range is [0, 1024] (0 = every core)"
        )));
    }
    if let Some((i, n)) = shard {
        if n == 0 || i >= n {
            return Err(PyValueError::new_err(format!(
                "shard = ({i}, {n}): needs 0 <= index < count"
            )));
        }
    }
    // Memory is checked as the model is built (a potential.file read in part counts its part).
    let config = cfg.valid.clone();
    let control = Control::default();
    let n_rays = excalibur::rays::Pattern::of(&config).count();
    let total = shard.map_or(n_rays, |(i, n)| n_rays * (i + 1) / n - n_rays * i / n);
    let pool = pool(threads)?;
    let base_dir = cfg.base_dir.clone();
    let traced = detached(py, &control, progress.then_some((total, "tracing")), || {
        let model = Model::build_run(config, &base_dir, &mut FieldCache::default(), shard)
            .map_err(|e| bad_input("cannot set up the run", &e))?;
        let rays = match shard {
            Some((i, n)) => model.shard(i, n),
            None => &model.rays[..],
        };
        let result = pool.install(|| model.trace(rays, 0, &control, &control.cancel));
        let meta = RunMeta {
            config_toml: model.config.to_toml(),
            metric: model.config.spacetime.metric.as_ref().into(),
            n_photons_total: model.rays.len(),
            shard,
            warnings: excalibur::resolution::resolution_warnings(&model),
            snapshot: excalibur::field::snapshot_record(&model.config, &base_dir)
                .map_err(|e| bad_input("cannot record the snapshot", &e))?,
        };
        Ok::<_, PyErr>((
            meta,
            result,
            model.config.output.layout,
            model.config.output.compression,
        ))
    })?;
    let (meta, result, layout, compression) = traced?;
    let rays = result
        .rays
        .into_iter()
        .map(|r| StoredRay {
            id: r.ray.id,
            rows: r.rows,
            end: r.outcome.end,
            observables: r.observables,
            steps_accepted: r.outcome.steps_accepted,
            steps_rejected: r.outcome.steps_rejected,
        })
        .collect();
    Ok(Run {
        meta,
        rays,
        layout,
        compression,
    })
}

/// Reads a run file of either layout (per-photon or packed) as a Run.
#[pyfunction]
pub fn read_run(py: Python<'_>, path: PathBuf) -> PyResult<Run> {
    let (meta, rays) = py.detach(|| io::read_run(&path)).map_err(io_error)?;
    // The layout to write back is the stored config's (the file's own layout is the same).
    let stored: toml::Table = toml::from_str(&meta.config_toml).unwrap_or_default();
    let output = stored.get("output").and_then(|o| o.as_table());
    let layout = match output
        .and_then(|o| o.get("layout"))
        .and_then(|l| l.as_str())
    {
        Some("packed") => OutputLayout::Packed,
        _ => OutputLayout::PerPhoton,
    };
    let compression = output
        .and_then(|o| o.get("compression"))
        .and_then(|c| c.as_integer())
        .and_then(|c| u8::try_from(c).ok())
        .unwrap_or(1);
    Ok(Run {
        meta,
        rays,
        layout,
        compression,
    })
}

#[pymethods]
impl Run {
    /// Photons in this run (or shard).
    #[getter]
    fn n_photons(&self) -> usize {
        self.rays.len()
    }

    /// Photons of the whole unsharded run.
    #[getter]
    fn n_photons_total(&self) -> usize {
        self.meta.n_photons_total
    }

    /// The resolved config the rays were traced with (TOML).
    #[getter]
    fn config_toml(&self) -> &str {
        &self.meta.config_toml
    }

    /// Accuracy warnings (e.g. a grid too coarse near a lens), as the CLI prints them.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.meta.warnings.clone()
    }

    /// The recorded states of photon `i`: float64 (n_states, 14), the run file's columns
    /// eta [s], x, y, z [m], u0 [1], ux, uy, uz [m/s], a [1], phi [m²/s²], dphi/dx, dphi/dy,
    /// dphi/dz [m/s²], dphi/deta [m²/s³].
    fn states<'py>(&self, py: Python<'py>, i: isize) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let n = self.rays.len() as isize;
        let k = if i < 0 { i + n } else { i };
        let ray = usize::try_from(k)
            .ok()
            .and_then(|k| self.rays.get(k))
            .ok_or_else(|| PyIndexError::new_err(format!("photon {i} of {n}")))?;
        let flat: Vec<f64> = ray.rows.iter().flatten().copied().collect();
        let array = ndarray::Array2::from_shape_vec((ray.rows.len(), 14), flat)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(array.into_pyarray(py))
    }

    /// The per-photon observables as numpy arrays, named and in units as the run file's
    /// `observables` group: end_reason (int32 codes), ray_id, steps_accepted, steps_rejected
    /// (int64), deflection_rad, redshift, time_delay_s, ... (float64) and final_direction
    /// (float64 (n, 3)).
    #[getter]
    fn observables<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let codes: Vec<i32> = self.rays.iter().map(|r| r.end.code()).collect();
        d.set_item("end_reason", codes.into_pyarray(py))?;
        let ints = |f: fn(&StoredRay) -> i64| -> Bound<'py, PyArray1<i64>> {
            self.rays.iter().map(f).collect::<Vec<_>>().into_pyarray(py)
        };
        d.set_item("ray_id", ints(|r| r.id as i64))?;
        d.set_item("steps_accepted", ints(|r| r.steps_accepted as i64))?;
        d.set_item("steps_rejected", ints(|r| r.steps_rejected as i64))?;
        for (name, get, _) in SCALAR_OBSERVABLES {
            let v: Vec<f64> = self.rays.iter().map(|r| get(&r.observables)).collect();
            d.set_item(name, v.into_pyarray(py))?;
        }
        let dirs: Vec<f64> = self
            .rays
            .iter()
            .flat_map(|r| r.observables.final_direction)
            .collect();
        let dirs = ndarray::Array2::from_shape_vec((self.rays.len(), 3), dirs)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        d.set_item("final_direction", dirs.into_pyarray(py))?;
        Ok(d)
    }

    /// Why each photon stopped, as the run file's labels ("reached_distance", ...).
    #[getter]
    fn end_reasons(&self) -> Vec<&'static str> {
        self.rays.iter().map(|r| r.end.label()).collect()
    }

    /// Writes the run file `excalibur run` writes for this config (its `output.layout`),
    /// atomically; an existing file is replaced only with `force=True`, and never one that is
    /// not a regular file.
    #[pyo3(signature = (path, force = false))]
    fn write(&self, py: Python<'_>, path: PathBuf, force: bool) -> PyResult<()> {
        py.detach(|| {
            io::check_output(&path, force, &[])?;
            let records: Vec<RayRecord> = self.rays.iter().map(RayRecord::from).collect();
            match self.layout {
                OutputLayout::PerPhoton => io::write_run(&path, &self.meta, &records, force, &[]),
                OutputLayout::Packed => {
                    io::write_packed(&path, &self.meta, &records, force, self.compression, &[])
                }
            }
        })
        .map_err(io_error)
    }

    fn __len__(&self) -> usize {
        self.rays.len()
    }

    fn __repr__(&self) -> String {
        format!("<excalibur.Run of {} photons>", self.rays.len())
    }
}
