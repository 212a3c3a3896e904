//! The config's enumerations (interface.md §2).

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, VariantArray};

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
    Sis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PotentialMode {
    Grid,
    Analytic,
    /// Φ from an N-body snapshot by a Poisson solve on the grid (`[potential.particles]`).
    Particles,
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
    /// One ray per HEALPix pixel centre in RING order (interface.md §7).
    Healpix,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MethodKind {
    Rk4,
    Dopri5,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SourceKind {
    Galaxy,
    Checkerboard,
    Image,
}

/// The run file's layout (`[output] layout`, interface.md §3).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, AsRefStr, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OutputLayout {
    #[default]
    PerPhoton,
    Packed,
}

/// The visualizer's layout (`[view] layout`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, AsRefStr, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ViewLayout {
    #[default]
    Research,
    Teaching,
}

/// The visualizer's theme (`[view] theme`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, AsRefStr, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Theme {
    #[default]
    Dark,
    Projector,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde (reading and writing files) and strum (menus, `as_ref`) spell every value alike.
    #[test]
    fn serde_and_strum_agree_on_every_enum_name() {
        fn check<T>()
        where
            T: VariantArray
                + AsRef<str>
                + Serialize
                + for<'de> Deserialize<'de>
                + PartialEq
                + Copy
                + std::fmt::Debug,
        {
            for v in T::VARIANTS {
                let json = serde_json::to_string(v).unwrap();
                assert_eq!(json, format!("\"{}\"", v.as_ref()));
                let back: T = serde_json::from_str(&json).unwrap();
                assert_eq!(back, *v);
            }
        }
        check::<Metric>();
        check::<EquationsKind>();
        check::<CosmologyModel>();
        check::<ProfileKind>();
        check::<PotentialMode>();
        check::<Precision>();
        check::<PhiUnits>();
        check::<TimeDependenceKind>();
        check::<PatternKind>();
        check::<MethodKind>();
        check::<SourceKind>();
        check::<ViewLayout>();
        check::<OutputLayout>();
        check::<Theme>();
        check::<super::super::particles::SnapshotFormat>();
        check::<super::super::particles::AssignmentKind>();
        check::<super::super::particles::ParticleTimeDependence>();
        assert_eq!(PhiUnits::SpeedOfLightSquared.as_ref(), "c2");
        assert_eq!(MethodKind::Dopri5.as_ref(), "dopri5");
    }
}
