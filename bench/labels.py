"""Labels per second for batches of 500 unit labels: ZPL, SVG, PDF (and PNG at 203 dpi).

Measures rendering only (layout, barcode encoding, output), the part a batch job spends its time
on; no database. `python -m bench.labels` prints a table; `python -m bench` collects it."""
import sys
import time

from staging import labels as L

BATCH = 500


def batch(n=BATCH, sscc=True):
    out = []
    for i in range(1, n + 1):
        serial = f"0123456789{i:07d}"
        code = serial + L.sscc_check_digit(serial)
        out.append(L.Label("unit", f"P{i:06d}", {
            "lpn": f"P{i:06d}", "part": "RES-PP-100", "revision": "B",
            "description": "Polypropylene resin, natural, 25 kg bags on a euro pallet",
            "qty": "1000", "uom": "kg", "lot": f"L-2026-{i:05d}", "work_order": "WO-10042",
            "staged_for": "M1 Press 1", "date": "2026-11-25", "received": "2026-11-24", "plant": "Bench plant",
            "sscc": code if sscc else "", "sscc_ai": f"00{code}" if sscc else "",
            "sscc_hri": f"(00) {code}" if sscc else "", "reprint": ""}))
    return out


def _time(fn):
    start = time.perf_counter()
    size = fn()
    return time.perf_counter() - start, size


def run(quick=False):
    n = 100 if quick else BATCH
    labels = batch(n)
    cases = {
        "zpl 4x6 203dpi": lambda: len(L.zpl(labels, "4x6", 203)),
        "svg 4x6": lambda: sum(len(L.svg(lb, "4x6")) for lb in labels),
        "pdf 4x6": lambda: len(L.pdf(labels, "4x6")),
        "pdf 4x2 on A4": lambda: len(L.pdf(labels, "4x2", sheet="a4")),
        "png 4x6 203dpi": lambda: sum(len(L.png(lb, "4x6", 203)) for lb in labels[: max(1, n // 5)]),
    }
    results = {}
    print(f"{'output':<18}{'labels':>8}{'seconds':>10}{'labels/s':>11}{'bytes/label':>13}")
    for name, fn in cases.items():
        count = max(1, n // 5) if name.startswith("png") else n
        seconds, size = _time(fn)
        results[name] = {"labels": count, "seconds": round(seconds, 3), "labels_per_second": round(count / seconds, 1),
                         "bytes_per_label": size // count}
        print(f"{name:<18}{count:>8}{seconds:>10.2f}{count / seconds:>11.1f}{size // count:>13}", flush=True)
    return results


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
