"""One table for every benchmark, with budgets printed as PASS/FAIL next to their figures."""

COLUMNS = ("bench", "clients", "per_second", "p50_ms", "p95_ms", "p99_ms", "errors", "throughput_ratio",
           "p99_ratio", "value", "budget", "pass")


def budget(value, limit, op, unit=""):
    ok = value is not None and (value <= limit if op == "<=" else value >= limit)
    return {"value": f"{value} {unit}".strip(), "budget": f"{op} {limit} {unit}".strip(),
            "pass": "PASS" if ok else "FAIL"}


def print_table(rows):
    columns = [c for c in COLUMNS if any(c in row for row in rows)]
    extra = sorted({k for row in rows for k in row} - set(COLUMNS) - {"mode", "ok", "rss_mb"})
    columns += extra
    cells = [[str(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) if cells else len(c) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)))
