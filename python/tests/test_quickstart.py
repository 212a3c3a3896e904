"""The quickstart example runs as written and its numbers hold (so it never rots)."""

import os
import runpy


def test_quickstart_runs_and_agrees_with_lenstronomy(root, tmp_path, monkeypatch):
    monkeypatch.setenv("EXCALIBUR_FIGURES", str(tmp_path))
    ns = runpy.run_path(str(root / "examples" / "quickstart.py"))
    for name in ["deflection.png", "image_and_shear.png", "images_vs_lenstronomy.png"]:
        assert os.path.getsize(tmp_path / name) > 10_000, name
    r = ns["RESULTS"]
    assert r["images"] == r["lenstronomy_images"] == 2
    # The geodesic images sit on the thin-lens ones to 1 % of θ_E (the thin lens is exact to
    # O(α) for a point mass at these distances; the image polish is to 1e-6 pixel).
    assert r["worst_theta_e"] < 0.01
