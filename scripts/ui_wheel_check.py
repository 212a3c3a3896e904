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
    """The screen as (width, height, rows of BGRX bytes), from xwd's ZPixmap (32 bpp)."""
    d = subprocess.run(["xwd", "-root", "-silent", "-display", display],
                       check=True, capture_output=True).stdout
    h = struct.unpack(">25I", d[:100])
    hsize, w, hh, bpl, ncolors = h[0], h[4], h[5], h[12], h[19]
    px = d[hsize + ncolors * 12:]
    return w, hh, [px[y * bpl:y * bpl + w * 4] for y in range(hh)]


def save_png(path, shot):
    w, h, rows = shot
    rgb = []
    for r in rows:
        out = bytearray(3 * w)
        out[0::3], out[1::3], out[2::3] = r[2::4], r[1::4], r[0::4]
        rgb.append(bytes(out))
    raw = b"".join(b"\x00" + r for r in rgb)

    def chunk(t, data):
        c = struct.pack(">I", len(data)) + t + data
        return c + struct.pack(">I", zlib.crc32(t + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def changed(a, b, box):
    """Fraction of the box's pixels that differ between two screenshots."""
    x0, y0, x1, y1 = box
    n = 0
    for y in range(y0, y1):
        ra, rb = a[2][y][4 * x0:4 * x1], b[2][y][4 * x0:4 * x1]
        if ra != rb:
            n += sum(1 for x in range(x1 - x0) if ra[4 * x:4 * x + 3] != rb[4 * x:4 * x + 3])
    return n / ((x1 - x0) * (y1 - y0))


def settle(display, box, timeout_s=240):
    """Waits until the view stops changing (the run and its image are done)."""
    last = grab(display)
    start = time.time()
    while time.time() - start < timeout_s:
        time.sleep(1.5)
        now = grab(display)
        if changed(last, now, box) < 1e-4:
            return now
        last = now
    sys.exit(f"the view did not settle in {timeout_s} s")


def wheel(display, at, button, steps=5):
    env = dict(os.environ, DISPLAY=display)
    subprocess.run(["xdotool", "mousemove", str(at[0]), str(at[1])], check=True, env=env)
    time.sleep(0.3)
    for _ in range(steps):
        subprocess.run(["xdotool", "click", str(button)], check=True, env=env)
        time.sleep(0.15)


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
            time.sleep(1.5)
            after = grab(display)
            f = changed(before, after, a.view)
            print(f"wheel over {at}: {f:.5f} of the 3-D view changed")
            if a.out:
                save_png(os.path.join(a.out, f"wheel_{at[0]}_{at[1]}.png"), after)
            if f > 1e-3:
                sys.exit(f"FAIL: the wheel over {at} moved the 3-D view ({f:.3%} of it changed)")
            before = after
        wheel(display, a.zoom_at, 4, steps=3)
        time.sleep(1.5)
        f = changed(before, grab(display), a.view)
        print(f"wheel over the view {a.zoom_at}: {f:.3f} of it changed")
        if f < 0.05:
            sys.exit("FAIL: the wheel over the view did not zoom it: the check could not fail")
        print(f"{a.config}: the wheel zooms the 3-D view only over it")
    finally:
        app.kill()
        xvfb.kill()


main()
