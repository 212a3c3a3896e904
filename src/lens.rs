//! Spherically symmetric lens profiles: analytic Φ and ∇Φ (physics.md §5), and their sum.
//!
//! Each profile returns Φ and (dΦ/dr)/r together, so that ∇Φ = (dΦ/dr / r)·(x − x_L) needs no
//! division by r: cored profiles reach their r → 0 limit (∇Φ → 0) analytically.

use crate::units::{dot, sub, C2};

/// Largest |Φ|/c² accepted as weak field (physics.md §3.1): beyond it perturbed FLRW does
/// not apply.
pub const WEAK_FIELD_LIMIT: f64 = 1e-3;

/// Profile shape with its lengths in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Profile {
    /// Φ = −GM/r.
    Point,
    /// Uniform density inside `radius_m`, point mass outside; C¹ at the surface.
    UniformSphere { radius_m: f64 },
    /// NFW with M = mass inside `radius_m` (virial radius) and scale radius radius/concentration.
    Nfw { radius_m: f64, concentration: f64 },
    /// Φ = −GM/√(r² + a_p²).
    Plummer { scale_m: f64 },
    /// Singular isothermal sphere (ρ ∝ 1/r²) truncated at `radius_m`, M = mass inside it:
    /// r < R: Φ = (GM/R)(ln(r/R) − 1), dΦ/dr = GM/(Rr) (σ_v² = GM/(2R)); r ≥ R: point mass.
    /// With `ellipticity` ε > 0 the potential is pseudo-elliptical, Φ(m) with
    /// m² = (1 − ε)Δx² + (1 + ε)Δy² + Δz² in world axes: squeezed along x, stretched along y,
    /// which splits a source near the centre into four images when seen along z.
    Sis { radius_m: f64, ellipticity: f64 },
}

/// One lens: a profile, its GM [m³/s²], centre [m] and core radius [m] (rays entering it end).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lens {
    pub profile: Profile,
    pub gm: f64,
    pub center_m: [f64; 3],
    pub core_radius_m: f64,
}

/// m(y) = ln(1 + y) − y/(1 + y), the NFW enclosed-mass shape, with its small-y series.
pub fn nfw_m(y: f64) -> f64 {
    if y < 1e-4 {
        y * y * (0.5 - y * (2.0 / 3.0 - 0.75 * y))
    } else {
        (1.0 + y).ln() - y / (1.0 + y)
    }
}

/// m(y)/y³ for the NFW gradient; diverges as 1/(2y) at the centre, where ∇Φ is a finite cusp.
fn nfw_m_over_y3(y: f64) -> f64 {
    if y < 1e-4 {
        (0.5 - y * (2.0 / 3.0 - 0.75 * y)) / y
    } else {
        nfw_m(y) / (y * y * y)
    }
}

/// The point-mass pair (Φ = −GM/r, (dΦ/dr)/r = GM/r³) from 1/r.
#[inline(always)]
fn point_mass(gm: f64, inv_r: f64) -> (f64, f64) {
    (-gm * inv_r, gm * inv_r * inv_r * inv_r)
}

impl Lens {
    /// (Φ [m²/s²], (dΦ/dr)/r [s⁻²]) at distance r [m] from the centre.
    ///
    /// One division per call at most: outside a core the point-mass pair comes from one
    /// reciprocal, and divisions by the profile's constants are by loop-invariant values that
    /// the grid fill hoists. Division and square root are the slow instructions of a grid
    /// build (one of each per node); products of the reciprocal differ from the quotients by
    /// at most a few ulp of f64, far below the f32 rounding of a stored node.
    #[inline(always)]
    pub fn phi_and_g_over_r(&self, r: f64) -> (f64, f64) {
        let gm = self.gm;
        match self.profile {
            Profile::Point => point_mass(gm, 1.0 / r),
            Profile::UniformSphere { radius_m } => {
                if r < radius_m {
                    let r3 = radius_m * radius_m * radius_m;
                    (
                        -gm * (3.0 * radius_m * radius_m - r * r) * (0.5 / r3),
                        gm / r3,
                    )
                } else {
                    point_mass(gm, 1.0 / r)
                }
            }
            Profile::Plummer { scale_m } => {
                let q = r * r + scale_m * scale_m;
                point_mass(gm, 1.0 / q.sqrt())
            }
            Profile::Sis { radius_m, .. } => {
                let inv_r = 1.0 / r;
                if r < radius_m {
                    (
                        gm / radius_m * ((r / radius_m).ln() - 1.0),
                        gm / radius_m * inv_r * inv_r,
                    )
                } else {
                    point_mass(gm, inv_r)
                }
            }
            Profile::Nfw {
                radius_m,
                concentration,
            } => {
                let rn = radius_m / concentration;
                let norm = gm / nfw_m(concentration);
                let y = r / rn;
                let ln_over_y = if y < 1e-4 {
                    1.0 - y * (0.5 - y / 3.0)
                } else {
                    (1.0 + y).ln() / y
                };
                let phi = -norm * ln_over_y / rn;
                let g_over_r = if r == 0.0 {
                    0.0
                } else {
                    norm * nfw_m_over_y3(y) / (rn * rn * rn)
                };
                (phi, g_over_r)
            }
        }
    }

