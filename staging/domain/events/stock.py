"""A ledger row's event: what GET /api/ledger gives for the row, with the pallet's part, revision,
lot and unit of measure, so a receiver needs no second call to know what moved.

Built from what the verb already holds (the unit with its part, the places, the person): on the
scan path the event costs one INSERT and no read."""
from ..quantities import fmt_qty
from .catalog import BY_LEDGER_KIND

# A unit comes into being with its first row: these kinds, and the split's new pallet (delta > 0).
CREATES = ("receive", "opening", "produce")


def _number(qty):
    text = fmt_qty(qty)
    return int(text) if "." not in text else float(text)


def _iso(value):
    return value.isoformat(timespec="seconds") + "Z" if value else None


def _code(row):
    return row.code if row is not None else None


def ledger_event(entry, unit, user, scan):
    """(type, subject, data, time) of one ledger row written for `unit` by `user` (None: the plant)."""
    part = unit.part
    wo = entry.work_order if entry.work_order_id else None
    data = {
        "id": entry.id, "kind": entry.kind, "unit": unit.lpn,
        "from": _code(entry.from_location) if entry.from_location_id else None,
        "to": _code(entry.to_location) if entry.to_location_id else None,
        "qty": _number(entry.quantity), "delta": _number(entry.delta), "status": entry.status,
        "work_order": wo.number if wo is not None else None, "reason": entry.reason,
        "by": user.username if user is not None else None, "device": entry.device, "at": _iso(entry.at),
        "client_scan_id": scan.client_scan_id if scan is not None else None,
        "part": part.number, "revision": part.revision, "lot": unit.lot, "uom": part.uom,
        "new_unit": entry.kind in CREATES or (entry.kind == "split" and entry.delta > 0),
    }
    return BY_LEDGER_KIND[entry.kind], unit.lpn, data, entry.at
