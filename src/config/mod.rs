//! Run configuration (interface.md §2): the schema, `--set` overrides, reading, and validation
//! with key paths. Only a [`ValidConfig`] reaches the tracer.

mod checks;
mod enums;
mod error;
mod finite;
mod particles;
mod read;
mod schema;
mod sky;
mod valid;
mod validate;
mod validate_sky;

pub use crate::lens::WEAK_FIELD_LIMIT;
pub use enums::*;
pub use error::ConfigError;
pub use particles::{AssignmentKind, ParticleTimeDependence, ParticlesConfig, SnapshotFormat};
pub use read::apply_override;
pub use schema::*;
pub use sky::{CameraConfig, SourceConfig, ViewConfig};
pub use valid::ValidConfig;
