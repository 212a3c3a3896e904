//! A tracing session: what a client needs between edits. One named thread owns the field
//! caches and a rayon pool, builds fields, traces jobs (a coarse preview first for big grids)
//! and streams results back over a bounded channel. The visualizer is one client; no Bevy in
//! here, so it is tested on its own and ready for the image renderer.
//!
//! One named thread serves all runs. A job carries its own result channel and cancel flag:
//! cancelling a run is setting the flag and dropping the receiver, after which every send fails
//! and the workers stop at their next poll. When several jobs queue up, only the newest runs.

mod handle;
mod jobs;
mod messages;
mod priority;
mod serve;
mod sink;

pub use handle::Session;
pub use jobs::Wake;
pub use messages::*;
pub use priority::{lower_thread_priority, TRACE_NICE, WINDOW_POOL_NICE};
