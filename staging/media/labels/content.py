"""What goes on a label: sizes and kinds, the plant's settings, and the content of unit,
location, badge, kanban card and command labels as plain strings (SSCCs allocated on the way)."""
import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from peewee import JOIN
from stdnum import ean

from ...domain import codes
from ...domain.errors import Invalid, NotFound
from ...domain.quantities import fmt_qty
from ...domain.scan import scanner_check
from ...domain.scan.commands import ANDON, COMMANDS, MACHINE_COMMANDS, REASONS
from ...domain.words import Words
from ...store.db import locked, write_transaction
from ...store.models import (
    Barcode,
    Entry,
    KanbanCard,
    LabelPrint,
    Location,
    Part,
    Sequence,
    Unit,
    User,
    WorkOrder,
    utcnow,
)
from ..language import language_of, say


@dataclass(frozen=True)
class Size:
    key: str
    title: str
    width: float  # mm
    height: float


SIZES = {s.key: s for s in (
    Size("4x6", "4 × 6 in", 101.6, 152.4),
    Size("4x2", "4 × 2 in", 101.6, 50.8),
    Size("100x50", "100 × 50 mm", 100.0, 50.0),
    Size("a4", "A4 page", 210.0, 297.0),
    Size("letter", "Letter page", 215.9, 279.4),
)}
LABEL_SIZES = ("4x6", "4x2", "100x50")
SHEETS = ("a4", "letter")
KINDS = {
    "unit": LABEL_SIZES,
    "location": LABEL_SIZES,
    "badge": LABEL_SIZES,
    "card": LABEL_SIZES,  # a kanban card
    "commands": SHEETS,  # one barcode per command: a page, not a label
    "tool": ("100x50",),  # a tool's or gauge's own label, to scan for what it is and its calibration
}
KIND_TITLES = {"unit": "Pallet / tote", "location": "Location", "badge": "Badge", "card": "Kanban card",
               "commands": "Command sheet", "tool": "Tool or gauge"}
DEFAULT_SIZE = {"unit": "4x6", "location": "4x2", "badge": "100x50", "card": "4x2", "commands": "a4", "tool": "100x50"}
DPIS = (203, 300)
FORMATS = ("zpl", "pdf", "svg", "png")
MAX_BATCH = 2000


@dataclass(frozen=True)
class Settings:
    """What labels need from the plant's configuration."""
    timezone: str = "UTC"
    gs1_prefix: str = ""  # GS1 company prefix; empty: no SSCC on unit labels
    gs1_extension: str = "0"
    plant: str = ""
    language: str = "en"  # the plant's (PLANT_LOCALE): labels are read by whoever finds the pallet

    @classmethod
    def from_config(cls, config):
        return cls(timezone=config.get("PLANT_TIMEZONE", "UTC"),
                   gs1_prefix=config.get("GS1_COMPANY_PREFIX", "") or "",
                   gs1_extension=config.get("GS1_EXTENSION_DIGIT", "0") or "0",
                   plant=config.get("PLANT_NAME", ""), language=language_of(config.get("PLANT_LOCALE")))


@dataclass
class Label:
    """One label's content: plain strings (and Words, said in the label's language), ready for any output."""
    kind: str
    code: str  # what it names: LPN, location code, badge, "COMMANDS"; the history key
    fields: dict
    rows: dict = field(default_factory=dict)  # for grids: source -> [fields]
    reprint: bool = False
    language: str = "en"  # its captions and words (the plant's)

    def mark_reprint(self, reprint=True):
        self.reprint = reprint
        self.fields["reprint"] = Words("REPRINT") if reprint and self.kind == "unit" else ""

    def said_in(self, language):
        self.language = language
        return self


# A location's kind and a person's role as printed on their labels.
KIND_WORDS = {"receiving": Words("RECEIVING"), "storage": Words("STORAGE"), "staging": Words("STAGING"),
              "machine": Words("MACHINE"), "output": Words("OUTPUT"), "qc_hold": Words("QC HOLD"),
              "scrap": Words("SCRAP"), "shipping": Words("SHIPPING")}
ROLE_WORDS = {"operator": Words("OPERATOR"), "stager": Words("STAGER"), "lead": Words("LEAD"),
              "admin": Words("ADMIN")}


# --- SSCC ------------------------------------------------------------------------------------------

def sscc_check_digit(first17):
    return ean.calc_check_digit(first17)


