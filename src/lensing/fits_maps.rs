//! `image --fits`: the per-pixel maps of `--maps` as a FITS file with a TAN WCS on every HDU
//! (interface.md §7), for astropy, ds9 and lenstronomy.
//!
//! The image-plane angles θ are gnomonic: a pixel's ray leaves along axis + θx·right + θy·up
//! (`Sky::direction`), so θ are the TAN projection's plane coordinates and the WCS is exact
//! at any field of view: CDELT = the pixel [deg], CRPIX at the image centre. "Right" is west
//! (RA increases to the left, as the PNG shows the sky), so CDELT1 < 0; FITS row 1 is the
//! PNG's bottom row.

use super::maps::{PixelMaps, RayMaps};
use super::sky::Sky;
use super::source::Picture;
use crate::config::CosmologyModel;
use crate::io::fits::{Card, Column, FitsWriter, Pixels};
use crate::io::{end_reason_labels, stage, IoError, Staged};
use crate::setup::Model;
use crate::units::{dot, sub, MPC_M};
use ndarray::ArrayView2;
use std::path::{Path, PathBuf};

/// Lens redshift cards ZLENS0 … ZLENS999 fit the 8-character keywords; a run with more lenses
/// has them all in the LENSES table and says so in NLENS.
const MAX_LENS_CARDS: usize = 1000;

/// The cards every HDU of the file carries: the WCS, the cosmology, the source and lens
/// redshifts, the software.
pub struct FitsHeader {
    cards: Vec<Card>,
    /// Per lens: redshift, comoving distance along the axis [Mpc], mass [M☉].
    lenses: Vec<[f64; 3]>,
}

impl FitsHeader {
    /// The header of the image of `model` seen on `sky`.
    pub fn of(model: &Model, sky: &Sky) -> FitsHeader {
        let c = &model.config;
        let pixel_deg = sky.pixel_rad().to_degrees();
        let centre = (sky.size as f64 + 1.0) / 2.0;
        let z_at = |chi_m: f64| {
            model
                .background
                .scale_factor_at_distance_m(chi_m)
                .map_or(f64::NAN, |a| 1.0 / a - 1.0)
        };
        let mut cards = vec![
            Card::int("WCSAXES", 2, "two image axes"),
            Card::text("CTYPE1", "RA---TAN", "gnomonic: the rays' own projection"),
            Card::text("CTYPE2", "DEC--TAN", "gnomonic: the rays' own projection"),
            Card::real("CRPIX1", centre, "the image centre (the ray axis)"),
            Card::real("CRPIX2", centre, "the image centre (the ray axis)"),
            Card::real("CRVAL1", c.camera.ra_deg, "[deg] camera.ra_deg"),
            Card::real("CRVAL2", c.camera.dec_deg, "[deg] camera.dec_deg"),
            Card::real("CDELT1", -pixel_deg, "[deg] east (RA) to the left"),
            Card::real("CDELT2", pixel_deg, "[deg] north (Dec) up"),
            Card::text("CUNIT1", "deg", ""),
            Card::text("CUNIT2", "deg", ""),
            Card::text("RADESYS", "ICRS", ""),
        ];
        let lcdm = c.cosmology.model == CosmologyModel::Lcdm
            && matches!(model.background, crate::cosmology::Background::Lcdm(_));
        cards.extend([
            Card::text("COSMO", if lcdm { "LCDM" } else { "STATIC" }, "background"),
            Card::real("H0", c.cosmology.h0_km_s_mpc, "[km/s/Mpc] Hubble constant"),
            Card::real("OM0", c.cosmology.omega_m, "matter density parameter"),
            Card::real(
                "ODE0",
                c.cosmology.omega_lambda,
                "dark energy density parameter",
            ),
            Card::real("OR0", c.cosmology.omega_r, "radiation density parameter"),
            Card::real(
                "DSOURCE",
                c.source.distance_mpc,
                "[Mpc] comoving distance of the source plane",
            ),
            Card::real(
                "ZSOURCE",
                z_at(sky.source_distance_m),
                "background redshift of the source plane",
            ),
        ]);
        let observer_m = c.observer.position_mpc.map(|v| v * MPC_M);
        let lenses: Vec<[f64; 3]> = c
            .lenses
            .iter()
            .zip(&model.lenses)
            .map(|(given, lens)| {
                let chi = dot(sub(lens.center_m, observer_m), sky.axis);
                [z_at(chi), chi / MPC_M, given.mass_msun]
            })
            .collect();
        cards.push(Card::int(
            "NLENS",
            lenses.len() as i64,
            "lenses (all in the LENSES table)",
        ));
        cards.extend(
            lenses
                .iter()
                .take(MAX_LENS_CARDS)
                .enumerate()
                .map(|(k, l)| {
                    Card::real(format!("ZLENS{k}"), l[0], "lens redshift (its distance)")
                }),
        );
        cards.extend([
            Card::text(
                "SHEARAX",
                "RIGHT,UP",
                "gamma1, gamma2 on the image axes (-RA, +Dec)",
            ),
            Card::text(
                "SOFTWARE",
                concat!("excalibur ", env!("CARGO_PKG_VERSION")),
                "",
            ),
        ]);
        FitsHeader { cards, lenses }
    }
}

