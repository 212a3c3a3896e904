#!/usr/bin/env bash
# The main job on the default config. The visualizer (issue 4) is not built yet, so this runs the
# headless tracer on configs/default.toml, writes runs/default.h5 and prints its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cargo run --release -- run configs/default.toml --force "$@"
cargo run --release -- inspect runs/default.h5