def make_sscc(extension, prefix, serial):
    """SSCC-18: extension digit + company prefix + serial reference, + GS1 check digit."""
    width = 16 - len(prefix)
    if not (extension.isdigit() and len(extension) == 1):
        raise Invalid("The GS1 extension digit must be one digit.")
    if not prefix.isdigit() or not 6 <= len(prefix) <= 12:
        raise Invalid("The GS1 company prefix must be 6 to 12 digits.")
    if serial >= 10 ** width:
        raise Invalid("SSCC serial references for prefix {prefix} are used up ({last}).", prefix=prefix,
                      last=10 ** width - 1)
    body = f"{extension}{prefix}{serial:0{width}d}"
    return body + sscc_check_digit(body)


def valid_sscc(value):
    """The SSCC if its check digit is right (biip checks it), else None."""
    from biip.sscc import Sscc  # imported when first needed, as in domain/codes.py

    try:
        return Sscc.parse(str(value)).value
    except Exception:  # biip's ParseError: wrong length, not digits, wrong check digit
        return None


def sscc_code(sscc):
    """How an SSCC is registered: as the element string a scanner types (AI 00 + 18 digits),
    the form the scan page looks up (codes.resolve), like suppliers' SSCCs at receiving."""
    return "00" + sscc


def _sscc_for(units, settings):
    """Every unit's SSCC, allocating serials for units that have none (one write transaction)."""
    if not settings.gs1_prefix or not units:
        return {}
    ids = [u.id for u in units]
    found = {}
    for chunk in _chunks(ids):
        for entity_id, code in (Barcode.select(Barcode.entity_id, Barcode.code)
                                .where(Barcode.entity == "unit", Barcode.source == "sscc",
                                       Barcode.entity_id.in_(chunk)).tuples()):
            sscc = code[2:] if len(code) == 20 and code.startswith("00") else code
            if valid_sscc(sscc):
                found[entity_id] = sscc
    missing = [u for u in units if u.id not in found]
    if missing:
        with write_transaction():
            Sequence.insert(name="sscc", value=0).on_conflict_ignore().execute()
            seq = locked(Sequence.select().where(Sequence.name == "sscc")).get()
            for unit in missing:
                if Barcode.select().where(Barcode.entity == "unit", Barcode.entity_id == unit.id,
                                          Barcode.source == "sscc").exists():
                    continue  # another request gave it one meanwhile
                while True:
                    seq.value += 1
                    sscc = make_sscc(settings.gs1_extension, settings.gs1_prefix, seq.value)
                    if not codes.taken(sscc_code(sscc)):
                        break
                codes.register(unit, sscc_code(sscc), "sscc")
                found[unit.id] = sscc
            Sequence.update(value=seq.value).where(Sequence.name == "sscc").execute()
    return found


def _chunks(items, size=500):
    for i in range(0, len(items), size):
        yield items[i:i + size]


# --- what goes on each kind of label --------------------------------------------------------------------

def _local(value, tz, fmt="%Y-%m-%d"):
    if value is None:
        return ""
    return value.replace(tzinfo=datetime.timezone.utc).astimezone(ZoneInfo(tz)).strftime(fmt)


def _unit_query():
    Machine, Here = Location.alias(), Location.alias()
    return (Unit.select(Unit, Part, WorkOrder, Machine, Here)
            .join(Part).switch(Unit)
            .join(WorkOrder, JOIN.LEFT_OUTER)
            .join(Machine, JOIN.LEFT_OUTER, on=(WorkOrder.machine == Machine.id), attr="machine")
            .switch(Unit).join(Here, JOIN.LEFT_OUTER, on=(Unit.location == Here.id), attr="location"))


def _unit_labels(units, settings):
    ssccs = _sscc_for(units, settings)
    today = _local(utcnow(), settings.timezone)
    out = []
    for u in units:
        wo = u.work_order if u.work_order_id else None
        machine = wo.machine if wo is not None and wo.machine_id else None
        here = u.location if u.location_id else None
        if machine is not None:
            staged_for = f"{machine.code} {machine.name}".strip()
        elif here is not None and here.kind in ("staging", "machine", "output"):
            staged_for = f"{here.code} {here.name}".strip()
        else:
            staged_for = ""
        sscc = ssccs.get(u.id, "")
        out.append(Label("unit", u.lpn, {
            "lpn": u.lpn, "part": u.part.number, "revision": u.part.revision,
            "description": u.part.description, "qty": say(u.quantity, settings.language), "uom": u.part.uom,
            "lot": u.lot, "work_order": wo.number if wo else "", "staged_for": staged_for,
            "location": here.code if here else "", "date": today,
            "received": _local(u.created_at, settings.timezone), "plant": settings.plant,
            "sscc": sscc, "sscc_ai": f"00{sscc}" if sscc else "", "sscc_hri": f"(00) {sscc}" if sscc else "",
            "reprint": "",
        }, language=settings.language))
    return out


