"""Imports of master data and opening stock from CSV or XLSX: one row, one call of the same
function the pages use. A preview runs the whole import and rolls it back, so it finds exactly
the problems the import would (a row naming a parent further up the file included); nothing is
written unless every row is good, or the person accepts the good rows only."""
import csv
import datetime
import io
from dataclasses import dataclass, field

from ...store.db import write_transaction
from .. import sheets
from ..errors import DomainError, Invalid
from ..words import Words
from . import locations, parts, people, stock

# kind: (required columns, optional columns, function(user, values, go_live) -> (row, action))
KINDS = {
    "locations": (("code", "name", "kind", "parent", "capacity"), ("active", "sort_order", "holds_units"),
                  lambda user, values, _: locations.save(user, values)),
    "parts": (("number", "revision", "description", "uom", "gtin"), ("pack_qty", "shelf_life_days", "active",
                                                                    "supersedes"),
              lambda user, values, _: parts.save(user, values)),
    "users": (("username", "display_name", "role", "badge"), ("language", "active"),
              lambda user, values, _: people.save(user, values)),
    "stock": (("lpn", "part", "revision", "quantity", "lot", "location"), ("received", "expiry"), stock.book),
}
EXAMPLES = {
    "locations": [["WH", "Warehouse", "storage", "", "", "", "", "no"],
                  ["A-01-1", "Rack A bay 1 level 1", "storage", "WH", "2", "yes", "A-01-1", "yes"]],
    "parts": [["RES-PP-100", "B", "Polypropylene resin", "kg", "09501101530003", "1000", "365", "yes", ""]],
    "users": [["olga", "Olga Operator", "operator", "B-1001", "en", "yes"]],
    "stock": [["", "RES-PP-100", "B", "1000", "L2401", "A-01-1", "2025-01-15", ""]],
}
MAX_BYTES = 32 * 1024 * 1024
MAX_ROWS = 100_000


@dataclass
class Row:
    number: int  # the line in the file (the header is line 1), as a spreadsheet shows it
    values: dict
    action: str = ""  # created, updated, unchanged (will be, in a preview)
    error: object = ""  # why the row is refused: Words (the web says them with say()), or ""
    code: str = ""


@dataclass
class Report:
    kind: str
    rows: list = field(default_factory=list)
    problem: object = ""  # the file itself is wrong, as Words (say() them): nothing imported
    written: bool = False

    @property
    def bad(self):
        return [r for r in self.rows if r.error]

    @property
    def good(self):
        return [r for r in self.rows if not r.error]

    @property
    def ok(self):
        return not self.problem and not self.bad and bool(self.rows)

    def count(self, action):
        return sum(1 for r in self.rows if r.action == action and not r.error)


class _Rollback(Exception):
    pass


def template(kind):
    """The CSV template of a kind: its columns and an example row or two."""
    required, optional, _ = KINDS[kind]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(required + optional)
    writer.writerows(EXAMPLES[kind])
    return out.getvalue()


def run(user, kind, data, filename="", *, dry_run=False, accept_good=False, go_live=None):
    """Import `data` (the bytes of a CSV or XLSX file) as `kind`; returns a Report. Written only
    when not a dry run and every row is good (or accept_good: the good rows)."""
    report = Report(kind)
    if kind not in KINDS:
        report.problem = Words("Import what? One of: {kinds}.", kinds=", ".join(KINDS))
        return report
    try:
        report.rows = _read(kind, data, filename)
    except Invalid as err:
        report.problem = err.words
        return report
    _find_duplicates(kind, report.rows)
    try:
        with write_transaction():
            _apply(user, kind, report.rows, go_live)
            if dry_run or not report.rows or (report.bad and not accept_good):
                raise _Rollback
            report.written = True
    except _Rollback:
        pass
    return report


def _apply(user, kind, rows, go_live):
    if kind == "stock":  # tens of thousands of pallets: booked a chunk at a time
        stock.book_rows(user, rows, go_live)
        return
    save = KINDS[kind][2]
    for row in _ordered(kind, rows):
        if row.error:
            continue
        try:
            found, row.action = save(user, row.values, go_live)
        except DomainError as err:
            row.error = err.words
        else:
            row.code = getattr(found, "code", None) or getattr(found, "lpn", None) or str(found)


def _ordered(kind, rows):
    """Locations parents first, whatever order the file has them in; other kinds as they are."""
    if kind != "locations":
        return rows
    by_code = {r.values.get("code", "").strip().upper(): r for r in rows}
    done, order = set(), []

    def visit(row, path=()):
        code = row.values.get("code", "").strip().upper()
        if code in done or code in path:
            return
        parent = by_code.get((row.values.get("parent") or "").strip().upper())
        if parent is not None:
            visit(parent, path + (code,))
        done.add(code)
        order.append(row)

    for row in rows:
        visit(row)
    return order


def _find_duplicates(kind, rows):
    key = {"locations": ("code",), "parts": ("number", "revision"), "users": ("username",), "stock": ("lpn",)}[kind]
    seen = {}
    for row in rows:
        value = tuple(str(row.values.get(k) or "").strip().upper() for k in key)
        if not any(value):
            continue
        if value in seen:
            row.error = Words("{key} is also on line {line}.", key=" ".join(v for v in value if v), line=seen[value])
        else:
            seen[value] = row.number
    if kind == "locations":  # a location others name as parent is an area, unless the file says
        parents = {str(r.values.get("parent") or "").strip().upper() for r in rows}
        for row in rows:
            if not str(row.values.get("holds_units") or "").strip() and row.values.get("code", "").upper() in parents:
                row.values["holds_units"] = "no"


# --- reading files ----------------------------------------------------------------------------------

def _read(kind, data, filename):
    if isinstance(data, str):
        data = data.encode()
    if not data:
        raise Invalid("The file is empty.")
    if len(data) > MAX_BYTES:
        raise Invalid("The file is larger than {megabytes} MB: split it.", megabytes=MAX_BYTES // 1024 // 1024)
    table = _xlsx(data) if data[:2] == b"PK" or str(filename).lower().endswith(".xlsx") else _csv(data)
    header = [_column(h) for h in (next(table, None) or [])]
    required, optional, _ = KINDS[kind]
    missing = [c for c in required if c not in header]
    if missing:
        raise Invalid("The first line must name the columns; missing: {missing} "
                      "(needed: {needed}; optional: {optional}).",
                      missing=", ".join(missing), needed=", ".join(required), optional=", ".join(optional))
    unknown = [h for h in header if h and h not in required + optional]
    if unknown:
        columns = ", ".join(required + optional)
        if len(unknown) > 1:
            raise Invalid("Unknown columns: {unknown} (the columns are {columns}).", unknown=", ".join(unknown),
                          columns=columns)
        raise Invalid("Unknown column: {unknown} (the columns are {columns}).", unknown=unknown[0], columns=columns)
    rows = []
    for number, cells in enumerate(table, start=2):
        if number - 1 > MAX_ROWS:  # empty lines count: a file of nothing but them is refused at once
            raise sheets.too_many_rows(MAX_ROWS)
        values = {h: _cell(c) for h, c in zip(header, cells) if h}
        if any(str(v).strip() for v in values.values()):
            rows.append(Row(number, values))
    return rows


def _column(name):
    return "_".join(str(name or "").strip().lower().split())


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    return str(value).strip()


def _csv(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    if "\x00" in text:
        raise Invalid("This is not a CSV file (save the sheet as CSV UTF-8 or XLSX).")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    return iter(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx(data):
    return sheets.xlsx_rows(data, MAX_ROWS)
