"""The seal of a locked shift log: a digest of what the lead signed off (its shift, window and zone,
the automatic summary and every note as written). A locked log whose seal no longer matches was
changed after it was locked: `flask check` names it (promises/logbooks.py)."""
import hashlib
import json

from ..store.models import LogNote


def seal(log):
    notes = [[n.kind, n.text, n.minutes, n.user_id, n.at.isoformat() if n.at else None]
             for n in LogNote.select().where(LogNote.log == log).order_by(LogNote.id)]
    content = [log.station_id, log.day.isoformat(), log.shift, _iso(log.starts_at), _iso(log.ends_at), log.zone,
               log.snapshot, _iso(log.submitted_at), log.submitted_by_id, notes]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def _iso(moment):
    return moment.isoformat() if moment is not None else None