def unit_labels(lpns, settings):
    """Labels for units by LPN, in the order given; unknown LPNs are refused by name."""
    wanted = [codes.normalise(x) for x in lpns if codes.clean(x)]
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        raise Invalid("Name at least one pallet or tote (LPN).")
    _check_batch(len(wanted))
    found = {}
    for chunk in _chunks(wanted):
        for u in _unit_query().where(Unit.lpn.in_(chunk)):
            found[u.lpn] = u
    unknown = [x for x in wanted if x not in found]
    if unknown:
        listed = ", ".join(codes.shown(x) for x in unknown[:5])
        if len(unknown) > 5:
            raise NotFound("No pallet or tote with the code {codes} and {more} more.", codes=listed,
                           more=len(unknown) - 5)
        raise NotFound("No pallet or tote with the code {codes}.", codes=listed)
    return _unit_labels([found[x] for x in wanted], settings)


def units_for_work_order(number, settings):
    """Every unit staged for (or loaded for) a work order."""
    wo = WorkOrder.get_or_none(WorkOrder.number == codes.clean(number))
    if wo is None:
        raise NotFound("No work order “{number}”.", number=codes.shown(number or ''))
    units = list(_unit_query().where(Unit.work_order == wo, Unit.status != "empty").order_by(Unit.lpn))
    if not units:
        raise Invalid("Nothing is staged for work order {order}.", order=wo.number)
    _check_batch(len(units))
    return _unit_labels(units, settings)


def units_received(username, since, until, settings):
    """A receipt: the units one user received between two times (UTC)."""
    user = User.get_or_none(User.username == (username or "").strip())
    if user is None:
        raise NotFound("No user “{user}”.", user=codes.shown(username or ''))
    if since is None or until is None or until <= since:
        raise Invalid("Give a time range: from before to.")
    ids = [row[0] for row in Entry.select(Entry.unit).where(
        Entry.kind == "receive", Entry.user == user, Entry.at >= since, Entry.at < until)
        .order_by(Entry.id).tuples()]
    if not ids:
        raise Invalid("{user} received nothing in that time.", user=user.username)
    _check_batch(len(ids))
    units = {u.id: u for chunk in _chunks(ids) for u in _unit_query().where(Unit.id.in_(chunk))}
    return _unit_labels([units[i] for i in ids if i in units], settings)


def location_labels(first, last=None, settings=None):
    """Labels for the locations whose codes sort from `first` to `last` (both included),
    or just `first`. Only places that hold units: areas and racks have no scannable code."""
    first = codes.normalise(first)
    last = codes.normalise(last) if last else first
    if not first:
        raise Invalid("Give a location code (and a last code for a range).")
    if last < first:
        first, last = last, first
    rows = list(Location.select().where(Location.code.between(first, last), Location.holds_units)
                .order_by(Location.code).limit(MAX_BATCH + 1))
    if not rows:
        raise NotFound("No location from {first} to {last}.", first=codes.shown(first), last=codes.shown(last))
    _check_batch(len(rows))
    return [location_label(loc).said_in(settings.language if settings else "en") for loc in rows]


def location_label(loc):
    parent = loc.parent.code if loc.parent_id else ""
    return Label("location", loc.code, {"code": loc.code, "name": loc.name,
                                         "kind": KIND_WORDS.get(loc.kind, loc.kind.replace("_", " ").upper()),
                                         "parent": parent})


def tool_label(tool):
    kind = Words("GAUGE") if tool.kind == "gauge" else Words("TOOL")
    return Label("tool", tool.code, {"code": tool.code, "name": tool.name, "kind": kind})


def badge_labels(usernames=None, settings=None):
    """Badges of the named users, or of every active user who has a badge."""
    query = User.select().where(User.badge.is_null(False), User.active)
    names = [n for n in (usernames or []) if n.strip()]
    if names:
        query = query.where(User.username.in_(names))
    users = list(query.order_by(User.username))
    if not users:
        if names:
            raise NotFound("No user with a badge among {users}.", users=", ".join(codes.shown(n) for n in names[:5]))
        raise NotFound("No user with a badge.")
    _check_batch(len(users))
    return [badge_label(u).said_in(settings.language if settings else "en") for u in users]


