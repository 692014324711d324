"""What an output unit was made from is the consumption it came from: the material consumed for
its work order after the order's previous output unit, up to its own production, net of every
undo and correction of that consumption, whenever it was made (before or after the production).
A recall must never be inflated or shrunk."""
from collections import defaultdict

from ...store.models import Entry, Genealogy, OutputUnit, Part, Unit
from ..quantities import ZERO, fmt_qty

PROMISE = ("each output unit's genealogy lists the consumption it came from, net of undos and "
           "corrections")
CORRECTED = "Corrected: "  # how the consume row that replaces a corrected one starts its reason (qc.correct)


def broken():
    expected = _expected()
    actual = defaultdict(lambda: ZERO)
    for output_id, input_id, qty in Genealogy.select(Genealogy.output, Genealogy.input,
                                                      Genealogy.quantity).tuples():
        actual[output_id, input_id] += qty
    wrong = sorted(key for key in set(expected) | set(actual) if expected.get(key, ZERO) != actual.get(key, ZERO))
    if not wrong:
        return []
    names = _names({unit_id for key in wrong for unit_id in key})
    return [f"output {names[out][0]}: genealogy lists {fmt_qty(actual.get((out, inp), ZERO))} {names[inp][1]} "
            f"of {names[inp][0]}, the consumption it came from nets "
            f"{fmt_qty(expected.get((out, inp), ZERO))} {names[inp][1]}" for out, inp in wrong]


def _expected():
    """{(output unit id, input unit id): net quantity consumed} from the ledger alone."""
    windows = defaultdict(list)  # work order id -> [(produce entry id, output unit id)], in order
    for unit_id, wo_id, entry_id in OutputUnit.select(OutputUnit.unit, OutputUnit.work_order,
                                                      OutputUnit.entry).tuples():
        windows[wo_id].append((entry_id, unit_id))
    if not windows:
        return {}
    net = _net_consumption()
    expected = defaultdict(lambda: ZERO)
    originals = (Entry.select(Entry.id, Entry.unit, Entry.work_order)
                 .where(Entry.kind == "consume", Entry.reverses.is_null(), Entry.work_order.in_(list(windows)))
                 .order_by(Entry.id).tuples())
    for entry_id, unit_id, wo_id in originals:
        if entry_id not in net:
            continue  # a correction's new row: counted with the row it replaces
        previous = 0
        for produced, output_id in sorted(windows[wo_id]):
            if previous < entry_id < produced:
                expected[output_id, unit_id] += net[entry_id]
                break
            previous = produced
    return {key: qty for key, qty in expected.items() if qty != ZERO}


def _net_consumption():
    """{consume entry id: what it finally consumed}, for every consume row that is not itself a
    correction's replacement: its quantity, plus what undos and corrections of it (and undos of
    those) changed, plus what a correction's new row (and its own corrections) consumed instead."""
    rows = list(Entry.select(Entry.id, Entry.unit, Entry.delta, Entry.reverses, Entry.kind)
                .where(Entry.kind.in_(("consume", "undo")), (Entry.kind == "consume") | Entry.reverses.is_null(False))
                .order_by(Entry.id).tuples())
    effect = {eid: -delta for eid, _, delta, _, _ in rows}
    reversed_by, replaced_by = defaultdict(list), {}
    for eid, unit_id, _, reverses, kind in rows:
        if reverses is None or reverses not in effect:
            continue
        reversed_by[reverses].append(eid)
        if kind == "consume":
            replaced_by[reverses] = _replacement(unit_id, eid)

    def net(eid, depth=0):
        if depth > 100:  # a bound against a cycle no verb can make
            return ZERO
        value = effect[eid] + sum((net(r, depth + 1) for r in reversed_by[eid]), ZERO)
        if replaced_by.get(eid):
            value += net(replaced_by[eid], depth + 1)
        return value
    replacements = set(replaced_by.values())
    return {eid: net(eid) for eid, _, _, reverses, kind in rows
            if kind == "consume" and reverses is None and eid not in replacements}


def _replacement(unit_id, reversal_id):
    """The consume row a correction wrote after giving the old quantity back: the unit's next row,
    if it is one (a correction to zero writes none)."""
    following = (Entry.select(Entry.id, Entry.kind, Entry.reverses, Entry.reason)
                 .where(Entry.unit == unit_id, Entry.id > reversal_id).order_by(Entry.id).limit(1).tuples().first())
    if following and following[1] == "consume" and following[2] is None and following[3].startswith(CORRECTED):
        return following[0]
    return None


def _names(unit_ids):
    return {uid: (lpn, uom) for uid, lpn, uom in Unit.select(Unit.id, Unit.lpn, Part.uom).join(Part)
            .where(Unit.id.in_(list(unit_ids))).tuples()}
