"""Domain objects as JSON: one shape per kind, shared by every endpoint."""
from ..domain.quantities import fmt_qty


def iso(value):
    return value.isoformat(timespec="seconds") + "Z" if value else None


def machine_state(now):
    """A machine's state now (machines.states.current) as the API says it; None: never set."""
    if now is None:
        return None
    return {"state": now["state"], "reason": now["reason"], "since": iso(now["since"]), "by": now["by"]}


def number(qty):
    """Decimal -> JSON number, exact for our 3 decimals."""
    text = fmt_qty(qty)
    return int(text) if "." not in text else float(text)


def location(loc, parent_code, units=None):
    data = {"code": loc.code, "name": loc.name, "kind": loc.kind, "parent": parent_code,
            "holds_units": loc.holds_units, "active": loc.active, "capacity": loc.capacity}
    if units is not None:
        data["units"] = [unit(u) for u in units]
    return data


def unit(u, history=None):
    data = {"lpn": u.lpn, "part": u.part.number, "revision": u.part.revision,
            "description": u.part.description, "lot": u.lot, "qty": number(u.quantity),
            "uom": u.part.uom, "status": u.status,
            "location": u.location.code if u.location_id else None,
            "work_order": u.work_order.number if u.work_order_id else None,
            "created_at": iso(u.created_at), "updated_at": iso(u.updated_at)}
    if history is not None:
        data["history"] = [entry(e) for e in history]
        ships = [e.at for e in history if e.kind == "ship"]
        data["shipped_at"] = iso(max(ships)) if ships and u.status == "shipped" else None
    return data


def entry(e):
    return {"id": e.id, "kind": e.kind, "unit": e.unit.lpn,
            "from": e.from_location.code if e.from_location_id else None,
            "to": e.to_location.code if e.to_location_id else None,
            "qty": number(e.quantity), "delta": number(e.delta), "status": e.status,
            "work_order": e.work_order.number if e.work_order_id else None,
            "reason": e.reason, "by": e.user.username if e.user_id else None, "device": e.device,
            "at": iso(e.at), "client_scan_id": e.scan.client_scan_id if e.scan_id else None}


def move(result):
    data = entry(result.entry)
    data["unit_status"] = result.unit.status
    return data


def work_order(wo, lines=None):
    data = {"number": wo.number, "product": wo.part.number if wo.part_id else None,
            "revision": wo.part.revision if wo.part_id else None, "quantity": number(wo.quantity),
            "status": wo.status, "machine": wo.machine.code if wo.machine_id else None,
            "output_station": wo.output_station.code if wo.output_station_id else None,
            "due_at": iso(wo.due_at)}
    if lines is not None:
        data["lines"] = [{"part": lv.part.number, "revision": lv.part.revision, "uom": lv.part.uom,
                          "required": number(lv.required), "staged": number(lv.staged),
                          "loaded": number(lv.loaded), "consumed": number(lv.consumed),
                          "wasted": number(lv.wasted), "short": number(lv.short)} for lv in lines]
    return data


def machine(view):
    return {"machine": view.machine.code, "state": view.state, "reasons": [str(reason) for reason in view.reasons],
            "work_orders": [work_order(ov.wo, ov.lines) for ov in view.orders],
            "loaded": [unit(uv.unit) for uv in view.loaded]}
