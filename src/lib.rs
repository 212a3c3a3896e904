//! excalibur: photon null geodesics traced backward from an observer at z = 0 through a
//! perturbed FLRW universe (ΛCDM or static background, Newtonian-gauge Φ = Ψ from analytic
//! lenses or a 3-D grid) and, for validation, exact Schwarzschild.
//!
//! The core (everything but `app`) has no GUI in it. Physics and conventions follow
//! `docs/physics.md` of the project; units are SI inside, Mpc/M☉/degrees only in configs.
//! Left out: peculiar velocities (z_Dop), curved FLRW, time-snapshot grids.

#[cfg(feature = "gui")]
pub mod app;
pub mod cli;
pub mod config;
mod config_validate;
pub mod cosmology;
pub mod integrate;
pub mod io;
pub mod lens;
pub mod metric;
pub mod observables;
pub mod potential;
pub mod rays;
pub mod setup;
pub mod trace;
pub mod units;

pub use config_validate::WEAK_FIELD_LIMIT;
