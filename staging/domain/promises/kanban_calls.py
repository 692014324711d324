"""Every kanban call says where it stands: a waiting call has no task, a tasked one an open or claimed
task of its card's part to its card's place, a done one a done task; a card has at most one open call
(one bin, one call) and its barcode, so it can be scanned."""
from peewee import JOIN, fn

from ...store.models import Barcode, Call, KanbanCard, StagingTask

PROMISE = "every kanban call waits with no task, has a live task to its card's place, or is done with its task"
WANTED = {"waiting": None, "tasked": ("open", "claimed"), "done": ("done",)}


def broken():
    found = []
    rows = (Call.select(Call.id, Call.state, KanbanCard.code, KanbanCard.place, KanbanCard.part, StagingTask.id,
                        StagingTask.state, StagingTask.to_location, StagingTask.part)
            .join(KanbanCard, on=(Call.card == KanbanCard.id))
            .switch(Call).join(StagingTask, JOIN.LEFT_OUTER, on=(Call.task == StagingTask.id))
            .order_by(Call.id).tuples())
    for call_id, state, card, place, part, task_id, task_state, to, task_part in rows:
        name = f"call {call_id} (card {card}, {state})"
        wanted = WANTED[state]
        if wanted is None:
            if task_id is not None:
                found.append(f"{name}: waits but names task {task_id}")
            continue
        if task_id is None:
            found.append(f"{name}: names no task")
        elif task_state not in wanted:
            found.append(f"{name}: its task {task_id} is {task_state}")
        elif (to, task_part) != (place, part):
            found.append(f"{name}: its task {task_id} brings another part or goes elsewhere")
    twice = (Call.select(KanbanCard.code, fn.COUNT(Call.id)).join(KanbanCard, on=(Call.card == KanbanCard.id))
             .where(Call.state.in_(("waiting", "tasked"))).group_by(KanbanCard.code)
             .having(fn.COUNT(Call.id) > 1).tuples())
    found += [f"card {code}: {count} open calls" for code, count in twice]
    unscannable = (KanbanCard.select(KanbanCard.code)
                   .join(Barcode, JOIN.LEFT_OUTER, on=((Barcode.entity == "card") & (Barcode.entity_id == KanbanCard.id)
                                                       & (Barcode.code == KanbanCard.code)))
                   .where(Barcode.id.is_null()).tuples())
    found += [f"card {code}: has no barcode" for (code,) in unscannable]
    return found
