"""Work orders (being split into modules along their sections; coverage.py holds them for now)."""
from .coverage import *  # noqa: F403
