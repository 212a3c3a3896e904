//! Potentials from N-body particles (issue 22, physics.md §13): mass assignment to a periodic
//! grid ([`deposit`]), 3-D real FFTs over `realfft`/`rustfft` ([`fft3`]) and the Poisson solve
//! with its spectral gradient ([`poisson`]), the run's grid from a snapshot ([`field`]); the density on the window's slice ([`plane`]); a snapshot opened in the window ([`open`]); snapshots read a chunk at a time ([`snapshot`]). No Bevy here.

pub mod deposit;
pub mod fft3;
pub mod field;
pub mod open;
pub mod plane;
pub mod poisson;
pub mod snapshot;
