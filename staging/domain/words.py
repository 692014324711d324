"""Sentences for people, kept as an English template and its values so the edge can translate them.

The domain knows nothing of Flask or of who is reading: it says `Words("{unit} is on hold.", unit=code)`,
and the web layer (staging/web/i18n.py) looks the template up in the reader's catalog and fills it in.
`str(words)` is the English sentence, for logs, the CLI and tests.

Templates use str.format placeholders ("{unit}"); a value that is itself Words is translated too, and
a Decimal value (a quantity) is written in the reader's number format by the edge. Sentences said one
after another are `joined(a, b)`. The extraction (babel.cfg, tests/test_translations.py) finds
templates as the first argument of Words(...) and of the domain's errors, so that argument must be a
literal string, never an f-string.

The scan page keeps its panel in the session between requests: `dump` and `load` turn Words into
plain JSON data and back, so the panel is said in the language of whoever reads it next.
"""
import datetime
from decimal import Decimal


def _plain(value):
    return value


def _english(value):
    """A value of a sentence in English: 12.500 -> 12.5, a day as 03 Mar."""
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, datetime.date):
        return f"{value:%d %b}"
    return value


class Words:
    __slots__ = ("msgid", "values")

    def __init__(self, msgid, **values):
        self.msgid = msgid
        self.values = values

    def render(self, translate, fmt=_english):
        """The sentence with `translate` (msgid -> text) applied to the template and to Words values,
        and `fmt` to the other values (a quantity, a day: in the reader's format)."""
        text = translate(self.msgid)
        if not self.values:
            return text
        return text.format(**{k: said(v, translate, fmt) for k, v in self.values.items()})

    def __str__(self):
        return self.render(_plain)

    def __repr__(self):
        return f"Words({self.msgid!r}, **{self.values!r})"

    def __eq__(self, other):
        # Words equal their English sentence, so the domain's tests and logs read them as text.
        if isinstance(other, str):
            return str(self) == other
        return isinstance(other, Words) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))

    def __contains__(self, text):
        return text in str(self)

    def __add__(self, other):
        return joined(self, other)

    def __radd__(self, other):
        return joined(other, self)

    def dump(self):
        return {"w": self.msgid, "v": {k: dump(v) for k, v in self.values.items()}}


class Joined(Words):
    """Sentences said one after another, each translated on its own (a panel's detail and a note)."""
    __slots__ = ()

    def __init__(self, *parts):
        super().__init__("", parts=[p for p in parts if p])

    def render(self, translate, fmt=_english):
        return " ".join(str(said(p, translate, fmt)) for p in self.values["parts"]).strip()

    def __repr__(self):
        return f"joined(*{self.values['parts']!r})"

    def __bool__(self):
        return bool(self.values["parts"])

    def dump(self):
        return {"j": [dump(p) for p in self.values["parts"]]}


def joined(*parts):
    return Joined(*parts)


def said(value, translate=_plain, fmt=_english):
    """Words rendered, a list as its items said with commas, anything else through `fmt`."""
    if isinstance(value, Words):
        return value.render(translate, fmt)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(said(v, translate, fmt)) for v in value)
    return fmt(value)


def dump(value):
    """Words (or a value of one) as plain JSON data for the session."""
    if isinstance(value, Words):
        return value.dump()
    if isinstance(value, (list, tuple)):
        return [dump(v) for v in value]
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, datetime.date):
        return {"day": value.isoformat()[:10]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    # Anything else (a person, a location: a model row) is said by its name. The session keeps
    # only JSON: one value it cannot hold would fail the whole answer, and the handheld's queue
    # would be stuck behind that scan.
    return str(value)


def load(data):
    """Back from `dump`; a plain string stays one (a panel stored before translations)."""
    if isinstance(data, dict):
        if "j" in data and isinstance(data["j"], list):
            return Joined(*(load(p) for p in data["j"]))
        if "d" in data:
            return Decimal(str(data["d"]))
        if "day" in data:
            return datetime.date.fromisoformat(str(data["day"]))
        msgid, values = data.get("w"), data.get("v")
        if isinstance(msgid, str):
            values = values if isinstance(values, dict) else {}
            return Words(msgid, **{str(k): load(v) for k, v in values.items()})
    if isinstance(data, list):
        return [load(v) for v in data]
    return data


# A ledger entry's kind as a noun in a sentence ("Your move of P1 ...", "Your move was reversed").
CHANGES = {"receive": Words("receipt"), "move": Words("move"), "stage": Words("staging"), "load": Words("load"),
           "unload": Words("unload"), "split": Words("split"), "consume": Words("use"), "scrap": Words("waste"),
           "adjust": Words("count correction"), "undo": Words("undo"), "hold": Words("hold"),
           "release": Words("release"), "opening": Words("opening stock"), "produce": Words("output"),
           "ship": Words("shipment")}


def change(kind):
    return CHANGES.get(kind, kind)


def part_label(part):
    """A part number with its revision, "rev" said in the reader's language (Part.label is English)."""
    if part is None:
        return ""
    return Words("{number} rev {revision}", number=part.number, revision=part.revision) if part.revision \
        else part.number
