//! Spacetimes: the geodesic right-hand side, the null condition and the launch of a photon.
//!
//! The integration state is observer-relative (physics.md §1): Δη = η − η_obs and
//! Δx = x − x_obs, so absolute offsets are added back only to evaluate fields and to write output.

pub mod flrw;
pub mod schwarzschild;
mod spacetime;

pub use flrw::{Equations, PerturbedFlrw};
pub use schwarzschild::Schwarzschild;
pub use spacetime::*;
