//! The bridge between the window and the core's tracing session: the config being edited and
//! when it is traced ([`draft`]), the runs started, cancelled and drained into the ECS
//! ([`simulation`]), configs, runs and snapshots loaded and saved ([`files`]) with the desktop's file dialog
//! ([`dialog`]), and frame pacing while a
//! grid builds ([`pacing`]). No Bevy rendering here: the headless tests run exactly this.

pub mod dialog;
pub mod draft;
pub mod files;
pub mod pacing;
pub mod simulation;
