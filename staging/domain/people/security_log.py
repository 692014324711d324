"""Security events: sign-ins and their failures, badge reissues, PINs, tokens, roles. Written for an
admin to read and export; never holds a secret (no password, PIN, token or badge code). No Flask."""
import csv
import io

from ...store.models import SECURITY_EVENTS, SecurityEvent
from .permissions import authorize


def record(kind, *, actor="", subject="", address="", device="", detail=""):
    """One event. Outside a write transaction it commits at once: a failed sign-in is on record
    even though the sign-in itself raises."""
    assert kind in SECURITY_EVENTS, kind
    return SecurityEvent.create(kind=kind, actor=_cut(actor), subject=_cut(subject), address=_cut(address),
                                device=_cut(device), detail=str(detail or "")[:200])


def _cut(value):
    text = str(getattr(value, "username", value) or "")
    return "".join(ch for ch in text if ch.isprintable())[:64]


def recent(viewer, *, kind="", subject="", limit=200):
    """The latest events, newest first, for an admin."""
    authorize(viewer, "manage_users")
    query = SecurityEvent.select().order_by(SecurityEvent.id.desc())
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    if subject:
        query = query.where((SecurityEvent.subject == subject) | (SecurityEvent.actor == subject))
    return list(query.limit(limit))


COLUMNS = ("at_utc", "kind", "actor", "subject", "address", "device", "detail")


def export_csv(viewer):
    """Every event as CSV (oldest first). Cells a spreadsheet would run as a formula are quoted
    with a leading apostrophe: user names and devices are typed by people."""
    authorize(viewer, "manage_users")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for event in SecurityEvent.select().order_by(SecurityEvent.id).iterator():
        writer.writerow([event.at.isoformat(sep=" ", timespec="seconds"), event.kind,
                         *(_safe_cell(v) for v in (event.actor, event.subject, event.address, event.device,
                                                   event.detail))])
    return out.getvalue()


def _safe_cell(value):
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
