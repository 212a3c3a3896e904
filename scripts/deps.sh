#!/usr/bin/env bash
# Installs what excalibur needs on a fresh Debian machine, only where it is missing:
# pkg-config and libhdf5-dev to build; Xvfb, xauth, Mesa's software Vulkan and the X11
# client libraries to open the visualizer without a GPU or display (and take screenshots);
# xdotool and x11-apps (xwd) to drive that window with real input events in the tests;
# h5py to cross-check run files from Python.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
pkg-config --exists hdf5 2>/dev/null || dpkg -s libhdf5-dev >/dev/null 2>&1 || need+=(libhdf5-dev)
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-pip)
for p in xvfb xauth mesa-vulkan-drivers libvulkan1 libx11-6 libxcursor1 libxrandr2 libxi6 \
         libxkbcommon0 libxkbcommon-x11-0 xdotool x11-apps; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
if ! python3 -c "import h5py" >/dev/null 2>&1; then
  python3 -m pip install -q h5py 2>/dev/null || python3 -m pip install -q --break-system-packages h5py
fi
