"""Work orders from an ERP export (CSV): a preview that writes nothing, then all or none."""
import csv
import io
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from ...store.db import write_transaction
from ...store.models import WorkOrder
from .. import readings
from ..errors import Invalid
from ..people.permissions import authorize, can
from ..quantities import fmt_qty
from ..words import Words, joined
from . import erp_columns
from .drafts import _text, _write, parse_draft
from .erp_columns import COLUMNS, REQUIRED_COLUMNS

NUMBER_FIELDS = ("quantity", "part_qty")
HEADER_FIELDS = ("product", "product_rev", "quantity", "machine", "output_station", "status", "due")
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class Row:
    number: int  # line in the file
    values: dict
    errors: list = field(default_factory=list)
    action: object = ""  # what importing the row does: Words (say() it), "" for none


@dataclass
class Preview:
    text: str = ""
    rows: list = field(default_factory=list)
    problem: object = ""  # the whole file is unusable: Words (say() it), or "" when it is usable
    header: list = field(default_factory=list)  # the file's column names, as written
    mapping: dict = field(default_factory=dict)  # field -> the file's column read as it
    sample: dict = field(default_factory=dict)  # header -> its cell on the first row (the mapping step shows it)
    mapped_by: str = ""  # "": the standard names; "remembered": the plant's mapping; "chosen": just now
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

    def suggestion(self):
        """The first choice per field on the mapping step."""
        return erp_columns.guess(self.header, self.mapping or erp_columns.remembered())

    @property
    def bad_rows(self):
        return [r for r in self.rows if r.errors]

    @property
    def mapping_needed(self):
        """The file's headers say too little: the planner chooses which column holds what."""
        return bool(self.header) and not erp_columns.complete(self.mapping)

    @property
    def ok(self):
        return not self.problem and bool(self.rows) and not self.bad_rows


def _decode(data):
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if len(data) > MAX_BYTES:
        raise Invalid("The file is larger than 2 MB: export fewer work orders at a time.")
    if data[:4] == b"PK\x03\x04":  # a workbook (XLSX is a zip)
        return erp_columns.xlsx_as_csv(data, MAX_ROWS)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("The file is not UTF-8 text: export it from the ERP as CSV (UTF-8).") from None


def preview(data, zone, mapping=None, locale=None):
    """Read an ERP export (one row per material line; the work order's own columns repeated) and
    say per row what would be created, or what is wrong with it. Writes nothing.

    mapping ({field: header}) says which column holds what; without it, the plant's remembered
    mapping when it fits the file, else the standard names. When those leave a required field
    out, the preview has no rows and mapping_needed: the planner maps the columns. locale: the
    importing person's (or the plant's), for numbers the file itself leaves open (readings.py)."""
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
        p.problem = _read_rows(reader, p, mapping)
    except csv.Error as err:
        p.problem = Words("Line {line} is not valid CSV: {error}.", line=reader.line_num, error=str(err))
    if not p.problem:
        _read_numbers(p.rows, locale)
        _check_rows(p, zone)
    return p


def _read_numbers(rows, locale):
    """The file's quantities in its one number format (decided by a value that reads one way only, else
    the importing person's locale); a row whose number contradicts it, or reads two ways, says so."""
    by_line = {row.number: row for row in rows}
    for line, why in readings.read_file_numbers(rows, NUMBER_FIELDS, locale).items():
        by_line[line].errors.append(why)


