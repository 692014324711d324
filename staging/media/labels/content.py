"""Label kinds -> placed elements -> ZPL / SVG / PNG / PDF, from the layouts in labels/.

A layout (labels/<kind>-<size>.toml) says where text, barcodes and boxes go, in millimetres.
`place()` turns it into elements in printer dots for one resolution: every barcode module is a
whole number of dots, so raster output has even bars. Each output draws the same elements, so
the ZPL, the PDF and the previews agree. SVG and PDF use the 300 dpi placement.

Everything a user typed (lot, description, names) is data: escaped for SVG by Jinja's
autoescape, hex-escaped (^FH) for ZPL, and drawn as text in PNG and PDF. No Flask here."""
import datetime
import io
import os
import re
import threading
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from barcode.charsets import code128
from barcode.codex import Code128, Gs1_128
from biip.sscc import Sscc
from peewee import JOIN
from reportlab.pdfbase import pdfmetrics
from stdnum import ean

from ...domain import codes
from ...domain.scan_commands import COMMANDS, REASONS
from ...store.db import locked, write_transaction
from ...domain.errors import Invalid, NotFound
from ...domain.quantities import fmt_qty
from ...store.models import Barcode, Entry, LabelPrint, Location, Part, Sequence, Unit, User, WorkOrder, utcnow

from .. import labels as package  # layout() reads package.LAYOUTS at each call: set it, and layouts follow


@dataclass(frozen=True)
class Size:
    key: str
    title: str
    width: float  # mm
    height: float


SIZES = {s.key: s for s in (
    Size("4x6", "4 × 6 in", 101.6, 152.4),
    Size("4x2", "4 × 2 in", 101.6, 50.8),
    Size("100x50", "100 × 50 mm", 100.0, 50.0),
    Size("a4", "A4 page", 210.0, 297.0),
    Size("letter", "Letter page", 215.9, 279.4),
)}
LABEL_SIZES = ("4x6", "4x2", "100x50")
SHEETS = ("a4", "letter")
KINDS = {
    "unit": LABEL_SIZES,
    "location": LABEL_SIZES,
    "badge": LABEL_SIZES,
    "commands": SHEETS,  # one barcode per command: a page, not a label
}
KIND_TITLES = {"unit": "Pallet / tote", "location": "Location", "badge": "Badge", "commands": "Command sheet"}
DEFAULT_SIZE = {"unit": "4x6", "location": "4x2", "badge": "100x50", "commands": "a4"}
DPIS = (203, 300)
FORMATS = ("zpl", "pdf", "svg", "png")
MAX_BATCH = 2000
QUIET = 10  # modules of white either side of a Code 128 symbol

# What may go into a barcode: printable ASCII except ^ and ~ (ZPL's command prefixes, and
# characters a keyboard wedge types differently on different layouts).
BARCODE_SAFE = re.compile(r"^[\x20-\x5d\x5f-\x7d]{1,80}$")


@dataclass(frozen=True)
class Settings:
    """What labels need from the plant's configuration."""
    timezone: str = "UTC"
    gs1_prefix: str = ""  # GS1 company prefix; empty: no SSCC on unit labels
    gs1_extension: str = "0"
    plant: str = ""

    @classmethod
    def from_config(cls, config):
        return cls(timezone=config.get("PLANT_TIMEZONE", "UTC"),
                   gs1_prefix=config.get("GS1_COMPANY_PREFIX", "") or "",
                   gs1_extension=config.get("GS1_EXTENSION_DIGIT", "0") or "0",
                   plant=config.get("PLANT_NAME", ""))


@dataclass
class Label:
    """One label's content: plain strings, ready for any output."""
    kind: str
    code: str  # what it names: LPN, location code, badge, "COMMANDS"; the history key
    fields: dict
    rows: dict = field(default_factory=dict)  # for grids: source -> [fields]
    reprint: bool = False

    def mark_reprint(self, reprint=True):
        self.reprint = reprint
        self.fields["reprint"] = "REPRINT" if reprint and self.kind == "unit" else ""


# --- SSCC ------------------------------------------------------------------------------------------

def sscc_check_digit(first17):
    return ean.calc_check_digit(first17)


def make_sscc(extension, prefix, serial):
    """SSCC-18: extension digit + company prefix + serial reference, + GS1 check digit."""
    width = 16 - len(prefix)
    if not (extension.isdigit() and len(extension) == 1):
        raise Invalid("The GS1 extension digit must be one digit.")
    if not prefix.isdigit() or not 6 <= len(prefix) <= 12:
        raise Invalid("The GS1 company prefix must be 6 to 12 digits.")
    if serial >= 10 ** width:
        raise Invalid(f"SSCC serial references for prefix {prefix} are used up ({10 ** width - 1}).")
    body = f"{extension}{prefix}{serial:0{width}d}"
    return body + sscc_check_digit(body)


