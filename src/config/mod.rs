//! Run configuration (interface.md §2): the schema, `--set` overrides, reading, and validation
//! with key paths. Only a [`ValidConfig`] reaches the tracer.

mod enums;
mod error;
mod read;
mod schema;
mod validate;

pub use enums::*;
pub use error::ConfigError;
pub use read::apply_override;
pub use schema::*;
pub use validate::{ValidConfig, WEAK_FIELD_LIMIT};
