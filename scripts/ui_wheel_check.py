#!/usr/bin/env python3
"""Real input against a real window: the mouse wheel turned over the left panel, the sky
panel, its image and its inset must leave the 3-D view unchanged (issue 20, point 1), while the
same wheel over the view must zoom it (the check proves on itself that it can fail).

Starts its own Xvfb display, opens `excalibur gui CONFIG`, drives it with xdotool and judges
it from xwd screenshots of the whole screen (no imaging library needed).

  scripts/ui_wheel_check.py BINARY CONFIG --view X0,Y0,X1,Y1 --wheel X,Y [--wheel X,Y ...]
      --zoom-at X,Y [--out DIR]
"""
import argparse, os, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


from xinput import changed, grab, save_png, settle, start_display, wheel


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
    display, xvfb = start_display()
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
                if a.out:
                    save_png(os.path.join(a.out, f"before_{at[0]}_{at[1]}.png"), before)
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
