//! Integrators (fixed-step RK4, adaptive Dormand–Prince 5(4)) and stop conditions.
//!
//! Every ray ends with exactly one [`EndReason`]; events (distance, scale factor, plane, core)
//! are located, not merely detected, so the end state lies on the event surface.

mod driver;
pub mod events;
mod packet;
mod settings;
mod stepper;
pub mod tableau;

pub use driver::{integrate, RayOutcome};
pub use events::{Event, EventSet, EVENT_TOLERANCE};
pub use packet::{integrate_many, packet_width, LANES};
pub use settings::*;
