//! The run configuration's schema (interface.md §2): typed structs read from TOML, unknown keys
//! rejected, defaults those of `configs/default.toml`; and the resolution of implicit defaults.

use super::enums::*;
use super::sky::{CameraConfig, SourceConfig, ViewConfig};
use crate::lens::{Lens, Profile, WEAK_FIELD_LIMIT};
use crate::units::{gm_from_msun, C2, MPC_M};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunConfig {
    pub title: String,
    /// Worker threads; 0 = all cores.
    pub threads: usize,
    pub spacetime: SpacetimeConfig,
    pub cosmology: CosmologyConfig,
    pub lenses: Vec<LensConfig>,
    pub potential: PotentialConfig,
    pub observer: ObserverConfig,
    pub rays: RaysConfig,
    pub integration: IntegrationConfig,
    pub output: OutputConfig,
    /// `excalibur image` only: the background source and the camera.
    pub source: SourceConfig,
    pub camera: CameraConfig,
    pub view: ViewConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpacetimeConfig {
    pub metric: Metric,
    /// Exact Christoffel symbols (default) or the first-order ones.
    pub equations: EquationsKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CosmologyConfig {
    pub model: CosmologyModel,
    pub h0_km_s_mpc: f64,
    pub omega_m: f64,
    pub omega_lambda: f64,
    pub omega_r: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LensConfig {
    pub profile: ProfileKind,
    pub mass_msun: f64,
    /// Sphere radius, NFW virial radius, Plummer scale, SIS truncation; unused by "point".
    pub radius_mpc: f64,
    pub center_mpc: [f64; 3],
    /// NFW only.
    pub concentration: f64,
    /// "sis" only: pseudo-elliptical potential, squeezed along world x by 1 − ε and stretched
    /// along y by 1 + ε (0 = spherical; below 0.5).
    pub ellipticity: f64,
    /// Rays entering this radius end with entered_core; "point" and "sis" need > 0 (default:
    /// the weak-field edge, see [`LensConfig::core_radius_or_default_mpc`]).
    pub core_radius_mpc: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PotentialConfig {
    pub mode: PotentialMode,
    pub nodes: usize,
    pub size_mpc: f64,
    pub origin_mpc: [f64; 3],
    pub precision: Precision,
    /// Grid mode: read Φ from a 3-D HDF5 dataset instead of sampling the lenses.
    pub file: Option<PathBuf>,
    pub dataset: String,
    pub phi_units: PhiUnits,
    /// Φ(x, η) = g(η)Φ₀(x): "frozen" (g = 1) or "fixed_physical_mass" (g = 1/a).
    pub time_dependence: TimeDependenceKind,
    /// Particles mode: the snapshot and its solve.
    pub particles: Option<super::particles::ParticlesConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ObserverConfig {
    pub position_mpc: [f64; 3],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RaysConfig {
    pub pattern: PatternKind,
    pub toward_mpc: [f64; 3],
    pub half_angle_deg: f64,
    pub n_theta: usize,
    pub n_phi: usize,
    pub count: usize,
    pub seed: u64,
    pub impact_mpc: Vec<f64>,
    /// HEALPix resolution (pattern "healpix"): a power of two.
    pub nside: u32,
    /// Only the pixels whose centres lie within this angle of the axis [deg]; the full sky
    /// when absent.
    pub disc_deg: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IntegrationConfig {
    pub method: MethodKind,
    pub step_mpc: f64,
    pub rtol: f64,
    pub max_steps: u64,
    pub record_every: u64,
    pub stop: StopConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct StopConfig {
    pub distance_mpc: Option<f64>,
    pub redshift: Option<f64>,
    pub scale_factor: Option<f64>,
    pub steps: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    pub path: PathBuf,
    /// "per_photon" (one dataset per photon, the seed's layout) or "packed" (one chunked,
    /// compressed `states` dataset streamed as rays finish, for 10⁵–10⁷ rays).
    pub layout: OutputLayout,
    /// Packed layout: deflate level of `states`, 0 (none) to 9. Float64 states shrink by ~20 %
    /// at level 1 (with the byte shuffle) and hardly more above, while HDF5 deflates on one
    /// thread at ~35 MB/s here: 0 writes as fast as the disk for runs whose rows dominate.
    pub compression: u8,
    /// The most memory a run may plan to hold [GiB]; 0 = what the machine has available now
    /// (MemAvailable). A run whose estimate (`budget.rs`) exceeds it is refused up front.
    pub memory_limit_gib: f64,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            title: "excalibur run".into(),
            threads: 0,
            spacetime: SpacetimeConfig::default(),
            cosmology: CosmologyConfig::default(),
            // A file without [[lenses]] has none (pure FLRW); default.toml adds its cluster.
            lenses: vec![],
            potential: PotentialConfig::default(),
            observer: ObserverConfig::default(),
            rays: RaysConfig::default(),
            integration: IntegrationConfig::default(),
            output: OutputConfig::default(),
            source: SourceConfig::default(),
            camera: CameraConfig::default(),
            view: ViewConfig::default(),
        }
    }
}

impl Default for SpacetimeConfig {
    fn default() -> Self {
        SpacetimeConfig {
            metric: Metric::PerturbedFlrw,
            equations: EquationsKind::Exact,
        }
    }
}

impl Default for CosmologyConfig {
    fn default() -> Self {
        CosmologyConfig {
            model: CosmologyModel::Lcdm,
            h0_km_s_mpc: 70.0,
            omega_m: 0.3,
            omega_lambda: 0.7,
            omega_r: 0.0,
        }
    }
}

impl Default for LensConfig {
    fn default() -> Self {
        LensConfig {
            profile: ProfileKind::UniformSphere,
            mass_msun: 1e15,
            radius_mpc: 5.0,
            center_mpc: [500.0; 3],
            concentration: 5.0,
            ellipticity: 0.0,
            core_radius_mpc: None,
        }
    }
}

impl Default for PotentialConfig {
    fn default() -> Self {
        PotentialConfig {
            mode: PotentialMode::Grid,
            nodes: 128,
            size_mpc: 1000.0,
            origin_mpc: [0.0; 3],
            precision: Precision::F32,
            file: None,
            dataset: "Phi".into(),
            phi_units: PhiUnits::SquareMetresPerSquareSecond,
            time_dependence: TimeDependenceKind::Frozen,
            particles: None,
        }
    }
}

impl Default for ObserverConfig {
    fn default() -> Self {
        ObserverConfig {
            position_mpc: [0.0; 3],
        }
    }
}

impl Default for RaysConfig {
    fn default() -> Self {
        RaysConfig {
            pattern: PatternKind::ConeGrid,
            toward_mpc: [500.0; 3],
            half_angle_deg: 2.0,
            n_theta: 10,
            n_phi: 10,
            count: 100,
            seed: 1,
            impact_mpc: vec![1.0, 5.0, 10.0],
            nside: 16,
            disc_deg: None,
        }
    }
}

impl Default for IntegrationConfig {
    fn default() -> Self {
        IntegrationConfig {
            method: MethodKind::Rk4,
            step_mpc: 2.5,
            rtol: 1e-10,
            max_steps: 1_000_000,
            record_every: 1,
            stop: StopConfig {
                distance_mpc: Some(1500.0),
                ..Default::default()
            },
        }
    }
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            path: "runs/default.h5".into(),
            layout: OutputLayout::PerPhoton,
            compression: 1,
            memory_limit_gib: 0.0,
        }
    }
}
impl RunConfig {
    /// The fully resolved config as TOML (defaults filled in).
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.clone().resolved())
            .unwrap_or_else(|e| format!("# cannot serialise: {e}"))
    }

    /// With implicit defaults made explicit: each point lens or SIS without a core gets the
    /// weak-field edge of the summed potential, |Φ_self + Φ_others|/c² = 1e-3 (see
    /// [`LensConfig::default_core_mpc`]).
    pub fn resolved(mut self) -> RunConfig {
        // Only a point lens or a SIS without a core needs the others' depth (an exact sum,
        // O(n) each); every other lens's default core is 0 whatever the others do.
        let others: Vec<f64> = (0..self.lenses.len())
            .map(|i| {
                let l = &self.lenses[i];
                let singular = matches!(l.profile, ProfileKind::Point | ProfileKind::Sis);
                if !singular || l.core_radius_mpc.is_some() {
                    return 0.0;
                }
                let at = self.lenses[i].center_mpc.map(|c| c * MPC_M);
                self.lenses
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, o)| o.si().phi_and_gradient(at).0.abs() / C2)
                    .sum()
            })
            .collect();
        for (l, depth) in self.lenses.iter_mut().zip(others) {
            if l.core_radius_mpc.is_none() {
                l.core_radius_mpc = Some(l.default_core_mpc(depth));
            }
        }
        self
    }
}

