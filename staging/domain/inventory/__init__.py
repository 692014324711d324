"""THE one path for every change of stock (transitional: split into modules next)."""
from . import ledger, whereabouts
from .verbs import (
    CORRECTABLE, STATUS_AT, UNDO_WINDOW, UNDOABLE, Ctx, Result, _unit, adjust, clean_scan_id, consume,
    correct, hold, load, move, new_lpn, receive, release, scrap, split, stage, undo, unload, verb,
)
