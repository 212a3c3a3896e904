//! The one integration-test binary (one link instead of one per file): physics against
//! analytic results, the CLI as users drive it, HDF5 import, the headless visualizer bridge,
//! and the structure of the source tree.

#[cfg(feature = "gui")]
mod app_bridge;
mod bad_files;
mod born_image;
mod cli;
mod cli_bad_input;
mod cli_image;
mod cli_resolution;
#[allow(dead_code)]
mod common;
mod cores;
mod cuts;
mod delays;
#[cfg(feature = "gui")]
mod edits_bridge;
mod end_reasons;
mod grid_accuracy;
mod grid_steps;
mod growth_isw;
mod lensing;
mod light_curve;
mod many_rays;
#[cfg(feature = "gui")]
mod maps_bridge;
mod nbody_plane;
mod nbody_spectrum;
mod nbody_sphere;
mod packets;
mod physics_flrw;
mod physics_lenses;
mod physics_schwarzschild;
mod potential_import;
mod potential_slab;
mod replicate;
mod reshade;
mod scale_out;
mod session;
mod shear_maps;
#[cfg(feature = "gui")]
mod snapshot_bridge;
mod snapshot_open;
mod structure;
mod sweeps;
#[cfg(feature = "gui")]
mod teaching_bridge;
mod trust;
