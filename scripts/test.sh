#!/usr/bin/env bash
# The test command: formatting, clippy with warnings as errors, every test (physics, CLI,
# HDF5, the headless visualizer bridge), the headless build without Bevy, and a real window
# under Xvfb with software Vulkan whose screenshot must show the panel and the scene.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test --all-targets
cargo clippy --no-default-features --all-targets -- -D warnings
shot_dir=$(mktemp -d)
trap 'rm -rf "$shot_dir"' EXIT
for c in default point_mass_beam; do
  timeout 600 xvfb-run -a -s "-screen 0 1280x800x24" \
    target/debug/excalibur gui "configs/$c.toml" --screenshot "$shot_dir/$c.png"
  python3 scripts/check_screenshot.py "$shot_dir/$c.png" 1280 800
done