def valid_sscc(value):
    """The SSCC if its check digit is right (biip checks it), else None."""
    try:
        return Sscc.parse(str(value)).value
    except Exception:  # biip's ParseError: wrong length, not digits, wrong check digit
        return None


def sscc_code(sscc):
    """How an SSCC is registered: as the element string a scanner types (AI 00 + 18 digits),
    the form the scan page looks up (codes.resolve), like suppliers' SSCCs at receiving."""
    return "00" + sscc


def _sscc_for(units, settings):
    """Every unit's SSCC, allocating serials for units that have none (one write transaction)."""
    if not settings.gs1_prefix or not units:
        return {}
    ids = [u.id for u in units]
    found = {}
    for chunk in _chunks(ids):
        for entity_id, code in (Barcode.select(Barcode.entity_id, Barcode.code)
                                .where(Barcode.entity == "unit", Barcode.source == "sscc",
                                       Barcode.entity_id.in_(chunk)).tuples()):
            sscc = code[2:] if len(code) == 20 and code.startswith("00") else code
            if valid_sscc(sscc):
                found[entity_id] = sscc
    missing = [u for u in units if u.id not in found]
    if missing:
        with write_transaction():
            Sequence.insert(name="sscc", value=0).on_conflict_ignore().execute()
            seq = locked(Sequence.select().where(Sequence.name == "sscc")).get()
            for unit in missing:
                if Barcode.select().where(Barcode.entity == "unit", Barcode.entity_id == unit.id,
                                          Barcode.source == "sscc").exists():
                    continue  # another request gave it one meanwhile
                while True:
                    seq.value += 1
                    sscc = make_sscc(settings.gs1_extension, settings.gs1_prefix, seq.value)
                    if not codes.taken(sscc_code(sscc)):
                        break
                codes.register(unit, sscc_code(sscc), "sscc")
                found[unit.id] = sscc
            Sequence.update(value=seq.value).where(Sequence.name == "sscc").execute()
    return found


def _chunks(items, size=500):
    for i in range(0, len(items), size):
        yield items[i:i + size]


# --- what goes on each kind of label --------------------------------------------------------------------

def _local(value, tz, fmt="%Y-%m-%d"):
    if value is None:
        return ""
    return value.replace(tzinfo=datetime.timezone.utc).astimezone(ZoneInfo(tz)).strftime(fmt)


def _unit_query():
    Machine, Here = Location.alias(), Location.alias()
    return (Unit.select(Unit, Part, WorkOrder, Machine, Here)
            .join(Part).switch(Unit)
            .join(WorkOrder, JOIN.LEFT_OUTER)
            .join(Machine, JOIN.LEFT_OUTER, on=(WorkOrder.machine == Machine.id), attr="machine")
            .switch(Unit).join(Here, JOIN.LEFT_OUTER, on=(Unit.location == Here.id), attr="location"))


def _unit_labels(units, settings):
    ssccs = _sscc_for(units, settings)
    today = _local(utcnow(), settings.timezone)
    out = []
    for u in units:
        wo = u.work_order if u.work_order_id else None
        machine = wo.machine if wo is not None and wo.machine_id else None
        here = u.location if u.location_id else None
        if machine is not None:
            staged_for = f"{machine.code} {machine.name}".strip()
        elif here is not None and here.kind in ("staging", "machine", "output"):
            staged_for = f"{here.code} {here.name}".strip()
        else:
            staged_for = ""
        sscc = ssccs.get(u.id, "")
        out.append(Label("unit", u.lpn, {
            "lpn": u.lpn, "part": u.part.number, "revision": u.part.revision,
            "description": u.part.description, "qty": fmt_qty(u.quantity), "uom": u.part.uom,
            "lot": u.lot, "work_order": wo.number if wo else "", "staged_for": staged_for,
            "location": here.code if here else "", "date": today,
            "received": _local(u.created_at, settings.timezone), "plant": settings.plant,
            "sscc": sscc, "sscc_ai": f"00{sscc}" if sscc else "", "sscc_hri": f"(00) {sscc}" if sscc else "",
            "reprint": "",
        }))
    return out


