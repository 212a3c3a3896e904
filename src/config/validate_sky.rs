//! Validation of the lensed-image sections (interface.md §4, §7): the source and the camera,
//! each key against its range with the key path in the error.

use super::checks::positive_upto;
use super::error::{err as bad, ConfigError};
use super::sky::{CameraConfig, SourceConfig};

impl SourceConfig {
    /// Each key against its range (interface.md §4), the key path in the error.
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let src = self;
        positive_upto("source.distance_mpc", src.distance_mpc, 1e5, "Mpc")?;
        positive_upto("source.size_mpc", src.size_mpc, 1e4, "Mpc")?;
        if !src.offset_mpc.iter().all(|v| v.is_finite()) {
            return Err(bad(
                "source.offset_mpc",
                format!(
                    "{:?} is not allowed: both components must be finite (Mpc)",
                    src.offset_mpc
                ),
            ));
        }
        if !(src.axis_ratio > 0.0 && src.axis_ratio <= 1.0) {
            return Err(bad(
                "source.axis_ratio",
                format!("{} is not allowed: must be in (0, 1]", src.axis_ratio),
            ));
        }
        if !src.angle_deg.is_finite() {
            return Err(bad("source.angle_deg", "must be a finite number (degrees)"));
        }
        Ok(())
    }
}

impl CameraConfig {
    /// Each key against its range (interface.md §4, §7), the key path in the error.
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let fov = self.field_of_view_arcsec;
        if !(fov > 0.0 && fov <= 36000.0) {
            return Err(bad(
                "camera.field_of_view_arcsec",
                format!("{fov} is not allowed: must be in (0, 36000] (10 degrees)"),
            ));
        }
        let (ra, dec) = (self.ra_deg, self.dec_deg);
        if !(0.0..360.0).contains(&ra) {
            return Err(bad(
                "camera.ra_deg",
                format!("{ra} is not allowed: must be in [0, 360) (degrees)"),
            ));
        }
        if !(-90.0..=90.0).contains(&dec) {
            return Err(bad(
                "camera.dec_deg",
                format!("{dec} is not allowed: must be in [-90, 90] (degrees)"),
            ));
        }
        Ok(())
    }
}
