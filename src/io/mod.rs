//! HDF5 run files (interface.md §3; physics.md §12): write, read, merge; Φ-grid import; FITS
//! (`fits`, for the maps of interface.md §7).
//!
//! Every file is written to a temporary name in the target folder and renamed when complete,
//! so a failed or interrupted write never leaves a truncated file or clobbers an existing one.

mod atomic;
pub mod disk;
mod error;
pub mod fits;
mod gif_frames;
mod layout;
mod merge;
mod packed;
mod potential_file;
mod provenance;
mod read;
mod summary;
pub mod target;
pub mod video;
mod write;

pub use atomic::{remove_temporaries_on_signals, save_config, stage, write_atomically, Staged};
pub use error::IoError;
pub use layout::*;
pub use merge::{merge, MergeError};
pub use packed::{write_packed, PackedWriter};
pub use potential_file::{write_potential, PotentialFile};
pub use provenance::{SnapshotFile, SnapshotRecord};
pub use read::{read_potential, read_run, StoredRay};
pub use summary::summarize;
pub use target::{check_input, check_output, read_text, same_file, MAX_TEXT_BYTES};
pub use write::{write_run, RayRecord, RunMeta};
