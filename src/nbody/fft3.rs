//! Real-to-complex 3-D FFTs of a periodic N³ grid over the maintained `realfft`/`rustfft`
//! crates (no transform of our own): the real axis z (fastest in memory) by `realfft`, then y
//! and x by `rustfft`, each pass parallel over the lines of the grid.
//!
//! Layouts: real grids are [N, N, N] row-major (x slowest); spectra are [N, N, N/2 + 1] (the
//! half of kz that a real field needs). The inverse is normalised (inverse(forward(f)) = f).

use rayon::prelude::*;
use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use rustfft::{Fft, FftPlanner};
use std::sync::Arc;

/// The planned transforms of one grid size.
pub struct Fft3 {
    n: usize,
    r2c: Arc<dyn RealToComplex<f64>>,
    c2r: Arc<dyn ComplexToReal<f64>>,
    forward: Arc<dyn Fft<f64>>,
    inverse: Arc<dyn Fft<f64>>,
}

/// A pointer shared by the workers of the x pass, each of which touches only its own
/// columns (fixed y and kz).
#[derive(Clone, Copy)]
struct Columns(*mut Complex<f64>);
// SAFETY: the x pass hands each (y, kz) column to exactly one worker (see `along_x`).
unsafe impl Send for Columns {}
unsafe impl Sync for Columns {}

impl Fft3 {
    pub fn new(n: usize) -> Fft3 {
        let mut real = RealFftPlanner::<f64>::new();
        let mut complex = FftPlanner::<f64>::new();
        Fft3 {
            n,
            r2c: real.plan_fft_forward(n),
            c2r: real.plan_fft_inverse(n),
            forward: complex.plan_fft_forward(n),
            inverse: complex.plan_fft_inverse(n),
        }
    }

    /// N/2 + 1: the spectrum's length along kz.
    pub fn half(&self) -> usize {
        self.n / 2 + 1
    }

    /// The spectrum of `real` (N³ values, used as scratch and left unspecified).
    pub fn forward(&self, real: &mut [f64]) -> Vec<Complex<f64>> {
        let (n, h) = (self.n, self.half());
        assert_eq!(real.len(), n * n * n, "a grid of N³ values");
        let mut spectrum = vec![Complex::new(0.0, 0.0); n * n * h];
        real.par_chunks_mut(n)
            .zip(spectrum.par_chunks_mut(h))
            .for_each_init(
                || self.r2c.make_scratch_vec(),
                |scratch, (row, out)| {
                    // Lengths are the plan's own, so the transform cannot fail.
                    let _ = self.r2c.process_with_scratch(row, out, scratch);
                },
            );
        self.along_y(&mut spectrum, &self.forward);
        self.along_x(&mut spectrum, &self.forward);
        spectrum
    }

    /// The real grid of `spectrum` (used as scratch), normalised by 1/N³.
    pub fn inverse(&self, spectrum: &mut [Complex<f64>]) -> Vec<f64> {
        let (n, h) = (self.n, self.half());
        assert_eq!(
            spectrum.len(),
            n * n * h,
            "a spectrum of N²(N/2 + 1) values"
        );
        self.along_x(spectrum, &self.inverse);
        self.along_y(spectrum, &self.inverse);
        let norm = 1.0 / (n * n * n) as f64;
        let mut real = vec![0.0; n * n * n];
        real.par_chunks_mut(n)
            .zip(spectrum.par_chunks_mut(h))
            .for_each_init(
                || self.c2r.make_scratch_vec(),
                |scratch, (out, row)| {
                    // kz = 0 (and N/2 for even N) of a real field has no imaginary part; what
                    // rounding left there is dropped, as the transform requires.
                    row[0].im = 0.0;
                    if n.is_multiple_of(2) {
                        row[h - 1].im = 0.0;
                    }
                    let _ = self.c2r.process_with_scratch(row, out, scratch);
                    out.iter_mut().for_each(|v| *v *= norm);
                },
            );
        real
    }

    /// The complex transform along y of every (x, kz) line, x plane by x plane in parallel.
    fn along_y(&self, spectrum: &mut [Complex<f64>], fft: &Arc<dyn Fft<f64>>) {
        let (n, h) = (self.n, self.half());
        spectrum.par_chunks_mut(n * h).for_each_init(
            || {
                (
                    vec![Complex::new(0.0, 0.0); n],
                    vec![Complex::new(0.0, 0.0); fft.get_inplace_scratch_len()],
                )
            },
            |(line, scratch), plane| {
                for kz in 0..h {
                    for (j, v) in line.iter_mut().enumerate() {
                        *v = plane[j * h + kz];
                    }
                    fft.process_with_scratch(line, scratch);
                    for (j, v) in line.iter().enumerate() {
                        plane[j * h + kz] = *v;
                    }
                }
            },
        );
    }

    /// The complex transform along x of every (y, kz) line, y by y in parallel.
    fn along_x(&self, spectrum: &mut [Complex<f64>], fft: &Arc<dyn Fft<f64>>) {
        let (n, h) = (self.n, self.half());
        let columns = Columns(spectrum.as_mut_ptr());
        (0..n).into_par_iter().for_each_init(
            || {
                (
                    vec![Complex::new(0.0, 0.0); n],
                    vec![Complex::new(0.0, 0.0); fft.get_inplace_scratch_len()],
                )
            },
            |(line, scratch), j| {
                let base = columns;
                for kz in 0..h {
                    let at = |i: usize| i * n * h + j * h + kz;
                    // SAFETY: worker j reads and writes only the elements at (i, j, kz) for its
                    // own j, all inside the spectrum (i < n, kz < h); no two workers share a j.
                    unsafe {
                        for (i, v) in line.iter_mut().enumerate() {
                            *v = *base.0.add(at(i));
                        }
                        fft.process_with_scratch(line, scratch);
                        for (i, v) in line.iter().enumerate() {
                            *base.0.add(at(i)) = *v;
                        }
                    }
                }
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plane wave's spectrum is two spikes of N³/2 at ±k, and the inverse gives it back.
    #[test]
    fn a_plane_wave_has_two_spikes_and_comes_back() {
        let n = 12;
        let fft = Fft3::new(n);
        let wave = |i: usize, j: usize, k: usize| {
            let phase = 2.0 * std::f64::consts::PI * (2 * i + j + 3 * k) as f64 / n as f64;
            phase.cos()
        };
        let original: Vec<f64> = (0..n * n * n)
            .map(|p| wave(p / (n * n), (p / n) % n, p % n))
            .collect();
        let mut real = original.clone();
        let mut spectrum = fft.forward(&mut real);
        let h = fft.half();
        let at = |i: usize, j: usize, k: usize| spectrum[(i * n + j) * h + k];
        let spike = at(2, 1, 3);
        assert!((spike.re - (n * n * n) as f64 / 2.0).abs() < 1e-9 && spike.im.abs() < 1e-9);
        let total: f64 = spectrum.iter().map(|c| c.norm()).sum();
        assert!(
            (total - spike.norm()).abs() < 1e-7,
            "one spike in the half spectrum"
        );
        let back = fft.inverse(&mut spectrum);
        let worst = back
            .iter()
            .zip(&original)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-13, "round trip off by {worst:e}");
    }
}
