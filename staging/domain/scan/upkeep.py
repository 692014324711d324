"""The handheld's share of upkeep: a tool's or gauge's label scanned says what it is (red when its
calibration is overdue), and an Andon command calls for help at the machine or place scanned just
before it."""
from ...store.models import utcnow
from .. import codes
from ..errors import Invalid
from ..machines import andon, upkeep
from ..words import Words, joined
from .state import HINTS, Outcome

CALENDAR = [None]  # the plant's shift calendar, put here by the web layer before a scan is taken


def configure(cal):
    CALENDAR[0] = cal


def _day(moment):
    cal = CALENDAR[0]
    return (cal.local(moment) if cal is not None else moment).date()


def tool_seen(tool, now=None):
    """The panel for a tool's label: its name, and its calibration (red when overdue)."""
    kind = Words("Gauge") if tool.kind == "gauge" else Words("Tool")
    kept = Words("Kept at {machine}.", machine=tool.machine.code) if tool.machine_id else ""
    if upkeep.calibration_overdue(tool, now):
        return Outcome("bad", Words("{tool}: calibration overdue", tool=tool.name),
                       Words("{kind} {code}: calibration was due {day}. Do not use it until it is calibrated.",
                             kind=kind, code=tool.code, day=_day(tool.calibration_due)), code=tool.code)
    if tool.calibration_due is not None:
        detail = Words("{kind} {code}: calibrated, next due {day}.", kind=kind, code=tool.code,
                       day=_day(tool.calibration_due))
    else:
        detail = Words("{kind} {code}.", kind=kind, code=tool.code)
    return Outcome("info", tool.name, joined(detail, kept), code=tool.code)


class NoPlace(Invalid):
    """Andon scanned before any place: the next place scanned is not a refused pallet's destination."""


def call(ctx, state, kind):
    """Andon at the place scanned before (the mode's pending place); the place stays for more scans."""
    # The place the mode holds (Move, Load ...), else the machine scanned last (whatever the mode did with it).
    code = state.target or (state.machine or "").partition("|")[0]
    place = codes.find_location(code) if code else None
    if place is None:
        raise NoPlace("Scan the machine or place first, then the Andon command.")
    made = andon.call(ctx.user, kind.lower(), place, CALENDAR[0], client_scan_id=ctx.scan_id, now=ctx.at or utcnow())
    kind_words = andon.KIND_WORDS[made.kind]
    return state, Outcome("ok", Words("Andon called: {kind} at {place}", kind=kind_words, place=place.code),
                          Words("A lead is called and will acknowledge it. {hint}", hint=HINTS[state.mode]))
