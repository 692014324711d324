"""THE one path for every change of stock.

Each verb is one function and one transaction: it checks who may do it, reads and locks what
it changes, refuses with a DomainError (nothing written) or writes the new state of the unit
together with its ledger rows (`_Book.record`, the only place that changes a unit). A verb called
with a client scan id it has seen before returns the first result and writes nothing.

machinery: Ctx, Result and the `verb` decorator every verb shares; lookups: what a verb reads
and checks inside its transaction; verbs, qc and opening: the verbs; ledger and whereabouts: the read side
(a unit's history and the replay; what is where)."""
from . import ledger, whereabouts
from .counting import book_count
from .lookups import _unit, made_by, new_lpn, split_off_by
from .machinery import STATUS_AT, Ctx, Result, clean_scan_id, verb
from .opening import Pallet, opening, opening_many
from .produce import produce, return_shipped  # noqa: F401  (issue 17: output, shipping)
from .qc import CORRECTABLE, correct, hold, release
from .verbs import (
    UNDO_WINDOW,
    UNDOABLE,
    adjust,
    consume,
    describe_undo,
    last_change,
    load,
    move,
    receive,
    scrap,
    split,
    stage,
    undo,
    unload,
)

__all__ = [
    "ledger", "whereabouts", "new_lpn", "made_by", "split_off_by", "STATUS_AT", "Ctx", "Result", "clean_scan_id",
    "verb", "book_count",
    "CORRECTABLE", "correct", "hold", "release", "UNDO_WINDOW", "UNDOABLE", "adjust", "consume", "load",
    "move", "opening", "opening_many", "Pallet", "receive", "scrap", "split", "stage", "undo", "unload",
    "last_change", "describe_undo",
    "_unit",  # tests/test_performance.py reads a unit the way the verbs do
]
