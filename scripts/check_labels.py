#!/usr/bin/env python3
"""Fails unless each scene label of a visualizer screenshot appears exactly once on screen.

The window writes SHOT.png.labels.json next to the screenshot: the 3-D view's rectangle and
each label's text and rectangle in the captured frame. For each label of three or more
characters, its bright text pixels are searched for over the whole 3-D view (FFT correlation):
a stale copy left by an earlier frame (a label at its old place after a zoom or an edit) is a
second place where the same text pixels are lit with little else around them.

usage: check_labels.py SHOT.png            (exit 1 and name the label on a duplicate)
       check_labels.py --self-test SHOT.png (plants a copy of a label; must be caught)
"""
import json
import sys

import numpy as np

from check_screenshot import decode_png

BRIGHT = 150  # label text is drawn at ~230 grey; the scene behind it is mostly dark
MATCH = 0.85  # fraction of the label's lit pixels lit at a candidate place
CLUTTER = 1.35  # at most this many lit pixels in the window per lit pixel of the label


def bright_image(path):
    width, height, channels, rows = decode_png(path)
    a = np.frombuffer(b"".join(bytes(r) for r in rows), dtype=np.uint8)
    a = a.reshape(height, width, channels)[:, :, :3].astype(float).mean(axis=2)
    return a > BRIGHT


def occurrences(lit, view, rect):
    """Places in `view` where the label's lit pixels (at `rect`) are all lit again."""
    x0, y0, x1, y1 = [int(round(v)) for v in rect]
    mask = lit[y0:y1, x0:x1].astype(float)
    n = mask.sum()
    vx0, vy0, vx1, vy1 = [int(round(v)) for v in view]
    region = lit[vy0:vy1, vx0:vx1].astype(float)
    h, w = region.shape
    mh, mw = mask.shape
    fr = np.fft.rfft2(region, s=(h + mh, w + mw))
    fm = np.fft.rfft2(mask[::-1, ::-1], s=(h + mh, w + mw))
    corr = np.fft.irfft2(fr * fm, s=(h + mh, w + mw))[mh - 1:h, mw - 1:w]
    # Lit pixels in each window (an integral image), to reject bright blobs.
    ii = np.pad(region.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    windows = ii[mh:, mw:] - ii[:-mh, mw:] - ii[mh:, :-mw] + ii[:-mh, :-mw]
    hits = np.argwhere((corr >= MATCH * n - 0.5) & (windows <= CLUTTER * n))
    places = []
    for y, x in hits:
        if all(abs(y - py) > 3 or abs(x - px) > 3 for py, px in places):
            places.append((y, x))
    return n, [(x + vx0, y + vy0) for y, x in places]


def check(png, lit, labels):
    bad = []
    checked = 0
    for label in labels["labels"]:
        if len(label["text"].strip()) < 3:
            continue  # one letter ("x") also occurs inside other labels
        n, places = occurrences(lit, labels["view_rect"], label["rect"])
        if n < 10:
            continue
        checked += 1
        if len(places) != 1:
            bad.append(f"'{label['text']}' appears {len(places)} times, at {places}")
    if checked == 0:
        sys.exit(f"{png}: no scene label to check")
    return checked, bad


def main():
    self_test = sys.argv[1] == "--self-test"
    png = sys.argv[-1]
    labels = json.load(open(png + ".labels.json"))
    lit = bright_image(png)
    if self_test:
        # A stale copy of the longest label, 60 px below itself (inside the view).
        label = max(labels["labels"], key=lambda l: len(l["text"]))
        x0, y0, x1, y1 = [int(round(v)) for v in label["rect"]]
        dy = 60 if y1 + 60 < labels["view_rect"][3] else -60
        lit[y0 + dy:y1 + dy, x0:x1] = lit[y0:y1, x0:x1]
    checked, bad = check(png, lit, labels)
    if self_test:
        if not bad:
            sys.exit(f"{png}: self-test FAILED: a planted duplicate label was not found")
        print(f"{png}: self-test ok, the planted duplicate was caught ({bad[0]})")
        return
    if bad:
        sys.exit(f"{png}: stale or duplicated labels: " + "; ".join(bad))
    print(f"{png}: each of {checked} scene labels appears once")


if __name__ == "__main__":
    main()
