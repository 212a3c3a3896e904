#!/usr/bin/env bash
# The test command: formatting, clippy with warnings as errors, every test (physics, CLI, HDF5,
# the headless visualizer bridge, the source-tree structure), the headless build without Bevy,
# and a real window under Xvfb with software Vulkan whose screenshot must show the panel and the
# scene. It builds in release with the run command's settings, so after `scripts/run.sh` it
# reuses that build instead of compiling the app a second time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
# The Python tools download while the tests compile (network, not the cores).
python_log=$(mktemp)
bash scripts/deps.sh --python >"$python_log" 2>&1 &
python_deps=$!
bash scripts/deps.sh --ffmpeg
source scripts/build_env.sh
cargo fmt --all -- --check
# Lints (clippy-driver, see build_env.sh), builds and runs the library, binary and test targets.
cargo test --release --lib --bins --tests
# The headless build (no Bevy, no display libraries) and the benches: linted, not run (the
# benches build 512³ grids; run them with `cargo bench --bench throughput`). In the release
# profile, so it reuses the release build's proc-macros, build scripts and metadata: 12 s after
# the run command, against 88 s cold for a dev-profile check.
cargo check --release --no-default-features --lib --bins --tests --benches
# The Python module (interface.md §8): built from this clone as a user would (pip install
# ./python; maturin, in the same target folder, linted like the rest) and its pytest suite:
# runs equal to `excalibur run` bit for bit, read_run, image arrays against --maps, --set's
# validation, Ctrl-C, no panic across the boundary, and the quickstart example executed.
wait "$python_deps" || { cat "$python_log"; exit 1; }
rm -f "$python_log"
python3 -m pip install -q --no-build-isolation ./python 2>/dev/null ||
  python3 -m pip install -q --no-build-isolation --break-system-packages ./python
python3 -m pytest -q -p no:cacheprovider python/tests
shot_dir=$(mktemp -d)
trap 'rm -rf "$shot_dir"' EXIT
for c in default point_mass_beam; do
  timeout 600 xvfb-run -a -s "-screen 0 1280x800x24" \
    target/release/excalibur gui "configs/$c.toml" --screenshot "$shot_dir/$c.png"
  python3 scripts/check_screenshot.py "$shot_dir/$c.png" 1280 800
done
# As a user sees it after a camera move (three wheel steps) and after an edit in the teaching
# view (mass doubled, a pixel picked): each scene label on screen exactly once (no stale
# copies from earlier frames); the check proves on itself that it catches a planted copy.
shot() {
  timeout 600 xvfb-run -a -s "-screen 0 1280x800x24" target/release/excalibur gui "$@"
}
shot configs/default.toml --zoom 3 --screenshot "$shot_dir/zoom.png"
python3 scripts/check_labels.py "$shot_dir/zoom.png"
python3 scripts/check_labels.py --self-test "$shot_dir/zoom.png"
shot configs/teach_einstein_ring.toml --then-set lenses.0.mass_msun=2e14 --pick 180,128 \
  --screenshot "$shot_dir/teach.png"
python3 scripts/check_screenshot.py "$shot_dir/teach.png" 1280 800
python3 scripts/check_labels.py "$shot_dir/teach.png"
# Real input against a real window (xdotool under Xvfb, judged from xwd screenshots): in the
# teaching layout, the wheel over the left panel, the sky panel, its image and its inset leaves
# the 3-D view unchanged, and over the view it zooms (so the check can fail).
python3 scripts/ui_wheel_check.py target/release/excalibur configs/teach_einstein_ring.toml \
  --view 310,130,990,770 --wheel 150,600 --wheel 1150,650 --wheel 1150,170 --wheel 1086,428 \
  --zoom-at 660,450
# Typed values commit once (5e14⏎ starts one run), rejected ones start nothing, and a source
# dragged in the inset re-shades without tracing, never black, settled within 0.5 s (or three
# of the window's frames, where its renderer is slower than that allows).
python3 scripts/ui_edit_check.py target/release/excalibur configs/teach_einstein_ring.toml \
  --mass 172,140 --inset-source 1086,428 --sky 1015,50,1268,300
# Recordings (GIF through the pure-Rust encoder, MP4 through ffmpeg): a scripted sweep of the
# source across the binary's caustic (every frame lit and moved, re-shaded without a trace),
# bad outputs and values refused with exit 2, and the Record button clicked for real.
python3 scripts/check_recording.py target/release/excalibur configs/teach_binary_lens.toml \
  --sky 1015,50,1268,300 --record-button 30,77
# The microlensing demo in the window: "light curve μ(t)" opened and saved as CSV and PNG with
# real clicks; the curve it plots is the point-lens law within 1 %.
python3 scripts/ui_light_curve_check.py target/release/excalibur configs/teach_einstein_ring.toml \
  --header 1060,518 --csv 1058,736 --png 1127,736
# The sky panel's map selector opened and chosen with real clicks: |γ| with whiskers and a
# colour bar, geodesic − Born on its diverging scale, and the picture back.
python3 scripts/ui_map_check.py target/release/excalibur configs/teach_einstein_ring.toml \
  --combo 1214,12 --item-step 21 --sky 1013,50,1270,306 --bar 310,318
# The left panel is narrowed by dragging its edge (real input) and opening Files does not
# widen it again.
python3 scripts/ui_panel_check.py target/release/excalibur configs/point_mass_beam.toml \
  --edge 330 --to 230 --files 38,143
# A snapshot in the window (issue 22): its path typed into Files and Open clicked starts one
# run through it and the slice shows its Φ; "density" then shows its density without a trace.
mkdir -p sims
[ -f sims/nbody_example.hdf5 ] || python3 scripts/make_snapshot.py sims/nbody_example.hdf5
python3 scripts/ui_snapshot_check.py target/release/excalibur configs/cluster_grid.toml \
  sims/nbody_example.hdf5 --presets 47,119 --files 40,143 --field 150,362 --open 45,384 \
  --density 172,497 --slice 700,200,880,600
