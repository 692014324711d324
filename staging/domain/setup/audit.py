"""Who changed which master data, when, from what to what: one row per change, written in the
transaction of the change itself, so a change without its record cannot exist."""
import json
from decimal import Decimal

from peewee import JOIN

from ...store import db
from ...store.models import MasterChange, User
from .. import events

KINDS = ("location", "part", "user", "setting")


def snapshot(row, fields):
    """The audited fields of a row as plain JSON values (None: the row did not exist)."""
    if row is None:
        return None
    return {name: _plain(getattr(row, name)) for name in fields}


def _plain(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):  # 1000.000 and 1000 are one quantity
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)  # a date, a related row (its __str__ is its code)


def record(user, kind, code, before, after):
    """Record a change unless nothing changed. Call inside the change's write transaction."""
    if before == after:
        return None
    row = MasterChange(user=user.id if user is not None else None, kind=kind, code=code,
                       before=json.dumps(before) if before is not None else None,
                       after=json.dumps(after) if after is not None else None)
    db.insert(row)  # compiled once: an import records thousands
    events.emit(*events.master_data_event(kind, code, before, after, user))
    return row


def changes(kind=None, code=None, limit=100):
    """The latest changes, newest first: of one item (kind and code), of one kind, or of all."""
    query = MasterChange.select(MasterChange, User).join(User, JOIN.LEFT_OUTER, on=(MasterChange.user == User.id),
                                                         attr="by")
    if kind:
        query = query.where(MasterChange.kind == kind)
    if code:
        query = query.where(MasterChange.code == code)
    return [Change(row) for row in query.order_by(MasterChange.id.desc()).limit(limit)]


class Change:
    """A change as the history page shows it: which fields went from what to what."""

    def __init__(self, row):
        self.row = row
        self.at, self.kind, self.code = row.at, row.kind, row.code
        self.by = row.by.username if getattr(row, "by", None) and row.by.id else "system"
        self.before = json.loads(row.before) if row.before else None
        self.after = json.loads(row.after) if row.after else None

    @property
    def what(self):
        if self.before is None:
            return "created"
        return "changed"

    @property
    def fields(self):
        """(name, before, after) for every field that differs."""
        before, after = self.before or {}, self.after or {}
        return [(name, before.get(name), after.get(name)) for name in after
                if before.get(name) != after.get(name)]
