"""Imports of master data and opening stock from CSV or XLSX: one row, one call of the same
function the pages use. A preview runs the whole import and rolls it back, so it finds exactly
the problems the import would (a row naming a parent further up the file included); nothing is
written unless every row is good, or the person accepts the good rows only."""
import csv
import datetime
import io
from dataclasses import dataclass, field

from ...store.db import write_transaction
from .. import readings, sheets
from ..errors import DomainError, Invalid
from ..words import Words
from . import locations, parts, people, stock

# kind: (required columns, optional columns, function(user, values, go_live) -> (row, action))
KINDS = {
    "locations": (("code", "name", "kind", "parent", "capacity"), ("active", "sort_order", "holds_units"),
                  lambda user, values, _: locations.save(user, values)),
    "parts": (("number", "revision", "description", "uom", "gtin"), ("pack_qty", "shelf_life_days", "active",
                                                                    "supersedes", "unit_value"),
              lambda user, values, _: parts.save(user, values)),
    "users": (("username", "display_name", "role", "badge"), ("language", "active"),
              lambda user, values, _: people.save(user, values)),
    "stock": (("lpn", "part", "revision", "quantity", "lot", "location"), ("received", "expiry"), stock.book),
}
EXAMPLES = {
    "locations": [["WH", "Warehouse", "storage", "", "", "", "", "no"],
                  ["A-01-1", "Rack A bay 1 level 1", "storage", "WH", "2", "yes", "A-01-1", "yes"]],
    "parts": [["RES-PP-100", "B", "Polypropylene resin", "kg", "09501101530003", "1000", "365", "yes", "",
               "1.85"]],
    "users": [["olga", "Olga Operator", "operator", "B-1001", "en", "yes"]],
    "stock": [["", "RES-PP-100", "B", "1000", "L2401", "A-01-1", "2025-01-15", ""]],
}
# Read as the file writes them (a decimal comma, a thousands mark), never as a bare Python number.
NUMBERS = {"locations": ("capacity",), "parts": ("pack_qty", "unit_value"), "stock": ("quantity",)}
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
    unknown: list = field(default_factory=list)  # columns that refused the file, as it names them
    ignored: list = field(default_factory=list)  # columns left out, as the person chose

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


def run(user, kind, data, filename="", *, dry_run=False, accept_good=False, go_live=None, again=False,
        locale=None, ignore_unknown=False):
    """Import `data` (the bytes of a CSV or XLSX file) as `kind`; returns a Report. Written only
    when not a dry run and every row is good (or accept_good: the good rows). Stock rows an import
    of this file booked before are reported as already imported and not booked again, unless `again`.
    locale: the importing person's (or the plant's), for numbers the file itself leaves open.
    Columns the app does not know refuse the file, unless `ignore_unknown` (then they are in
    report.ignored)."""
    report = Report(kind)
    if kind not in KINDS:
        report.problem = Words("Import what? One of: {kinds}.", kinds=", ".join(KINDS))
        return report
    try:
        report.rows = _read(kind, data, filename, report.ignored if ignore_unknown else None)
    except Invalid as err:
        report.problem, report.unknown = err.words, getattr(err, "columns", [])
        return report
    _find_duplicates(kind, report.rows)
    _read_numbers(kind, report.rows, locale)
    try:
        with write_transaction():
            _apply(user, kind, report.rows, go_live, filename, again)
            if dry_run or not report.rows or (report.bad and not accept_good):
                raise _Rollback
            report.written = True
    except _Rollback:
        pass
    return report


def _read_numbers(kind, rows, locale):
    """The file's numbers in its one format (readings.py); a cell that contradicts it refuses its row."""
    refused = readings.read_file_numbers([r for r in rows if not r.error], NUMBERS.get(kind, ()), locale)
    for row in rows:
        if row.number in refused:
            row.error = refused[row.number]


def _apply(user, kind, rows, go_live, filename="", again=False):
    if kind == "stock":  # tens of thousands of pallets: booked a chunk at a time
        stock.book_rows(user, rows, go_live, filename, again)
        return
    save = KINDS[kind][2]
    refused = {}  # locations refused in this file, by code (their children are refused with them)
    for row in _ordered(kind, rows):
        if row.error or kind == "locations" and _parent_refused(row, refused):
            continue
        try:
            found, row.action = save(user, row.values, go_live)
        except DomainError as err:
            row.error = err.words
            refused.setdefault(_code(row), row)
        else:
            row.code = _name_of(found)


def _code(row):
    return str(row.values.get("code") or "").strip().upper()


def _name_of(found):
    """What a preview calls a row's record: a location's code, a part's number and revision, a
    person's user name."""
    for attribute in ("code", "lpn", "label", "username"):
        if getattr(found, attribute, None):
            return getattr(found, attribute)
    return str(found)


def _parent_refused(row, refused):
    """A location whose parent's row in the same file is refused (`refused`: code -> row) is refused
    for that reason, not told to add a parent the file already has."""
    parent = str(row.values.get("parent") or "").strip().upper()
    if parent and parent in refused:
        row.error = Words("Its parent {parent} is refused on line {line}: correct that row, then this one goes in "
                          "with it.", parent=parent, line=refused[parent].number)
        refused.setdefault(_code(row), row)
        return True
    return False


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

def _unknown_columns(unknown, columns):
    """The refusal of a file with columns the app does not know, naming them as the file writes
    them; `columns` on it lets the page offer to import without them."""
    if len(unknown) > 1:
        refusal = Invalid("Unknown columns: {unknown} (the columns are {columns}).", unknown=", ".join(unknown),
                          columns=columns)
    else:
        refusal = Invalid("Unknown column: {unknown} (the columns are {columns}).", unknown=unknown[0],
                          columns=columns)
    refusal.columns = unknown
    return refusal


def _read(kind, data, filename, ignore=None):
    """The file's rows; `ignore`: a list that collects the columns the app does not know, which are
    then left out (None: such columns refuse the file)."""
    if isinstance(data, str):
        data = data.encode()
    if not data:
        raise Invalid("The file is empty.")
    if len(data) > MAX_BYTES:
        raise Invalid("The file is larger than {megabytes} MB: split it.", megabytes=MAX_BYTES // 1024 // 1024)
    table = _xlsx(data) if data[:2] == b"PK" or str(filename).lower().endswith(".xlsx") else _csv(data)
    written = [str(h if h is not None else "").strip() for h in (next(table, None) or [])]
    header = [_column(h) for h in written]
    required, optional, _ = KINDS[kind]
    missing = [c for c in required if c not in header]
    if missing:
        raise Invalid("The first line must name the columns; missing: {missing} "
                      "(needed: {needed}; optional: {optional}).",
                      missing=", ".join(missing), needed=", ".join(required), optional=", ".join(optional))
    unknown = [name for name, h in zip(written, header) if h and h not in required + optional]
    if unknown and ignore is None:
        raise _unknown_columns(unknown, ", ".join(required + optional))
    if unknown:  # the person chose to import without them
        ignore.extend(unknown)
        header = [h if h in required + optional else "" for h in header]
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
