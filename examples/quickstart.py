# %% [markdown]
# # excalibur quickstart (cells for Jupyter: `jupytext --to notebook quickstart.py`)
#
# Trace a beam past a point mass, check the deflection against 4GM/(c²b), render the lensed
# sky of a teaching config from geodesics, show its convergence κ and compare the images with
# lenstronomy's thin-lens solution of the same lens. Figures go to $EXCALIBUR_FIGURES (default
# `runs/quickstart`). The test command runs this file (python/tests/test_quickstart.py).

# %%
import os
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import excalibur as ex  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1] if "__file__" in globals() else pathlib.Path("..")
OUT = pathlib.Path(os.environ.get("EXCALIBUR_FIGURES", ROOT / "runs" / "quickstart"))
OUT.mkdir(parents=True, exist_ok=True)
G, C, MSUN = 6.67430e-11, 299792458.0, 1.98840987e30

# %% [markdown]
# ## Deflection of a beam against 4GM/(c²b)

# %%
beam = ex.Config.load(ROOT / "configs" / "point_mass_beam.toml")
run = ex.run(beam, progress=False)
b = run.observables["impact_parameter_m"]
alpha = run.observables["deflection_rad"]
mass_kg = beam["lenses.0.mass_msun"] * MSUN
weak = 4 * G * mass_kg / (C**2 * b)
far = b > 20 * beam["lenses.0.core_radius_mpc"] * 3.0856775814913673e22
print(f"{run.n_photons} photons; |α/(4GM/c²b) − 1| ≤ {np.max(np.abs(alpha[far] / weak[far] - 1)):.2e} "
      "beyond 20 core radii")
fig, ax = plt.subplots(figsize=(5, 4))
order = np.argsort(b)
ax.loglog(b[order] / 3.0856775814913673e22, np.degrees(weak[order]) * 3600, "k-", label="4GM/(c²b)")
ax.loglog(b / 3.0856775814913673e22, np.degrees(alpha) * 3600, "o", ms=4, label="geodesics")
ax.set_xlabel("impact parameter b [Mpc]")
ax.set_ylabel("deflection α [arcsec]")
ax.legend()
fig.tight_layout()
fig.savefig(OUT / "deflection.png", dpi=100)

# %% [markdown]
# ## The lensed sky and its convergence

# %%
ring = ex.Config.load(ROOT / "configs" / "teach_einstein_ring.toml")
img = ex.image(ring, size=96)
half = 0.5 * ring["camera.field_of_view_arcsec"]
extent = [-half, half, -half, half]
fig, axes = plt.subplots(1, 2, figsize=(9, 4))
axes[0].imshow(img.rgb, extent=extent)
for curve in img.critical_curves:
    axes[0].plot(curve[:, 0], curve[:, 1], "c-", lw=0.8)
axes[0].set_title(f"geodesic image, θ_E = {img.einstein_radius_measured_arcsec:.2f}″")
k = axes[1].imshow(np.log10(np.abs(img.shear[..., 0] + 1j * img.shear[..., 1])), extent=extent,
                   cmap="magma")
axes[1].set_title("log10 |γ| (κ ≈ 0 off the point mass)")
fig.colorbar(k, ax=axes[1])
for a in axes:
    a.set_xlabel("x [arcsec]")
    a.set_ylabel("y [arcsec]")
fig.tight_layout()
fig.savefig(OUT / "image_and_shear.png", dpi=100)
print(f"max |κ| = {np.nanmax(np.abs(img.convergence)):.2e}")

# %% [markdown]
# ## lenstronomy's thin-lens images of the same lens

# %%
from lenstronomy.LensModel.lens_model import LensModel  # noqa: E402
from lenstronomy.LensModel.Solver.lens_equation_solver import LensEquationSolver  # noqa: E402

theta_e = img.einstein_radius_predicted_arcsec
offset = ring["source.offset_mpc"]
beta = np.degrees(np.array(offset) / ring["source.distance_mpc"]) * 3600
solver = LensEquationSolver(LensModel(["POINT_MASS"]))
x_lt, y_lt = solver.image_position_from_source(
    beta[0], beta[1], [{"theta_E": theta_e, "center_x": 0.0, "center_y": 0.0}],
    min_distance=0.05, search_window=4 * theta_e, precision_limit=1e-10, num_iter_max=100)
ours = sorted((i["x_arcsec"], i["y_arcsec"]) for i in img.images)
theirs = sorted(zip(x_lt, y_lt))
worst = max(np.hypot(a[0] - b[0], a[1] - b[1]) for a, b in zip(ours, theirs))
print(f"{len(ours)} geodesic images, {len(theirs)} lenstronomy images; "
      f"largest offset {worst:.4f}″ = {worst / theta_e:.2e} θ_E")
fig, ax = plt.subplots(figsize=(4.5, 4.5))
ax.imshow(img.rgb, extent=extent)
ax.plot(*zip(*ours), "y+", ms=14, label="geodesics (excalibur)")
ax.plot(x_lt, y_lt, "rx", ms=9, label="thin lens (lenstronomy)")
ax.legend(loc="lower left", fontsize=8)
fig.tight_layout()
fig.savefig(OUT / "images_vs_lenstronomy.png", dpi=100)
RESULTS = {"images": len(ours), "lenstronomy_images": len(theirs), "worst_theta_e": worst / theta_e}
