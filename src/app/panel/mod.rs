//! The egui panel on the left and the overlays on the 3-D view: the system that lays them out
//! ([`layer`]), the config sections ([`config`], [`potential`], [`teaching`], [`files`]) and the display section ([`display`]) built from shared
//! widgets ([`widgets`]), the status bar and overlay text ([`readouts`]) and the plot window
//! ([`plots`]).

pub mod config;
pub mod display;
pub mod files;
pub mod layer;
pub mod plots;
pub mod potential;
pub mod readouts;
pub mod teaching;
pub mod widgets;
