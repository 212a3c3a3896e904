#!/usr/bin/env bash
# The test command: formatting, clippy with warnings as errors, every test (physics, CLI, HDF5,
# the headless visualizer bridge, the source-tree structure), the headless build without Bevy,
# and a real window under Xvfb with software Vulkan whose screenshot must show the panel and the
# scene. It builds in release with the run command's settings, so after `scripts/run.sh` it
# reuses that build instead of compiling the app a second time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
source scripts/build_env.sh
cargo fmt --all -- --check
# Lints (clippy-driver, see build_env.sh), builds and runs the library, binary and test targets.
cargo test --release --lib --bins --tests
# The headless build (no Bevy, no display libraries) and the benches: linted, not run (the
# benches build 512³ grids; run them with `cargo bench --bench throughput`).
cargo check --no-default-features --lib --bins --tests --benches
shot_dir=$(mktemp -d)
trap 'rm -rf "$shot_dir"' EXIT
for c in default point_mass_beam; do
  timeout 600 xvfb-run -a -s "-screen 0 1280x800x24" \
    target/release/excalibur gui "configs/$c.toml" --screenshot "$shot_dir/$c.png"
  python3 scripts/check_screenshot.py "$shot_dir/$c.png" 1280 800
done
