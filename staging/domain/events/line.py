"""Events of the line: a machine's state, an andon call raised, answered and closed, a kanban card
called, maintenance or a calibration done. Written by the code that makes the change, inside its
transaction, so an MES, an OEE system or the plant's Unified Namespace hears the line as the
logbook does."""
from .planning import _iso, _number


def machine_state_event(machine, state, reason, since, was, user, device=None):
    """(type, subject, data, time): `machine` went from `was` (None: never set) to `state`."""
    data = {"machine": machine.code, "state": state, "reason": reason or None, "was": was,
            "since": _iso(since), "by": user.username, "device": device or None}
    return "machine.state_changed", machine.code, data, since


def andon_event(call, what):
    """`what`: called, acknowledged or closed; the call's place is its subject."""
    data = {"call": call.id, "kind": call.kind, "place": call.place.code, "called_by": call.by.username,
            "called_at": _iso(call.at)}
    at = call.at
    if what in ("acknowledged", "closed"):
        data.update(acknowledged_by=call.acknowledged_by.username, acknowledged_at=_iso(call.acknowledged_at))
        at = call.acknowledged_at
    if what == "closed":
        data.update(closed_by=call.closed_by.username, closed_at=_iso(call.closed_at),
                    what_was_done=call.what_was_done)
        at = call.closed_at
    return f"andon.{what}", call.place.code, data, at


def kanban_event(made, card, task):
    """A card was called: its task (None: the call waits for stock)."""
    part = card.part
    data = {"card": card.code, "loop": card.loop, "place": card.place.code, "part": part.number,
            "revision": part.revision, "uom": part.uom, "qty": _number(card.quantity),
            "by": made.by.username if made.by_id else None, "state": "tasked" if task is not None else "waiting",
            "task": task.id if task is not None else None}
    return "kanban.called", card.code, data, made.at


def maintenance_event(done, plan, where):
    """Planned maintenance or a calibration recorded done; `where`: the machine (or None)."""
    data = {"kind": plan.kind, "plan": plan.name, "machine": where.code if where is not None else None,
            "tool": plan.tool.code if plan.tool_id else None, "by": done.by.username, "notes": done.notes,
            "next_due": _iso(done.next_due)}
    return "maintenance.done", (plan.tool.code if plan.tool_id else where.code if where is not None else plan.name), \
        data, done.at
