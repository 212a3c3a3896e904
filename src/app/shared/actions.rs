//! The vocabulary between the panel and the systems that act: what the user asked for. The
//! panel writes these; files, camera and the run controls read them.

use bevy::prelude::*;
use std::path::PathBuf;

/// A request from the panel that the other systems carry out.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum PanelAction {
    Run,
    Cancel,
    /// Replace the draft config with this file (preset or typed path).
    LoadConfig(PathBuf),
    SaveConfig(PathBuf),
    /// Write the current run to this HDF5 file.
    Export(PathBuf),
    /// Show the rays of an existing run file.
    OpenRun(PathBuf),
    /// Trace through this N-body snapshot (`nbody::open::open_snapshot`).
    OpenSnapshot(PathBuf),
    /// Write a sweep manifest of the draft over one key's range (`excalibur sweep`).
    ExportSweep(PathBuf, crate::sweep::KeyRange),
    /// Open a file dialog that fills one of the path fields.
    Browse(PathField),
    /// Record the window to this .gif or .mp4 until [`PanelAction::StopRecording`].
    Record(PathBuf),
    StopRecording,
    ResetCamera,
    FocusLens(usize),
}

/// The panel's typed path fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathField {
    Config,
    Export,
    Run,
    Snapshot,
}
