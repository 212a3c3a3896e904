#!/usr/bin/env bash
# Installs what excalibur needs on a fresh Debian machine, only where it is missing:
# pkg-config, libhdf5-dev and libcfitsio-dev to build; Xvfb, xauth, Mesa's software Vulkan and the X11
# client libraries to open the visualizer without a GPU or display (and take screenshots);
# xdotool and x11-apps (xwd) to drive that window with real input events in the tests;
# h5py to cross-check run files from Python, pillow to read recordings back in the tests.
#
# `deps.sh --ffmpeg` installs only ffmpeg, which `gui --record OUT.mp4` pipes frames to (a GIF
# needs nothing): the run command starts it in the background while the app builds, the test
# command runs it in the foreground (it records an MP4). apt waits for the other's lock.
#
# `deps.sh --python` installs from PyPI what the Python module (python/, interface.md §8) and
# its tests need: maturin to build it, numpy, pytest, and for the quickstart example matplotlib
# and lenstronomy (with only the parts of its requirements that its lens models import: scipy,
# astropy, mpmath; its samplers' dependencies, numba and scikit-learn among them, are not
# needed), and healpy, the reference reader of `excalibur map` files. The run command starts it in the background, the test command waits for it.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
APT=(-o DPkg::Lock::Timeout=900 -y -qq --no-install-recommends)
if [ "${1:-}" = "--ffmpeg" ]; then
  if ! command -v ffmpeg >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install "${APT[@]}" ffmpeg >/dev/null 2>&1 || {
      $SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install "${APT[@]}" ffmpeg >/dev/null
    }
  fi
  exit 0
fi
pip_install() {
  python3 -m pip install -q "$@" 2>/dev/null || python3 -m pip install -q --break-system-packages "$@"
}
if [ "${1:-}" = "--python" ]; then
  missing=()
  for m in numpy:numpy maturin:maturin pytest:pytest matplotlib:matplotlib scipy:scipy \
           astropy:astropy mpmath:mpmath h5py:h5py PIL:pillow healpy:healpy; do
    python3 -c "import ${m%%:*}" >/dev/null 2>&1 || missing+=("${m#*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then pip_install "${missing[@]}"; fi
  python3 -c "import lenstronomy" >/dev/null 2>&1 || pip_install --no-deps "lenstronomy==1.14.2"
  exit 0
fi
need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
pkg-config --exists hdf5 2>/dev/null || dpkg -s libhdf5-dev >/dev/null 2>&1 || need+=(libhdf5-dev)
# cfitsio, which the fitsio crate links for `image --fits` and `map` (interface.md §7).
pkg-config --exists cfitsio 2>/dev/null || need+=(libcfitsio-dev)
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-pip)
for p in xvfb xauth mesa-vulkan-drivers libvulkan1 libx11-6 libxcursor1 libxrandr2 libxi6 \
         libxkbcommon0 libxkbcommon-x11-0 xdotool x11-apps; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  $SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install "${APT[@]}" "${need[@]}"
fi
for m in h5py:h5py PIL:pillow; do
  if ! python3 -c "import ${m%%:*}" >/dev/null 2>&1; then pip_install "${m#*:}"; fi
done
