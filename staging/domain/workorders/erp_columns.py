"""Which column of an ERP export holds which field: the standard names and the usual aliases are
read without asking; other headers ("Auftrag", "Menge", ...) the planner maps once on the import
page, and the plant remembers that mapping for the next file with the same headers.

A mapping is {field: the file's header text}; a field not in it is not in the file."""
import csv
import datetime
import difflib
import io
import json

from ...store.db import write_transaction
from ...store.models import Setting
from .. import sheets
from ..errors import Invalid
from ..people.permissions import authorize

COLUMNS = ("work_order", "product", "product_rev", "quantity", "machine", "output_station", "status",
           "due", "part", "part_rev", "part_qty", "uom")
REQUIRED_COLUMNS = ("work_order", "product", "quantity", "machine", "part", "part_qty")
# The usual names ERP exports give these columns (lower case, spaces as _): read as ours.
ALIASES = {"order": "work_order", "order_no": "work_order", "wo": "work_order", "work_order_no": "work_order",
           "production_order": "work_order", "item": "product", "product_no": "product",
           "product_revision": "product_rev", "qty": "quantity", "order_qty": "quantity",
           "work_center": "machine", "workcenter": "machine", "machines": "machine", "due_date": "due",
           "component": "part", "material": "part", "component_rev": "part_rev", "material_rev": "part_rev",
           "component_qty": "part_qty", "material_qty": "part_qty", "unit": "uom"}
# Names that probably mean a field, in the languages of our plants: only a first guess on the
# mapping step, which the planner confirms (ALIASES are read without asking).
GUESSES = {"auftrag": "work_order", "fertigungsauftrag": "work_order", "auftragsnummer": "work_order",
           "orden": "work_order", "zlecenie": "work_order", "artikel": "product", "erzeugnis": "product",
           "produkt": "product", "producto": "product", "wyrob": "product", "menge": "quantity",
           "auftragsmenge": "quantity", "cantidad": "quantity", "ilosc": "quantity", "maschine": "machine",
           "arbeitsplatz": "machine", "maquina": "machine", "maszyna": "machine", "termin": "due",
           "liefertermin": "due", "endtermin": "due", "fecha": "due", "termin_realizacji": "due",
           "komponente": "part", "materialnummer": "part", "componente": "part", "materialmenge": "part_qty",
           "bedarfsmenge": "part_qty", "komponentenmenge": "part_qty", "me": "uom", "einheit": "uom",
           "mengeneinheit": "uom", "unidad": "uom", "jm": "uom", "ausgabe": "output_station",
           "index": "product_rev", "artikelindex": "product_rev", "revision": "product_rev",
           "materialindex": "part_rev", "komponentenindex": "part_rev"}
SETTING = "erp_import.columns"  # the plant's remembered mapping, as JSON


def normal(name):
    """A header as the alias lists spell it: lower case, spaces and dashes as _, no dots."""
    return str(name or "").strip().lower().replace(" ", "_").replace(".", "").replace("-", "_")


def automatic(header):
    """The mapping the standard names and ALIASES give, without asking anyone."""
    mapping = {}
    for text in header:
        name = normal(text)
        name = ALIASES.get(name, name)
        if name in COLUMNS and name not in mapping:
            mapping[name] = text
    return mapping


def complete(mapping):
    return all(mapping.get(name) for name in REQUIRED_COLUMNS)


def fits(mapping, header):
    """The mapping names only columns this file has, and every required field."""
    return bool(mapping) and complete(mapping) and all(text in header for text in mapping.values())


def guess(header, before=None):
    """A first choice per field for the mapping step: what the planner chose before, the
    automatic names, the usual names in other languages, then the closest spelling."""
    taken, mapping = set(), {}
    candidates = [dict(before or {}), automatic(header), _by_words(header)]
    for field in COLUMNS:
        for choice in candidates:
            text = choice.get(field)
            if text in header and text not in taken:
                mapping[field] = text
                taken.add(text)
                break
    return mapping


def _by_words(header):
    found = {}
    for text in header:
        name = normal(text)
        field = GUESSES.get(name)
        if field is None:
            close = difflib.get_close_matches(name, list(COLUMNS) + list(ALIASES) + list(GUESSES), n=1, cutoff=0.8)
            field = (ALIASES.get(close[0]) or GUESSES.get(close[0]) or close[0]) if close else None
        if field and field not in found:
            found[field] = text
    return found


def check(header, chosen):
    """The planner's choice ({field: header text or ""}) as a mapping, or the refusal."""
    mapping = {field: chosen.get(field) for field in COLUMNS if chosen.get(field)}
    for text in mapping.values():
        if text not in header:
            raise Invalid("“{column}” is not a column of this file.", column=text)
    missing = [field for field in REQUIRED_COLUMNS if field not in mapping]
    if missing:
        raise Invalid("Choose the file's column for {fields}: the import needs it.", fields=", ".join(missing))
    seen = {}
    for field, text in mapping.items():
        if text in seen:
            raise Invalid("“{column}” is chosen for both {first} and {second}: a column holds one field.",
                          column=text, first=seen[text], second=field)
        seen[text] = field
    return mapping


def remembered():
    """The mapping the plant's planners chose last, or {}."""
    row = Setting.get_or_none(Setting.name == SETTING)
    try:
        mapping = json.loads(row.value) if row is not None else {}
    except ValueError:
        return {}
    if not isinstance(mapping, dict):
        return {}
    return {k: v for k, v in mapping.items() if k in COLUMNS and isinstance(v, str)}


def remember(user, mapping):
    """Keep the mapping for the next file (the plant's, not one person's: the ERP is the plant's)."""
    authorize(user, "work_orders")
    value = json.dumps(mapping, ensure_ascii=False, sort_keys=True)
    with write_transaction():
        if Setting.update(value=value).where(Setting.name == SETTING).execute() == 0:
            Setting.create(name=SETTING, value=value)


def xlsx_as_csv(data, max_rows):
    """The first sheet of a workbook as CSV text: the preview and its confirmation carry text.
    Only the header's columns, and at most max_rows rows under it (empty ones count)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for cells in sheets.xlsx_rows(data, max_rows):
        writer.writerow([_cell(c) for c in cells])
    return out.getvalue()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()
