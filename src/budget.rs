//! What a run will hold in memory and write to disk, estimated from its config before any of
//! it is spent, so that a config that asks for 10⁸ rays or 10⁹ rows of states is refused with
//! the figures instead of aborting in an allocation ("memory allocation of N bytes failed").
//!
//! The estimate counts what is certain: the ray list, the grid (and the imported file's
//! values while it is read), and, when the step count is fixed by the config (RK4 with a
//! distance or step stop), the states a per-photon run holds until it writes them. Adaptive
//! steps are not known in advance; their states are not counted.

use crate::config::{MethodKind, OutputLayout, PotentialMode, Precision, RunConfig};
use crate::rays::Ray;

/// Rows traced and written per block in the packed layout (2¹⁸ rows, 29 MiB): a block holds
/// enough rays to keep every core busy, and few enough that its states stay small.
pub const PACKED_BLOCK_ROWS: usize = 1 << 18;

/// Bytes of one state row (14 f64, interface.md §3).
const ROW_BYTES: u64 = 14 * 8;

/// Bytes a traced ray holds besides its rows (its launch, observables, end reason, counts).
const RAY_RESULT_BYTES: u64 = 320;

/// The figures of one run's plan [bytes].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemoryEstimate {
    pub rays: u64,
    /// The launch list and each ray's result.
    pub rays_bytes: u64,
    /// The node grid ([Φ, ∇Φ] per node) and, for `potential.file`, the f64 values read.
    pub grid_bytes: u64,
    /// States held in memory at once (per-photon: all of them; packed: one block), when the
    /// step count is known.
    pub states_bytes: Option<u64>,
    /// The run file's size, when the step count is known.
    pub output_bytes: Option<u64>,
}

/// Why a run is refused before it starts.
#[derive(Debug, thiserror::Error)]
pub enum BudgetError {
    #[error(
        "this run would hold about {} ({}) but {} {}; trace fewer rays, split it with --shard I/N, or set output.layout = \"packed\" (writes states a block at a time)",
        gib(*need), parts, gib(*limit), whose
    )]
    Memory {
        need: u64,
        parts: String,
        limit: u64,
        whose: &'static str,
    },
    #[error(
        "the run file would take about {} but {} has {} free",
        gib(*need), folder, gib(*free)
    )]
    Disk {
        need: u64,
        folder: String,
        free: u64,
    },
}

fn gib(bytes: u64) -> String {
    format!("{:.2} GiB", bytes as f64 / (1u64 << 30) as f64)
}

impl MemoryEstimate {
    /// The estimate of `config`'s run, from the config alone.
    pub fn of(config: &RunConfig) -> MemoryEstimate {
        let rays = crate::rays::Pattern::of(config).count() as u64;
        let rays_bytes = rays.saturating_mul(std::mem::size_of::<Ray>() as u64 + RAY_RESULT_BYTES);
        let p = &config.potential;
        let grid_bytes = if p.mode == PotentialMode::Analytic {
            0
        } else {
            let nodes = (p.nodes as u64).pow(3);
            let value = match p.precision {
                Precision::F32 => 4,
                Precision::F64 => 8,
            };
            // An import reads Φ in f64; a particle solve holds, at its peak, the spectrum and one
            // derivative's copy (8 bytes a node each) and Φ with its gradient (32).
            let read = if p.mode == PotentialMode::Particles {
                nodes * 48
            } else if p.file.is_some() {
                nodes * 8
            } else {
                0
            };
            nodes * 4 * value + read
        };
        let rows = known_rows(config);
        let states = rows.map(|r| rays.saturating_mul(r).saturating_mul(ROW_BYTES));
        let states_bytes = match config.output.layout {
            OutputLayout::PerPhoton => states,
            // One block of rows at a time.
            OutputLayout::Packed => states.map(|s| s.min(PACKED_BLOCK_ROWS as u64 * ROW_BYTES)),
        };
        MemoryEstimate {
            rays,
            rays_bytes,
            grid_bytes,
            states_bytes,
            output_bytes: states.map(|s| s.saturating_add(rays * 200)),
        }
    }

    /// This estimate with a `potential.file` read only on `region` (`field::file_region`):
    /// its grid and the f64 values read for it.
    pub fn with_file_region(
        mut self,
        config: &RunConfig,
        region: &crate::potential::NodeRegion,
    ) -> MemoryEstimate {
        let value = match config.potential.precision {
            Precision::F32 => 4,
            Precision::F64 => 8,
        };
        let read = region.read_for([config.potential.nodes; 3]).node_count();
        self.grid_bytes = region.node_count() * 4 * value + read * 8;
        self
    }

