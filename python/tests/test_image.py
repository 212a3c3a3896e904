"""ex.image against `excalibur image --maps` of the same config and size."""

import h5py
import numpy as np
from PIL import Image as PILImage

import excalibur as ex

MAPS = ["beta_arcsec", "time_delay_s", "end_reason", "convergence", "shear", "rotation",
        "magnification", "redshift"]


def test_image_arrays_equal_the_cli_maps(cli, root, tmp_path):
    config = root / "configs" / "teach_einstein_ring.toml"
    png, maps = tmp_path / "ring.png", tmp_path / "maps.h5"
    cli("image", config, "-o", png, "--maps", maps, "--size", 40)
    img = ex.image(ex.Config.load(config), size=40)
    assert img.rgb.shape == (40, 40, 3) and img.rgb.dtype == np.uint8
    np.testing.assert_array_equal(img.rgb, np.asarray(PILImage.open(png).convert("RGB")))
    with h5py.File(maps, "r") as f:
        for name in MAPS:
            mine, theirs = getattr(img, name), f[name][()]
            assert mine.shape == theirs.shape and mine.dtype == theirs.dtype, name
            np.testing.assert_array_equal(mine, theirs, err_msg=name)
        assert img.pixel_scale_arcsec == f.attrs["pixel_scale_arcsec"]
    # The ring: two images either side at θ_E, measured and predicted radii agree to 1 %.
    assert len(img.images) == 2
    assert abs(img.einstein_radius_measured_arcsec / img.einstein_radius_predicted_arcsec - 1) < 0.01
    assert all(c.shape[1] == 2 for c in img.critical_curves) and img.critical_curves


def test_maps_false_skips_the_bundles(root):
    img = ex.image(ex.Config.load(root / "configs" / "teach_einstein_ring.toml"), size=32,
                   maps=False)
    assert img.convergence is None and img.shear is None and img.magnification is None
    assert img.beta_arcsec.shape == (32, 32, 2)
