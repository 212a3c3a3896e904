//! Ray launch patterns (physics.md §7): regular cone (the seed's counting), random cone uniform
//! in solid angle (seeded ChaCha8), and parallel beams. Directions point along the line of sight.

use crate::config::RunConfig;
use crate::healpix::{pixel_frame, HealpixSky};
use crate::units::{cross, dot, normalize, scale, sub, MPC_M};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::f64::consts::PI;

/// One photon to launch: start offset from the observer [m] and unit direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ray {
    pub id: usize,
    pub offset_m: [f64; 3],
    pub direction: [f64; 3],
    /// Polar angle from the axis [rad] (cones) and azimuth [rad].
    pub theta_rad: f64,
    pub phi_rad: f64,
    /// Beam offset from the axis [m] (beams only, else 0).
    pub beam_offset_m: f64,
}

/// How rays are laid out around the unit `axis`.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    ConeGrid {
        axis: [f64; 3],
        half_angle_rad: f64,
        n_theta: usize,
        n_phi: usize,
    },
    ConeRandom {
        axis: [f64; 3],
        half_angle_rad: f64,
        count: usize,
        seed: u64,
    },
    Beam {
        axis: [f64; 3],
        impacts_m: Vec<f64>,
        n_phi: usize,
    },
    /// One ray per pixel centre (RING order); `theta_rad`/`phi_rad` are the pixel's
    /// colatitude and longitude in world axes.
    Healpix {
        nside: u32,
        /// (unit axis, radius [rad]) of a disc, or the full sky.
        disc: Option<([f64; 3], f64)>,
    },
}

/// Name and version of the PRNG, recorded in run files.
pub const PRNG_NAME: &str = "rand_chacha::ChaCha8Rng 0.9, seed_from_u64";

/// Screen basis (e₁, e₂) = (R x̂, R ŷ), R the Rodrigues rotation taking ẑ to the unit axis t.
/// For t = +x̂, azimuth 0 points to −ẑ, as in the seed.
pub fn screen_basis(t: [f64; 3]) -> ([f64; 3], [f64; 3]) {
    let k = cross([0.0, 0.0, 1.0], t);
    let s = dot(k, k).sqrt();
    let cos_b = t[2];
    if s < 1e-12 {
        return if cos_b > 0.0 {
            ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0])
        } else {
            ([1.0, 0.0, 0.0], [0.0, -1.0, 0.0])
        };
    }
    let kh = scale(k, 1.0 / s);
    let rotate = |v: [f64; 3]| {
        let kxv = cross(kh, v);
        let kv = dot(kh, v);
        normalize([
            v[0] * cos_b + kxv[0] * s + kh[0] * kv * (1.0 - cos_b),
            v[1] * cos_b + kxv[1] * s + kh[1] * kv * (1.0 - cos_b),
            v[2] * cos_b + kxv[2] * s + kh[2] * kv * (1.0 - cos_b),
        ])
    };
    (rotate([1.0, 0.0, 0.0]), rotate([0.0, 1.0, 0.0]))
}

fn direction(t: [f64; 3], e1: [f64; 3], e2: [f64; 3], theta: f64, phi: f64) -> [f64; 3] {
    let (st, ct) = theta.sin_cos();
    let (sp, cp) = phi.sin_cos();
    normalize([
        ct * t[0] + st * (cp * e1[0] + sp * e2[0]),
        ct * t[1] + st * (cp * e1[1] + sp * e2[1]),
        ct * t[2] + st * (cp * e1[2] + sp * e2[2]),
    ])
}

/// Number of rays a regular cone emits: 1 + (n_θ − 1)·n_φ.
pub fn cone_grid_count(n_theta: usize, n_phi: usize) -> usize {
    1 + n_theta.saturating_sub(1) * n_phi
}

