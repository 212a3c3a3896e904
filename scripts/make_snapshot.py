#!/usr/bin/env python3
"""A small, realistic N-body snapshot in the Gadget HDF5 layout (interface.md §6), for the
README, the example config and the tests: a lattice of particles displaced by the Zel'dovich
approximation from a Gaussian random field with a textbook ΛCDM power spectrum (BBKS transfer
function, n_s = 0.96, σ8 = 0.8 at z = 0, scaled by the linear growth to the snapshot's
redshift), written with h5py in Gadget's units (kpc/h, 10¹⁰ M☉/h), optionally split over
several files `NAME.0.hdf5 … NAME.(K−1).hdf5` as Gadget-4, SWIFT, AREPO and GIZMO write them.

  scripts/make_snapshot.py OUT [--particles 64] [--box-mpc-h 500] [--redshift 0]
      [--files 1] [--seed 1]

OUT ends in .hdf5; with --files K > 1 it must end in .0.hdf5 (the other files follow its name).
"""
import argparse, sys

import h5py
import numpy as np
from scipy import integrate

OMEGA_M, OMEGA_L, H = 0.3, 0.7, 0.7
RHO_CRIT_MSUN_H2_MPC3 = 2.775e11  # 3H²/(8πG) in h² M☉/Mpc³


def growth(a):
    """Linear growth D(a) of flat ΛCDM, D = a early (physics.md §13's exact integral)."""
    e = lambda x: np.sqrt(OMEGA_M / x**3 + OMEGA_L)
    i, _ = integrate.quad(lambda x: 1.0 / (x * e(x)) ** 3, 0.0, a)
    return 2.5 * OMEGA_M * e(a) * i


def bbks(k):
    """BBKS transfer function, k in h/Mpc, shape Γ = Ωm h."""
    q = k / (OMEGA_M * H)
    return np.log(1 + 2.34 * q) / (2.34 * q) * (
        1 + 3.89 * q + (16.1 * q) ** 2 + (5.46 * q) ** 3 + (6.71 * q) ** 4) ** -0.25


def power(k):
    return k**0.96 * bbks(k) ** 2


def sigma8_norm():
    w = lambda x: 3 * (np.sin(x) - x * np.cos(x)) / x**3
    s2, _ = integrate.quad(lambda k: k**2 * power(k) * w(8 * k) ** 2 / (2 * np.pi**2), 1e-4, 50,
                           limit=400)
    return 0.8**2 / s2


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--particles", type=int, default=64, help="per side")
    p.add_argument("--box-mpc-h", type=float, default=500.0)
    p.add_argument("--redshift", type=float, default=0.0)
    p.add_argument("--files", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    n, box = a.particles, a.box_mpc_h
    if a.files > 1 and not a.out.endswith(".0.hdf5"):
        sys.exit("with --files > 1 the output must end in .0.hdf5")
    rng = np.random.default_rng(a.seed)
    k1 = 2 * np.pi * np.fft.fftfreq(n, d=box / n)
    kz = 2 * np.pi * np.fft.rfftfreq(n, d=box / n)
    kx, ky, kzz = np.meshgrid(k1, k1, kz, indexing="ij")
    k2 = kx**2 + ky**2 + kzz**2
    k = np.sqrt(k2)
    amp = sigma8_norm() * (growth(1 / (1 + a.redshift)) / growth(1.0)) ** 2
    pk = np.where(k > 0, amp * power(np.where(k > 0, k, 1.0)), 0.0)
    # δ̂ with ⟨|δ̂|²⟩ = P(k) N⁶/L³ (numpy's unnormalised forward transform).
    white = np.fft.rfftn(rng.standard_normal((n, n, n)))
    delta_k = white * np.sqrt(pk * n**3 / box**3)
    psi = [np.fft.irfftn(1j * kc / np.where(k2 > 0, k2, 1.0) * delta_k, s=(n, n, n), axes=(0, 1, 2))
           for kc in (kx, ky, kzz)]
    q = (np.indices((n, n, n)).reshape(3, -1).T + 0.5) * box / n
    x = (q + np.stack([c.ravel() for c in psi], axis=1)) % box
    mass = OMEGA_M * RHO_CRIT_MSUN_H2_MPC3 * box**3 / n**3 / 1e10  # 10¹⁰ M☉/h
    coords = (x * 1e3).astype(np.float32)  # kpc/h
    parts = np.array_split(np.arange(n**3), a.files)
    stem = a.out[: -len(".0.hdf5")] if a.files > 1 else None
    for f, idx in enumerate(parts):
        name = f"{stem}.{f}.hdf5" if stem else a.out
        with h5py.File(name, "w") as h:
            hd = h.create_group("Header")
            this = np.zeros(6, dtype=np.uint32)
            this[1] = len(idx)
            total = np.zeros(6, dtype=np.uint32)
            total[1] = n**3
            table = np.zeros(6)
            table[1] = mass
            for key, v in [("BoxSize", box * 1e3), ("Redshift", a.redshift),
                           ("Time", 1 / (1 + a.redshift)), ("Omega0", OMEGA_M),
                           ("OmegaLambda", OMEGA_L), ("HubbleParam", H),
                           ("NumFilesPerSnapshot", np.int32(a.files)), ("MassTable", table),
                           ("NumPart_ThisFile", this), ("NumPart_Total", total),
                           ("NumPart_Total_HighWord", np.zeros(6, dtype=np.uint32))]:
                hd.attrs[key] = v
            g = h.create_group("PartType1")
            g.create_dataset("Coordinates", data=coords[idx])
            g.create_dataset("ParticleIDs", data=idx.astype(np.uint64))
        print(f"{name}: {len(idx)} particles")
    rms = np.sqrt(np.mean(sum(c**2 for c in psi)))
    print(f"{n}³ particles in {box} Mpc/h at z = {a.redshift}: rms displacement {rms:.2f} Mpc/h")


main()