def unit_labels(lpns, settings):
    """Labels for units by LPN, in the order given; unknown LPNs are refused by name."""
    wanted = [codes.normalise(x) for x in lpns if codes.clean(x)]
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        raise Invalid("Name at least one pallet or tote (LPN).")
    _check_batch(len(wanted))
    found = {}
    for chunk in _chunks(wanted):
        for u in _unit_query().where(Unit.lpn.in_(chunk)):
            found[u.lpn] = u
    unknown = [x for x in wanted if x not in found]
    if unknown:
        raise NotFound(f"No pallet or tote with the code {', '.join(codes.shown(x) for x in unknown[:5])}"
                       + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "") + ".")
    return _unit_labels([found[x] for x in wanted], settings)


def units_for_work_order(number, settings):
    """Every unit staged for (or loaded for) a work order."""
    wo = WorkOrder.get_or_none(WorkOrder.number == codes.clean(number))
    if wo is None:
        raise NotFound(f"No work order “{codes.shown(number or '')}”.")
    units = list(_unit_query().where(Unit.work_order == wo, Unit.status != "empty").order_by(Unit.lpn))
    if not units:
        raise Invalid(f"Nothing is staged for work order {wo.number}.")
    _check_batch(len(units))
    return _unit_labels(units, settings)


def units_received(username, since, until, settings):
    """A receipt: the units one user received between two times (UTC)."""
    user = User.get_or_none(User.username == (username or "").strip())
    if user is None:
        raise NotFound(f"No user “{codes.shown(username or '')}”.")
    if since is None or until is None or until <= since:
        raise Invalid("Give a time range: from before to.")
    ids = [row[0] for row in Entry.select(Entry.unit).where(
        Entry.kind == "receive", Entry.user == user, Entry.at >= since, Entry.at < until)
        .order_by(Entry.id).tuples()]
    if not ids:
        raise Invalid(f"{user.username} received nothing in that time.")
    _check_batch(len(ids))
    units = {u.id: u for chunk in _chunks(ids) for u in _unit_query().where(Unit.id.in_(chunk))}
    return _unit_labels([units[i] for i in ids if i in units], settings)


def location_labels(first, last=None, settings=None):
    """Labels for the locations whose codes sort from `first` to `last` (both included),
    or just `first`. Only places that hold units: areas and racks have no scannable code."""
    first = codes.normalise(first)
    last = codes.normalise(last) if last else first
    if not first:
        raise Invalid("Give a location code (and a last code for a range).")
    if last < first:
        first, last = last, first
    rows = list(Location.select().where(Location.code.between(first, last), Location.holds_units)
                .order_by(Location.code).limit(MAX_BATCH + 1))
    if not rows:
        raise NotFound(f"No location from {codes.shown(first)} to {codes.shown(last)}.")
    _check_batch(len(rows))
    return [location_label(loc) for loc in rows]


def location_label(loc):
    parent = loc.parent.code if loc.parent_id else ""
    return Label("location", loc.code, {"code": loc.code, "name": loc.name,
                                         "kind": loc.kind.replace("_", " ").upper(), "parent": parent})


def badge_labels(usernames=None):
    """Badges of the named users, or of every active user who has a badge."""
    query = User.select().where(User.badge.is_null(False), User.active)
    names = [n for n in (usernames or []) if n.strip()]
    if names:
        query = query.where(User.username.in_(names))
    users = list(query.order_by(User.username))
    if not users:
        raise NotFound("No user with a badge" + (f" among {', '.join(codes.shown(n) for n in names[:5])}." if names else "."))
    _check_batch(len(users))
    return [badge_label(u) for u in users]


def badge_label(user):
    if not user.badge:
        raise Invalid(f"{user.username} has no badge code.")
    return Label("badge", user.badge, {"badge": user.badge, "name": str(user), "username": user.username,
                                        "role": user.role.upper()})


def command_sheet(settings=None):
    basic = [{"payload": p, "label": t} for p, t in COMMANDS if not p.startswith("CMD:MODE:")]
    modes = [{"payload": p, "label": t} for p, t in COMMANDS if p.startswith("CMD:MODE:")]
    reasons = [{"payload": f"CMD:REASON:{c}", "label": t} for c, t in REASONS]
    plant = settings.plant if settings else ""
    return Label("commands", "COMMANDS", {"title": "Scan commands", "plant": plant},
                 rows={"commands": basic, "modes": modes, "reasons": reasons})


