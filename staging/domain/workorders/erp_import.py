"""Work orders from an ERP export (CSV): a preview that writes nothing, then all or none."""
import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from ...store.db import write_transaction
from ...store.models import WorkOrder
from ..errors import Invalid
from ..permissions import authorize
from ..quantities import fmt_qty
from ..words import Words
from .drafts import _text, _write, parse_draft

COLUMNS = ("work_order", "product", "product_rev", "quantity", "machine", "output_station", "status",
           "due", "part", "part_rev", "part_qty", "uom")
REQUIRED_COLUMNS = ("work_order", "product", "quantity", "machine", "part", "part_qty")
HEADER_FIELDS = ("product", "product_rev", "quantity", "machine", "output_station", "status", "due")
# The usual names ERP exports give these columns (lower case, spaces as _): read as ours.
ALIASES = {"order": "work_order", "order_no": "work_order", "wo": "work_order", "work_order_no": "work_order",
           "production_order": "work_order", "item": "product", "product_no": "product",
           "product_revision": "product_rev", "qty": "quantity", "order_qty": "quantity",
           "work_center": "machine", "workcenter": "machine", "machines": "machine", "due_date": "due",
           "component": "part", "material": "part", "component_rev": "part_rev", "material_rev": "part_rev",
           "component_qty": "part_qty", "material_qty": "part_qty", "unit": "uom"}
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class Row:
    number: int  # line in the file
    values: dict
    errors: list = field(default_factory=list)
    action: str = ""


@dataclass
class Preview:
    text: str = ""
    rows: list = field(default_factory=list)
    problem: object = ""  # the whole file is unusable: Words (say() it), or "" when it is usable
    drafts: dict = field(default_factory=dict)
    existing: dict = field(default_factory=dict)  # number -> the work order the import updates

    @property
    def new_parts(self):
        """Parts the file names that do not exist: created only when the user confirms."""
        found = set()
        for d in self.drafts.values():
            if not d.product_part:
                found.add((d.product, d.product_rev))
            found.update((ld.number, ld.revision) for ld in d.lines if not ld.part)
        return sorted(f"{n} rev {r}" if r else n for n, r in found)

    @property
    def bad_rows(self):
        return [r for r in self.rows if r.errors]

    @property
    def ok(self):
        return not self.problem and bool(self.rows) and not self.bad_rows


