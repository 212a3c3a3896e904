//! HDF5 run files (interface.md §3; physics.md §12): write, read, merge; and Φ-grid import.
//!
//! Every file is written to a temporary name in the target folder and renamed when complete,
//! so a failed or interrupted write never leaves a truncated file or clobbers an existing one.

mod atomic;
mod error;
mod layout;
mod merge;
mod packed;
mod read;
mod summary;
mod write;

pub use atomic::{save_config, write_atomically};
pub use error::IoError;
pub use layout::*;
pub use merge::{merge, MergeError};
pub use packed::{write_packed, PackedWriter};
pub use read::{read_potential, read_run, StoredRay};
pub use summary::summarize;
pub use write::{write_run, RayRecord, RunMeta};
