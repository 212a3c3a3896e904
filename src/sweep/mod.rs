//! Parameter sweeps (interface.md §5): a manifest names a base config, an output template and
//! the swept keys with their values; its runs are the Cartesian product of the values, the
//! first key varying slowest, indexed from 0 so that a SLURM job array can run run I with
//! `--index $SLURM_ARRAY_TASK_ID`. Run I is a mixed-radix decode of I (O(keys)), and reading a
//! manifest costs O(values), not O(runs), so a job array of 10⁶ tasks pays milliseconds per
//! task: each value of each key is validated (the other keys at their first value), then the
//! corners (every key at its smallest and at its largest value, up to 2¹⁰ combinations), which
//! bound every combination for the config's range checks; each run is validated again when it
//! runs. The output template may name only `{index}` and the swept keys' last names, and must
//! give every run its own file.

mod check;
mod export;
mod manifest;

pub use export::{export, KeyRange};
pub use manifest::{Manifest, SweepRun};
