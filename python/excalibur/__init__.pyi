"""Type stubs of excalibur (interface.md §8). Units: SI in run states, arcsec on the sky."""

from os import PathLike
from typing import Any, Optional, Union

import numpy as np
import numpy.typing as npt

__version__: str
_Path = Union[str, "PathLike[str]"]

class ConfigError(ValueError):
    """A bad config value; the message is the CLI's (exit 2)."""

    key: str  # the dotted config key, e.g. "lenses.0.mass_msun", "(syntax)", "(file)"
    file: str  # the config file, "" for text

class Config:
    """A validated run config (interface.md §2); immutable."""

    @staticmethod
    def load(path: _Path) -> "Config": ...
    @staticmethod
    def from_toml(text: str, base_dir: _Path = ...) -> "Config": ...
    def set(self, key: str, value: Union[bool, int, float, str, list]) -> "Config":
        """A new Config with one dotted key set by the rules of --set."""
    def __getitem__(self, key: str) -> Any:
        """A key of the resolved config (defaults filled in)."""
    def __contains__(self, key: str) -> bool: ...
    def to_toml(self) -> str:
        """The resolved config as TOML."""

class Run:
    """Traced photons, in the run file's columns and units (interface.md §3)."""

    n_photons: int
    n_photons_total: int
    config_toml: str
    warnings: list[str]
    observables: dict[str, npt.NDArray[Any]]
    end_reasons: list[str]
    def states(self, i: int) -> npt.NDArray[np.float64]:
        """(n_states, 14): eta [s], x, y, z [m], u0, ux, uy, uz [m/s], a, phi [m²/s²],
        dphi/dx, dphi/dy, dphi/dz [m/s²], dphi/deta [m²/s³]."""
    def write(self, path: _Path, force: bool = False) -> None:
        """The run file `excalibur run` writes (the config's output.layout)."""
    def __len__(self) -> int: ...

class Image:
    """A lensed image; arrays rows from the top (+y), columns from the left (−x)."""

    rgb: npt.NDArray[np.uint8]  # (N, N, 3)
    beta_arcsec: npt.NDArray[np.float64]  # (N, N, 2) source-plane angles [arcsec]
    time_delay_s: npt.NDArray[np.float64]  # (N, N) after the earliest pixel [s]
    end_reason: npt.NDArray[np.uint8]  # (N, N) codes of end_reason_labels
    convergence: Optional[npt.NDArray[np.float64]]  # (N, N) κ, None with maps=False
    shear: Optional[npt.NDArray[np.float64]]  # (N, N, 2) γ1, γ2 on [right, up]
    rotation: Optional[npt.NDArray[np.float64]]  # (N, N) ω
    magnification: Optional[npt.NDArray[np.float64]]  # (N, N) 1/det A (signed)
    redshift: Optional[npt.NDArray[np.float64]]  # (N, N) z at the source plane
    pixel_scale_arcsec: float
    images: list[dict[str, float]]  # x_arcsec, y_arcsec, magnification, time_delay_s [s]
    critical_curves: list[npt.NDArray[np.float64]]  # each (k, 2) [arcsec]
    caustics: list[npt.NDArray[np.float64]]  # each (k, 2) [arcsec]
    einstein_radius_measured_arcsec: Optional[float]
    einstein_radius_predicted_arcsec: Optional[float]
    geodesics: int
    warnings: list[str]
    end_reason_labels: list[str]

def run(
    cfg: Config, threads: int = 0, progress: bool = False, shard: Optional[tuple[int, int]] = None
) -> Run:
    """Traces cfg's rays as `excalibur run` does (GIL released; KeyboardInterrupt cancels)."""

def read_run(path: _Path) -> Run:
    """A run file of either layout."""

def image(cfg: Config, size: int = 256, maps: bool = True, threads: int = 0) -> Image:
    """The lensed image of cfg's source from geodesics, as `excalibur image --maps`."""
