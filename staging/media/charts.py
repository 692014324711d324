"""Geometry for small server-rendered SVG charts; templates/reports/_chart.html draws them.
No JavaScript, nothing to load: a lead's wall screen or a printout shows them as they are."""
from dataclasses import dataclass, field

CHAR_W = 8.2  # px a character of the 12 px label font may take (capitals and digits are the widest)


def _shown(fmt, value):
    """A bar's figure: `fmt` is a format string ("{:g}") or a function (the reader's number format)."""
    return fmt(value) if callable(fmt) else fmt.format(value)


def _fit(label, width):
    """The label cut with an ellipsis to what `width` px hold, so nothing runs off the chart's edge."""
    most = max(4, int(width / CHAR_W))
    return label if len(label) <= most else label[:most - 1].rstrip() + "…"


@dataclass
class Bar:
    label: str
    value: float
    text: str
    x: float
    y: float
    w: float
    h: float
    tone: str = ""
    short: str = ""  # the label as drawn beside a horizontal bar (the whole one is in its tooltip)


@dataclass
class Chart:
    title: str
    width: int
    height: int
    horizontal: bool
    bars: list = field(default_factory=list)
    empty: str = ""


def columns(title, items, *, width=640, height=200, fmt="{:g}", empty="Nothing in this period."):
    """Vertical bars, one per (label, value), e.g. moves per hour."""
    chart = Chart(title, width, height, horizontal=False, empty=empty)
    items = list(items)
    top = max((float(v) for _, v, *_ in items), default=0)
    if not items or top <= 0:
        return chart
    plot_h, base = height - 40, height - 22
    step = width / len(items)
    for label, value, *tone in items:
        h = float(value) / top * plot_h
        i = len(chart.bars)
        chart.bars.append(Bar(str(label), float(value), _shown(fmt, value), x=i * step + step * 0.12,
                              y=base - h, w=step * 0.76, h=h, tone=tone[0] if tone else ""))
    return chart


def rows(title, items, *, width=640, row=26, fmt="{:g}", maximum=None, empty="Nothing in this period."):
    """Horizontal bars, one per (label, value[, tone]), e.g. waste by reason, coverage per machine."""
    items = list(items)
    chart = Chart(title, width, max(row * len(items) + 8, row), horizontal=True, empty=empty)
    top = maximum or max((float(v) for _, v, *_ in items if v is not None), default=0)
    if not items or top <= 0:
        return chart
    label_w, text_w = width * 0.4, 80
    plot_w = width - label_w - text_w
    for i, (label, value, *tone) in enumerate(items):
        v = float(value or 0)
        chart.bars.append(Bar(str(label), v, _shown(fmt, value) if value is not None else "—",
                              x=label_w, y=i * row + 4, w=max(1.0, min(v, top) / top * plot_w), h=row - 8,
                              tone=tone[0] if tone else "", short=_fit(str(label), label_w - 10)))
    return chart
