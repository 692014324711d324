"""Labels: a package, so the module can be split along its sections (content.py for now)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# Set before the modules below load, and read from here: the SVG templates at import, layout()
# at every call, so setting labels.LAYOUTS moves where layouts come from.
LAYOUTS = ROOT / "labels"

from .content import *  # noqa: E402, F403
from .content import _chunks, _width  # noqa: E402, F401
