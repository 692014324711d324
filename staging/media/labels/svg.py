"""SVG previews: the placed elements through the labels/label.svg.j2 template (Jinja escapes
every text)."""
import jinja2

from . import LAYOUTS
from .elements import Bars, Rect, Text
from .placement import place

_jinja = jinja2.Environment(loader=jinja2.FileSystemLoader(str(LAYOUTS)), autoescape=True,
                            trim_blocks=True, lstrip_blocks=True, auto_reload=True)


def _bar_path(it):
    return "".join(f"M{it.x + s * it.module} {it.y}h{n * it.module}v{it.h}h-{n * it.module}z"
                   for s, n in it.runs)


def svg(label, size, dpi=300):
    """An SVG document for one label, exact size in mm, drawn in dots of the given resolution."""
    placed = place(label, size, dpi)
    return _jinja.get_template("label.svg.j2").render(
        p=placed, Text=Text, Bars=Bars, Rect=Rect, bar_path=_bar_path, isinstance=isinstance)
