//! physics.md §13 check (iii): a Gaussian random density field of a known P(k) gives, through
//! the Poisson solve, P_Φ(k) = [(3/2)H0²Ωm/(a k²)]² P_δ(k) within its cosmic variance. The
//! field is drawn and its spectrum measured here with a complex 3-D transform assembled from
//! `rustfft` (not the solver's real-to-complex `Fft3`), with the convention
//! P(k) = (V/N⁶)⟨|f̂(k)|²⟩, f̂ = Σₓ f(x) e^{−ik·x}.

use excalibur::nbody::poisson::{solve, PoissonSetup};
use excalibur::units::MPC_M;
use rand::{Rng, SeedableRng};
use rustfft::num_complex::Complex;
use rustfft::FftPlanner;

const N: usize = 64;

/// The complex 3-D DFT of `grid` ([N, N, N], x slowest), in place; `inverse` without the 1/N³.
fn dft3(grid: &mut [Complex<f64>], inverse: bool) {
    let mut planner = FftPlanner::<f64>::new();
    let fft = if inverse {
        planner.plan_fft_inverse(N)
    } else {
        planner.plan_fft_forward(N)
    };
    let mut line = vec![Complex::new(0.0, 0.0); N];
    for stride in [1, N, N * N] {
        for start in 0..N * N * N {
            // Each line once: its first element has index 0 along the axis.
            if (start / stride) % N != 0 {
                continue;
            }
            for (m, v) in line.iter_mut().enumerate() {
                *v = grid[start + m * stride];
            }
            fft.process(&mut line);
            for (m, v) in line.iter().enumerate() {
                grid[start + m * stride] = *v;
            }
        }
    }
}

fn wave(i: usize) -> f64 {
    if i <= N / 2 {
        i as f64
    } else {
        i as f64 - N as f64
    }
}

#[test]
fn a_gaussian_fields_potential_spectrum_is_the_poisson_kernel_squared_times_its_own() {
    let box_m = 500.0 * MPC_M;
    let volume = box_m.powi(3);
    let k_unit = 2.0 * std::f64::consts::PI / box_m;
    let dx = box_m / N as f64;
    // A smooth spectrum: a power law with a cut below the grid scale [m³].
    let k0 = 2.0 * std::f64::consts::PI / (100.0 * MPC_M);
    let p_delta =
        |k: f64| 1e-2 * volume / 64.0 * (k / k0).powf(-1.5) * (-(k * dx / 2.0).powi(2)).exp();
    // White noise of unit variance (Box–Muller), coloured by √(P N³ / V) in Fourier space.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut field: Vec<Complex<f64>> = (0..N * N * N)
        .map(|_| {
            let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
            Complex::new(
                (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos(),
                0.0,
            )
        })
        .collect();
    dft3(&mut field, false);
    let k_of = |idx: usize| {
        let (i, j, l) = (idx / (N * N), (idx / N) % N, idx % N);
        k_unit * (wave(i).powi(2) + wave(j).powi(2) + wave(l).powi(2)).sqrt()
    };
    for (idx, v) in field.iter_mut().enumerate() {
        let k = k_of(idx);
        *v *= if k == 0.0 {
            0.0
        } else {
            (p_delta(k) * (N * N * N) as f64 / volume).sqrt()
        };
    }
    dft3(&mut field, true);
    let norm = 1.0 / (N * N * N) as f64;
    // Node masses 1 + δ (the solve takes ρ/ρ̄; δ averages to 0 with the k = 0 mode removed).
    let mut mass: Vec<f64> = field.iter().map(|v| 1.0 + v.re * norm).collect();
    let setup = PoissonSetup {
        nodes: N,
        box_m,
        hubble_per_s: 2.2685455030e-18,
        omega_m: 0.3,
        scale_factor: 0.5,
        deconvolve: None,
    };
    let strength = 1.5 * setup.hubble_per_s.powi(2) * setup.omega_m / setup.scale_factor;
    let phi = solve(&mut mass, &setup).expect("positive mass").phi;
    let mut phi_hat: Vec<Complex<f64>> = phi.iter().map(|&p| Complex::new(p, 0.0)).collect();
    dft3(&mut phi_hat, false);
    // Shells of width 2π/L up to half the Nyquist wavenumber.
    let shells = N / 4;
    let mut measured = vec![0.0; shells];
    let mut expected = vec![0.0; shells];
    let mut modes = vec![0usize; shells];
    for (idx, v) in phi_hat.iter().enumerate() {
        let k = k_of(idx);
        let shell = (k / k_unit).round() as usize;
        if k == 0.0 || shell >= shells {
            continue;
        }
        measured[shell] += volume * norm * norm * v.norm_sqr();
        expected[shell] += (strength / (k * k)).powi(2) * p_delta(k);
        modes[shell] += 1;
    }
    let mut chi2 = 0.0;
    let mut dof = 0;
    for s in 1..shells {
        // k and −k are one complex Gaussian mode: the shell's mean of |Φ̂|² over its m
        // independent modes has a relative scatter of 1/√m.
        let independent = modes[s] as f64 / 2.0;
        let sigma = 1.0 / independent.sqrt();
        let ratio = measured[s] / expected[s];
        assert!(
            (ratio - 1.0).abs() < 4.0 * sigma,
            "shell {s} ({} modes): P_Φ / expected = {ratio}, cosmic variance {sigma}",
            modes[s]
        );
        chi2 += ((ratio - 1.0) / sigma).powi(2);
        dof += 1;
    }
    // Overall, the scatter is the cosmic variance, not more: 1.38 here; a kernel 5 % off
    // gives 5.9.
    assert!(chi2 / (dof as f64) < 2.0, "χ²/dof = {}", chi2 / dof as f64);
}
