#!/usr/bin/env python3
"""Records the window as a user would take a demo away, and judges the files it writes.

  GIF: `gui CONFIG --record sweep.gif --animate source.offset_mpc.0=FROM..TO --frames N`
       has N frames of the window's size, each shown 1/fps s; every frame's sky is lit (never
       black) and differs from the one before (the source moved); the sweep re-shaded and
       traced nothing after the first run (`--log`).
  MP4: the same through ffmpeg: N/fps seconds at 25 frames/s (ffprobe).
  Bad input exits 2 before a window opens and names what is wrong: an unknown extension, a
       value outside its key's range, a FIFO as the output, --frames alone.
  No temporary file is left beside the outputs.

  Button: a real click (xdotool) on Record, 3 s, a click on Stop: runs/recording-1.gif has
       frames at about 10 a second whose durations add up to the time it recorded.

usage: check_recording.py EXCALIBUR CONFIG --sky X0,Y0,X1,Y1 --record-button X,Y
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xinput import settle, start_display, xdo
from PIL import Image, ImageSequence

p = argparse.ArgumentParser()
p.add_argument("exe")
p.add_argument("config")
p.add_argument("--sky", required=True, help="the sky image's rectangle in window pixels")
p.add_argument("--frames", type=int, default=8)
p.add_argument("--record-button", required=True, help="the Record (then Stop) button")
args = p.parse_args()
sky = tuple(int(v) for v in args.sky.split(","))
SWEEP = "source.offset_mpc.0=-0.03..0.03"
failures = []


def gui(*extra, timeout=300):
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", args.exe, "gui", args.config, *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def lit(img):
    """Pixels of the sky rectangle brighter than the dark background."""
    return sum(1 for v in img.convert("L").crop(sky).tobytes() if v > 60)


def differing(f, g):
    """Pixels of the sky rectangle that differ between two frames."""
    a, b = f.crop(sky).tobytes(), g.crop(sky).tobytes()
    return sum(1 for i in range(0, len(a), 3) if a[i:i + 3] != b[i:i + 3])


with tempfile.TemporaryDirectory() as d:
    gif, log = os.path.join(d, "sweep.gif"), os.path.join(d, "sweep.log")
    r = gui("--record", gif, "--animate", SWEEP, "--frames", str(args.frames), "--log", log)
    check(r.returncode == 0, f"GIF recording exits 0" + ("" if r.returncode == 0 else f" (got {r.returncode}: {r.stderr[-400:]})"))
    im = Image.open(gif)
    frames = [f.convert("RGB").copy() for f in ImageSequence.Iterator(im)]
    durations = [f.info.get("duration") for f in ImageSequence.Iterator(Image.open(gif))]
    check(im.size == (1280, 800), f"the GIF is the window's size (got {im.size})")
    check(len(frames) == args.frames, f"{args.frames} frames (got {len(frames)})")
    check(all(t == 100 for t in durations), f"each frame stays 0.1 s at 10 fps (got {durations})")
    lights = [lit(f) for f in frames]
    check(min(lights) > 200, f"every frame's sky is lit (lit pixels per frame: {lights})")
    changed = [differing(f, g) for f, g in zip(frames, frames[1:])]
    check(min(changed) > 50, f"each frame's sky differs from the last (pixels changed: {changed})")
    lines = open(log).read().splitlines()
    traces = sum(1 for l in lines if l.split()[1] == "trace")
    shades = sum(1 for l in lines if l.split()[1] == "shade")
    check(traces == 1, f"the sweep traced only the first run (trace lines: {traces})")
    check(shades >= args.frames - 1, f"each value re-shaded (shade lines: {shades})")
    frames[len(frames) // 2].save(os.path.join(os.environ.get("RECORDING_FRAME_DIR", d), "recording_mid.png"))

    mp4 = os.path.join(d, "sweep.mp4")
    r = gui("--record", mp4, "--animate", SWEEP, "--frames", "4", "--fps", "5")
    check(r.returncode == 0, f"MP4 recording exits 0" + ("" if r.returncode == 0 else f" (got {r.returncode}: {r.stderr[-400:]})"))
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
         "-show_entries", "stream=width,height,nb_read_frames,codec_name", "-of", "csv=p=0", mp4],
        capture_output=True, text=True,
    ).stdout.strip()
    check(probe == "h264,1280,800,20", f"4 frames at 5 fps are 0.8 s of 25 fps H.264 (got {probe!r})")

    fifo = os.path.join(d, "fifo.gif")
    os.mkfifo(fifo)
    for extra, words in [
        (["--record", os.path.join(d, "x.webm")], ".gif or .mp4"),
        (["--record", gif, "--animate", "lenses.0.mass_msun=-1..1", "--frames", "3"], "lenses.0.mass_msun"),
        (["--record", fifo], "FIFO"),
        (["--frames", "5"], "--frames needs --screenshot or --record"),
    ]:
        r = gui(*extra, timeout=60)
        check(r.returncode == 2 and words in r.stderr,
              f"{' '.join(extra[:2])} exits 2 naming {words!r} (got {r.returncode}: {r.stderr.strip()[-200:]})")
    left = [f for f in os.listdir(d) if f not in ("sweep.gif", "sweep.log", "sweep.mp4", "fifo.gif",
                                                    "recording_mid.png")]
    check(not left, f"no temporary file is left (found {left})")

# The Record button, clicked as a person does, in a window of our own started in a fresh
# folder (the recording goes to its runs/).
with tempfile.TemporaryDirectory() as d:
    display, xvfb = start_display()
    env = dict(os.environ, DISPLAY=display)
    app = subprocess.Popen([os.path.abspath(args.exe), "gui", os.path.abspath(args.config)], cwd=d,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        settle(display, (0, 0, 1280, 800))
        bx, by = (int(v) for v in args.record_button.split(","))
        xdo(display, "mousemove", bx, by)
        time.sleep(0.3)
        xdo(display, "click", 1)
        t0 = time.time()
        time.sleep(3.0)
        xdo(display, "click", 1)
        held = time.time() - t0
        out = os.path.join(d, "runs", "recording-1.gif")
        for _ in range(100):
            if os.path.exists(out):
                break
            time.sleep(0.1)
        check(os.path.exists(out), f"Record … Stop wrote runs/recording-1.gif (folder has {os.listdir(d)})")
        if os.path.exists(out):
            stamps = [f.info.get("duration", 0) for f in ImageSequence.Iterator(Image.open(out))]
            total = sum(stamps) / 1000
            check(abs(total - held) < 1.0,
                  f"its frames last {total:.2f} s for {held:.2f} s recorded ({len(stamps)} frames)")
        stray = [f for f in os.listdir(os.path.join(d, "runs")) if f != "recording-1.gif"] \
            if os.path.isdir(os.path.join(d, "runs")) else []
        check(not stray, f"no temporary file beside it (found {stray})")
    finally:
        app.terminate()
        app.wait(timeout=30)
        xvfb.terminate()

if failures:
    sys.exit(f"{len(failures)} recording checks failed")
print("recording checks passed")
