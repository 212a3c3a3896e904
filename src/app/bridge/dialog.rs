//! The desktop's file dialog for the Files section's Browse… buttons: shown on its own
//! thread (rfd), its answer sent back to the frame loop, and a clear message where no dialog
//! can appear (no portal on the session bus).

use crate::app::shared::actions::PathField;
use bevy::prelude::*;
use crossbeam_channel::{Receiver, Sender};
use std::path::PathBuf;

/// Dialog answers on their way back from the dialog thread.
#[derive(Resource)]
pub struct BrowseChannel {
    pub tx: Sender<(PathField, DialogAnswer)>,
    pub rx: Receiver<(PathField, DialogAnswer)>,
}

/// What the dialog thread reports.
pub enum DialogAnswer {
    Picked(PathBuf),
    /// No dialog could be shown (rfd's portal backend needs xdg-desktop-portal on the D-Bus
    /// session bus): the words say so.
    Unavailable(String),
}

/// A dialog that answers "nothing picked" faster than this was never shown: no person
/// cancels a file dialog within a quarter of a second.
pub const DIALOG_NOT_SHOWN: std::time::Duration = std::time::Duration::from_millis(250);

pub const NO_DIALOG: &str = "no file dialog is available here (it needs xdg-desktop-portal on \
    the D-Bus session bus, which this desktop does not run): type the path in the field";

impl Default for BrowseChannel {
    fn default() -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        BrowseChannel { tx, rx }
    }
}

pub fn spawn_dialog(field: PathField, tx: Sender<(PathField, DialogAnswer)>) {
    let spawned = std::thread::Builder::new()
        .name("file-dialog".into())
        .spawn(move || {
            let asked = std::time::Instant::now();
            let dialog = rfd::FileDialog::new();
            let picked = match field {
                PathField::Config => dialog.add_filter("config", &["toml"]).pick_file(),
                PathField::Export => dialog.add_filter("HDF5", &["h5", "hdf5"]).save_file(),
                PathField::Run | PathField::Snapshot => {
                    dialog.add_filter("HDF5", &["h5", "hdf5"]).pick_file()
                }
            };
            let answer = match picked {
                Some(p) => DialogAnswer::Picked(p),
                None if asked.elapsed() < DIALOG_NOT_SHOWN => {
                    DialogAnswer::Unavailable(NO_DIALOG.to_string())
                }
                // Cancelled by the person: nothing to say.
                None => return,
            };
            let _ = tx.send((field, answer));
        });
    if let Err(e) = spawned {
        error!("cannot start the file dialog thread: {e}");
    }
}
