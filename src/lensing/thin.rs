//! The thin-lens approximation of the same lenses, for comparison with the traced geodesics:
//! each lens is projected onto its own plane at its distance along the axis and deflects by
//! the point-mass angle of the mass it projects inside the impact parameter,
//! β = θ − Σᵢ θ_E,ᵢ² f_i(b) (θ − θᵢ)/|θ − θᵢ|², with θ_E,ᵢ from the run's distances
//! ([`einstein_angle`]) and f_i = M₂D(< b)/M. Several lenses add their deflections in one
//! plane each without the multi-plane recursion, which is exact for lenses at one distance.

use super::einstein::einstein_angle;
use super::lensed::LensedImage;
use super::sky::Sky;
use super::source::{Picture, Rgb, Source};
use crate::lens::Lens;
use crate::setup::Model;
use crate::units::{dot, sub, MPC_M};

/// One lens seen from the observer.
#[derive(Debug, Clone, Copy)]
struct ThinTerm {
    /// Where the lens centre is on the sky [rad].
    theta_rad: [f64; 2],
    theta_e2: f64,
    /// Comoving distance of its plane [m] (impact parameter b = χ|θ − θᵢ|).
    chi_m: f64,
    lens: Lens,
}

/// The thin-lens map β(θ) of a model's lenses.
#[derive(Debug, Clone)]
pub struct ThinLens {
    terms: Vec<ThinTerm>,
}

impl ThinLens {
    /// The thin-lens map, or why there is none (a profile without a closed projected mass, a
    /// lens not between the observer and the source).
    pub fn of(model: &Model, sky: &Sky) -> Result<ThinLens, String> {
        let observer_m = model.config.observer.position_mpc.map(|c| c * MPC_M);
        let mut terms = vec![];
        for (i, lens) in model.lenses.iter().enumerate() {
            let offset = sub(lens.center_m, observer_m);
            let chi_m = dot(offset, sky.axis);
            if lens.projected_mass_fraction(chi_m.abs()).is_none() {
                return Err(format!(
                    "lens {i}: no closed projected mass for this profile (point, sphere, Plummer and round SIS have one)"
                ));
            }
            let theta_e = einstein_angle(model, sky, lens.gm, chi_m)
                .ok_or_else(|| format!("lens {i} is not between the observer and the source"))?;
            terms.push(ThinTerm {
                theta_rad: sky.angles_of(offset),
                theta_e2: theta_e * theta_e,
                chi_m,
                lens: *lens,
            });
        }
        Ok(ThinLens { terms })
    }

    /// β [rad] of the ray seen at θ [rad].
    pub fn beta(&self, theta: [f64; 2]) -> [f64; 2] {
        let mut beta = theta;
        for t in &self.terms {
            let d = [theta[0] - t.theta_rad[0], theta[1] - t.theta_rad[1]];
            let r2 = d[0] * d[0] + d[1] * d[1];
            if r2 == 0.0 {
                continue;
            }
            let f = t
                .lens
                .projected_mass_fraction(t.chi_m * r2.sqrt())
                .unwrap_or(1.0);
            let k = t.theta_e2 * f / r2;
            beta[0] -= k * d[0];
            beta[1] -= k * d[1];
        }
        beta
    }

    /// The picture of `source` through the thin lens, on the image's pixels.
    pub fn picture(&self, image: &LensedImage, source: &Source) -> Picture {
        picture_through(&image.sky, source, |theta| self.beta(theta))
    }

    /// Per pixel: |β_traced − β_thin| [rad] (NaN where the ray ended early).
    pub fn residual(&self, image: &LensedImage) -> Vec<f64> {
        image
            .map
            .beta
            .iter()
            .enumerate()
            .map(|(k, b)| {
                let t = self.beta(pixel_theta(&image.sky, k));
                (b[0] - t[0]).hypot(b[1] - t[1])
            })
            .collect()
    }
}

/// `values` per pixel with each pixel given the value of its nearest pixel whose own ray was
/// traced (`map.traced`; city-block distance, filled outwards from the traced pixels): a
/// residual against the thin lens then shows the physics at the traced rays, not the map's
/// interpolation between them (good to 1 % of a pixel, yet far above the residual itself).
pub fn at_nearest_traced(values: &[f64], map: &super::raymap::RayMap) -> Vec<f64> {
    let n = map.size;
    let mut out = vec![f64::NAN; n * n];
    let mut queue = std::collections::VecDeque::new();
    for (k, traced) in map.traced.iter().enumerate() {
        if *traced {
            out[k] = values[k];
            queue.push_back(k);
        }
    }
    let mut seen: Vec<bool> = map.traced.clone();
    while let Some(k) = queue.pop_front() {
        let (i, j) = (k % n, k / n);
        let near = [
            (i > 0).then(|| k - 1),
            (i + 1 < n).then(|| k + 1),
            (j > 0).then(|| k - n),
            (j + 1 < n).then(|| k + n),
        ];
        for m in near.into_iter().flatten() {
            if !seen[m] {
                seen[m] = true;
                out[m] = out[k];
                queue.push_back(m);
            }
        }
    }
    out
}

/// The picture of `source` on the pixels of `sky` when each pixel's θ lands at `beta(θ)`:
/// a thin lens's map, or β = θ for the sky without lenses.
pub(super) fn picture_through(
    sky: &Sky,
    source: &Source,
    beta: impl Fn([f64; 2]) -> [f64; 2],
) -> Picture {
    let d_s_mpc = sky.source_distance_m / MPC_M;
    let n = sky.size;
    Picture {
        width: n,
        height: n,
        rgb: (0..n * n)
            .map(|k| -> Rgb {
                let b = beta(pixel_theta(sky, k));
                source.colour([b[0] * d_s_mpc, b[1] * d_s_mpc])
            })
            .collect(),
    }
}

/// θ of pixel k (row-major from the top-left).
fn pixel_theta(sky: &Sky, k: usize) -> [f64; 2] {
    sky.theta((k % sky.size) as f64, (k / sky.size) as f64)
}