def _decode(data):
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if len(data) > MAX_BYTES:
        raise Invalid("The file is larger than 2 MB: export fewer work orders at a time.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("The file is not UTF-8 text: export it from the ERP as CSV (UTF-8).") from None


def preview(data, zone):
    """Read an ERP export (one row per material line; the work order's own columns repeated) and
    say per row what would be created, or what is wrong with it. Writes nothing."""
    p = Preview()
    try:
        p.text = _decode(data)
    except Invalid as err:
        p.problem = err.words
        return p
    if "\x00" in p.text:
        p.problem = Words("The file contains binary data: it is not a CSV export.")
        return p
    reader = csv.reader(io.StringIO(p.text), _dialect(p.text[:4096]))
    try:
        p.problem = _read_rows(reader, p.rows)
    except csv.Error as err:
        p.problem = Words("Line {line} is not valid CSV: {error}.", line=reader.line_num, error=str(err))
    if not p.problem:
        _check_rows(p, zone)
    return p


def _dialect(sample):
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _read_rows(reader, rows):
    """Add the rows under the header to rows, their cells by column name. Returns what makes the
    whole file unusable, or ""."""
    header = next(reader, None)
    if not header:
        return Words("The file is empty.")
    names = [h.strip().lower().replace(" ", "_").replace(".", "").replace("-", "_") for h in header]
    names = [ALIASES.get(n, n) for n in names]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        return Words("Missing column(s): {missing}. The first row must name the columns: {columns}.",
                     missing=", ".join(missing), columns=", ".join(COLUMNS))
    for raw in reader:
        if not any(cell.strip() for cell in raw):
            continue
        if len(rows) >= MAX_ROWS:
            return Words("More than {rows} rows: import the file in parts.", rows=MAX_ROWS)
        rows.append(_row(reader.line_num, names, raw))
    return ""


def _row(number, names, raw):
    values = {name: cell for name, cell in zip(names, raw) if name in COLUMNS}
    row = Row(number, values)
    if len(raw) > len(names):
        row.errors.append(Words("{cells} cells, but the header names {columns} columns.", cells=len(raw),
                                columns=len(names)))
    if any(len(cell) > 200 for cell in raw):
        row.errors.append(Words("A cell is longer than 200 characters."))
    return row


def _check_rows(p, zone):
    """Check each work order's rows as one draft; a good one goes to p.drafts, its rows say what
    importing would create."""
    for number, rows in _by_work_order(p.rows).items():
        _check_same_order(rows)
        existing = WorkOrder.get_or_none(WorkOrder.number == number)
        if existing is not None and existing.status == "closed":
            rows[0].errors.append(Words("Work order {order} is closed: an import does not change it.", order=number))
        draft = _check_draft(number, rows, zone, existing)
        if any(r.errors for r in rows):
            continue
        p.drafts[number] = draft
        if existing is not None:
            p.existing[number] = existing
        _describe(number, draft, rows, existing)


def _by_work_order(rows):
    groups = defaultdict(list)
    for row in rows:
        number = _text(row.values.get("work_order")).upper()
        if not number:
            row.errors.append(Words("Work order number is missing."))
            continue
        groups[number].append(row)
    return groups


def _check_same_order(rows):
    """The work order's own columns, repeated on every row, must not differ from its first row."""
    first = rows[0]
    for row in rows[1:]:
        for name in HEADER_FIELDS:
            if _text(row.values.get(name)) != _text(first.values.get(name)):
                row.errors.append(Words("{column} differs from line {line} of the same work order.", column=name,
                                        line=first.number))


def _check_draft(number, rows, zone, existing=None):
    """The draft of one work order from its rows; each error goes to the row it is about (the
    order's own fields: its first row)."""
    first = rows[0]
    fields = {"number": number, **{k: first.values.get(k) for k in HEADER_FIELDS}}
    fields["machines"] = first.values.get("machine")
    lines = [{"part": r.values.get("part"), "revision": r.values.get("part_rev"),
              "quantity": r.values.get("part_qty"), "uom": r.values.get("uom")} for r in rows]
    draft, errors = parse_draft(fields, lines, zone, existing)
    for key, message in errors.items():
        if key.startswith("line"):
            rows[int(key[4:])].errors.append(message)
        elif key == "lines":
            first.errors.append(Words("Material part number and quantity are missing."))
        else:
            first.errors.append(message)
    for row in rows:
        if not _text(row.values.get("part")) and not row.errors:
            row.errors.append(Words("Material part number is missing."))
    return draft


def _describe(number, draft, rows, existing=None):
    """What importing does: the order on its first row, each material line on its own row."""
    new = "" if draft.product_part else " (new part)"
    where = " + ".join(m.code for m in draft.machines)
    rows[0].action = (f"{'Update' if existing else 'New'} work order {number}: "
                      f"{draft.product} rev {draft.product_rev or '—'}{new} "
                      f"× {fmt_qty(draft.quantity)} on {where}"
                      f"{' → ' + draft.output.code if draft.output else ''}, {draft.status}. ")
    for row, ld in zip(rows, draft.lines):
        row.action += (f"Needs {fmt_qty(ld.quantity)} {ld.uom} of {ld.number} rev {ld.revision or '—'}"
                       f"{'' if ld.part else ' (new part)'}.")


def import_csv(user, data, zone, create_parts=False):
    """Create or update every work order in the file, in one transaction, or none of them. Parts
    it names that do not exist are created only with create_parts (a typo is not a new part)."""
    authorize(user, "work_orders")
    with write_transaction():
        p = preview(data, zone)
        if not p.ok:
            if p.problem:
                raise Invalid(p.problem)  # Words: the file's own problem, said in the reader's language
            raise Invalid("{count} row(s) are wrong: nothing was imported.", count=len(p.bad_rows))
        if p.new_parts and not create_parts:
            raise Invalid("The file names {count} part(s) that do not exist ({parts}): confirm creating them, "
                          "or correct the file. Nothing was imported.", count=len(p.new_parts),
                          parts=", ".join(p.new_parts[:5]) + ("…" if len(p.new_parts) > 5 else ""))
        return [_write(draft, p.existing.get(number)) for number, draft in p.drafts.items()]
