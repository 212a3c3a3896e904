//! The egui panel on the left and the overlays on the 3-D view: the system that lays them out
//! ([`layer`]), the config sections ([`config`], [`teaching`], [`files`]) built from shared
//! widgets ([`widgets`]), the status bar and overlay text ([`readouts`]) and the plot window
//! ([`plots`]).

pub mod config;
pub mod files;
pub mod layer;
pub mod plots;
pub mod readouts;
pub mod teaching;
pub mod widgets;
