#!/usr/bin/env python3
"""Real input (issue 22, a snapshot in the window): from a lens config, Files is opened with a
click, a snapshot's path typed into "open N-body snapshot" and Open clicked, as a person would.
The window must start exactly one run, through the snapshot (its --log names the file), and
the slice must change to the snapshot's Φ; then "density" in the Display section shows the
snapshot's density on the slice without tracing again. Judged from xwd screenshots (kept with
--out, for a person to look at).

  scripts/ui_snapshot_check.py BINARY CONFIG SNAPSHOT --presets X,Y --files X,Y --field X,Y
      --open X,Y --density X,Y --slice X0,Y0,X1,Y1 [--out DIR]
"""
import argparse, os, shutil, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xinput import changed, focus, grab, log_lines, save_png, settle, start_display, wait_for, xdo

p = argparse.ArgumentParser()
pair = lambda s: tuple(int(v) for v in s.split(","))
p.add_argument("exe")
p.add_argument("config")
p.add_argument("snapshot")
for name in ("presets", "files", "field", "open", "density"):
    p.add_argument(f"--{name}", type=pair, required=True)
p.add_argument("--slice", type=pair, required=True, help="a box inside the slice on screen")
p.add_argument("--out", default=None)
a = p.parse_args()

work = tempfile.mkdtemp()
# A copy under a name of its own, typed in full: the log shows that the typed path was opened.
typed = os.path.join(work, "typed_snapshot.hdf5")
shutil.copy(a.snapshot, typed)
log = os.path.join(work, "window.log")
open(log, "w").close()


def click(at, wait=1.0):
    xdo(display, "mousemove", *at)
    time.sleep(0.3)
    xdo(display, "click", 1)
    time.sleep(wait)


display, xvfb = start_display()
app = subprocess.Popen([a.exe, "gui", a.config, "--log", log], env=dict(os.environ, DISPLAY=display),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
shot = lambda name, s: a.out and save_png(os.path.join(a.out, name), s)
failures = []


def check(name, ok, what):
    print(f"{name}: {what}: {'ok' if ok else 'FAIL'}")
    if not ok:
        failures.append(name)


try:
    wait_for(log, lambda l: l[0] == "trace")
    before = settle(display, (0, 0, 1280, 780))
    shot("snapshot_0_lenses.png", before)
    focus(display)
    traces = lambda: [l[1] for l in log_lines(log) if l[0] == "trace"]
    first = len(traces())
    click(a.presets)
    click(a.files)
    settle(display, (0, 0, 1280, 780), calm_grabs=2)
    # A click puts the cursor in the field: clear it from its end, as a person would, and type.
    click(a.field, 0.5)
    xdo(display, "key", "End")
    xdo(display, "key", "--repeat", "120", "--delay", "5", "BackSpace")
    xdo(display, "type", "--delay", "20", typed)
    time.sleep(0.5)
    shot("snapshot_typed.png", grab(display))
    click(a.open)
    wait_for(log, lambda l: l[0] == "trace" and "potential=particles:typed_snapshot.hdf5" in l[1])
    opened = settle(display, (0, 0, 1280, 780))
    shot("snapshot_1_opened.png", opened)
    new = traces()[first:]
    check("open", len(new) == 1, f"{len(new)} run(s) started by Open: {new}")
    moved = changed(before, opened, a.slice)
    check("slice", moved > 0.5, f"{moved:.2f} of the slice changed to the snapshot's Φ")
    click(a.files)
    settle(display, (0, 0, 1280, 780), calm_grabs=2)
    potential = grab(display)
    n = len(traces())
    click(a.density)
    shown = settle(display, (0, 0, 1280, 780))
    shot("snapshot_2_density.png", shown)
    moved = changed(potential, shown, a.slice)
    check("density", moved > 0.5, f"{moved:.2f} of the slice changed to the density")
    check("display only", len(traces()) == n, f"{len(traces()) - n} run(s) started by the density view")
finally:
    app.kill()
    xvfb.kill()
    shutil.rmtree(work, ignore_errors=True)
if failures:
    sys.exit(f"FAIL: {failures}")
print("snapshot check: ok")
