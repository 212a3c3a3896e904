//! `image`: the lensed sky of a config from its geodesics (interface.md §4, §7), as numpy.

use crate::config::Config;
use crate::errors::{bad_input, io_error};
use crate::wait::{detached, pool, Control};
use excalibur::field::FieldCache;
use excalibur::lensing::{self, PixelMaps, RayMaps, Source, ARCSEC};
use excalibur::setup::Model;
use numpy::{IntoPyArray, PyArray2, PyArray3};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A lensed image. Arrays are rows from the top (+y), columns from the left (−x), as in the
/// PNG: rgb uint8 (N, N, 3); beta_arcsec float64 (N, N, 2) [arcsec]; time_delay_s (N, N) [s,
/// after the earliest pixel]; end_reason uint8 (N, N) (labels in `end_reason_labels`); and, when
/// traced with maps=True (each pixel's own bundle of four geodesics, as `--maps`), convergence,
/// rotation, magnification (1/det A), redshift (N, N) and shear (N, N, 2) = (γ1, γ2) on the
/// image axes [right, up]; NaN where a pixel's ray ended early.
#[pyclass(frozen, module = "excalibur")]
pub struct Image {
    #[pyo3(get)]
    rgb: Py<PyArray3<u8>>,
    #[pyo3(get)]
    beta_arcsec: Py<PyArray3<f64>>,
    #[pyo3(get)]
    time_delay_s: Py<PyArray2<f64>>,
    #[pyo3(get)]
    end_reason: Py<PyArray2<u8>>,
    #[pyo3(get)]
    convergence: Option<Py<PyArray2<f64>>>,
    #[pyo3(get)]
    shear: Option<Py<PyArray3<f64>>>,
    #[pyo3(get)]
    rotation: Option<Py<PyArray2<f64>>>,
    #[pyo3(get)]
    magnification: Option<Py<PyArray2<f64>>>,
    #[pyo3(get)]
    redshift: Option<Py<PyArray2<f64>>>,
    /// Pixel size [arcsec].
    #[pyo3(get)]
    pixel_scale_arcsec: f64,
    /// The images of the source centre: dicts with x_arcsec, y_arcsec, magnification (signed)
    /// and time_delay_s (after the first to arrive), as `image --json`.
    #[pyo3(get)]
    images: Py<pyo3::types::PyList>,
    /// Closed polylines where det A = 0, each float64 (k, 2) [arcsec, image plane].
    #[pyo3(get)]
    critical_curves: Vec<Py<PyArray2<f64>>>,
    /// The same curves mapped to the source plane (β) [arcsec].
    #[pyo3(get)]
    caustics: Vec<Py<PyArray2<f64>>>,
    /// Mean radius of the tangential critical curve [arcsec] (None without one).
    #[pyo3(get)]
    einstein_radius_measured_arcsec: Option<f64>,
    /// The lens profile's (or point-lens) formula with the run's distances [arcsec].
    #[pyo3(get)]
    einstein_radius_predicted_arcsec: Option<f64>,
    /// Geodesics traced for the picture (map and image polishing, not the bundles).
    #[pyo3(get)]
    geodesics: u64,
    /// What the picture cannot show (images hidden in a lens core).
    #[pyo3(get)]
    warnings: Vec<String>,
    /// The labels of the end_reason codes, in code order.
    #[pyo3(get)]
    end_reason_labels: Vec<&'static str>,
}

fn polylines(py: Python<'_>, curves: &[Vec<[f64; 2]>]) -> PyResult<Vec<Py<PyArray2<f64>>>> {
    curves
        .iter()
        .map(|c| {
            let flat: Vec<f64> = c.iter().flat_map(|p| p.map(|v| v / ARCSEC)).collect();
            let a = ndarray::Array2::from_shape_vec((c.len(), 2), flat)
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
            Ok(a.into_pyarray(py).unbind())
        })
        .collect()
}

