"""Plant set-up: master data (locations, parts, people), opening stock, imports of them, the
record of who changed what, and the checklist of a new plant. No Flask.

One function per kind creates or changes (`save`, matched by code) and switches off
(`deactivate`); pages, imports, the CLI and the API all call them, so all four refuse the same
things in the same words. Each registers the barcode and records the change in its transaction."""
from . import audit, checklist, imports, locations, parts, people, stock

__all__ = ["audit", "checklist", "imports", "locations", "parts", "people", "stock"]
