"""The κ maps with γ whiskers of the Einstein cross and the NFW cluster (image --fits, read by
astropy), for assets/screenshots/kappa_gamma_cross_nfw.png. Run from the repository root."""
import subprocess, sys, numpy as np, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from astropy.io import fits
B = "target/release/excalibur"
fig, axes = plt.subplots(1, 2, figsize=(11, 5))
for ax, name in zip(axes, ["teach_einstein_cross", "teach_cluster_nfw"]):
    out = f"/tmp/{name}.fits"
    subprocess.run([B, "image", f"configs/{name}.toml", "-o", f"/tmp/{name}.png", "--size", "96",
                    "--fits", out, "--force"], check=True)
    f = fits.open(out)
    k, g1, g2 = f["CONVERGENCE"].data, f["SHEAR1"].data, f["SHEAR2"].data
    n = k.shape[0]
    fov = n * abs(f["CONVERGENCE"].header["CDELT1"]) * 3600
    ext = [-fov / 2, fov / 2, -fov / 2, fov / 2]
    im = ax.imshow(np.log10(np.clip(np.abs(k), 1e-4, None)), origin="lower", extent=ext, cmap="magma")
    plt.colorbar(im, ax=ax, label="log10 |κ|")
    s = 6
    yy, xx = np.mgrid[0:n:s, 0:n:s]
    gg1, gg2 = g1[::s, ::s], g2[::s, ::s]
    g = np.hypot(gg1, gg2); phi = 0.5 * np.arctan2(gg2, gg1)
    x = (xx + 0.5) / n * fov - fov / 2; y = (yy + 0.5) / n * fov - fov / 2
    L = 0.8 * s * fov / n * np.clip(g / np.nanpercentile(g, 90), 0, 1.5)
    ax.quiver(x, y, L * np.cos(phi), L * np.sin(phi), headwidth=0, headlength=0, headaxislength=0,
              pivot="middle", color="cyan", scale=1, scale_units="xy", angles="xy", width=0.004)
    ax.set_title(f"{name}: κ and γ whiskers (image --fits)")
    ax.set_xlabel("θx [arcsec] (right)"); ax.set_ylabel("θy [arcsec] (up)")
plt.tight_layout(); plt.savefig("assets/screenshots/kappa_gamma_cross_nfw.png", dpi=80)
