"""One table for every benchmark, with budgets printed as PASS/FAIL next to their figures.

A row is a dict: `bench` names it; figures go in the timing columns or in `value`; a row with a
budget has `budget` (what it must meet) and `pass` (PASS or FAIL)."""

COLUMNS = ("bench", "clients", "per_second", "p50_ms", "p95_ms", "p99_ms", "errors", "value", "budget", "pass")


def budget(value, limit, op, unit=""):
    ok = value is not None and (value <= limit if op == "<=" else value >= limit)
    return {"value": f"{value} {unit}".strip(), "budget": f"{op} {limit} {unit}".strip(),
            "pass": "PASS" if ok else "FAIL"}


def ratio(value, limit, op, what):
    """A budget on a ratio of two figures measured in the same run."""
    ok = value is not None and (value <= limit if op == "<=" else value >= limit)
    return {"value": f"{value:.2f}x {what}" if value is not None else "n/a", "budget": f"{op} {limit}x",
            "pass": "PASS" if ok else "FAIL"}


def print_table(rows):
    columns = [c for c in COLUMNS if any(c in row for row in rows)]
    cells = [[str(row.get(c, "")) if row.get(c) is not None else "" for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) if cells else len(c) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())
    failed = sum(1 for row in rows if row.get("pass") == "FAIL")
    passed = sum(1 for row in rows if row.get("pass") == "PASS")
    print(f"budgets: {passed} PASS, {failed} FAIL")


def suite_main(prog, run):
    """`python -m bench.NAME [--quick] [--postgres]` for a suite's run(quick, postgres)."""
    import argparse
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--quick", action="store_true", help="the smaller plant, fewer runs")
    parser.add_argument("--postgres", action="store_true", help="on the PostgreSQL test server")
    args = parser.parse_args()
    print_table(run(quick=args.quick, postgres=args.postgres))
    return 0
