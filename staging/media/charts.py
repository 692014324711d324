"""Geometry for small server-rendered SVG charts; templates/reports/_chart.html draws them.
No JavaScript, nothing to load: a lead's wall screen or a printout shows them as they are."""
from dataclasses import dataclass, field


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
        chart.bars.append(Bar(str(label), float(value), fmt.format(value), x=i * step + step * 0.12,
                              y=base - h, w=step * 0.76, h=h, tone=tone[0] if tone else ""))
    return chart


def rows(title, items, *, width=640, row=26, fmt="{:g}", maximum=None, empty="Nothing in this period."):
    """Horizontal bars, one per (label, value[, tone]), e.g. waste by reason, coverage per machine."""
    items = list(items)
    chart = Chart(title, width, max(row * len(items) + 8, row), horizontal=True, empty=empty)
    top = maximum or max((float(v) for _, v, *_ in items if v is not None), default=0)
    if not items or top <= 0:
        return chart
    label_w, text_w = width * 0.34, 90
    plot_w = width - label_w - text_w
    for i, (label, value, *tone) in enumerate(items):
        v = float(value or 0)
        chart.bars.append(Bar(str(label), v, fmt.format(value) if value is not None else "—",
                              x=label_w, y=i * row + 4, w=max(1.0, min(v, top) / top * plot_w), h=row - 8,
                              tone=tone[0] if tone else ""))
    return chart
