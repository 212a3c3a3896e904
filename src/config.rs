//! Run configuration (interface.md §2): TOML into typed structs, unknown keys rejected,
//! `--set` overrides by dotted path, validation errors that name the file, key and range.

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, VariantArray};

pub use crate::config_validate::{ValidConfig, WEAK_FIELD_LIMIT};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A configuration problem: which file, which key, what is allowed.
#[derive(Debug, Error, Clone, PartialEq)]
#[error("{file}: {key}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub key: String,
    pub message: String,
}

fn err(key: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError {
        file: String::new(),
        key: key.into(),
        message: message.into(),
    }
}

// The config's enumerations: serde reads and writes their names, strum gives the same names as
// `&'static str` (`as_ref()`) and every value in order (`VARIANTS`, for menus). Both derive the
// names from one snake_case rule (or one explicit rename); `tests` checks that they agree.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Metric {
    PerturbedFlrw,
    Schwarzschild,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EquationsKind {
    Exact,
    FirstOrder,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CosmologyModel {
    Lcdm,
    Static,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ProfileKind {
    Point,
    UniformSphere,
    Nfw,
    Plummer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PotentialMode {
    Grid,
    Analytic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Precision {
    F32,
    F64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PhiUnits {
    #[serde(rename = "m2/s2")]
    #[strum(serialize = "m2/s2")]
    SquareMetresPerSquareSecond,
    #[serde(rename = "c2")]
    #[strum(serialize = "c2")]
    SpeedOfLightSquared,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum TimeDependenceKind {
    Frozen,
    FixedPhysicalMass,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PatternKind {
    ConeGrid,
    ConeRandom,
    Beam,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MethodKind {
    Rk4,
    Dopri5,
}

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
    /// Sphere radius, NFW virial radius, Plummer scale; unused by "point".
    pub radius_mpc: f64,
    pub center_mpc: [f64; 3],
    /// NFW only.
    pub concentration: f64,
    /// Rays entering this radius end with entered_core; "point" needs > 0 (default 0.001).
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
        }
    }
}

/// Default core radius of a point lens [Mpc] when the config gives none.
pub const POINT_CORE_DEFAULT_MPC: f64 = 1e-3;

/// Sets `key` (dotted path, array indices as numbers) in a TOML table to `value` (TOML syntax;
/// a bare word that is not valid TOML is taken as a string).
pub fn apply_override(root: &mut toml::Table, key: &str, value: &str) -> Result<(), ConfigError> {
    let parsed: toml::Value = match toml::from_str::<toml::Table>(&format!("v = {value}")) {
        Ok(mut t) => t.remove("v").unwrap_or(toml::Value::String(value.into())),
        Err(_) => toml::Value::String(value.into()),
    };
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(err(
            key,
            "--set needs a dotted key such as potential.nodes=128",
        ));
    }
    let mut cur: &mut toml::Value = root.entry(parts[0]).or_insert_with(|| {
        if parts.len() > 1 {
            toml::Value::Table(Default::default())
        } else {
            parsed.clone()
        }
    });
    for (n, part) in parts.iter().enumerate().skip(1) {
        let last = n == parts.len() - 1;
        cur = match cur {
            toml::Value::Table(t) => t.entry(*part).or_insert_with(|| {
                if last {
                    parsed.clone()
                } else {
                    toml::Value::Table(Default::default())
                }
            }),
            toml::Value::Array(a) => {
                let i: usize = part
                    .parse()
                    .map_err(|_| err(key, format!("`{part}` is not an array index")))?;
                let len = a.len();
                a.get_mut(i).ok_or_else(|| {
                    err(
                        key,
                        format!("index {i} is out of range (the array has {len} entries)"),
                    )
                })?
            }
            _ => {
                return Err(err(
                    key,
                    format!("`{}` is not a table", parts[..n].join(".")),
                ))
            }
        };
    }
    *cur = parsed;
    Ok(())
}

impl RunConfig {
    /// Parses TOML text with overrides; `file` names the source in errors.
    pub fn from_toml_str(
        text: &str,
        file: &str,
        overrides: &[(String, String)],
    ) -> Result<ValidConfig, ConfigError> {
        let with_file = |mut e: ConfigError| {
            e.file = file.to_string();
            e
        };
        let mut table: toml::Table = toml::from_str(text)
            .map_err(|e| with_file(err("(syntax)", e.message().to_string())))?;
        for (k, v) in overrides {
            apply_override(&mut table, k, v).map_err(with_file)?;
        }
        let config: RunConfig = serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| {
                let path = e.path().to_string();
                let msg = e.into_inner().message().to_string();
                with_file(err(
                    if path == "." {
                        "(top level)".to_string()
                    } else {
                        path
                    },
                    msg,
                ))
            })?;
        config.into_valid().map_err(with_file)
    }

    /// Reads and validates a config file.
    pub fn load(path: &Path, overrides: &[(String, String)]) -> Result<ValidConfig, ConfigError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: name.clone(),
            key: "(file)".into(),
            message: format!("cannot read: {e}"),
        })?;
        RunConfig::from_toml_str(&text, &name, overrides)
    }

    /// The fully resolved config as TOML (defaults filled in).
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.clone().resolved()).unwrap_or_else(|e| format!("# cannot serialise: {e}"))
    }

    /// With implicit defaults made explicit (point-lens cores).
    pub fn resolved(mut self) -> RunConfig {
        for l in &mut self.lenses {
            l.core_radius_mpc = Some(l.core_radius_or_default_mpc());
        }
        self
    }
}

impl LensConfig {
    /// The core radius [Mpc]: the given one, or by default [`POINT_CORE_DEFAULT_MPC`] for a
    /// point lens and none (0) for extended profiles.
    pub fn core_radius_or_default_mpc(&self) -> f64 {
        self.core_radius_mpc
            .unwrap_or(if self.profile == ProfileKind::Point {
                POINT_CORE_DEFAULT_MPC
            } else {
                0.0
            })
    }
}
