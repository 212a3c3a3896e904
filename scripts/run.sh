#!/usr/bin/env bash
# The main job: opens the visualizer on configs/default.toml (extra arguments go to `gui`).
# Without a display (no $DISPLAY / $WAYLAND_DISPLAY) it renders under Xvfb with software
# Vulkan instead, writes runs/default.png and says where.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
# ffmpeg (MP4 recordings only) installs while the app builds; its output is in runs/deps-ffmpeg.log.
mkdir -p runs
bash scripts/deps.sh --ffmpeg >runs/deps-ffmpeg.log 2>&1 &
# The Python module's tools (maturin, numpy, pytest, lenstronomy) download meanwhile, for the
# test command and `pip install ./python`; output in runs/deps-python.log.
bash scripts/deps.sh --python >runs/deps-python.log 2>&1 &
source scripts/build_env.sh
cargo build --release
B=target/release/excalibur
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$B" gui configs/default.toml "$@"
fi
echo "no display: rendering the default scene under Xvfb to runs/default.png" >&2
mkdir -p runs
xvfb-run -a -s "-screen 0 1280x800x24" "$B" gui configs/default.toml --screenshot runs/default.png "$@"
echo "wrote runs/default.png" >&2
