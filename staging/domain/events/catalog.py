"""The event types the plant announces, each with what it means (the README's table says the same).

A ledger row's event is named by its kind (LEDGER_KINDS): `receive` -> unit.received, and so on."""
from ...store.models import LEDGER_KINDS

# Ledger kind -> event type: the past tense a receiver reads as "this happened to the unit".
BY_LEDGER_KIND = {
    "receive": "unit.received", "move": "unit.moved", "stage": "unit.staged", "load": "unit.loaded",
    "unload": "unit.unloaded", "split": "unit.split", "consume": "unit.consumed", "scrap": "unit.scrapped",
    "adjust": "unit.adjusted", "undo": "unit.undone", "hold": "unit.held", "release": "unit.released",
    "opening": "unit.opened", "produce": "unit.produced", "ship": "unit.shipped", "count": "unit.counted",
}
assert set(BY_LEDGER_KIND) == set(LEDGER_KINDS), "every ledger kind has its event type"

TYPES = {
    "unit.received": "A pallet came in at receiving (a new unit).",
    "unit.opened": "A pallet that was in the plant before the tracker was booked in (opening stock).",
    "unit.produced": "A machine's output was booked as a new pallet.",
    "unit.moved": "A pallet moved to another place in stock.",
    "unit.staged": "A pallet was put in a staging lane for a machine.",
    "unit.loaded": "A pallet was loaded onto a machine (for a work order).",
    "unit.unloaded": "A pallet came back from a machine.",
    "unit.split": "Part of a pallet was split off (one event for each of the two pallets).",
    "unit.consumed": "Material of a pallet was used up by a work order.",
    "unit.scrapped": "Material of a pallet was scrapped.",
    "unit.adjusted": "A pallet's quantity was corrected by a lead.",
    "unit.counted": "A count's difference was booked: within tolerance at once, beyond it on a lead's approval "
                    "(the reason names the count).",
    "unit.undone": "An earlier change of a pallet was undone.",
    "unit.held": "A pallet was put on quality hold.",
    "unit.released": "A pallet was released from quality hold.",
    "unit.shipped": "A pallet left the plant (shipped); one returned from shipping comes back as unit.moved.",
    "work_order.status_changed": "A work order went to another status (released, running, done, closed...).",
    "task.created": "A staging task was made: bring material to a machine.",
    "task.claimed": "A stager took a staging task.",
    "task.done": "A staging task was done.",
    "master_data.changed": "A place, part, user or setting was created or changed.",
    "machine.state_changed": "A machine went running, idle, down (with its reason), to a changeover or to maintenance.",
    "andon.called": "Someone on the floor called for help (safety, quality or material) at a machine or place.",
    "andon.acknowledged": "A lead acknowledged an andon call: on the way.",
    "andon.closed": "A lead closed an andon call, with what was done.",
    "kanban.called": "A kanban card was scanned at the line: its staging task was made, or the call waits for stock.",
    "maintenance.done": "Planned maintenance or a calibration was recorded done, with when it is due next.",
}
assert set(BY_LEDGER_KIND.values()) <= set(TYPES)