def badge_label(user):
    # Keyed by the user name, not the code: the print history is shown to every stager, and a badge
    # code is a sign-in. The layouts print the name under the bars, never the code in clear text.
    if not user.badge:
        raise Invalid("{user} has no badge code.", user=user.username)
    return Label("badge", user.username, {"badge": user.badge, "name": str(user), "username": user.username,
                                           "role": ROLE_WORDS.get(user.role, user.role.upper())})


def card_label(card):
    """A kanban card: its part, quantity and place, which card of its loop, and its code to scan."""
    part = card.part
    return Label("card", card.code, {
        "code": card.code, "title": Words("KANBAN"), "part": f"{part.number} rev {part.revision or '-'}",
        "description": part.description or "", "qty": f"{fmt_qty(card.quantity)} {part.uom}",
        "place": card.place.code, "loop": Words("card {number} of {count}", number=card.number, count=card.count)})


def card_labels(code, settings=None):
    """Every card of the loop the card `code` belongs to, in order."""
    first = KanbanCard.get_or_none(KanbanCard.code == codes.normalise(code))
    if first is None:
        raise NotFound("No kanban card “{code}”.", code=codes.shown(code))
    cards = KanbanCard.select().where(KanbanCard.loop == first.loop).order_by(KanbanCard.number)
    return [card_label(c).said_in(settings.language if settings else "en") for c in cards]


def command_sheet(settings=None):
    basic = [{"payload": p, "label": t} for p, t in COMMANDS if not p.startswith("CMD:MODE:")]
    andon = [{"payload": f"CMD:{c}", "label": t} for c, t in ANDON]  # scanned after the machine or place
    modes = [{"payload": p, "label": t} for p, t in COMMANDS if p.startswith("CMD:MODE:")]
    reasons = [{"payload": f"CMD:REASON:{c}", "label": t} for c, t in REASONS]
    machine = [{"payload": f"CMD:MACHINE:{c}", "label": t} for c, t in MACHINE_COMMANDS]
    check = [{"payload": scanner_check.EXPECTED,
              "label": Words("Scanner check: scan it on the scan page's Scanner check")}]
    plant = settings.plant if settings else ""
    return Label("commands", "COMMANDS", {"title": Words("Scan commands"), "plant": plant},
                 rows={"commands": basic, "andon": andon, "modes": modes, "reasons": reasons, "machine": machine,
                       "check": check},
                 language=settings.language if settings else "en")


def one(kind, code, settings):
    """The label of one thing, by its code (LPN, location code, badge or username)."""
    if kind == "unit":
        return unit_labels([code], settings)[0]
    if kind == "location":
        loc = Location.get_or_none(Location.code == codes.clean(code))
        if loc is None:
            raise NotFound("No location with the code “{code}”.", code=codes.shown(code))
        return location_label(loc).said_in(settings.language)
    if kind == "badge":
        user = User.get_or_none((User.badge == codes.normalise(code)) | (User.username == codes.clean(code)))
        if user is None:
            raise NotFound("No badge “{code}”.", code=codes.shown(code))
        return badge_label(user).said_in(settings.language)
    if kind == "card":
        card = KanbanCard.get_or_none(KanbanCard.code == codes.normalise(code))
        if card is None:
            raise NotFound("No kanban card “{code}”.", code=codes.shown(code))
        return card_label(card).said_in(settings.language)
    if kind == "commands":
        return command_sheet(settings)
    raise NotFound("No label kind “{kind}”.", kind=codes.shown(kind))


def _check_batch(count):
    if count > MAX_BATCH:
        raise Invalid("That is {count} labels; make at most {most} at a time.", count=count, most=MAX_BATCH)


def mark_reprints(labels):
    """Flag labels printed before (a reprinted unit label says REPRINT); a file made is not a print."""
    by_kind = {}
    for label in labels:
        by_kind.setdefault(label.kind, []).append(label)
    for kind, group in by_kind.items():
        printed = set()
        for chunk in _chunks([lb.code for lb in group]):
            printed.update(row[0] for row in LabelPrint.select(LabelPrint.code).where(
                LabelPrint.kind == kind, LabelPrint.code.in_(chunk), LabelPrint.printed).distinct().tuples())
        for label in group:
            label.mark_reprint(label.code in printed)
    return labels
