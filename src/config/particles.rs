//! `[potential.particles]` (interface.md §6): where a `potential.mode = "particles"` run takes
//! its particles, in which units, and how they become Φ. Checked here key by key; the file
//! itself is checked when it is read (`nbody::snapshot`), naming the item that is wrong.

use super::checks::positive_upto;
use super::error::{err as bad, ConfigError};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use strum::{AsRefStr, VariantArray};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SnapshotFormat {
    /// Header attributes and PartType<k>/Coordinates, /Masses (Gadget-4, SWIFT, AREPO, GIZMO).
    GadgetHdf5,
    /// Datasets `positions` [n, 3] and `masses` [n] (or root attribute `mass`), root
    /// attributes box_size and redshift.
    Arrays,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AssignmentKind {
    Ngp,
    Cic,
    Tsc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, AsRefStr, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ParticleTimeDependence {
    /// Φ(η) = Φ_snap · g(a)/g(a_snap), g = D/a.
    LinearGrowth,
    Frozen,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ParticlesConfig {
    /// The snapshot (for a multi-file snapshot, any one of `snap.0.hdf5 … snap.K.hdf5`).
    pub file: PathBuf,
    pub format: SnapshotFormat,
    /// gadget_hdf5: the PartType groups deposited.
    pub types: Vec<u32>,
    /// Unit of Coordinates and BoxSize [Mpc/h].
    pub length_unit_mpc_h: f64,
    /// Unit of Masses [M☉/h].
    pub mass_unit_msun_h: f64,
    pub assignment: AssignmentKind,
    /// Divide by the assignment window in Fourier space.
    pub deconvolve: bool,
    pub time_dependence: ParticleTimeDependence,
    /// Rays that leave the box continue in its periodic copies.
    pub replicate: bool,
}

impl Default for ParticlesConfig {
    fn default() -> Self {
        ParticlesConfig {
            file: PathBuf::new(),
            format: SnapshotFormat::GadgetHdf5,
            types: vec![1],
            length_unit_mpc_h: 1e-3,
            mass_unit_msun_h: 1e10,
            assignment: AssignmentKind::Cic,
            deconvolve: true,
            // Frozen is valid on every background (linear growth needs an expanding one).
            time_dependence: ParticleTimeDependence::Frozen,
            replicate: true,
        }
    }
}

/// Gadget's particle types (PartType0 … PartType5).
const PART_TYPES: u32 = 6;

impl ParticlesConfig {
    /// The keys' own ranges (the snapshot is checked when it is read); `expanding`: whether
    /// the run's background expands (perturbed FLRW on ΛCDM), which linear growth needs.
    pub(super) fn validate(&self, expanding: bool) -> Result<(), ConfigError> {
        let key = |k: &str| format!("potential.particles.{k}");
        if self.file.as_os_str().is_empty() {
            return Err(bad(
                key("file"),
                "must name the snapshot, e.g. \"sims/snap_010.hdf5\"",
            ));
        }
        if self.format == SnapshotFormat::GadgetHdf5 {
            if self.types.is_empty() {
                return Err(bad(
                    key("types"),
                    "must list at least one PartType, e.g. [1]",
                ));
            }
            if let Some(t) = self.types.iter().find(|t| **t >= PART_TYPES) {
                return Err(bad(
                    key("types"),
                    format!("{t} is not allowed: PartType 0 to {}", PART_TYPES - 1),
                ));
            }
        }
        if self.time_dependence == ParticleTimeDependence::LinearGrowth && !expanding {
            return Err(bad(
                key("time_dependence"),
                "\"linear_growth\" needs an expanding background (spacetime.metric = \"perturbed_flrw\" with cosmology.model = \"lcdm\"); use \"frozen\" on a static one",
            ));
        }
        positive_upto(
            &key("length_unit_mpc_h"),
            self.length_unit_mpc_h,
            1e3,
            "Mpc/h",
        )?;
        positive_upto(
            &key("mass_unit_msun_h"),
            self.mass_unit_msun_h,
            1e30,
            "M☉/h",
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_keys_name_themselves_and_their_range() {
        let ok = ParticlesConfig {
            file: "snap.hdf5".into(),
            ..Default::default()
        };
        assert!(ok.validate(true).is_ok() && ok.validate(false).is_ok());
        let growing = ParticlesConfig {
            time_dependence: ParticleTimeDependence::LinearGrowth,
            ..ok.clone()
        };
        assert!(growing.validate(true).is_ok());
        let e = growing.validate(false).unwrap_err();
        assert_eq!(e.key, "potential.particles.time_dependence");
        assert!(e.message.contains("expanding background"), "{}", e.message);
        let cases: [(ParticlesConfig, &str, &str); 4] = [
            (
                ParticlesConfig::default(),
                "potential.particles.file",
                "must name",
            ),
            (
                ParticlesConfig {
                    types: vec![7],
                    ..ok.clone()
                },
                "potential.particles.types",
                "PartType 0 to 5",
            ),
            (
                ParticlesConfig {
                    length_unit_mpc_h: 0.0,
                    ..ok.clone()
                },
                "potential.particles.length_unit_mpc_h",
                "Mpc/h",
            ),
            (
                ParticlesConfig {
                    mass_unit_msun_h: -1.0,
                    ..ok.clone()
                },
                "potential.particles.mass_unit_msun_h",
                "M☉/h",
            ),
        ];
        for (c, want_key, want) in cases {
            let e = c.validate(true).unwrap_err();
            assert_eq!(e.key, want_key);
            assert!(e.message.contains(want), "{}", e.message);
        }
    }
}