    /// Φ and ∇Φ at x [m].
    #[inline(always)]
    pub fn phi_and_gradient(&self, x: [f64; 3]) -> (f64, [f64; 3]) {
        let d = sub(x, self.center_m);
        if let Profile::Sis { ellipticity, .. } = self.profile {
            if ellipticity != 0.0 {
                // Φ(m): ∇Φ = (dΦ/dm / m)·((1 − ε)Δx, (1 + ε)Δy, Δz).
                let w = [1.0 - ellipticity, 1.0 + ellipticity, 1.0];
                let m = (w[0] * d[0] * d[0] + w[1] * d[1] * d[1] + d[2] * d[2]).sqrt();
                let (phi, g) = self.phi_and_g_over_r(m);
                return (phi, [g * w[0] * d[0], g * w[1] * d[1], g * d[2]]);
            }
        }
        let r = dot(d, d).sqrt();
        let (phi, g) = self.phi_and_g_over_r(r);
        (phi, [g * d[0], g * d[1], g * d[2]])
    }

    /// Mass fraction projected inside impact parameter b (for Born predictions), where closed.
    pub fn projected_mass_fraction(&self, b_m: f64) -> Option<f64> {
        match self.profile {
            Profile::Point => Some(1.0),
            Profile::UniformSphere { radius_m } => Some(if b_m < radius_m {
                1.0 - (1.0 - (b_m / radius_m).powi(2)).powf(1.5)
            } else {
                1.0
            }),
            Profile::Plummer { scale_m } => Some(b_m * b_m / (b_m * b_m + scale_m * scale_m)),
            // Truncated SIS, Σ(b) = M arccos(b/R)/(2πRb): M₂D(<b)/M = 1 − √(1 − x²) + x·arccos x
            // with x = b/R (spherical only).
            Profile::Sis {
                radius_m,
                ellipticity: 0.0,
            } => Some(if b_m < radius_m {
                let x = b_m / radius_m;
                1.0 - (1.0 - x * x).sqrt() + x * x.acos()
            } else {
                1.0
            }),
            Profile::Sis { .. } | Profile::Nfw { .. } => None,
        }
    }

    /// Depth of the potential at the centre in units of c² (for the weak-field warning).
    pub fn central_phi_over_c2(&self) -> f64 {
        let r = match self.profile {
            Profile::Point | Profile::Sis { .. } => self.core_radius_m,
            _ => 0.0,
        };
        self.phi_and_g_over_r(r).0 / C2
    }
}

/// How the lens potentials evolve: Φ(x, η) = g(η)·Φ₀(x), with Φ′ = g′Φ₀ (physics.md §5).
#[derive(Debug, Clone, PartialEq)]
pub enum TimeDependence {
    /// g ≡ 1 (default): no ISW, all invariants hold.
    Frozen,
    /// g = 1/a: comoving Poisson equation with a fixed physical mass; g′ = −gℋ.
    FixedPhysicalMass,
    /// A snapshot's potential in linear theory: g = G = D(a)/a relative to the snapshot's
    /// epoch (physics.md §13), g′ = Gℋ(f − 1).
    LinearGrowth(std::sync::Arc<crate::cosmology::Growth>),
}