def _dialect(sample):
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _read_rows(reader, p, mapping):
    """Add the rows under the header to p.rows, their cells by field. Returns what makes the
    whole file unusable, or ""."""
    header = next(reader, None)
    if not header or not any(text.strip() for text in header):
        return Words("The file is empty.")
    p.header = [text.strip() for text in header]
    first = next(reader, [])
    p.sample = dict(zip(p.header, first))
    try:
        _choose_mapping(p, mapping)
    except Invalid as err:
        return err.words
    if p.mapping_needed:
        missing = [c for c in REQUIRED_COLUMNS if c not in p.mapping]
        return Words("Missing column(s): {missing}. The first row must name the columns: {columns}.",
                     missing=", ".join(missing), columns=", ".join(COLUMNS))
    names = [""] * len(p.header)
    for name, text in p.mapping.items():
        names[p.header.index(text)] = name
    for raw in itertools.chain([first], reader):
        if not any(cell.strip() for cell in raw):
            continue
        if len(p.rows) >= MAX_ROWS:
            return Words("More than {rows} rows: import the file in parts.", rows=MAX_ROWS)
        p.rows.append(_row(reader.line_num, names, raw))
    if not p.rows:
        return Words("The file names its columns but has no rows: there is nothing to import.")
    return ""


def _choose_mapping(p, mapping):
    if mapping:
        p.mapping, p.mapped_by = erp_columns.check(p.header, mapping), "chosen"
        return
    before = erp_columns.remembered()
    if erp_columns.fits(before, p.header):
        p.mapping, p.mapped_by = before, "remembered"
    else:
        p.mapping = erp_columns.automatic(p.header)


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
        if key == "lines":  # before "line<N>": it starts with "line" too
            first.errors.append(Words("Material part number and quantity are missing."))
        elif key.startswith("line"):
            rows[int(key[4:])].errors.append(message)
        else:
            first.errors.append(message)
    for row in rows:
        if not _text(row.values.get("part")) and not row.errors:
            row.errors.append(Words("Material part number is missing."))
    return draft


def _describe(number, draft, rows, existing=None):
    """What importing does: the order on its first row, each material line on its own row."""
    product = _part_said(f"{draft.product} rev {draft.product_rev or '—'}", draft.product_part)
    where = " + ".join(m.code for m in draft.machines) + (f" → {draft.output.code}" if draft.output else "")
    values = dict(order=number, product=product, quantity=fmt_qty(draft.quantity), machines=where,
                  status=draft.status)
    rows[0].action = (Words("Update work order {order}: {product} × {quantity} on {machines}, {status}.", **values)
                      if existing else
                      Words("New work order {order}: {product} × {quantity} on {machines}, {status}.", **values))
    for row, ld in zip(rows, draft.lines):
        row.action = joined(row.action, Words("Needs {quantity} {uom} of {part}.", quantity=fmt_qty(ld.quantity),
                                              uom=ld.uom, part=_part_said(f"{ld.number} rev {ld.revision or '—'}",
                                                                          ld.part)))


def _part_said(label, part):
    """A part as the preview names it: marked when the import would create it."""
    return label if part else Words("{part} (new part)", part=label)


def preview_mapped(user, data, zone, chosen, locale=None):
    """The preview with the planner's choice of columns ({field: header or ""}); a good choice is
    remembered for the plant's next file, when the planner may import work orders."""
    p = preview(data, zone, {k: v for k, v in chosen.items() if v} or None, locale)
    if p.mapped_by == "chosen" and not p.mapping_needed and can(user, "work_orders"):
        erp_columns.remember(user, p.mapping)
    return p


def import_csv(user, data, zone, create_parts=False, mapping=None, locale=None):
    """Create or update every work order in the file, in one transaction, or none of them. Parts
    it names that do not exist are created only with create_parts (a typo is not a new part)."""
    authorize(user, "work_orders")
    with write_transaction():
        p = preview(data, zone, mapping, locale)
        if not p.ok:
            if p.problem:
                raise Invalid(p.problem)  # Words: the file's own problem, said in the reader's language
            raise Invalid("{count} row(s) are wrong: nothing was imported.", count=len(p.bad_rows))
        if p.new_parts and not create_parts:
            raise Invalid("The file names {count} part(s) that do not exist ({parts}): confirm creating them, "
                          "or correct the file. Nothing was imported.", count=len(p.new_parts),
                          parts=", ".join(p.new_parts[:5]) + ("…" if len(p.new_parts) > 5 else ""))
        return [_write(draft, p.existing.get(number)) for number, draft in p.drafts.items()]