/// The smallest default core of a SIS, as a fraction of its radius: 1e-6 R, far inside any
/// image (the old 1e-3 R, 0.1 Mpc = 20″ at R = 100 Mpc and 1 Gpc, swallowed an image at 15″).
pub const SIS_MIN_CORE_FRACTION: f64 = 1e-6;

impl LensConfig {
    /// The core radius [Mpc]: the given one, or by default the weak-field edge, the smallest
    /// radius where |Φ|/c² ≤ 1e-3 (interface.md §2): GM/(c²·1e-3) for a point lens (0.048 Mpc
    /// per 1e15 M☉); for a SIS the same edge, or [`SIS_MIN_CORE_FRACTION`] of its radius when
    /// the edge is smaller (a light SIS never reaches the limit; its edge underflows to 0);
    /// none (0) for the cored profiles, whose centres are finite.
    pub fn core_radius_or_default_mpc(&self) -> f64 {
        self.core_radius_mpc
            .unwrap_or_else(|| self.default_core_mpc(0.0))
    }

    /// The default core [Mpc] when other lenses already put |Φ|/c² = `others` at this lens's
    /// centre: the radius where this lens's own depth reaches 1e-3 − `others` (the single-lens
    /// edge when the others alone reach the limit; validation then refuses the config).
    pub fn default_core_mpc(&self, others: f64) -> f64 {
        // A hair outside the edge, so that rounding never puts the core's Φ past the limit.
        const MARGIN: f64 = 1.0 + 1e-6;
        let room = if others < WEAK_FIELD_LIMIT {
            WEAK_FIELD_LIMIT - others
        } else {
            WEAK_FIELD_LIMIT
        };
        let gm_c2_mpc = gm_from_msun(self.mass_msun) / C2 / MPC_M;
        match self.profile {
            ProfileKind::Point => MARGIN * gm_c2_mpc / room,
            ProfileKind::Sis => {
                // (GM/R)(1 − ln(r/R)) = room·c²  ⇔  r = R·exp(1 − room·c² R/GM).
                let r = self.radius_mpc;
                let edge = r * (1.0 - room * r / gm_c2_mpc).exp();
                (MARGIN * edge).max(SIS_MIN_CORE_FRACTION * r)
            }
            _ => 0.0,
        }
    }

