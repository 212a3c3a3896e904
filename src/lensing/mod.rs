//! The lensed sky from the run's own geodesics (interface.md §4): what the observer sees of a
//! background source behind the lenses. Rays leave the observer through an N×N image and are
//! traced, in the run's spacetime, to the source plane; from the ray map come the picture, the
//! images of the source centre with their magnifications and arrival-time delays, the critical
//! curves and caustics, and the Einstein radius measured and predicted.
//!
//! Thin-lens formulas appear only in the tests, as the textbook answers to compare with.

mod born;
mod bundle;
mod curves;
mod cut;
mod einstein;
mod fits_maps;
mod healpix_fits;
mod hidden;
mod images;
mod jacobian;
mod lensed;
mod light_curve;
mod map_set;
mod maps;
mod raymap;
mod render;
mod shade;
mod sky;
mod source;
mod sphere_map;
mod thin;
mod tracer;

pub use bundle::{born_jacobians, bundle_jacobians, Bundles};
pub use einstein::{
    lens_centroid, predicted_einstein_radius, predicted_einstein_radius_of_profile, EinsteinBasis,
};
pub use fits_maps::{write_fits, FitsHeader};
pub use healpix_fits::{merge_maps, read_map_fits, write_map_fits, MapPlace, ReadMap};
pub use images::Image;
pub use jacobian::{det_of, lensing_fields, Jacobian};
pub use lensed::{ImageSummary, LensedImage};
pub use light_curve::{curve_csv, light_curve, point_lens_magnification, CurvePoint};
pub use map_set::MapSet;
pub use maps::{write_maps, PixelMaps, RayMaps};
pub use raymap::RayMap;
pub use render::{draw_overlays, render, render_progressive};
pub use shade::{reshade, unlensed};
pub use sky::{Sky, ARCSEC};
pub use source::{read_png, write_png, Picture, Source};
pub use sphere_map::{trace_sphere_map, SphereMap};
pub use thin::{at_nearest_traced, ThinLens};
pub use tracer::{Landing, SkyTracer, MAP_RTOL_PER_PIXEL_RAD};
