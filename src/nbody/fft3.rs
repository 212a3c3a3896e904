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
    /// Each plane's h lines are gathered into one contiguous block (line kz at kz·N), which
    /// rustfft transforms in one call, and scattered back: the strided walk down a column
    /// once per line cost a cache line per element (the transform ran at half numpy's speed).
    fn along_y(&self, spectrum: &mut [Complex<f64>], fft: &Arc<dyn Fft<f64>>) {
        let (n, h) = (self.n, self.half());
        spectrum.par_chunks_mut(n * h).for_each_init(
            || self.block_buffers(fft),
            |(block, scratch), plane| {
                for (j, row) in plane.chunks_exact(h).enumerate() {
                    for (kz, v) in row.iter().enumerate() {
                        block[kz * n + j] = *v;
                    }
                }
                fft.process_with_scratch(block, scratch);
                for (j, row) in plane.chunks_exact_mut(h).enumerate() {
                    for (kz, v) in row.iter_mut().enumerate() {
                        *v = block[kz * n + j];
                    }
                }
            },
        );
    }

    /// The complex transform along x of every (y, kz) line, y by y in parallel: for one y, the
    /// h values of each x are contiguous, gathered into a block of h lines as in `along_y`.
    fn along_x(&self, spectrum: &mut [Complex<f64>], fft: &Arc<dyn Fft<f64>>) {
        let (n, h) = (self.n, self.half());
        let columns = Columns(spectrum.as_mut_ptr());
        (0..n).into_par_iter().for_each_init(
            || self.block_buffers(fft),
            |(block, scratch), j| {
                let base = columns;
                // SAFETY: worker j reads and writes only the elements (i, j, kz) for its own
                // j, all inside the spectrum (i < n, kz < h); no two workers share a j.
                let row = |i: usize| unsafe {
                    std::slice::from_raw_parts_mut(base.0.add(i * n * h + j * h), h)
                };
                for i in 0..n {
                    for (kz, v) in row(i).iter().enumerate() {
                        block[kz * n + i] = *v;
                    }
                }
                fft.process_with_scratch(block, scratch);
                for i in 0..n {
                    for (kz, v) in row(i).iter_mut().enumerate() {
                        *v = block[kz * n + i];
                    }
                }
            },
        );
    }

    /// A worker's block of h lines of N and the transform's scratch.
    fn block_buffers(&self, fft: &Arc<dyn Fft<f64>>) -> (Vec<Complex<f64>>, Vec<Complex<f64>>) {
        (
            vec![Complex::new(0.0, 0.0); self.n * self.half()],
            vec![Complex::new(0.0, 0.0); fft.get_inplace_scratch_len()],
        )
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