impl Pattern {
    /// The launch pattern of a config's `[rays]` section.
    pub fn of(config: &RunConfig) -> Pattern {
        let r = &config.rays;
        let axis = normalize(sub(r.toward_mpc, config.observer.position_mpc));
        let half_angle_rad = r.half_angle_deg.to_radians();
        match r.pattern {
            crate::config::PatternKind::ConeGrid => Pattern::ConeGrid {
                axis,
                half_angle_rad,
                n_theta: r.n_theta,
                n_phi: r.n_phi,
            },
            crate::config::PatternKind::ConeRandom => Pattern::ConeRandom {
                axis,
                half_angle_rad,
                count: r.count,
                seed: r.seed,
            },
            crate::config::PatternKind::Beam => Pattern::Beam {
                axis,
                impacts_m: r.impact_mpc.iter().map(|b| b * MPC_M).collect(),
                n_phi: r.n_phi,
            },
            crate::config::PatternKind::Healpix => Pattern::Healpix {
                nside: r.nside,
                disc: r.disc_deg.map(|d| (axis, d.to_radians())),
            },
        }
    }

    /// The HEALPix sky of a `healpix` pattern (`None` for the others): its pixels listed, for
    /// `map`, which traces them a block at a time.
    pub fn healpix_sky(&self) -> Option<HealpixSky> {
        match self {
            Pattern::Healpix { nside, disc } => Some(HealpixSky::new(*nside, *disc)),
            _ => None,
        }
    }

    /// How many rays [`Pattern::rays`] gives, without making them.
    pub fn count(&self) -> usize {
        match self {
            Pattern::ConeGrid { n_theta, n_phi, .. } => cone_grid_count(*n_theta, *n_phi),
            Pattern::ConeRandom { count, .. } => *count,
            Pattern::Beam {
                impacts_m, n_phi, ..
            } => impacts_m.len() * n_phi,
            Pattern::Healpix { nside, disc } => HealpixSky::count(*nside, *disc) as usize,
        }
    }