impl TimeDependence {
    /// (g, dg/dη) at scale factor a, given ℋ(a).
    #[inline]
    pub fn factor(&self, a: f64, conformal_hubble: f64) -> (f64, f64) {
        match self {
            TimeDependence::Frozen => (1.0, 0.0),
            TimeDependence::FixedPhysicalMass => {
                let g = 1.0 / a;
                (g, -g * conformal_hubble)
            }
            TimeDependence::LinearGrowth(growth) => growth.factor(a, conformal_hubble),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{gm_from_msun, MPC_M};

    fn lens(profile: Profile) -> Lens {
        Lens {
            profile,
            gm: gm_from_msun(1e15),
            center_m: [0.0; 3],
            core_radius_m: 0.0,
        }
    }

    /// The gradient of each profile equals the numerical derivative of its potential.
    #[test]
    fn gradient_is_derivative_of_potential() {
        let r0 = 3.0 * MPC_M;
        for l in [
            lens(Profile::Point),
            lens(Profile::UniformSphere { radius_m: r0 }),
            lens(Profile::Nfw {
                radius_m: r0,
                concentration: 5.0,
            }),
            lens(Profile::Plummer { scale_m: r0 }),
            lens(Profile::Sis {
                radius_m: r0,
                ellipticity: 0.0,
            }),
            lens(Profile::Sis {
                radius_m: r0,
                ellipticity: 0.2,
            }),
        ] {
            for r_mpc in [0.1, 0.5, 2.9, 3.1, 10.0] {
                let x = [
                    0.3 * r_mpc * MPC_M,
                    -0.4 * r_mpc * MPC_M,
                    0.866 * r_mpc * MPC_M,
                ];
                let (_, g) = l.phi_and_gradient(x);
                for axis in 0..3 {
                    let h = 1e-4 * r_mpc * MPC_M;
                    let mut xp = x;
                    let mut xm = x;
                    xp[axis] += h;
                    xm[axis] -= h;
                    let fd = (l.phi_and_gradient(xp).0 - l.phi_and_gradient(xm).0) / (2.0 * h);
                    let scale = dot(g, g).sqrt();
                    assert!(
                        (fd - g[axis]).abs() < 1e-6 * scale,
                        "{:?} r={r_mpc} axis {axis}",
                        l.profile
                    );
                }
            }
        }
    }

    /// Gauss: r²·dΦ/dr/G is the enclosed mass; it reaches M at R (sphere, NFW) and tends to M (Plummer).
    #[test]
    fn enclosed_mass_reaches_total() {
        let r0 = 3.0 * MPC_M;
        let enclosed = |l: &Lens, r: f64| l.phi_and_g_over_r(r).1 * r * r * r / l.gm;
        let s = lens(Profile::UniformSphere { radius_m: r0 });
        assert!((enclosed(&s, r0) - 1.0).abs() < 1e-14);
        assert!((enclosed(&s, 0.5 * r0) - 0.125).abs() < 1e-14);
        let n = lens(Profile::Nfw {
            radius_m: r0,
            concentration: 5.0,
        });
        assert!((enclosed(&n, r0) - 1.0).abs() < 1e-12);
        let p = lens(Profile::Plummer { scale_m: r0 });
        assert!((enclosed(&p, 1e4 * r0) - 1.0).abs() < 1e-7);
        // SIS: M(<r) = M r/R inside, so the circular velocity² = GM/R = 2σ_v² is flat.
        let sis = lens(Profile::Sis {
            radius_m: r0,
            ellipticity: 0.0,
        });
        assert!((enclosed(&sis, 0.25 * r0) - 0.25).abs() < 1e-14);
        assert!((enclosed(&sis, r0) - 1.0).abs() < 1e-14);
        // Continuous at R.
        let (inside, _) = sis.phi_and_g_over_r(r0 * (1.0 - 1e-12));
        assert!((inside / (-sis.gm / r0) - 1.0).abs() < 1e-10);
        // The projected fraction reaches 1 at R and is 2b/(πR)·(π/2) = b/R·... near the centre:
        // M₂D(<b)/M → (π/2)(b/R) for b ≪ R.
        let f = sis.projected_mass_fraction(1e-4 * r0).unwrap();
        assert!((f / (std::f64::consts::FRAC_PI_2 * 1e-4) - 1.0).abs() < 1e-3);
        assert_eq!(sis.projected_mass_fraction(r0), Some(1.0));
    }

    #[test]
    fn centres_are_finite_and_match_closed_forms() {
        let r0 = 3.0 * MPC_M;
        let s = lens(Profile::UniformSphere { radius_m: r0 });
        let (phi, g) = s.phi_and_gradient([0.0; 3]);
        assert!((phi / (-1.5 * s.gm / r0) - 1.0).abs() < 1e-15);
        assert_eq!(g, [0.0; 3]);
        let n = lens(Profile::Nfw {
            radius_m: r0,
            concentration: 4.0,
        });
        let (phi, g) = n.phi_and_gradient([0.0; 3]);
        let rn = r0 / 4.0;
        assert!((phi / (-n.gm / (nfw_m(4.0) * rn)) - 1.0).abs() < 1e-15);
        assert_eq!(g, [0.0; 3]);
        // Series and closed form of m(y) agree at the switch.
        let y: f64 = 0.999_999e-4;
        let closed = (1.0 + y).ln() - y / (1.0 + y);
        assert!((nfw_m(y) / closed - 1.0).abs() < 1e-7);
        // Continuity of Φ and ∇Φ at the sphere surface (C¹).
        let inside = s.phi_and_g_over_r(r0 * (1.0 - 1e-12));
        let outside = s.phi_and_g_over_r(r0 * (1.0 + 1e-12));
        assert!((inside.0 / outside.0 - 1.0).abs() < 1e-10);
        assert!((inside.1 / outside.1 - 1.0).abs() < 1e-10);
    }

    #[test]
    fn projected_mass_fractions() {
        let r0 = 3.0 * MPC_M;
        let s = lens(Profile::UniformSphere { radius_m: r0 });
        assert_eq!(s.projected_mass_fraction(4.0 * MPC_M), Some(1.0));
        assert!((s.projected_mass_fraction(r0 * (1.0 - 1e-9)).unwrap() - 1.0).abs() < 1e-12);
        let half = s.projected_mass_fraction(0.5 * r0).unwrap();
        assert!((half - (1.0 - 0.75f64.powf(1.5))).abs() < 1e-15);
    }

    #[test]
    fn physical_mass_time_dependence() {
        let (g, gp) = TimeDependence::FixedPhysicalMass.factor(0.5, 3.0);
        assert_eq!(g, 2.0);
        assert_eq!(gp, -6.0);
        assert_eq!(TimeDependence::Frozen.factor(0.5, 3.0), (1.0, 0.0));
    }
}
