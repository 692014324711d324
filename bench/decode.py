"""Decoding photos: the median time per photo of ../shared/testdata/photos/ through
staging.decode (preprocessing, pyzbar, zxing-cpp), against one bare pyzbar call on the same image,
and how many photos each reads right (the text in N.txt). Budget: no more than twice the bare
call, while reading more of them. Skips (one row saying so) when the folder is absent outside CI."""
import io
import os
import statistics
import sys
import time
from pathlib import Path

from PIL import Image
from pyzbar import pyzbar

from staging.media import decode

from .table import budget, print_table, ratio

PHOTOS = Path(__file__).resolve().parent.parent.parent / "shared" / "testdata" / "photos"


def _norm(text):
    return text.replace("\r\n", "\n").strip()


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(quick=False):
    photos = sorted(PHOTOS.glob("*/*.png"))
    if not photos:
        if os.environ.get("CI", "").lower() == "true":
            raise SystemExit(f"{PHOTOS} is missing, and CI=true")
        return [{"bench": f"decode: skipped, no photos at {PHOTOS}"}]
    ours, bare, read_ours, read_bare = [], [], 0, 0
    for path in photos:
        want = _norm(path.with_suffix(".txt").read_text())
        data = path.read_bytes()
        t, found = _timed(lambda data=data: decode.decode(data))
        ours.append(t)
        read_ours += any(_norm(c.text) == want for c in found)
        # One bare pyzbar call on the same image, from the same bytes (opening it is part of both).
        t, symbols = _timed(lambda data=data: pyzbar.decode(Image.open(io.BytesIO(data))))
        bare.append(t)
        read_bare += any(_norm(s.data.decode("utf-8", "replace")) == want for s in symbols)
    m_ours, m_bare = statistics.median(ours) * 1000, statistics.median(bare) * 1000
    n = len(photos)
    return [
        {"bench": f"decode: median per photo, {n} photos", "p50_ms": round(m_ours, 1),
         **ratio(m_ours / m_bare, 2.0, "<=", f"one bare pyzbar call ({m_bare:.1f} ms)")},
        {"bench": f"decode: photos read right of {n} (bare pyzbar: {read_bare})",
         # "More": one more than bare pyzbar, unless it read every photo already.
         **budget(read_ours, min(n, read_bare + 1), ">=", "")},
    ]


if __name__ == "__main__":
    print_table(run(quick="--quick" in sys.argv))
