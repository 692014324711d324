"""Run every benchmark suite in bench/ that has a `run(quick)` function returning rows; print one
table (budgets as PASS/FAIL next to their figures) and write bench/results.json.

    python -m bench [--quick] [--only scanmove,reads]"""
import argparse
import importlib
import json
import pkgutil
import platform
import sys
import time
import traceback
from pathlib import Path

from .table import print_table

HERE = Path(__file__).resolve().parent
FIRST = ("scanmove", "reads", "scan", "labels", "decode")  # the rest follow in name order


def suites():
    names = [info.name for info in pkgutil.iter_modules([str(HERE)]) if not info.name.startswith("_")]
    for name in sorted(names, key=lambda n: (FIRST.index(n) if n in FIRST else len(FIRST), n)):
        if "\ndef run(" not in (HERE / f"{name}.py").read_text():
            continue  # helpers (the ceiling app, the load process...): importing some has effects
        module = importlib.import_module(f"bench.{name}")
        if callable(getattr(module, "run", None)):
            yield name, module


def main():
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="a subset that finishes within a minute, SQLite only")
    parser.add_argument("--only", help="comma-separated suite names")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    started = time.perf_counter()
    rows, results = [], {}
    for name, module in suites():
        if only and name not in only:
            continue
        if args.quick and not getattr(module, "IN_QUICK", True) and not only:
            continue  # too slow for the 60 s of bench-quick (Chromium): `python -m bench.NAME --quick` alone
        print(f"== {name}", flush=True)
        t = time.perf_counter()
        try:
            got = module.run(quick=args.quick)
        except Exception:  # one broken suite must not hide the others' figures
            traceback.print_exc()
            got = [{"bench": f"{name}: crashed (see above)", "pass": "FAIL"}]
        results[name] = got
        rows += got
        print(f"   {name}: {time.perf_counter() - t:.1f} s", flush=True)
    print()
    print_table(rows)
    seconds = round(time.perf_counter() - started, 1)
    print(f"{'quick' if args.quick else 'full'} run: {seconds} s")
    (HERE / "results.json").write_text(json.dumps(
        {"quick": args.quick, "seconds": seconds, "machine": platform.platform(), "python": platform.python_version(),
         "failed": [r["bench"] for r in rows if r.get("pass") == "FAIL"], "suites": results}, indent=2, default=str))
    print(f"wrote {HERE / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