def one(kind, code, settings):
    """The label of one thing, by its code (LPN, location code, badge or username)."""
    if kind == "unit":
        return unit_labels([code], settings)[0]
    if kind == "location":
        loc = Location.get_or_none(Location.code == codes.clean(code))
        if loc is None:
            raise NotFound(f"No location with the code “{codes.shown(code)}”.")
        return location_label(loc)
    if kind == "badge":
        user = User.get_or_none((User.badge == codes.normalise(code)) | (User.username == codes.clean(code)))
        if user is None:
            raise NotFound(f"No badge “{codes.shown(code)}”.")
        return badge_label(user)
    if kind == "commands":
        return command_sheet(settings)
    raise NotFound(f"No label kind “{codes.shown(kind)}”.")


def _check_batch(count):
    if count > MAX_BATCH:
        raise Invalid(f"That is {count} labels; make at most {MAX_BATCH} at a time.")


def mark_reprints(labels):
    """Flag labels printed before (a reprinted unit label says REPRINT)."""
    by_kind = {}
    for label in labels:
        by_kind.setdefault(label.kind, []).append(label)
    for kind, group in by_kind.items():
        printed = set()
        for chunk in _chunks([lb.code for lb in group]):
            printed.update(row[0] for row in LabelPrint.select(LabelPrint.code).where(
                LabelPrint.kind == kind, LabelPrint.code.in_(chunk)).distinct().tuples())
        for label in group:
            label.mark_reprint(label.code in printed)
    return labels


# --- layouts -------------------------------------------------------------------------------------------

_layout_cache = {}
_layout_lock = threading.Lock()


def layout(kind, size):
    """The layout for a kind and size, re-read when its file changes (plants edit them)."""
    if kind not in KINDS or size not in KINDS[kind]:
        raise Invalid(f"A {KIND_TITLES.get(kind, kind).lower()} label comes in "
                      f"{', '.join(KINDS.get(kind, ()))}, not “{codes.shown(size)}”.")
    path = os.path.join(package.LAYOUTS, f"{kind}-{size}.toml")
    mtime = os.stat(path).st_mtime_ns  # once per label: a plant's edit shows on the next one
    with _layout_lock:
        cached = _layout_cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    with _layout_lock:
        _layout_cache[path] = (mtime, data)
    return data


# --- placed elements, in printer dots ----------------------------------------------------------------------
# Frozen, so a label's elements can be shared with the next label that has the same text there.

@dataclass(frozen=True)
class Text:
    x: int
    y: int  # top of the first line
    w: int
    size: int  # font size in dots
    lines: tuple
    bold: bool = False
    align: str = "left"

    @property
    def pitch(self):
        return round(self.size * 1.15)

    @cached_property
    def placed_lines(self):
        """(x offset in dots, line) of each line, aligned in the box by Helvetica's metrics."""
        share = {"left": 0, "center": 0.5, "right": 1}[self.align]
        return [(share * (self.w - _width(line, self.size, self.bold)) if share else 0, line) for line in self.lines]

    @cached_property
    def zpl(self):
        align = {"left": "L", "center": "C", "right": "R"}[self.align]
        return "\n".join(f"^FO{self.x},{self.y + i * self.pitch}^A0N,{self.size},{self.size}"
                         f"^FB{self.w},1,0,{align}^FH_^FD{zpl_text(line)}^FS" for i, line in enumerate(self.lines))


@dataclass(frozen=True)
class Bars:
    x: int
    y: int
    h: int
    module: int  # dots per module
    pattern: str  # "1101..." from the encoder, one character per module
    data: str  # the same symbol as ^BC field data (start code, subsets, FNC1)
    payload: str

    @property
    def width(self):
        return len(self.pattern) * self.module

    @cached_property
    def runs(self):
        """(start module, width in modules) of every bar."""
        return tuple((m.start(), m.end() - m.start()) for m in re.finditer("1+", self.pattern))

    @property
    def pdf_path(self):
        """PDF rectangles ("x y w h re") of the bars, in dots."""
        m = self.module
        return "".join(f"{self.x + start * m} {self.y} {n * m} {self.h} re\n" for start, n in self.runs)

    @property
    def zpl(self):
        # ^BC mode N with the encoder's own start/subset codes; payloads never hold ^ or ~.
        return f"^FO{self.x},{self.y}^BY{self.module}^BCN,{self.h},N,N,N,N^FD{self.data}^FS"


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int
    thickness: int = 0  # 0: filled

    @cached_property
    def zpl(self):
        return f"^FO{self.x},{self.y}^GB{self.w},{self.h},{self.thickness or min(self.w, self.h)}^FS"


@dataclass
class Placed:
    width: int
    height: int
    dpi: int
    items: list
    label: Label
    size: Size


class _Fields(dict):
    def __missing__(self, key):
        return ""


