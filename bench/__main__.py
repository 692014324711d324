"""Run every benchmark suite in bench/ that has a `run(quick)` function; print one table and
write bench/results.json."""
import argparse
import importlib
import json
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="a subset that finishes within a minute")
    args = parser.parse_args()
    results = {}
    for info in pkgutil.iter_modules([str(HERE)]):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if hasattr(module, "run"):
            print(f"== {info.name}", flush=True)
            results[info.name] = module.run(quick=args.quick)
    (HERE / "results.json").write_text(json.dumps(results, indent=2, default=str))
    print(f"wrote {HERE / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
