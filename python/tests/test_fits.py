"""`excalibur image --fits` read by astropy (interface.md §7): the HDUs, their data against the
--maps file and the PNG, the TAN WCS against the contract's angles, and the header cards
against the cosmology integrated here."""

import math
import tomllib

import h5py
import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS
from PIL import Image as PILImage
from scipy.integrate import quad
from scipy.optimize import brentq

N = 40
HDUS = ["PRIMARY", "CONVERGENCE", "SHEAR1", "SHEAR2", "ROTATION", "MAGNIFICATION", "TIME_DELAY",
        "REDSHIFT", "BETA_X", "BETA_Y", "END_REASON", "LENSES", "CONFIG"]
C_KM_S = 299792.458
SETS = ["--set", "camera.ra_deg=150", "--set", "camera.dec_deg=2.2",
        "--set", "cosmology.omega_r=9e-5", "--set", "cosmology.omega_lambda=0.69991"]


@pytest.fixture(scope="module")
def ring(cli, root, tmp_path_factory):
    """The teaching ring at 40², seen at RA 150°, Dec 2.2°, with radiation in the background:
    PNG, --maps and --fits together."""
    d = tmp_path_factory.mktemp("fits")
    out = {k: d / f"ring.{k}" for k in ("png", "h5", "fits")}
    cli("image", root / "configs" / "teach_einstein_ring.toml", "-o", out["png"], "--maps",
        out["h5"], "--fits", out["fits"], "--size", N, *SETS)
    return out


def equal_nan(a, b):
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def test_the_hdus_hold_the_maps_bottom_row_first(ring):
    with fits.open(ring["fits"]) as f, h5py.File(ring["h5"], "r") as h:
        f.verify("exception")
        assert [hdu.name for hdu in f] == HDUS
        flip = lambda a: a[::-1]  # FITS row 1 is the PNG's (and the HDF5 maps') bottom row
        pairs = {"CONVERGENCE": h["convergence"][()], "SHEAR1": h["shear"][..., 0],
                 "SHEAR2": h["shear"][..., 1], "ROTATION": h["rotation"][()],
                 "MAGNIFICATION": h["magnification"][()], "TIME_DELAY": h["time_delay_s"][()],
                 "REDSHIFT": h["redshift"][()], "BETA_X": h["beta_arcsec"][..., 0],
                 "BETA_Y": h["beta_arcsec"][..., 1]}
        for name, theirs in pairs.items():
            assert f[name].data.dtype == np.dtype(">f8"), name
            assert equal_nan(f[name].data, flip(theirs)), name
        assert f["TIME_DELAY"].header["BUNIT"] == "s"
        assert f["BETA_X"].header["BUNIT"] == "arcsec"
        codes = f["END_REASON"]
        assert codes.data.dtype == np.dtype(">i2")
        assert np.array_equal(codes.data, flip(h["end_reason"][()]))
        labels = [s.decode() if isinstance(s, bytes) else s
                  for s in h["end_reason"].attrs["labels"]]
        assert [codes.header[f"LABEL{k}"] for k in range(len(labels))] == labels
        # The primary is the PNG in grey: Rec. 709 luminance of its 8-bit colours.
        rgb = np.asarray(PILImage.open(ring["png"]).convert("RGB"), dtype=np.float64) / 255
        grey = rgb @ np.array([0.2126, 0.7152, 0.0722])
        assert f[0].data.dtype == np.dtype(">f4")
        np.testing.assert_allclose(f[0].data, flip(grey), atol=1e-6)
        assert f[0].data.max() > 0.2  # the ring is lit
        config = "\n".join(f["CONFIG"].data["TEXT"])
        assert config.strip() == h.attrs["config_toml"].strip()