def encode(payload, gs1=False):
    """(module pattern, ^BC field data) for Code 128, or GS1-128 when gs1 (payload: raw AI digits).

    The printer gets the encoder's own choice of start code and subset switches, so a Zebra's
    ^BC draws the same symbol, module for module, as the PNG, SVG and PDF."""
    if not BARCODE_SAFE.match(payload):
        raise Invalid(f"“{codes.shown(payload)}” cannot be printed as a barcode: use printable "
                      "characters without ^ or ~ (at most 80).")
    encoder = (Gs1_128 if gs1 else Code128)(payload, writer=_NO_WRITER)
    values = encoder._build()  # what .build() draws; called once, it keeps state between calls
    symbol = (*values, encoder._calculate_checksum(values))
    pattern = "".join(code128.CODES[v] for v in symbol) + code128.STOP + "11"
    return pattern, _zpl_data(values)


_NO_WRITER = object()  # the encoder only encodes here: spare it building an SVG writer per symbol
_ZPL_START = {103: ("A", ">9"), 104: ("B", ">:"), 105: ("C", ">;")}
_ZPL_SWITCH = {"A": {99: "C", 100: "B"}, "B": {99: "C", 101: "A"}, "C": {100: "B", 101: "A"}}


def _zpl_data(values):
    subset, out = _ZPL_START[values[0]]
    parts = [out]
    for v in values[1:]:
        if v == 102:
            parts.append(">8")  # FNC1
        elif v in _ZPL_SWITCH[subset]:
            parts.append(">" + str(v - 94))  # >5 CODE C, >6 CODE B, >7 CODE A
            subset = _ZPL_SWITCH[subset][v]
        elif subset == "C":
            parts.append(f"{v:02d}")
        else:
            ch = chr(v + 32)
            parts.append("><" if ch == ">" else ch)
    return "".join(parts)


# --- placement: layout + label -> elements --------------------------------------------------------------------
# A layout is compiled once per resolution into plans that hold its geometry in dots. A text plan
# remembers what each value it has seen became (fitted lines and size): in a batch most values
# repeat from label to label (part, description, plant, date), and fitting is the costly part.

_plans = {}
_MEMO = 4096  # fitted values kept per text item; a batch has at most MAX_BATCH labels


def place(label, size_key, dpi):
    size, dpmm = SIZES[size_key], dpi / 25.4
    data = layout(label.kind, size_key)
    cached = _plans.get((label.kind, size_key, dpi))
    if cached is None or cached[0] is not data:  # first use, or the layout file changed
        cached = (data, _compile(data.get("item", []), 0.0, 0.0, dpmm))
        _plans[(label.kind, size_key, dpi)] = cached
    items = []
    _place_all(cached[1], _Fields(label.fields), label, items)
    return Placed(round(size.width * dpmm), round(size.height * dpmm), dpi, items, label, size)


def _place_all(plans, fields, label, out):
    for plan in plans:
        if plan.when and not fields.get(plan.when) or plan.unless and fields.get(plan.unless):
            continue
        plan.place(fields, label, out)


def _compile(specs, ox, oy, dpmm):
    kinds = {"text": _TextPlan, "barcode": _BarcodePlan, "box": _BoxPlan, "grid": _GridPlan}
    plans = []
    for spec in specs:
        kind = spec.get("type", "text")
        if kind not in kinds:
            raise ValueError(f"unknown layout item type {kind!r}")
        plans.append(kinds[kind](spec, ox + spec.get("x", 0), oy + spec.get("y", 0), dpmm))
    return plans


class _Plan:
    def __init__(self, spec):
        self.when, self.unless = spec.get("when"), spec.get("unless")


class _TextPlan(_Plan):
    def __init__(self, spec, x, y, dpmm, template=None):
        super().__init__(spec)
        self.template = str(spec.get("text", "") if template is None else template)
        self.fixed = "{" not in self.template  # the same words on every label: no filling
        self.x, self.y, self.w = round(x * dpmm), round(y * dpmm), round(spec.get("w", 0) * dpmm)
        self.width, self.size = spec.get("w", 0) * dpmm, spec.get("size", 4) * dpmm
        self.lines, self.bold, self.align = int(spec.get("lines", 1)), spec.get("bold", False), spec.get("align", "left")
        self.memo = {}

    def place(self, fields, label, out):
        text = self.template if self.fixed else self.template.format_map(fields)
        try:
            item = self.memo[text]
        except KeyError:
            lines, size = fit(text, self.width, self.size, self.lines, self.bold)
            item = Text(self.x, self.y, self.w, max(1, int(size)), tuple(lines), self.bold, self.align) if lines else None
            if len(self.memo) >= _MEMO:
                self.memo.clear()
            self.memo[text] = item
        if item is not None:
            out.append(item)


