#!/usr/bin/env python3
"""Issue 24's side-by-side, in one sitting: `excalibur image` of the Einstein-ring lesson (a
1e14 Msun point lens halfway to a Sérsic n = 1.5 galaxy at 2000 Mpc, the source offset by
0.005 Mpc) against lenstronomy's thin-lens ImageModel of the same lens and source (POINT_MASS
of our predicted θ_E, SERSIC of the same half-light radius and offset, no PSF, one sample a
pixel), at 64², 256² and 1024². Our figure is the command's own `seconds` (tracing, images,
curves, shading and the PNG), the median of the repeats; lenstronomy's the median of
`ImageModel.image`. Only ratios measured together mean anything on this shared machine.

    python3 scripts/bench_image.py [--repeats 5] [--sizes 64,256,1024]
"""

import argparse
import json
import pathlib
import subprocess
import tempfile
import numpy as np

from bench_poisson import best_of

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "teach_einstein_ring.toml"
OFFSET_MPC = 0.005
SOURCE_MPC = 2000.0
SIZE_MPC = 0.02
FOV_ARCSEC = 120.0
ARCSEC = np.pi / 180 / 3600


def ours(size, out):
    cmd = [str(ROOT / "target" / "release" / "excalibur"), "image", str(CONFIG), "-o", str(out),
           "--size", str(size), "--json", "--force",
           "--set", f"source.offset_mpc=[{OFFSET_MPC}, 0.0]"]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def lenstronomy_model(size, theta_e_arcsec):
    from lenstronomy.Data.imaging_data import ImageData
    from lenstronomy.Data.psf import PSF
    from lenstronomy.ImSim.image_model import ImageModel
    from lenstronomy.LensModel.lens_model import LensModel
    from lenstronomy.LightModel.light_model import LightModel

    pixel = FOV_ARCSEC / size
    half = 0.5 * (size - 1) * pixel
    data = ImageData(image_data=np.zeros((size, size)), ra_at_xy_0=-half, dec_at_xy_0=-half,
                     transform_pix2angle=np.array([[pixel, 0.0], [0.0, pixel]]))
    model = ImageModel(data, PSF(psf_type="NONE"), lens_model_class=LensModel(["POINT_MASS"]),
                       source_model_class=LightModel(["SERSIC"]),
                       kwargs_numerics={"supersampling_factor": 1})
    kwargs_lens = [{"theta_E": theta_e_arcsec, "center_x": 0.0, "center_y": 0.0}]
    kwargs_source = [{"amp": 1.0, "R_sersic": SIZE_MPC / SOURCE_MPC / ARCSEC, "n_sersic": 1.5,
                      "center_x": OFFSET_MPC / SOURCE_MPC / ARCSEC, "center_y": 0.0}]
    return lambda: model.image(kwargs_lens=kwargs_lens, kwargs_source=kwargs_source)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", default="64,256,1024")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in args.sizes.split(",")]:
            runs = [ours(size, pathlib.Path(tmp) / "image.png") for _ in range(args.repeats)]
            ours_s = float(np.median([r["seconds"] for r in runs]))
            image = lenstronomy_model(size, runs[0]["einstein_radius_predicted_arcsec"])
            image()
            theirs_s = best_of(image, args.repeats)
            rows.append((size, ours_s, theirs_s, runs[0]["geodesics"], runs[0]["steps"]))
    print(f"{'pixels':>7} {'excalibur [ms]':>15} {'lenstronomy [ms]':>17} {'ratio':>6} "
          f"{'geodesics':>10} {'steps':>9}")
    for size, a, b, g, s in rows:
        print(f"{size:>6}² {a * 1e3:>15.1f} {b * 1e3:>17.1f} {b / a:>6.2f} {g:>10} {s:>9}")
    print("ratio = lenstronomy time / excalibur time (issue 24's goal: >= 1.0 at 256²)")


if __name__ == "__main__":
    main()