/// Renders the lensed image of `cfg`'s source (interface.md §4) at `size`² pixels from the
/// run's geodesics, as `excalibur image --maps` does. maps=False skips the per-pixel bundles
/// (about 30× the image's cost at 256²): convergence, shear, rotation, magnification and
/// redshift are then None. The GIL is released; KeyboardInterrupt cancels.
#[pyfunction]
#[pyo3(signature = (cfg, size = 256, maps = true, threads = 0))]
pub fn image(
    py: Python<'_>,
    cfg: &Config,
    size: usize,
    maps: bool,
    threads: usize,
) -> PyResult<Image> {
    if !(16..=4096).contains(&size) {
        return Err(PyValueError::new_err(format!(
            "size = {size}: allowed range is [16, 4096] pixels"
        )));
    }
    if threads > 1024 {
        return Err(PyValueError::new_err(format!(
            "threads = {threads}: allowed range is [0, 1024] (0 = every core)"
        )));
    }
    let source = Source::new(&cfg.valid.source, &cfg.base_dir).map_err(io_error)?;
    let config = cfg.valid.clone();
    let base_dir = cfg.base_dir.clone();
    let control = Control::default();
    let pool = pool(threads)?;
    let rendered = detached(py, &control, None, || {
        let model = Model::build(config, &base_dir, &mut FieldCache::default())
            .map_err(|e| bad_input("cannot set up the run", &e))?;
        let cancel = &control.cancel;
        let image = pool
            .install(|| lensing::render(&model, &source, size, cancel))
            .ok_or_else(|| PyRuntimeError::new_err("the image was cancelled"))?;
        let bundles = if maps {
            let b = pool
                .install(|| lensing::bundle_jacobians(&model, &image.sky, cancel))
                .ok_or_else(|| PyRuntimeError::new_err("the maps were cancelled"))?;
            Some(PixelMaps::of(&image, &b))
        } else {
            None
        };
        Ok::<_, PyErr>((image, bundles))
    })?;
    let (image, pixel_maps) = rendered?;
    let n = image.picture.width;
    let rgb = image.picture.rgb8();
    let rgb = ndarray::Array3::from_shape_vec((image.picture.height, n, 3), rgb)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let images = pyo3::types::PyList::empty(py);
    for s in image.image_summaries() {
        let d = PyDict::new(py);
        d.set_item("x_arcsec", s.x_arcsec)?;
        d.set_item("y_arcsec", s.y_arcsec)?;
        d.set_item("magnification", s.magnification)?;
        d.set_item("time_delay_s", s.time_delay_s)?;
        images.append(d)?;
    }
    let (rays, bundled) = match pixel_maps {
        Some(PixelMaps {
            rays,
            convergence,
            shear,
            rotation,
            magnification,
            redshift,
        }) => (
            rays,
            Some((convergence, shear, rotation, magnification, redshift)),
        ),
        None => (RayMaps::of(&image), None),
    };
    let arr2 = |a: ndarray::Array2<f64>| a.into_pyarray(py).unbind();
    let (convergence, shear, rotation, magnification, redshift) = match bundled {
        Some((k, g, w, mu, z)) => (
            Some(arr2(k)),
            Some(g.into_pyarray(py).unbind()),
            Some(arr2(w)),
            Some(arr2(mu)),
            Some(arr2(z)),
        ),
        None => (None, None, None, None, None),
    };
    Ok(Image {
        rgb: rgb.into_pyarray(py).unbind(),
        beta_arcsec: rays.beta_arcsec.into_pyarray(py).unbind(),
        time_delay_s: rays.time_delay_s.into_pyarray(py).unbind(),
        end_reason: rays.end_reason.into_pyarray(py).unbind(),
        convergence,
        shear,
        rotation,
        magnification,
        redshift,
        pixel_scale_arcsec: rays.pixel_scale_arcsec,
        images: images.unbind(),
        critical_curves: polylines(py, &image.critical_curves)?,
        caustics: polylines(py, &image.caustics)?,
        einstein_radius_measured_arcsec: image.einstein_measured.map(|t| t / ARCSEC),
        einstein_radius_predicted_arcsec: image.einstein_predicted.map(|t| t / ARCSEC),
        geodesics: image.geodesics,
        warnings: image.warnings.clone(),
        end_reason_labels: excalibur::io::end_reason_labels(),
    })
}