impl FitsHeader {
    /// The cards that describe the run rather than the camera (cosmology, source, software),
    /// for the HEALPix map file.
    pub fn run_cards(&self) -> Vec<Card> {
        self.cards
            .iter()
            .filter(|c| super::healpix_fits::RUN_CARDS.contains(&c.key.as_str()))
            .cloned()
            .collect()
    }
}

/// The rows of a map from the bottom (FITS order), as f64.
fn bottom_first(map: ArrayView2<f64>) -> Vec<f64> {
    map.rows().into_iter().rev().flatten().copied().collect()
}

/// Writes the [`PixelMaps`] and the picture's luminance as FITS (interface.md §7) to a
/// temporary file that the caller commits with the command's other outputs.
pub fn write_fits(
    path: &Path,
    maps: &PixelMaps,
    picture: &Picture,
    header: &FitsHeader,
    config_toml: &str,
    overwrite: bool,
    inputs: &[PathBuf],
) -> Result<Staged, IoError> {
    let RayMaps {
        beta_arcsec,
        time_delay_s,
        end_reason,
        ..
    } = &maps.rays;
    let n = picture.width;
    let with = |bunit: &str, note: &'static str| -> Vec<Card> {
        let mut cards = vec![Card::text("BUNIT", bunit, note)];
        cards.extend(header.cards.iter().cloned());
        cards
    };
    // Rec. 709 luminance of the PNG's 8-bit colours, so the primary is the PNG in grey.
    let rgb = picture.rgb8();
    let luminance: Vec<f32> = (0..n)
        .rev()
        .flat_map(|j| (0..n).map(move |i| (j * n + i) * 3))
        .map(|k| {
            let [r, g, b] = [rgb[k], rgb[k + 1], rgb[k + 2]].map(|v| v as f32 / 255.0);
            0.2126 * r + 0.7152 * g + 0.0722 * b
        })
        .collect();
    let labels = end_reason_labels();
    let codes: Vec<i16> = end_reason
        .rows()
        .into_iter()
        .rev()
        .flatten()
        .map(|&c| c as i16)
        .collect();
    let mut code_cards = with("", "end reason code");
    code_cards.extend(
        labels
            .iter()
            .enumerate()
            .map(|(k, l)| Card::text(format!("LABEL{k}"), *l, "end reason of this code")),
    );
    let floats: [(&str, Vec<f64>, &str, &'static str); 9] = [
        (
            "CONVERGENCE",
            bottom_first(maps.convergence.view()),
            "",
            "kappa",
        ),
        (
            "SHEAR1",
            bottom_first(maps.shear.index_axis(ndarray::Axis(2), 0)),
            "",
            "gamma1",
        ),
        (
            "SHEAR2",
            bottom_first(maps.shear.index_axis(ndarray::Axis(2), 1)),
            "",
            "gamma2",
        ),
        ("ROTATION", bottom_first(maps.rotation.view()), "", "omega"),
        (
            "MAGNIFICATION",
            bottom_first(maps.magnification.view()),
            "",
            "1/det A, signed",
        ),
        (
            "TIME_DELAY",
            bottom_first(time_delay_s.view()),
            "s",
            "after the earliest pixel",
        ),
        (
            "REDSHIFT",
            bottom_first(maps.redshift.view()),
            "",
            "z at the source plane",
        ),
        (
            "BETA_X",
            bottom_first(beta_arcsec.index_axis(ndarray::Axis(2), 0)),
            "arcsec",
            "beta, right",
        ),
        (
            "BETA_Y",
            bottom_first(beta_arcsec.index_axis(ndarray::Axis(2), 1)),
            "arcsec",
            "beta, up",
        ),
    ];
    let lens_column = |k: usize| Column::F64(header.lenses.iter().map(|l| l[k]).collect());
    stage(path, overwrite, inputs, |tmp| {
        let mut f = FitsWriter::create(tmp, path)?;
        f.image(
            "PRIMARY",
            n,
            Pixels::F32(&luminance),
            &with("", "luminance of the picture, 0 to 1"),
        )?;
        for (name, data, bunit, note) in &floats {
            f.image(name, n, Pixels::F64(data), &with(bunit, note))?;
        }
        f.image("END_REASON", n, Pixels::I16(&codes), &code_cards)?;
        f.table(
            "LENSES",
            &[
                ("REDSHIFT", lens_column(0)),
                ("DIST_MPC", lens_column(1)),
                ("MASS_MSUN", lens_column(2)),
            ],
            &[],
        )?;
        f.text(
            "CONFIG",
            config_toml,
            &[Card::text(
                "CONTENT",
                "TOML",
                "the resolved config, a row a line",
            )],
        )?;
        f.close()
    })
}
