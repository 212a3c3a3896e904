//! `--maps`: the per-pixel maps of a lensed image as HDF5 (interface.md §4).

use super::bundle::Bundles;
use super::jacobian::{det_of, lensing_fields};
use super::lensed::LensedImage;
use super::sky::ARCSEC;
use crate::io::{end_reason_labels, stage, IoError, Staged};
use hdf5::types::VarLenUnicode;
use ndarray::{Array2, Array3};
use std::path::{Path, PathBuf};

/// Writes beta_arcsec [N, N, 2], time_delay_s [N, N] (relative to the earliest pixel, ≥ 0),
/// end_reason u8 [N, N] (with its labels), and from `jacobian` (each pixel's geodesic bundle,
/// `bundle.rs`) convergence κ [N, N], shear (γ1, γ2) [N, N, 2] on the image axes [right, up],
/// rotation ω [N, N], magnification 1/det A [N, N] and the redshift z [N, N] of the rays at
/// the source plane (interface.md §7), the root attributes
/// pixel_scale_arcsec and units and the resolved config, to a temporary file that the caller
/// commits (with the command's other outputs). Pixels whose rays ended early are NaN.
pub fn write_maps(
    path: &Path,
    image: &LensedImage,
    bundles: &Bundles,
    config_toml: &str,
    overwrite: bool,
    inputs: &[PathBuf],
) -> Result<Staged, IoError> {
    let n = image.map.size;
    let reached = |k: usize| image.map.beta[k][0].is_finite();
    let earliest = (0..n * n)
        .filter(|&k| reached(k))
        .map(|k| image.map.arrival_s[k])
        .fold(f64::INFINITY, f64::min);
    let beta = Array3::from_shape_fn((n, n, 2), |(j, i, q)| image.map.beta[j * n + i][q] / ARCSEC);
    let jacobian = &bundles.jacobian;
    let fields: Vec<[f64; 4]> = jacobian.iter().map(lensing_fields).collect();
    let redshift = Array2::from_shape_fn((n, n), |(j, i)| bundles.redshift[j * n + i]);
    let at = |q: usize| Array2::from_shape_fn((n, n), |(j, i)| fields[j * n + i][q]);
    let (convergence, rotation) = (at(0), at(3));
    let shear = Array3::from_shape_fn((n, n, 2), |(j, i, q)| fields[j * n + i][1 + q]);
    let magnification = Array2::from_shape_fn((n, n), |(j, i)| 1.0 / det_of(&jacobian[j * n + i]));
    let pixel_scale_arcsec = image.sky.pixel_rad() / ARCSEC;
    let units = "beta_arcsec: arcsec; time_delay_s: s; end_reason: code (labels); \
                 convergence, shear (gamma1, gamma2 on the image axes [right, up]), rotation \
                 magnification and redshift: dimensionless";
    let delay = Array2::from_shape_fn((n, n), |(j, i)| {
        let k = j * n + i;
        if reached(k) {
            image.map.arrival_s[k] - earliest
        } else {
            f64::NAN
        }
    });
    let end = Array2::from_shape_fn((n, n), |(j, i)| image.map.end[j * n + i].code() as u8);
    let text = |s: &str| -> VarLenUnicode { s.parse().unwrap_or_default() };
    stage(path, overwrite, inputs, |tmp| {
        let write = || -> hdf5::Result<()> {
            let f = hdf5::File::create(tmp)?;
            f.new_dataset_builder()
                .with_data(&beta)
                .create("beta_arcsec")?;
            f.new_dataset_builder()
                .with_data(&magnification)
                .create("magnification")?;
            f.new_dataset_builder()
                .with_data(&delay)
                .create("time_delay_s")?;
            f.new_dataset_builder()
                .with_data(&convergence)
                .create("convergence")?;
            f.new_dataset_builder().with_data(&shear).create("shear")?;
            f.new_dataset_builder()
                .with_data(&rotation)
                .create("rotation")?;
            f.new_dataset_builder()
                .with_data(&redshift)
                .create("redshift")?;
            f.new_attr::<f64>()
                .create("pixel_scale_arcsec")?
                .write_scalar(&pixel_scale_arcsec)?;
            f.new_attr::<VarLenUnicode>()
                .create("units")?
                .write_scalar(&text(units))?;
            let e = f
                .new_dataset_builder()
                .with_data(&end)
                .create("end_reason")?;
            let labels: Vec<VarLenUnicode> = end_reason_labels().iter().map(|l| text(l)).collect();
            e.new_attr::<VarLenUnicode>()
                .shape([labels.len()])
                .create("labels")?
                .write(&labels)?;
            f.new_attr::<VarLenUnicode>()
                .create("config_toml")?
                .write_scalar(&text(config_toml))?;
            f.close()
        };
        write().map_err(IoError::h5_write(path, "cannot write the maps"))
    })
}
