#!/usr/bin/env python3
"""Fails unless a visualizer screenshot is a real picture: the expected size, not blank, the
egui panel on the left (dark panel fill with light text), and a 3-D view with coloured content.

Standard library only (PNG decoded with zlib), so CI needs no imaging package.
usage: check_screenshot.py SHOT.png [WIDTH HEIGHT]
"""
import struct
import sys
import zlib


def decode_png(path):
    """(width, height, channels, rows of bytes) of an 8-bit RGB(A) PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG file")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                sys.exit(f"{path}: unsupported PNG (depth {depth}, colour type {colour})")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows


def read_png(path):
    width, height, channels, rows = decode_png(path)
    pixel = lambda x, y: tuple(rows[y][x * channels:x * channels + 3])
    return width, height, pixel


def main():
    path = sys.argv[1]
    want = tuple(int(v) for v in sys.argv[2:4]) if len(sys.argv) >= 4 else (1280, 800)
    w, h, px = read_png(path)
    if (w, h) != want:
        sys.exit(f"{path}: {w}x{h}, expected {want[0]}x{want[1]}")
    step = 4
    everything = {px(x, y) for x in range(0, w, step) for y in range(0, h, step)}
    if len(everything) < 50:
        sys.exit(f"{path}: looks blank ({len(everything)} distinct colours)")
    # The panel: its left 200 px are mostly one dark grey fill, with light text on it.
    panel = [px(x, y) for x in range(0, 200, 2) for y in range(0, h - 60, 4)]
    dark = sum(1 for p in panel if max(p) < 70 and max(p) - min(p) < 12)
    light = sum(1 for p in panel if min(p) > 150)
    if dark < 0.5 * len(panel) or light < 40:
        sys.exit(f"{path}: no panel on the left (dark {dark}/{len(panel)}, light text {light})")
    # The 3-D view: coloured (saturated) pixels from rays, lens, slice.
    view = [px(x, y) for x in range(w // 3, w, step) for y in range(0, h - 60, step)]
    coloured = sum(1 for p in view if max(p) - min(p) > 60)
    if coloured < 200:
        sys.exit(f"{path}: the 3-D view has almost nothing coloured ({coloured} px)")
    print(f"{path}: ok ({w}x{h}, {len(everything)} colours, panel dark {dark}/{len(panel)}, "
          f"text {light}, coloured view px {coloured})")


if __name__ == "__main__":
    main()
