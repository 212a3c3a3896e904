//! Potential fields behind one interface: analytic lens sums, or a node grid (physics.md §6).

mod analytic;
mod bricks;
mod build;
pub mod grid;
mod import;
pub mod region;
mod scalar;

pub use analytic::{AnalyticField, Field, StaticLanes, StaticSample, UniformField};
pub use grid::{Grid, GridGeometry, GridScalar};
pub use region::NodeRegion;
