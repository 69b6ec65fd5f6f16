#!/usr/bin/python3
"""qr_decode.py - reads back a QR code drawn by lib/qr.c as it reached a
person: text (a PAM conversation's log, a terminal's screen) holding lines
of Unicode half blocks, with or without lib/qr.c's colours.

    qr_decode.py [--terminal dark|light] [--pbm OUT] FILE|-

Turns the half blocks back into what a person sees on a terminal with a
dark (default) or a light background: a glyph is drawn in the foreground
colour (white where lib/qr.c's colours are on, else the terminal's), the
rest in the background colour.  Checks the quiet zone (light modules
around the code, 4 wanted) and the width (80 columns at most), writes a
PBM image, 8 pixels a module, and has zbarimg (zbar-tools) decode it,
inverted codes too (-Stest-inverted).  Prints "width N", "quiet N",
"inverted 0|1" and "decoded TEXT"; exit 1 when there is no code or it
does not decode, 2 on bad usage, 77 when zbarimg is missing.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

COLOR_ON = "\033[37;40m\033[97m"
COLOR_OFF = "\033[0m"
# (top, bottom) drawn in the foreground colour
CELLS = {" ": (0, 0), "\u2584": (0, 1), "\u2580": (1, 0), "\u2588": (1, 1)}
FULL = "\u2588"
SCALE = 8


def code_line(line):
    """(cells, colored) of a line of the code, or None."""
    i = line.find(COLOR_ON)
    if i >= 0:
        j = line.find(COLOR_OFF, i)
        if j < 0:
            raise ValueError("a QR line without its closing colour reset")
        return line[i + len(COLOR_ON):j], True
    # Plain: the quiet zone starts every line with light modules, which
    # are full blocks; whatever stands before (a prompt) is not the code.
    i = line.find(FULL * 4)
    if i < 0:
        return None
    cells = line[i:].rstrip("\n")
    if len(cells) < 29 or any(c not in CELLS for c in cells):
        return None
    return cells, False


def rows_of(text, terminal):
    """Rows of pixels (1 light) of the first code in text, or None."""
    rows = []
    for line in text.splitlines():
        got = code_line(line)
        if got is None:
            if rows:
                break               # the code ended
            continue
        cells, colored = got
        fg_light = True if colored else terminal == "dark"
        pairs = [CELLS[c] for c in cells]
        for half in (0, 1):
            rows.append([int(fg_light) if p[half] else int(not fg_light)
                         for p in pairs])
    if not rows:
        return None
    if len({len(r) for r in rows}) != 1:
        raise ValueError("QR lines of different widths")
    return rows


def quiet_zone(rows):
    """The smallest margin of the quiet zone's colour around the code."""
    zone = rows[0][0]
    marks = [(y, x) for y, r in enumerate(rows) for x, v in enumerate(r)
             if v != zone]
    if not marks:
        return 0
    ys = [y for y, _ in marks]
    xs = [x for _, x in marks]
    h, w = len(rows), len(rows[0])
    return min(min(ys), min(xs), w - 1 - max(xs), h - 1 - max(ys))


def write_pbm(rows, path):
    """PBM: 1 is black."""
    h, w = len(rows), len(rows[0])
    with open(path, "w", encoding="ascii") as f:
        f.write("P1\n%d %d\n" % (w * SCALE, h * SCALE))
        for r in rows:
            line = " ".join(str(1 - v) for v in r for _ in range(SCALE))
            for _ in range(SCALE):
                f.write(line + "\n")


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--terminal", choices=("dark", "light"), default="dark")
    p.add_argument("--pbm")
    p.add_argument("file")
    a = p.parse_args(argv)
    data = sys.stdin.buffer.read() if a.file == "-" else \
        open(a.file, "rb").read()
    text = data.decode("utf-8", errors="replace").replace("\r", "")
    try:
        rows = rows_of(text, a.terminal)
    except ValueError as e:
        print("bad drawing: %s" % e)
        return 1
    if rows is None:
        print("no QR code in the text")
        return 1
    print("width %d" % len(rows[0]))
    print("quiet %d" % quiet_zone(rows))
    print("inverted %d" % (rows[0][0] == 0))
    zbar = shutil.which("zbarimg")
    if zbar is None:
        print("zbarimg is not installed (zbar-tools)")
        return 77
    with tempfile.TemporaryDirectory() as d:
        path = a.pbm or os.path.join(d, "qr.pbm")
        write_pbm(rows, path)
        r = subprocess.run([zbar, "--raw", "-q", "--nodbus", "-Sdisable",
                            "-Sqrcode.enable", "-Stest-inverted", path],
                           capture_output=True, text=True, timeout=60)
    if r.returncode != 0 or not r.stdout.strip():
        print("zbarimg decoded nothing (rc %d): %s" % (r.returncode,
                                                      r.stderr.strip()))
        return 1
    for line in r.stdout.strip().splitlines():
        print("decoded %s" % line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
