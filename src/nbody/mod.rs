//! Potentials from N-body particles (issue 22, physics.md §13): mass assignment to a periodic
//! grid ([`deposit`]), 3-D real FFTs over `realfft`/`rustfft` ([`fft3`]) and the Poisson solve
//! with its spectral gradient ([`poisson`]). No Bevy here.

pub mod deposit;
pub mod fft3;
pub mod poisson;