    /// The bytes held at once: rays, grid and (with `with_states`) the states.
    pub fn held_bytes(&self, with_states: bool) -> u64 {
        let states = if with_states {
            self.states_bytes.unwrap_or(0)
        } else {
            0
        };
        self.rays_bytes
            .saturating_add(self.grid_bytes)
            .saturating_add(states)
    }

    /// Refuses the plan when what it holds exceeds `config`'s `output.memory_limit_gib`, or
    /// with 0 the memory available now.
    pub fn check_memory(&self, config: &RunConfig, with_states: bool) -> Result<(), BudgetError> {
        let need = self.held_bytes(with_states);
        let (limit, whose) = if config.output.memory_limit_gib > 0.0 {
            (
                (config.output.memory_limit_gib * (1u64 << 30) as f64) as u64,
                "output.memory_limit_gib allows",
            )
        } else {
            match available_memory_bytes() {
                Some(b) => (b, "the machine has available"),
                None => return Ok(()),
            }
        };
        if need <= limit {
            return Ok(());
        }
        let mut parts = vec![format!("{} rays: {}", self.rays, gib(self.rays_bytes))];
        if self.grid_bytes > 0 {
            parts.push(format!("grid: {}", gib(self.grid_bytes)));
        }
        if let (true, Some(s)) = (with_states, self.states_bytes) {
            parts.push(format!("states: {}", gib(s)));
        }
        Err(BudgetError::Memory {
            need,
            parts: parts.join(", "),
            limit,
            whose,
        })
    }

    /// Refuses the plan when its run file cannot fit in the free space of `folder`.
    pub fn check_disk(&self, folder: &std::path::Path) -> Result<(), BudgetError> {
        let (Some(need), Some(free)) =
            (self.output_bytes, crate::io::disk::free_disk_bytes(folder))
        else {
            return Ok(());
        };
        if need <= free {
            return Ok(());
        }
        Err(BudgetError::Disk {
            need,
            folder: folder.display().to_string(),
            free,
        })
    }
}

/// Rows a ray records when the config fixes its step count (RK4: steps or distance over the
/// comoving step, within max_steps), else None.
fn known_rows(config: &RunConfig) -> Option<u64> {
    let i = &config.integration;
    if i.method != MethodKind::Rk4 {
        return None;
    }
    let by_distance = i
        .stop
        .distance_mpc
        .filter(|_| i.step_mpc > 0.0)
        .map(|d| (d / i.step_mpc).ceil() as u64 + 1);
    let steps = match (i.stop.steps, by_distance) {
        (Some(s), Some(d)) => s.min(d),
        (Some(s), None) => s,
        (None, Some(d)) => d,
        (None, None) => return None,
    };
    Some(steps.min(i.max_steps) / i.record_every.max(1) + 2)
}

/// The peak resident memory of this process so far (VmHWM of /proc/self/status) [bytes]:
/// what a cluster job must request. Fresh at exec, so a parent's pages are not counted.
pub fn peak_resident_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// MemAvailable of /proc/meminfo [bytes].
pub fn available_memory_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> RunConfig {
        RunConfig::from_toml_str(text, "t.toml", &[])
            .unwrap()
            .config()
            .clone()
    }

    #[test]
    fn a_cone_of_1e8_rays_is_refused_with_its_figures() {
        let c = config(
            "[rays]\npattern = \"cone_grid\"\nn_theta = 10000\nn_phi = 10000\n[output]\nmemory_limit_gib = 1.0\n",
        );
        let e = MemoryEstimate::of(&c);
        assert_eq!(e.rays, 1 + 9999 * 10000);
        let msg = e.check_memory(&c, false).unwrap_err().to_string();
        assert!(
            msg.contains("99990001 rays") && msg.contains("1.00 GiB"),
            "{msg}"
        );
    }

    #[test]
    fn per_photon_states_count_and_packed_ones_are_a_block() {
        let text = "[rays]\npattern = \"cone_random\"\ncount = 1000000\n[integration]\nmethod = \"rk4\"\nstep_mpc = 1.0\n[integration.stop]\ndistance_mpc = 999.0\n";
        let c = config(text);
        let e = MemoryEstimate::of(&c);
        // 999 steps of 1 Mpc and the end rows, every step recorded.
        let rows = known_rows(&c).unwrap();
        assert!((1000..1010).contains(&rows), "{rows}");
        assert_eq!(e.states_bytes, Some(1_000_000 * rows * ROW_BYTES));
        let packed = config(&format!("{text}[output]\nlayout = \"packed\"\n"));
        assert_eq!(
            MemoryEstimate::of(&packed).states_bytes,
            Some(PACKED_BLOCK_ROWS as u64 * ROW_BYTES)
        );
    }
}