class _BarcodePlan(_Plan):
    def __init__(self, spec, x, y, dpmm):
        super().__init__(spec)
        self.data, self.gs1 = str(spec["data"]), spec.get("symbology", "code128") == "gs1_128"
        self.box, self.left = spec["w"] * dpmm, x * dpmm
        self.most = max(1, round(spec.get("module", 0.5) * dpmm))
        self.center = spec.get("align", "center") == "center"
        self.top, self.h = round(y * dpmm), round(spec.get("h", 15) * dpmm)
        self.hri = None
        if spec.get("hri"):
            hri_spec = {"w": spec["w"], "size": spec.get("hri_size", 3), "align": "center",
                        "bold": spec.get("hri_bold", False)}
            self.hri = _TextPlan(hri_spec, x, y + spec.get("h", 15) + spec.get("hri_gap", 1), dpmm, spec["hri"])

    def place(self, fields, label, out):
        payload = self.data.format_map(fields)
        if not payload:
            return
        pattern, data = encode(payload, self.gs1)
        module = min(self.most, int(self.box // (len(pattern) + 2 * QUIET)))
        if module < 2:
            raise Invalid(f"“{codes.shown(payload)}” is too long for this label size: choose a wider "
                          "label or a shorter code.")
        width = len(pattern) * module
        left = self.left + ((self.box - width) / 2 if self.center else QUIET * module)
        out.append(Bars(round(left), self.top, self.h, module, pattern, data, payload))
        if self.hri:
            self.hri.place(fields, label, out)


class _BoxPlan(_Plan):
    def __init__(self, spec, x, y, dpmm):
        super().__init__(spec)
        self.item = Rect(round(x * dpmm), round(y * dpmm), round(spec["w"] * dpmm), round(spec["h"] * dpmm),
                         round(spec.get("thickness", 0) * dpmm))

    def place(self, fields, label, out):
        out.append(self.item)


class _GridPlan(_Plan):
    """Cells of rows from label.rows[source] (the command sheet), laid out left to right."""
    def __init__(self, spec, x, y, dpmm):
        super().__init__(spec)
        self.spec, self.x, self.y, self.dpmm = spec, x, y, dpmm
        self.cells = {}  # cell index -> compiled cell

    def place(self, fields, label, out):
        columns = max(1, int(self.spec.get("columns", 1)))
        cell_w = self.spec["w"] / columns
        for i, row in enumerate(label.rows.get(self.spec["source"], [])):
            if i not in self.cells:
                cx, cy = self.x + (i % columns) * cell_w, self.y + (i // columns) * self.spec["row_h"]
                self.cells[i] = _compile(self.spec.get("cell", []), cx, cy, self.dpmm)
            _place_all(self.cells[i], _Fields({**fields, **row}), label, out)


def _font(bold):
    return "Helvetica-Bold" if bold else "Helvetica"


def _width(text, size, bold):
    # Helvetica metrics: the PDF font; Liberation Sans (PNG) and Zebra's font 0 are close to it.
    return pdfmetrics.stringWidth(text, _font(bold), size)


def fit(text, width, size, lines=1, bold=False, shrink=0.65):
    """Lines of text that fit the width, and the font size: one line shrinks (down to `shrink`)
    before it is cut; several lines wrap at spaces, and the last one is cut with an ellipsis."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if not text or width <= 0:
        return [], size
    if lines <= 1:
        w = _width(text, size, bold)
        if w > width:
            size = max(size * shrink, size * width / w)
        return [_cut(text, width, size, bold)], size
    words, out, current = text.split(" "), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if _width(trial, size, bold) <= width or not current:
            current = trial
        else:
            out.append(current)
            current = word
    out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = _cut(out[-1] + " ...", width, size, bold, force=True)
    return [_cut(line, width, size, bold) for line in out], size


def _cut(text, width, size, bold, force=False):
    if not force and _width(text, size, bold) <= width:
        return text
    text = text.rstrip(". ")
    while text and _width(text + "...", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "..."


# --- ZPL -------------------------------------------------------------------------------------------------------

# ^FH_ field data: every ^ ~ _ and byte outside printable ASCII as _XX, so no typed text can
# become a command. Applied to the UTF-8 bytes (read as Latin-1: one character per byte).
_ZPL_ESCAPES = {b: f"_{b:02X}" for b in range(256) if not 0x20 <= b < 0x7F or b in (0x5E, 0x7E, 0x5F)}


def zpl_text(text):
    """Field data for ^FH_, with ^CI28 making the bytes UTF-8."""
    return text.encode("utf-8").decode("latin-1").translate(_ZPL_ESCAPES)


def _zpl_label(p):
    return (f"^XA\n^CI28\n^PW{p.width}\n^LL{p.height}\n^LH0,0\n"
            + "".join(it.zpl + "\n" for it in p.items) + "^PQ1\n^XZ\n")


def zpl(labels, size, dpi=203, progress=None):
    """One ZPL format (^XA ... ^XZ) per label."""
    if dpi not in DPIS:
        raise Invalid(f"ZPL is made for {' or '.join(map(str, DPIS))} dpi printers.")
    out = []
    for i, label in enumerate(labels, 1):
        out.append(_zpl_label(place(label, size, dpi)))
        if progress:
            progress(i)
    return "".join(out).encode("utf-8")


# --- SVG -------------------------------------------------------------------------------------------------------

_jinja = jinja2.Environment(loader=jinja2.FileSystemLoader(str(package.LAYOUTS)), autoescape=True,
                            trim_blocks=True, lstrip_blocks=True, auto_reload=True)


def _bar_path(it):
    return "".join(f"M{it.x + s * it.module} {it.y}h{n * it.module}v{it.h}h-{n * it.module}z"
                   for s, n in it.runs)


def svg(label, size, dpi=300):
    """An SVG document for one label, exact size in mm, drawn in dots of the given resolution."""
    placed = place(label, size, dpi)
    return _jinja.get_template("label.svg.j2").render(
        p=placed, Text=Text, Bars=Bars, Rect=Rect, bar_path=_bar_path, isinstance=isinstance)


# --- PNG -------------------------------------------------------------------------------------------------------

FONT_FILES = {
    False: ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    True: ("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
           "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}
_fonts = {}


def _pil_font(bold, size):
    from PIL import ImageFont
    key = (bold, size)
    if key not in _fonts:
        font = None
        for path in FONT_FILES[bold]:
            if Path(path).exists():
                font = ImageFont.truetype(path, size)
                break
        _fonts[key] = font or ImageFont.load_default(size)
    return _fonts[key]


def png(label, size, dpi=203):
    """A raster label at the printer's resolution: bars from the module pattern, N whole dots
    per module, so every bar and space is exactly as wide as the printer would make it."""
    from PIL import Image, ImageDraw
    p = place(label, size, dpi)
    img = Image.new("L", (p.width, p.height), 255)
    draw = ImageDraw.Draw(img)
    for it in p.items:
        if isinstance(it, Bars):
            for start, n in it.runs:
                x0 = it.x + start * it.module
                draw.rectangle([x0, it.y, x0 + n * it.module - 1, it.y + it.h - 1], fill=0)
        elif isinstance(it, Text):
            font = _pil_font(it.bold, it.size)
            anchor, ax = {"left": ("ls", it.x), "center": ("ms", it.x + it.w // 2),
                          "right": ("rs", it.x + it.w)}[it.align]
            for i, line in enumerate(it.lines):
                draw.text((ax, it.y + i * it.pitch + round(it.size * 0.8)), line, font=font, fill=0, anchor=anchor)
        elif isinstance(it, Rect):
            if it.thickness:
                draw.rectangle([it.x, it.y, it.x + it.w - 1, it.y + it.h - 1], outline=0, width=it.thickness)
            else:
                draw.rectangle([it.x, it.y, it.x + it.w - 1, it.y + it.h - 1], fill=0)
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(dpi, dpi), optimize=False)
    return buf.getvalue()


# --- PDF -------------------------------------------------------------------------------------------------------

PT_PER_MM = 72 / 25.4
PDF_DPI = 300  # placement grid for PDF: bars fall on 1/300 in, crisp at 300 and 600 dpi


def pdf(labels, size, sheet=None, progress=None):
    """A PDF: one page per label at the label's exact size, or labels tiled on A4/Letter sheets
    with cut marks. Barcodes are vector rectangles; text is Helvetica."""
    from reportlab.pdfgen import canvas
    if sheet and sheet not in SHEETS:
        raise Invalid(f"Sheets are {' or '.join(SHEETS)}.")
    label_size = SIZES[size]
    sheet_size = SIZES[sheet] if sheet and size not in SHEETS else None
    page = sheet_size or label_size
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(page.width * PT_PER_MM, page.height * PT_PER_MM), pageCompression=1)
    c.setTitle(f"{KIND_TITLES.get(labels[0].kind, 'Labels') if labels else 'Labels'} labels")
    slots = sheet_slots(label_size, sheet_size) if sheet_size else [(0.0, 0.0)]
    for i, label in enumerate(labels):
        slot = i % len(slots)
        if i and slot == 0:
            c.showPage()
        ox, oy = slots[slot]
        if sheet_size:
            _cut_marks(c, ox, oy, label_size, page)
        _draw_pdf(c, place(label, size, PDF_DPI), ox, oy, page)
        if progress:
            progress(i + 1)
    c.showPage()
    c.save()
    return buf.getvalue()


SHEET_MARGIN = 4.0  # mm: inside what most office printers can reach
SHEET_GAP = 2.0


def sheet_slots(label, sheet):
    """Top-left corners (mm) of the labels that fit on a sheet, row by row."""
    cols = max(1, int((sheet.width - 2 * SHEET_MARGIN + SHEET_GAP) // (label.width + SHEET_GAP)))
    rows = max(1, int((sheet.height - 2 * SHEET_MARGIN + SHEET_GAP) // (label.height + SHEET_GAP)))
    left = (sheet.width - cols * label.width - (cols - 1) * SHEET_GAP) / 2
    top = (sheet.height - rows * label.height - (rows - 1) * SHEET_GAP) / 2
    return [(left + c * (label.width + SHEET_GAP), top + r * (label.height + SHEET_GAP))
            for r in range(rows) for c in range(cols)]


def _cut_marks(c, ox, oy, label, page):
    c.setStrokeGray(0.75)
    c.setLineWidth(0.3)
    c.setDash(2, 2)
    c.rect(ox * PT_PER_MM, (page.height - oy - label.height) * PT_PER_MM,
           label.width * PT_PER_MM, label.height * PT_PER_MM, stroke=1, fill=0)
    c.setDash()


def _draw_pdf(c, p, ox_mm, oy_mm, page):
    """Bars and solid boxes as one path in printer dots (whole numbers, y down: the placement's
    own grid), text as one text object in points. reportlab's per-call overhead, not the drawing,
    is most of the cost of a label, so each is made in as few calls as the PDF allows."""
    k = 72 / p.dpi  # points per dot
    ox, top = ox_mm * PT_PER_MM, page.height * PT_PER_MM - oy_mm * PT_PER_MM
    c.setFillGray(0)
    c.setStrokeGray(0)
    solid, text = [], c.beginText()
    for it in p.items:
        if isinstance(it, Bars):
            solid.append(it.pdf_path)
        elif isinstance(it, Rect) and not it.thickness:
            solid.append(f"{it.x} {it.y} {it.w} {it.h} re\n")
        elif isinstance(it, Rect):
            t = it.thickness * k
            c.setLineWidth(t)
            c.rect(ox + it.x * k + t / 2, top - (it.y + it.h) * k + t / 2, it.w * k - t, it.h * k - t,
                   stroke=1, fill=0)
        elif isinstance(it, Text):
            text.setFont(_font(it.bold), it.size * k)
            for i, (dx, line) in enumerate(it.placed_lines):
                text.setTextOrigin(ox + (it.x + dx) * k, top - (it.y + i * it.pitch + it.size * 0.8) * k)
                text.textOut(line)
    if solid:
        c.saveState()
        c.transform(k, 0, 0, -k, ox, top)
        c.addLiteral("".join(solid) + "f")
        c.restoreState()
    c.drawText(text)


# --- one entry point for every output -----------------------------------------------------------------------

MIMETYPES = {"zpl": "application/vnd.zebra-zpl", "pdf": "application/pdf",
             "svg": "image/svg+xml", "png": "image/png"}


def render(labels, fmt, size, *, dpi=203, sheet=None, progress=None):
    """bytes of `labels` in a format: zpl and pdf take a batch; svg and png one label."""
    if not labels:
        raise Invalid("No labels to make.")
    for label in labels:
        layout(label.kind, size)  # refuses a size the kind does not come in
    if fmt == "zpl":
        if size in SHEETS:
            raise Invalid("A command sheet is a page: print it as PDF, not ZPL.")
        return zpl(labels, size, dpi, progress)
    if fmt == "pdf":
        return pdf(labels, size, sheet, progress)
    if fmt == "svg":
        return svg(labels[0], size).encode("utf-8")
    if fmt == "png":
        if dpi not in DPIS:
            raise Invalid(f"PNG is made at {' or '.join(map(str, DPIS))} dpi.")
        return png(labels[0], size, dpi)
    raise Invalid(f"Labels come as {', '.join(FORMATS)}, not “{codes.shown(fmt)}”.")