    /// This lens in SI units, as the physics takes it.
    pub fn si(&self) -> Lens {
        let r = self.radius_mpc * MPC_M;
        let profile = match self.profile {
            ProfileKind::Point => Profile::Point,
            ProfileKind::UniformSphere => Profile::UniformSphere { radius_m: r },
            ProfileKind::Nfw => Profile::Nfw {
                radius_m: r,
                concentration: self.concentration,
            },
            ProfileKind::Plummer => Profile::Plummer { scale_m: r },
            ProfileKind::Sis => Profile::Sis {
                radius_m: r,
                ellipticity: self.ellipticity,
            },
        };
        Lens {
            profile,
            gm: gm_from_msun(self.mass_msun),
            center_m: self.center_mpc.map(|c| c * MPC_M),
            core_radius_m: self.core_radius_or_default_mpc() * MPC_M,
        }
    }
}

impl RunConfig {
    /// Whether `self` and `other` trace the same image geodesics: they differ at most in the
    /// source's offset, size, shape, kind or picture (everything but its distance) and in the
    /// window's `[view]`. An image of one is then the other's re-shaded
    /// (`lensing::reshade`), without tracing its ray map again.
    pub fn same_geodesics(&self, other: &RunConfig) -> bool {
        let geodesic_part = |c: &RunConfig| {
            let mut c = c.clone();
            c.source = SourceConfig {
                distance_mpc: c.source.distance_mpc,
                ..SourceConfig::default()
            };
            c.view = ViewConfig::default();
            c
        };
        geodesic_part(self) == geodesic_part(other)
    }
}
