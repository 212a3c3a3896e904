//! The bridge between the window and the core's tracing session: the config being edited and
//! when it is traced ([`draft`]), the runs started, cancelled and drained into the ECS
//! ([`simulation`]), configs and runs loaded and saved ([`files`]), and frame pacing while a
//! grid builds ([`pacing`]). No Bevy rendering here: the headless tests run exactly this.

pub mod draft;
pub mod files;
pub mod pacing;
pub mod simulation;
