"""Numbers and dates as people write them, read with Babel in their locale.

A file's numbers are read in one format for the whole file: `2.400,5` can only be German-style
(comma decimal), `2,400.5` or `2400.5` only English-style, so one such value decides for the file.
Without one, the importing person's (or the plant's) locale decides; a value that reads two ways
(`1.200`: 1.2 or 1200) with nothing to decide is refused with its line. Dates: ISO (2025-01-15)
always, else the locale's way (15.01.2025, 1/15/2025)."""
import datetime
import re
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import parse_date
from babel.numbers import NumberFormatError, parse_decimal

from .errors import Invalid
from .words import Words

POINT, COMMA = "en", "de"  # the two ways: 2,400.5 and 2.400,5 (Babel reads each in this locale)
EXAMPLE = {POINT: "2,400.5", COMMA: "2.400,5"}
# What a number may look like before Babel reads it: digits, the two marks, a sign. Babel alone would
# also take 1e3, 1_000 and other scripts' digits, and store what nobody meant.
SHAPE = re.compile(r"[+-]?(?:[0-9][0-9.,]*|[.,][0-9]+)")
SPACES = ("\u00a0", "\u202f", " ", "'")  # grouping as Polish, French or Swiss write it


def family(locale):
    """POINT or COMMA: how a locale ("de", "pl_PL", "en-US") writes its decimal mark; None if unknown."""
    try:
        decimal = Locale.parse(str(locale).replace("-", "_")).number_symbols["latn"]["decimal"]
    except (ValueError, TypeError, KeyError, UnknownLocaleError):
        return None
    return COMMA if decimal == "," else POINT


def readings(text):
    """{POINT: Decimal or None, COMMA: Decimal or None}: what the text means written each way."""
    text = str(text or "").strip()
    for space in SPACES:
        text = text.replace(space, "")
    if not SHAPE.fullmatch(text):
        return {POINT: None, COMMA: None}
    out = {}
    for way in (POINT, COMMA):
        try:
            out[way] = parse_decimal(text, locale=way, strict=True)
        except NumberFormatError:
            out[way] = None
    return out


def typed(text, locale=None):
    """A number one person typed, as plain text ("2400.5"), read in their locale when it reads two ways;
    text that is no number comes back as it was (the field's own check refuses it in its words)."""
    found = readings(text)
    meant = _meant(found, family(locale) if locale else None)
    if meant is None:
        if found[POINT] is not None and found[COMMA] is not None:
            raise Invalid("“{value}” reads as {one} or as {other}: write it without a thousands separator.",
                          value=str(text).strip()[:20], one=_plain(found[POINT]), other=_plain(found[COMMA]))
        return str(text or "").strip()
    return _plain(meant)


def _meant(found, way):
    point, comma = found[POINT], found[COMMA]
    if point is None or comma is None or point == comma:
        return point if point is not None else comma
    return found[way] if way else None


def _plain(number):
    text = format(Decimal(number), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def file_format(cells, locale=None):
    """The one number format of a file's cells [(line, text)]: (POINT or COMMA or None, {line: Words}):
    the refusals of cells that contradict the file's format, or read two ways with nothing to decide."""
    first = {}
    for line, text in cells:
        found = readings(text)
        if (found[POINT] is None) != (found[COMMA] is None):
            first.setdefault(POINT if found[POINT] is not None else COMMA, (line, text))
    way = min(first, key=lambda w: first[w][0]) if first else (family(locale) if locale else None)
    refused = {}
    for line, text in cells:
        found = readings(text)
        other = COMMA if way == POINT else POINT
        if way and found[way] is None and found[other] is not None:
            refused[line] = Words("“{value}” is written like {other_way}, but line {line} writes this file's numbers "
                                  "like {way_example}: a file writes its numbers one way.", value=str(text)[:20],
                                  other_way=EXAMPLE[other], line=first[way][0], way_example=EXAMPLE[way])
        elif way is None and _meant(found, None) is None and found[POINT] is not None:
            refused[line] = Words("“{value}” reads as {one} or as {other}, and nothing in the file says which: "
                                  "write it without a thousands separator.", value=str(text)[:20],
                                  one=_plain(found[POINT]), other=_plain(found[COMMA]))
    return way, refused


def in_format(text, way):
    """A file's cell as plain text ("2400.5") in the file's format; a cell that is no number as it was."""
    found = readings(text)
    meant = found[way] if way else _meant(found, None)
    return _plain(meant) if meant is not None else str(text or "").strip()


def read_file_numbers(rows, columns, locale=None):
    """Rewrite the number cells of an import's rows (row.number: its line; row.values) as plain text,
    read in the file's one format. Returns {line: Words} for the cells refused (left as they were)."""
    cells = [(row.number, row.values[c]) for row in rows for c in columns if str(row.values.get(c) or "").strip()]
    way, refused = file_format(cells, locale)
    for row in rows:
        for column in columns:
            if str(row.values.get(column) or "").strip():
                row.values[column] = in_format(row.values[column], way) if row.number not in refused else \
                    _any_reading(row.values[column])
    return refused


def _any_reading(text):
    """A refused row's number read some way, so that its refusal is the one above and not a second one."""
    found = readings(text)
    meant = found[POINT] if found[POINT] is not None else found[COMMA]
    return _plain(meant) if meant is not None else str(text or "").strip()


def day(text, locale=None):
    """A date as written: ISO, else in the locale's way (dots are day first in every locale that writes
    them). None when empty; Invalid with a general sentence the caller may replace."""
    text = str(text or "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10]) if re.fullmatch(r"\d{4}-\d\d-\d\d", text[:10]) else \
            parse_date(text, locale=locale if locale and "." not in text else COMMA if "." in text else POINT)
    except (ValueError, IndexError, UnknownLocaleError):
        raise Invalid("“{value}” is not a date.", value=text[:20]) from None


def moment(text, locale=None):
    """A date with an optional time (2025-12-31 14:00, 31.12.2025 14:00, 2025-12-31T14:00) as a naive
    datetime; None when empty."""
    text = str(text or "").strip()
    if not text:
        return None
    date_text, _, time_text = text.replace("T", " ", 1).partition(" ")
    when = day(date_text, locale)
    try:
        at = datetime.time.fromisoformat(time_text.strip()) if time_text.strip() else datetime.time()
    except ValueError:
        raise Invalid("“{value}” is not a date.", value=text[:20]) from None
    return datetime.datetime.combine(when, at)
