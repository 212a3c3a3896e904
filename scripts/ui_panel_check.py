#!/usr/bin/env python3
"""Real input (issue 20, point 8): the left panel is narrowed by dragging its edge, and opening
Files does not widen it again. The panel's edge is read from xwd screenshots: the last column
of the row at --row that still has the panel's fill.

  scripts/ui_panel_check.py BINARY CONFIG --edge X --to X --files X,Y [--row Y]
"""
import argparse, os, shutil, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xinput import settle, start_display, xdo

p = argparse.ArgumentParser()
p.add_argument("exe")
p.add_argument("config")
p.add_argument("--edge", type=int, required=True, help="the panel's edge as it opens")
p.add_argument("--to", type=int, required=True, help="where the edge is dragged to")
p.add_argument("--files", required=True, help="the Files section's header")
p.add_argument("--row", type=int, default=770)
a = p.parse_args()


def edge(shot):
    """The panel's last column: from inside the 3-D view (x = 900) leftwards, the first pixel
    with the panel's fill (taken at its margin, x = 5), whatever text the panel shows."""
    row = shot[2][a.row]
    fill = row[4 * 5:4 * 5 + 3]
    return next(x for x in range(900, 0, -1) if row[4 * x:4 * x + 3] == fill)


display, xvfb = start_display()
env = dict(os.environ, DISPLAY=display)
# In a folder of its own: no presets listed, so the drag starts on the edge, not on a preset.
here = tempfile.mkdtemp()
app = subprocess.Popen([os.path.abspath(a.exe), "gui", os.path.abspath(a.config)], env=env,
                       cwd=here, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    start = edge(settle(display, (0, 0, 1280, 800)))
    # Hover first (egui shows the resize cursor a frame after the pointer arrives), then press.
    xdo(display, "mousemove", a.edge + 3, 700)
    time.sleep(0.5)
    xdo(display, "mousemove", a.edge, 700)
    time.sleep(1.0)
    xdo(display, "mousedown", 1)
    time.sleep(0.3)
    for k in range(1, 11):
        xdo(display, "mousemove", a.edge + (a.to - a.edge) * k // 10, 700)
        time.sleep(0.12)
    xdo(display, "mouseup", 1)
    time.sleep(1.0)
    narrowed = edge(settle(display, (0, 0, 1280, 800)))
    fx, fy = (int(v) for v in a.files.split(","))
    xdo(display, "mousemove", fx, fy)
    time.sleep(0.3)
    xdo(display, "click", 1)
    time.sleep(1.0)
    with_files = edge(settle(display, (0, 0, 1280, 800)))
finally:
    app.terminate()
    app.wait(timeout=30)
    xvfb.terminate()
    shutil.rmtree(here, ignore_errors=True)
print(f"panel edge: {start} px as opened, {narrowed} after the drag to {a.to}, {with_files} with Files open")
if not abs(narrowed - a.to) <= 12:
    sys.exit("FAIL: the panel was not narrowed to where its edge was dragged")
if with_files > narrowed + 2:
    sys.exit("FAIL: opening Files widened the panel")
print("the left panel narrows and stays narrow")
