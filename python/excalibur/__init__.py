"""excalibur from Python: photon geodesics through perturbed FLRW and Schwarzschild
spacetimes, with the same library underneath as the `excalibur` command (interface.md §8).

    import excalibur as ex
    cfg = ex.Config.load("configs/teach_einstein_ring.toml").set("lenses.0.mass_msun", 2e14)
    run = ex.run(cfg)                       # GIL released; Ctrl-C cancels
    alpha = run.observables["deflection_rad"]
    img = ex.image(cfg, size=128)           # img.rgb, img.convergence, img.images, ...

Units are SI inside run files (s, m, m/s), arcsec on the sky, Mpc and M☉ in configs.
"""

from ._native import (  # noqa: F401
    Config,
    ConfigError,
    Image,
    Run,
    __version__,
    image,
    read_run,
    run,
)

__all__ = ["Config", "ConfigError", "Image", "Run", "image", "read_run", "run", "__version__"]
