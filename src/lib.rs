//! excalibur: photon null geodesics traced backward from an observer at z = 0 through a
//! perturbed FLRW universe (ΛCDM or static background, Newtonian-gauge Φ = Ψ from analytic
//! lenses or a 3-D grid) and, for validation, exact Schwarzschild.
//!
//! The core (everything but `app`) has no GUI in it. Physics and conventions follow
//! `docs/physics.md` of the project; units are SI inside, Mpc/M☉/degrees only in configs.
//! Left out: peculiar velocities (z_Dop), curved FLRW, time-snapshot grids.

//!
//! Layers (see ARCHITECTURE.md): `units` → physics (`cosmology`, `lens`, `potential`, `metric`,
//! `integrate`) → run assembly (`config`, `field`, `rays`, `setup`, `trace`, `observables`,
//! `io`) → `session` (what interactive clients keep between edits) → clients: the visualizer
//! (`app`, feature `gui`) and the binary's command line, which the library never imports.

#[cfg(feature = "gui")]
pub mod app;
pub mod budget;
pub mod config;
pub mod cosmology;
pub mod depth;
pub mod field;
pub mod healpix;
pub mod integrate;
pub mod io;
pub mod lens;
pub mod lensing;
pub mod metric;
pub mod nbody;
pub mod observables;
pub mod potential;
pub mod rays;
pub mod reach;
pub mod resolution;
pub mod session;
pub mod setup;
pub mod sweep;
pub mod trace;
pub mod units;

// The typed operations both clients call.
pub use config::{ConfigError, RunConfig, ValidConfig, WEAK_FIELD_LIMIT};
pub use field::{FieldCache, FieldData};
pub use integrate::EndReason;
pub use io::{merge, read_run, write_run};
pub use session::Session;
pub use setup::Model;
pub use trace::{RunResult, Sink};

/// Tells glibc's allocator to keep freed memory in the process instead of returning it to the
/// kernel at once. Trajectory buffers (≈ 110 kB per 1000-step ray) are allocated afresh for
/// every run; given back and faulted in again each time, zeroing their pages cost about 12 %
/// of tracing time (perf, seed geometry), which matters for the visualizer's repeated
/// re-traces and for benchmarks. Call once at start-up; elsewhere than glibc it does nothing.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator parameters; it is called before any threads start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
    }
}
