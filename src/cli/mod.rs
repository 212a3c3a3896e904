//! The binary's command line (interface.md §1): argument types (clap), the commands, their
//! reports, and the exit status. A client of the library like the visualizer; the library never
//! imports it. Errors travel as `anyhow::Error`; bad input is marked `exit::BadInput` (exit 2),
//! everything else is a failure while running (exit 1).

pub mod args;
mod commands;
#[cfg(feature = "gui")]
pub mod display;
pub mod exit;
mod image;
mod map;
mod merge;
pub mod out;
mod potential;
mod report;
mod sweep;

pub use commands::{check, inspect, run};
#[cfg(feature = "gui")]
pub use commands::{inputs_of, io_error, refuse_output};
pub use exit::exit_status;
pub use image::image;
pub use map::map;
pub use merge::merge;
pub use potential::potential;
pub use sweep::{summarize, sweep};
