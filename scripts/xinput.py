"""Real input against a real window, shared by the input checks: an Xvfb display of our own,
xdotool for the mouse and keys, xwd screenshots read without any imaging library, and PNGs
written by hand (zlib) for a person to look at."""
import os, struct, subprocess, sys, time, zlib


def start_display(size="1280x800x24"):
    """Starts Xvfb on a free-ish display number; returns (name, process)."""
    display = f":{90 + os.getpid() % 400}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", size, "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    return display, xvfb


def xdo(display, *args):
    """One xdotool command on `display`."""
    subprocess.run(["xdotool", *[str(a) for a in args]], check=True,
                   env=dict(os.environ, DISPLAY=display))


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


def blank(shot, box):
    """True when every pixel of the box has one colour (the window not drawn yet)."""
    x0, y0, x1, y1 = box
    first = shot[2][y0][4 * x0:4 * x0 + 3]
    return all(shot[2][y][4 * x:4 * x + 3] == first
               for y in range(y0, y1, 7) for x in range(x0, x1, 7))


def settle(display, box, timeout_s=240, calm_grabs=3):
    """Waits until the box shows something and then stops changing for `calm_grabs`
    consecutive grabs 1.5 s apart (the run and its image are done: a single calm interval
    can fall in the pause between the run finishing and the image refining, and a black box
    is a window not yet drawn, which is calm too)."""
    last = grab(display)
    start = time.time()
    calm = 0
    while time.time() - start < timeout_s:
        time.sleep(1.5)
        now = grab(display)
        calm = calm + 1 if changed(last, now, box) < 1e-4 and not blank(now, box) else 0
        if calm >= calm_grabs:
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


def log_lines(path):
    """The lines of a window's --log file as [kind, rest] (the time stamp dropped)."""
    with open(path) as f:
        return [l.split(" ", 2)[1:] for l in f.read().splitlines()]


def wait_for(path, what, timeout_s=120):
    """Waits until a line of the --log file satisfies `what`; fails with the log otherwise."""
    start = time.time()
    while time.time() - start < timeout_s:
        if any(what(l) for l in log_lines(path)):
            return
        time.sleep(0.2)
    sys.exit(f"FAIL: the log never showed what was awaited; it has:\n{open(path).read()}")


def focus(display):
    """Gives the window the keyboard, as a click on a desktop would (no window manager here)."""
    env = dict(os.environ, DISPLAY=display)
    ids = subprocess.run(["xdotool", "search", "--name", "excalibur"], capture_output=True,
                         text=True, env=env).stdout.split()
    if not ids:
        sys.exit("FAIL: no excalibur window")
    xdo(display, "windowfocus", "--sync", ids[-1])
