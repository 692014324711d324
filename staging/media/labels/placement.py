"""Placement: a layout (labels/<kind>-<size>.toml) and a label's content -> elements in printer dots."""
import os
import re
import threading
import tomllib

from ...domain import codes
from ...domain.errors import Invalid
from .. import labels as package  # layout() reads package.LAYOUTS at each call: set it, and layouts follow
from ..language import say, translate
from .barcodes import QUIET, encode
from .content import KIND_TITLES, KINDS, SIZES
from .elements import Bars, Placed, Rect, Text, fit

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
CAPTION = re.compile(r"[^\W\d_]")  # a letter: the text has words to translate, not only {fields}

# --- layouts -------------------------------------------------------------------------------------------

_layout_cache = {}
_layout_lock = threading.Lock()


def layout(kind, size):
    """The layout for a kind and size, re-read when its file changes (plants edit them)."""
    if kind not in KINDS or size not in KINDS[kind]:
        raise Invalid("A {kind} label comes in {sizes}, not “{size}”.", kind=KIND_TITLES.get(kind, kind).lower(),
                      sizes=', '.join(KINDS.get(kind, ())), size=codes.shown(size))
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


# --- placement: layout + label -> elements --------------------------------------------------------------------
# A layout is compiled once per resolution into plans that hold its geometry in dots. A text plan
# remembers what each value it has seen became (fitted lines and size): in a batch most values
# repeat from label to label (part, description, plant, date), and fitting is the costly part.

class _Fields(dict):
    def __missing__(self, key):
        return ""


_plans = {}
_MEMO = 4096  # fitted values kept per text item; a batch has at most MAX_BATCH labels


def place(label, size_key, dpi):
    size, dpmm, language = SIZES[size_key], dpi / 25.4, label.language
    data = layout(label.kind, size_key)
    key = (label.kind, size_key, dpi, language)  # a layout's captions are compiled in the label's language
    cached = _plans.get(key)
    if cached is None or cached[0] is not data:  # first use, or the layout file changed
        cached = (data, _compile(data.get("item", []), 0.0, 0.0, dpmm, translate(language)))
        _plans[key] = cached
    items = []
    _place_all(cached[1], _said(label.fields, language), label, items)
    return Placed(round(size.width * dpmm), round(size.height * dpmm), dpi, items, label, size)


def _place_all(plans, fields, label, out):
    for plan in plans:
        if plan.when and not fields.get(plan.when) or plan.unless and fields.get(plan.unless):
            continue
        plan.place(fields, label, out)


def _said(values, language):
    """A label's fields (Words, quantities) in its language, "" for any field a layout names and it lacks."""
    fields = _Fields(values)
    for key, value in values.items():
        if not isinstance(value, str):  # most are: a batch of labels pays for the few that are not
            fields[key] = say(value, language)
    return fields


def _compile(specs, ox, oy, dpmm, words):
    kinds = {"text": _TextPlan, "barcode": _BarcodePlan, "box": _BoxPlan, "grid": _GridPlan}
    plans = []
    for spec in specs:
        kind = spec.get("type", "text")
        if kind not in kinds:
            raise ValueError(f"unknown layout item type {kind!r}")
        plan = kinds[kind](spec, ox + spec.get("x", 0), oy + spec.get("y", 0), dpmm)
        plan.translated(words)
        plans.append(plan)
    return plans


class _Plan:
    def __init__(self, spec):
        self.when, self.unless = spec.get("when"), spec.get("unless")

    def translated(self, words):
        """Its captions in a language (`words`: msgid -> text); only text has any."""


class _TextPlan(_Plan):
    def __init__(self, spec, x, y, dpmm, template=None):
        super().__init__(spec)
        self.template = str(spec.get("text", "") if template is None else template)
        self.fixed = "{" not in self.template  # the same words on every label: no filling
        self.x, self.y, self.w = round(x * dpmm), round(y * dpmm), round(spec.get("w", 0) * dpmm)
        self.width, self.size = spec.get("w", 0) * dpmm, spec.get("size", 4) * dpmm
        self.lines = int(spec.get("lines", 1))
        self.bold, self.align = spec.get("bold", False), spec.get("align", "left")
        self.memo = {}

    def translated(self, words):
        if CAPTION.search(PLACEHOLDER.sub("", self.template)):  # words, not only {fields}
            self.template = words(self.template)
            self.fixed = "{" not in self.template

    def place(self, fields, label, out):
        text = self.template if self.fixed else self.template.format_map(fields)
        try:
            item = self.memo[text]
        except KeyError:
            lines, size = fit(text, self.width, self.size, self.lines, self.bold)
            item = (Text(self.x, self.y, self.w, max(1, int(size)), tuple(lines), self.bold, self.align)
                    if lines else None)
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
            raise Invalid("“{payload}” is too long for this label size: choose a wider label or a shorter code.",
                          payload=codes.shown(payload))
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
        self.words = None

    def translated(self, words):
        self.words = words

    def place(self, fields, label, out):
        columns = max(1, int(self.spec.get("columns", 1)))
        cell_w = self.spec["w"] / columns
        for i, row in enumerate(label.rows.get(self.spec["source"], [])):
            if i not in self.cells:
                cx, cy = self.x + (i % columns) * cell_w, self.y + (i // columns) * self.spec["row_h"]
                self.cells[i] = _compile(self.spec.get("cell", []), cx, cy, self.dpmm, self.words)
            _place_all(self.cells[i], _Fields({**fields, **_said(row, label.language)}), label, out)