    /// The rays in launch order (their ids are 0, 1, 2, ...).
    pub fn rays(&self) -> Vec<Ray> {
        let mut rays = Vec::new();
        let mut push = |offset_m, direction, theta_rad, phi_rad, beam_offset_m| {
            let id = rays.len();
            rays.push(Ray {
                id,
                offset_m,
                direction,
                theta_rad,
                phi_rad,
                beam_offset_m,
            });
        };
        match self {
            Pattern::ConeGrid {
                axis,
                half_angle_rad,
                n_theta,
                n_phi,
            } => {
                let t = normalize(*axis);
                let (e1, e2) = screen_basis(t);
                push([0.0; 3], t, 0.0, 0.0, 0.0);
                for k in 1..*n_theta {
                    let theta = k as f64 * half_angle_rad / (*n_theta - 1) as f64;
                    for j in 0..*n_phi {
                        let phi = 2.0 * PI * j as f64 / *n_phi as f64;
                        push([0.0; 3], direction(t, e1, e2, theta, phi), theta, phi, 0.0);
                    }
                }
            }
            Pattern::ConeRandom {
                axis,
                half_angle_rad,
                count,
                seed,
            } => {
                let t = normalize(*axis);
                let (e1, e2) = screen_basis(t);
                let mut rng = ChaCha8Rng::seed_from_u64(*seed);
                let one_minus_cos = 1.0 - half_angle_rad.cos();
                for _ in 0..*count {
                    let u: f64 = rng.random();
                    let v: f64 = rng.random();
                    let cos_theta = 1.0 - u * one_minus_cos;
                    let theta = cos_theta.clamp(-1.0, 1.0).acos();
                    let phi = 2.0 * PI * v;
                    push([0.0; 3], direction(t, e1, e2, theta, phi), theta, phi, 0.0);
                }
            }
            Pattern::Beam {
                axis,
                impacts_m,
                n_phi,
            } => {
                let t = normalize(*axis);
                let (e1, e2) = screen_basis(t);
                for &b in impacts_m {
                    for j in 0..*n_phi {
                        let psi = 2.0 * PI * j as f64 / *n_phi as f64;
                        let (sp, cp) = psi.sin_cos();
                        let off = [
                            b * (cp * e1[0] + sp * e2[0]),
                            b * (cp * e1[1] + sp * e2[1]),
                            b * (cp * e1[2] + sp * e2[2]),
                        ];
                        push(off, t, 0.0, psi, b);
                    }
                }
            }
            Pattern::Healpix { nside, disc } => {
                let sky = HealpixSky::new(*nside, *disc);
                for k in 0..sky.len() {
                    let f = pixel_frame(sky.nside, sky.pixel(k));
                    push(
                        [0.0; 3],
                        f.direction,
                        f.colatitude_rad,
                        f.longitude_rad,
                        0.0,
                    );
                }
            }
        }
        rays
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::angle_between;

    #[test]
    fn seed_counting_table() {
        // physics.md §7: requested n → ⌊√n⌋ per axis → rays launched.
        for (n, per_axis, launched) in [
            (1, 1, 1),
            (9, 3, 7),
            (25, 5, 21),
            (50, 7, 43),
            (100, 10, 91),
            (200, 14, 183),
            (500, 22, 463),
        ] {
            let k = (n as f64).sqrt().floor() as usize;
            assert_eq!(k, per_axis);
            let p = Pattern::ConeGrid {
                axis: [1.0, 1.0, 1.0],
                half_angle_rad: 0.1,
                n_theta: k,
                n_phi: k,
            };
            assert_eq!(p.rays().len(), launched);
            assert_eq!(cone_grid_count(k, k), launched);
        }
    }

    #[test]
    fn cone_directions_sit_at_their_angles() {
        let axis = normalize([1.0, 2.0, 3.0]);
        let alpha = 7.5f64.to_radians();
        let p = Pattern::ConeGrid {
            axis,
            half_angle_rad: alpha,
            n_theta: 7,
            n_phi: 7,
        };
        for r in p.rays() {
            assert!(
                (angle_between(axis, r.direction) - r.theta_rad).abs() < 1e-14,
                "ray {}",
                r.id
            );
            assert!((dot(r.direction, r.direction) - 1.0).abs() < 1e-15);
        }
        let rays = p.rays();
        assert_eq!(rays[0].theta_rad, 0.0);
        assert!((rays.last().unwrap().theta_rad - alpha).abs() < 1e-15);
        assert_eq!(rays[1].theta_rad, rays[7].theta_rad); // k ascending outside, j inside
    }

    #[test]
    fn seed_azimuth_origin() {
        let (e1, e2) = screen_basis([1.0, 0.0, 0.0]);
        assert!((e1[2] + 1.0).abs() < 1e-15 && e1[0].abs() < 1e-15);
        assert!((dot(e1, e2)).abs() < 1e-15);
        for t in [
            [0.0, 0.0, 1.0],
            [0.0, 0.0, -1.0],
            normalize([1e-13, 0.0, -1.0]),
            normalize([-1.0, 3.0, 0.2]),
        ] {
            let (e1, e2) = screen_basis(t);
            assert!(
                dot(e1, t).abs() < 1e-12 && dot(e2, t).abs() < 1e-12 && dot(e1, e2).abs() < 1e-12
            );
        }
    }

    /// Uniform in solid angle: the fraction with cos θ above the midpoint in cos is ≈ 1/2
    /// (uniform in angle, as the seed drew, would give ≈ 0.29 for this cone).
    #[test]
    fn random_cone_is_uniform_in_solid_angle_and_seeded() {
        let alpha = 60f64.to_radians();
        let p = Pattern::ConeRandom {
            axis: [0.0, 0.0, 1.0],
            half_angle_rad: alpha,
            count: 20000,
            seed: 7,
        };
        let rays = p.rays();
        let mid = 1.0 - 0.5 * (1.0 - alpha.cos());
        let inner = rays.iter().filter(|r| r.direction[2] > mid).count() as f64 / rays.len() as f64;
        assert!((inner - 0.5).abs() < 0.015, "inner fraction {inner}");
        assert!(rays.iter().all(|r| r.theta_rad <= alpha + 1e-15));
        assert_eq!(rays, p.rays());
        let other = Pattern::ConeRandom {
            axis: [0.0, 0.0, 1.0],
            half_angle_rad: alpha,
            count: 20000,
            seed: 8,
        };
        assert_ne!(rays[0].direction, other.rays()[0].direction);
    }

    #[test]
    fn beam_offsets_are_perpendicular() {
        let axis = normalize([1.0, 1.0, 0.0]);
        let p = Pattern::Beam {
            axis,
            impacts_m: vec![1.0, 5.0],
            n_phi: 4,
        };
        let rays = p.rays();
        assert_eq!(rays.len(), 8);
        for r in &rays {
            assert!(dot(r.offset_m, axis).abs() < 1e-14);
            assert!((dot(r.offset_m, r.offset_m).sqrt() - r.beam_offset_m).abs() < 1e-14);
            assert!(dot(r.direction, axis) > 1.0 - 1e-15);
        }
    }
}
