#!/usr/bin/env python3
"""Real input against a real window: the mouse wheel turned over the left panel, the sky
panel, its image and its inset must leave the 3-D view unchanged (issue 20, point 1), while the
same wheel over the view must zoom it (the check proves on itself that it can fail).

Starts its own Xvfb display, opens `excalibur gui CONFIG`, drives it with xdotool and judges
it from xwd screenshots of the whole screen (no imaging library needed).

  scripts/ui_wheel_check.py BINARY CONFIG --view X0,Y0,X1,Y1 --wheel X,Y [--wheel X,Y ...]
      --zoom-at X,Y [--out DIR]
"""
import argparse, os, struct, subprocess, sys, time, zlib


def grab(display):
    """The screen as (width, height, rows of RGB bytes), from xwd's ZPixmap (32 bpp)."""
    d = subprocess.run(["xwd", "-root", "-silent", "-display", display],
                       check=True, capture_output=True).stdout
    h = struct.unpack(">25I", d[:100])
    hsize, w, hh, bpl, ncolors = h[0], h[4], h[5], h[12], h[19]
    px = d[hsize + ncolors * 12:]
    rows = []
    for y in range(hh):
        r = px[y * bpl:y * bpl + w * 4]
        rows.append(bytes(b for i in range(w) for b in (r[4 * i + 2], r[4 * i + 1], r[4 * i])))
    return w, hh, rows


def save_png(path, shot):
    w, h, rows = shot
    raw = b"".join(b"\x00" + r for r in rows)

    def chunk(t, data):
        c = struct.pack(">I", len(data)) + t + data
        return c + struct.pack(">I", zlib.crc32(t + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def changed(a, b, box):
    """Fraction of the box's pixels that differ between two screenshots."""
    x0, y0, x1, y1 = box
    n = sum(1 for y in range(y0, y1) for x in range(x0, x1)
            if a[2][y][3 * x:3 * x + 3] != b[2][y][3 * x:3 * x + 3])
    return n / ((x1 - x0) * (y1 - y0))


def settle(display, box, timeout_s=240):
    """Waits until the view stops changing (the run and its image are done)."""
    last = grab(display)
    start = time.time()
    while time.time() - start < timeout_s:
        time.sleep(3)
        now = grab(display)
        if changed(last, now, box) < 1e-4:
            return now
        last = now
    sys.exit(f"the view did not settle in {timeout_s} s")


def wheel(display, at, button, steps=5):
    env = dict(os.environ, DISPLAY=display)
    subprocess.run(["xdotool", "mousemove", str(at[0]), str(at[1])], check=True, env=env)
    time.sleep(0.5)
    for _ in range(steps):
        subprocess.run(["xdotool", "click", str(button)], check=True, env=env)
        time.sleep(0.3)


def main():
    p = argparse.ArgumentParser()
    pair = lambda s: tuple(int(v) for v in s.split(","))
    p.add_argument("binary")
    p.add_argument("config")
    p.add_argument("--view", type=pair, required=True)
    p.add_argument("--wheel", type=pair, action="append", required=True)
    p.add_argument("--zoom-at", type=pair, required=True)
    p.add_argument("--out", default=None)
    a = p.parse_args()
    display = f":{90 + os.getpid() % 400}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    app = subprocess.Popen([a.binary, "gui", a.config], env=dict(os.environ, DISPLAY=display),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # The pointer starts over the view; move it there so the first screenshot is as later.
        wheel(display, a.zoom_at, 4, steps=0)
        before = settle(display, a.view)
        for at in a.wheel:
            wheel(display, at, 5)
            wheel(display, at, 4, steps=2)
            wheel(display, a.zoom_at, 4, steps=0)
            time.sleep(2)
            after = grab(display)
            f = changed(before, after, a.view)
            print(f"wheel over {at}: {f:.5f} of the 3-D view changed")
            if a.out:
                save_png(os.path.join(a.out, f"wheel_{at[0]}_{at[1]}.png"), after)
            if f > 1e-3:
                sys.exit(f"FAIL: the wheel over {at} moved the 3-D view ({f:.3%} of it changed)")
            before = after
        wheel(display, a.zoom_at, 4, steps=3)
        time.sleep(2)
        f = changed(before, grab(display), a.view)
        print(f"wheel over the view {a.zoom_at}: {f:.3f} of it changed")
        if f < 0.05:
            sys.exit("FAIL: the wheel over the view did not zoom it: the check could not fail")
        print(f"{a.config}: the wheel zooms the 3-D view only over it")
    finally:
        app.kill()
        xvfb.kill()


main()