def gnomonic_radec(theta_x, theta_y, ra0, dec0):
    """The sky position of a ray leaving along axis + θx·right + θy·up (θ in rad, the contract's
    image angles), with the axis at (ra0, dec0) and right = west (−east), up = north."""
    a, d = math.radians(ra0), math.radians(dec0)
    axis = np.array([math.cos(d) * math.cos(a), math.cos(d) * math.sin(a), math.sin(d)])
    east = np.array([-math.sin(a), math.cos(a), 0.0])
    north = np.cross(axis, east)
    v = axis - theta_x * east + theta_y * north
    v /= np.linalg.norm(v)
    return math.degrees(math.atan2(v[1], v[0])) % 360, math.degrees(math.asin(v[2]))


@pytest.mark.parametrize("fov_arcsec", [120.0, 36000.0])
def test_wcs_pixel_centres_are_the_contracts_angles(cli, root, tmp_path, fov_arcsec):
    out = tmp_path / "wide.fits"
    cli("image", root / "configs" / "teach_einstein_ring.toml", "-o", tmp_path / "wide.png",
        "--fits", out, "--size", N, "--set", f"camera.field_of_view_arcsec={fov_arcsec}",
        "--set", "camera.ra_deg=150", "--set", "camera.dec_deg=-30")
    with fits.open(out) as f:
        for hdu in f[:11]:
            w = WCS(hdu.header)
            fov = math.radians(fov_arcsec / 3600)
            worst = 0.0
            for i, j in [(0, 0), (N - 1, 0), (0, N - 1), (N - 1, N - 1), (7, 23), (20, 20)]:
                # PNG column i, row j (row 0 the top): θ = ((i + ½)/N − ½, ½ − (j + ½)/N)·FOV.
                tx, ty = ((i + 0.5) / N - 0.5) * fov, (0.5 - (j + 0.5) / N) * fov
                ra, dec = gnomonic_radec(tx, ty, 150.0, -30.0)
                x, y = w.world_to_pixel_values(ra, dec)
                # astropy's 0-based pixel: x = column, y = FITS row − 1 = N − 1 − j.
                worst = max(worst, abs(x - i), abs(y - (N - 1 - j)))
            assert worst < 1e-3, (hdu.name, worst)
            # RA increases to the left along a row.
            (ra_left, _), (ra_right, _) = w.pixel_to_world_values([0, N - 1], [N // 2, N // 2])
            assert ra_left > ra_right


def comoving_mpc(z, h0, om, ol, orad):
    e = lambda x: math.sqrt(om * (1 + x) ** 3 + orad * (1 + x) ** 4 + ol)
    return C_KM_S / h0 * quad(lambda x: 1 / e(x), 0, z, epsabs=0, epsrel=1e-12)[0]


def test_cosmology_cards_are_the_configs_and_redshifts_its_distances(ring, cli, root):
    resolved = tomllib.loads(cli("check", root / "configs" / "teach_einstein_ring.toml",
                                    *SETS).stdout)
    with fits.open(ring["fits"]) as f:
        for hdu in f[:11]:
            h = hdu.header
            assert h["COSMO"] == "LCDM" and h["SOFTWARE"].startswith("excalibur ")
            assert (h["CRVAL1"], h["CRVAL2"]) == (150.0, 2.2)
            for key, name in (("H0", "h0_km_s_mpc"), ("OM0", "omega_m"),
                              ("ODE0", "omega_lambda"), ("OR0", "omega_r")):
                assert h[key] == resolved["cosmology"][name], key
            params = (h["H0"], h["OM0"], h["ODE0"], h["OR0"])
            for key, dist in (("ZSOURCE", 2000.0), ("ZLENS0", 1000.0)):
                z = brentq(lambda x: comoving_mpc(x, *params) - dist, 0, 10, xtol=1e-14)
                assert abs(h[key] / z - 1) < 1e-6, (key, h[key], z)
            assert h["NLENS"] == 1 and h["DSOURCE"] == 2000.0
        lenses = f["LENSES"].data
        assert list(lenses["DIST_MPC"]) == [1000.0] and list(lenses["MASS_MSUN"]) == [1e14]
        # Header reals carry 15 significant digits, the table the full float64.
        assert abs(lenses["REDSHIFT"][0] / f[0].header["ZLENS0"] - 1) < 1e-14
