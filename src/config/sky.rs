//! The lensed-image sections (interface.md §4): the background source and the camera; and how
//! the visualizer opens on them (`[view]`, read by the window only).

use super::enums::{SourceKind, Theme, ViewLayout};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The background source, in a plane perpendicular to the axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SourceConfig {
    /// Comoving distance of the source plane from the observer, along the axis [Mpc].
    pub distance_mpc: f64,
    pub kind: SourceKind,
    /// Source centre in the source plane, [right, up] [Mpc].
    pub offset_mpc: [f64; 2],
    /// Galaxy half-light radius, checker cell, or image width [Mpc].
    pub size_mpc: f64,
    /// Galaxy: minor/major axis ratio in (0, 1], and the major axis's angle from "right" [deg].
    pub axis_ratio: f64,
    pub angle_deg: f64,
    /// kind = "image": a PNG, relative to the config's folder.
    pub image: PathBuf,
}

impl Default for SourceConfig {
    fn default() -> Self {
        SourceConfig {
            distance_mpc: 2000.0,
            kind: SourceKind::Galaxy,
            offset_mpc: [0.0, 0.0],
            size_mpc: 2.0,
            axis_ratio: 0.7,
            angle_deg: 30.0,
            image: PathBuf::from("assets/source.png"),
        }
    }
}

/// The observer's camera: a square field of view centred on the axis, and the sky position
/// [deg] a FITS file's WCS gives that centre (`image --fits`; it changes no ray).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CameraConfig {
    pub field_of_view_arcsec: f64,
    pub ra_deg: f64,
    pub dec_deg: f64,
}

impl Default for CameraConfig {
    fn default() -> Self {
        CameraConfig {
            field_of_view_arcsec: 120.0,
            ra_deg: 0.0,
            dec_deg: 0.0,
        }
    }
}

/// How the visualizer opens (ignored by the CLI): the research layout (every control, the 3-D
/// scene) or the teaching one (the lensed sky beside the rays, research controls hidden), and
/// the theme (dark, or large high-contrast text for projectors).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ViewConfig {
    pub layout: ViewLayout,
    pub theme: Theme,
}
