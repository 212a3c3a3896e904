//! `--maps`: the per-pixel maps of a lensed image as HDF5 (interface.md §4).

use super::bundle::Bundles;
use super::jacobian::{det_of, lensing_fields};
use super::lensed::LensedImage;
use super::sky::ARCSEC;
use crate::io::{end_reason_labels, stage, IoError, Staged};
use hdf5::types::VarLenUnicode;
use ndarray::{Array2, Array3};
use std::path::{Path, PathBuf};

/// The per-pixel maps of a lensed image (interface.md §4 and §7), rows from the top (+y) as in
/// the PNG: beta_arcsec [N, N, 2], time_delay_s [N, N] (relative to the earliest pixel, ≥ 0),
/// end_reason codes [N, N], and from each pixel's geodesic bundle (`bundle.rs`) convergence κ,
/// shear (γ1, γ2) [N, N, 2] on the image axes [right, up], rotation ω, magnification 1/det A
/// of the same A, and the redshift z of the rays at the source plane. NaN where a pixel's ray
/// ended early. What `--maps` writes and the Python module returns.
pub struct PixelMaps {
    pub rays: RayMaps,
    pub convergence: Array2<f64>,
    pub shear: Array3<f64>,
    pub rotation: Array2<f64>,
    pub magnification: Array2<f64>,
    pub redshift: Array2<f64>,
}

/// The maps of the picture's own ray map, which need no bundle: β, delays and end reasons.
pub struct RayMaps {
    pub beta_arcsec: Array3<f64>,
    pub time_delay_s: Array2<f64>,
    pub end_reason: Array2<u8>,
    pub pixel_scale_arcsec: f64,
}

impl RayMaps {
    pub fn of(image: &LensedImage) -> RayMaps {
        let n = image.map.size;
        let reached = |k: usize| image.map.beta[k][0].is_finite();
        let earliest = (0..n * n)
            .filter(|&k| reached(k))
            .map(|k| image.map.arrival_s[k])
            .fold(f64::INFINITY, f64::min);
        RayMaps {
            beta_arcsec: Array3::from_shape_fn((n, n, 2), |(j, i, q)| {
                image.map.beta[j * n + i][q] / ARCSEC
            }),
            time_delay_s: Array2::from_shape_fn((n, n), |(j, i)| {
                let k = j * n + i;
                if reached(k) {
                    image.map.arrival_s[k] - earliest
                } else {
                    f64::NAN
                }
            }),
            end_reason: Array2::from_shape_fn((n, n), |(j, i)| {
                image.map.end[j * n + i].code() as u8
            }),
            pixel_scale_arcsec: image.sky.pixel_rad() / ARCSEC,
        }
    }
}

impl PixelMaps {
    pub fn of(image: &LensedImage, bundles: &Bundles) -> PixelMaps {
        let n = image.map.size;
        let jacobian = &bundles.jacobian;
        let fields: Vec<[f64; 4]> = jacobian.iter().map(lensing_fields).collect();
        let at = |q: usize| Array2::from_shape_fn((n, n), |(j, i)| fields[j * n + i][q]);
        PixelMaps {
            rays: RayMaps::of(image),
            convergence: at(0),
            shear: Array3::from_shape_fn((n, n, 2), |(j, i, q)| fields[j * n + i][1 + q]),
            rotation: at(3),
            magnification: Array2::from_shape_fn((n, n), |(j, i)| {
                1.0 / det_of(&jacobian[j * n + i])
            }),
            redshift: Array2::from_shape_fn((n, n), |(j, i)| bundles.redshift[j * n + i]),
        }
    }
}

/// Writes the [`PixelMaps`] with the root attributes pixel_scale_arcsec and units, the end
/// reasons' labels and the resolved config, to a temporary file that the caller commits (with
/// the command's other outputs).
pub fn write_maps(
    path: &Path,
    maps: &PixelMaps,
    config_toml: &str,
    overwrite: bool,
    inputs: &[PathBuf],
) -> Result<Staged, IoError> {
    let PixelMaps {
        rays:
            RayMaps {
                beta_arcsec: beta,
                time_delay_s: delay,
                end_reason: end,
                pixel_scale_arcsec,
            },
        convergence,
        shear,
        rotation,
        magnification,
        redshift,
    } = maps;
    let pixel_scale_arcsec = *pixel_scale_arcsec;
    let units = "beta_arcsec: arcsec; time_delay_s: s; end_reason: code (labels); \
                 convergence, shear (gamma1, gamma2 on the image axes [right, up]), rotation \
                 magnification and redshift: dimensionless";
    let text = |s: &str| -> VarLenUnicode { s.parse().unwrap_or_default() };
    stage(path, overwrite, inputs, |tmp| {
        let write = || -> hdf5::Result<()> {
            let f = hdf5::File::create(tmp)?;
            f.new_dataset_builder()
                .with_data(beta)
                .create("beta_arcsec")?;
            f.new_dataset_builder()
                .with_data(magnification)
                .create("magnification")?;
            f.new_dataset_builder()
                .with_data(delay)
                .create("time_delay_s")?;
            f.new_dataset_builder()
                .with_data(convergence)
                .create("convergence")?;
            f.new_dataset_builder().with_data(shear).create("shear")?;
            f.new_dataset_builder()
                .with_data(rotation)
                .create("rotation")?;
            f.new_dataset_builder()
                .with_data(redshift)
                .create("redshift")?;
            f.new_attr::<f64>()
                .create("pixel_scale_arcsec")?
                .write_scalar(&pixel_scale_arcsec)?;
            f.new_attr::<VarLenUnicode>()
                .create("units")?
                .write_scalar(&text(units))?;
            let e = f
                .new_dataset_builder()
                .with_data(end)
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
