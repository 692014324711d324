"""Every machine's state history reads as one line of time: each row a known state on a machine,
down always with a reason, and each machine's rows in the order they happened (a later row never
starts before an earlier one), so the state now is the newest row and downtime counts never overlap."""
from ...store.models import Location, MachineState
from ..machines.states import STATES

PROMISE = "every machine's states are known states in time order, and down always has a reason"


def broken():
    rows = (MachineState.select(MachineState.id, MachineState.machine, MachineState.state, MachineState.reason,
                                MachineState.since, Location.code, Location.kind)
            .join(Location, on=(MachineState.machine == Location.id))
            .order_by(MachineState.machine, MachineState.id).tuples())
    found, last = [], {}
    for row_id, machine_id, state, reason, since, code, kind in rows:
        name = f"machine state {row_id} ({code} {state})"
        if kind != "machine":
            found.append(f"{name}: {code} is a {kind}, not a machine")
        if state not in STATES:
            found.append(f"{name}: not one of {', '.join(STATES)}")
        if state == "down" and not reason.strip():
            found.append(f"{name}: down without a reason")
        before = last.get(machine_id)
        if before is not None and since < before[1]:
            found.append(f"{name}: starts {since:%Y-%m-%d %H:%M} before state {before[0]} ({before[1]:%Y-%m-%d %H:%M})")
        last[machine_id] = (row_id, since)
    return found
