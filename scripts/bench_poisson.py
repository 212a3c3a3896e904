#!/usr/bin/env python3
"""Issue 22's benchmark, in one sitting: numpy's rfftn, the same Poisson solve written in numpy
(rfftn, the Green's function with the CIC window, irfftn of Φ and of its three spectral
derivatives) and a numpy CIC deposit (eight bincounts) of 1.7e7 particles, then
`cargo bench --bench poisson` (our transforms over realfft/rustfft, on 2 threads), and the
ratios. numpy is the reference because this machine's speed drifts between days: only ratios
measured together mean anything.

    python3 scripts/bench_poisson.py            # numpy, then the criterion run, then the table
    python3 scripts/bench_poisson.py --no-cargo # numpy only, against the last criterion run
"""

import json
import pathlib
import subprocess
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]


def mass_grid(n):
    t = 2 * np.pi / n
    i = np.arange(n, dtype=np.float64)
    return (1.0 + 0.3 * np.sin(3 * t * i)[:, None, None] * np.cos(5 * t * i)[None, :, None]
            + 0.2 * np.sin(7 * t * i)[None, None, :])


def best_of(f, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def numpy_solve(mass, box_m=500.0 * 3.0856775814913673e22, h0=2.2685455030e-18, om=0.3):
    n = mass.shape[0]
    spectrum = np.fft.rfftn(mass)
    k1 = 2 * np.pi / box_m * np.fft.fftfreq(n, 1.0 / n)
    kz = 2 * np.pi / box_m * np.arange(n // 2 + 1)
    kx, ky, kzz = k1[:, None, None], k1[None, :, None], kz[None, None, :]
    k2 = kx**2 + ky**2 + kzz**2
    k2[0, 0, 0] = 1.0
    dx = box_m / n
    window = (np.sinc(kx * dx / (2 * np.pi)) * np.sinc(ky * dx / (2 * np.pi))
              * np.sinc(kzz * dx / (2 * np.pi)))**2
    spectrum *= -1.5 * h0**2 * om / (mass.mean() * window * k2)
    spectrum[0, 0, 0] = 0.0
    axes = (0, 1, 2)
    phi = np.fft.irfftn(spectrum, s=mass.shape, axes=axes)
    gradient = [np.fft.irfftn(1j * k * spectrum, s=mass.shape, axes=axes) for k in (kx, ky, kzz)]
    return phi, gradient


def numpy_cic(cells, n):
    base = np.floor(cells).astype(np.int64)
    f = cells - base
    grid = np.zeros(n**3)
    for dx in (0, 1):
        for dy in (0, 1):
            for dz in (0, 1):
                w = ((f[:, 0] if dx else 1 - f[:, 0]) * (f[:, 1] if dy else 1 - f[:, 1])
                     * (f[:, 2] if dz else 1 - f[:, 2]))
                idx = (((base[:, 0] + dx) % n) * n + (base[:, 1] + dy) % n) * n + (base[:, 2] + dz) % n
                grid += np.bincount(idx, weights=w, minlength=n**3)
    return grid


def criterion_seconds(name):
    path = ROOT / "target" / "criterion" / "nbody" / name / "new" / "estimates.json"
    return json.loads(path.read_text())["median"]["point_estimate"] * 1e-9


def main():
    numpy = {}
    rng = np.random.default_rng(1)
    cells = rng.random((17_000_000, 3)) * 256
    numpy["cic_17M_particles_256"] = best_of(lambda: numpy_cic(cells, 256), 3)
    del cells
    for n in (256, 512):
        mass = mass_grid(n)
        numpy[f"rfft3_forward/{n}"] = best_of(lambda: np.fft.rfftn(mass), 5 if n == 256 else 3)
        numpy[f"poisson_solve/{n}"] = best_of(lambda: numpy_solve(mass), 3 if n == 256 else 2)
        del mass
    for k, v in numpy.items():
        print(f"numpy {k}: {v * 1e3:.1f} ms", flush=True)
    if "--no-cargo" not in sys.argv:
        subprocess.run(["cargo", "bench", "--bench", "poisson", "--", "--noplot"], cwd=ROOT,
                       check=True)
    print("\n| | excalibur (2 threads) | numpy (1 thread) | ratio excalibur/numpy |")
    print("|---|---|---|---|")
    for k, v in numpy.items():
        ours = criterion_seconds(k)
        print(f"| {k} | {ours * 1e3:.1f} ms | {v * 1e3:.1f} ms | {ours / v:.2f} |")
    for n in (256, 512):
        ours = criterion_seconds(f"poisson_solve/{n}")
        print(f"| our solve / numpy's rfftn of the grid, {n}³ | | | {ours / numpy[f'rfft3_forward/{n}']:.2f} |")


if __name__ == "__main__":
    main()
