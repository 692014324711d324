"""Numbers and dates as people write them, read with Babel in their locale.

A file's numbers are read in one format for the whole file: `2.400,5` can only be German-style
(comma decimal), `2,400.5` or `2400.5` only English-style, so one such value decides for the file.
Without one, the importing person's (or the plant's) locale decides; a value that reads two ways
(`1.200`: 1.2 or 1200) with nothing to decide is refused with its line. Dates: ISO (2025-01-15)
always, else the locale's way (15.01.2025, 1/15/2025)."""
import datetime
import functools
import re
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import parse_date
from babel.numbers import NumberFormatError, parse_decimal

from .errors import Invalid
from .words import Words

POINT, COMMA = "en", "de"  # the two ways: 2,400.5 and 2.400,5 (Babel reads each in this locale)
LOCALES = {POINT: Locale.parse(POINT), COMMA: Locale.parse(COMMA)}
EXAMPLE = {POINT: "2,400.5", COMMA: "2.400,5"}
# What a number may look like before Babel reads it: digits, the two marks, a sign. Babel alone would
# also take 1e3, 1_000 and other scripts' digits, and store what nobody meant.
SHAPE = re.compile(r"[+-]?(?:[0-9][0-9.,]*|[.,][0-9]+)")
WHOLE = re.compile(r"[+-]?[0-9]+")
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
    if len(text) > 40:  # no quantity is that long: refused by the field's own check, unread
        return {POINT: None, COMMA: None}
    if WHOLE.fullmatch(text):  # most cells of most files: the same either way, without asking Babel
        return {POINT: Decimal(text), COMMA: Decimal(text)}
    if not SHAPE.fullmatch(text):
        return {POINT: None, COMMA: None}
    return dict(zip((POINT, COMMA), _babel(text)))


@functools.lru_cache(maxsize=4096)  # a file repeats its quantities; Babel's strict reading costs ~50 µs
def _babel(text):
    out = []
    for way in (POINT, COMMA):
        try:
            out.append(parse_decimal(text, locale=LOCALES[way], strict=True))
        except (NumberFormatError, ArithmeticError):
            out.append(None)
    return tuple(out)


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
    return _format([(line, text, readings(text)) for line, text in cells], locale)


def _format(cells, locale):
    first = {}
    for line, text, found in cells:
        if (found[POINT] is None) != (found[COMMA] is None):
            first.setdefault(POINT if found[POINT] is not None else COMMA, (line, text))
    way = min(first, key=lambda w: first[w][0]) if first else (family(locale) if locale else None)
    other = COMMA if way == POINT else POINT
    refused = {}
    for line, text, found in cells:
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
    return _in_format(text, readings(text), way)


def _in_format(text, found, way):
    meant = found[way] if way else _meant(found, None)
    return _plain(meant) if meant is not None else str(text or "").strip()


def read_file_numbers(rows, columns, locale=None):
    """Rewrite the number cells of an import's rows (row.number: its line; row.values) as plain text,
    read in the file's one format. Returns {line: Words} for the cells refused. Each cell is read once."""
    cells = [(row, column, row.values[column]) for row in rows for column in columns
             if str(row.values.get(column) or "").strip()]
    read = [(row.number, text, readings(text)) for row, _, text in cells]
    way, refused = _format(read, locale)
    for (row, column, text), (_, _, found) in zip(cells, read):
        if row.number in refused:  # read some way, so that its refusal is the one above, not a second one
            row.values[column] = _in_format(text, found, POINT if found[POINT] is not None else COMMA)
        else:
            row.values[column] = _in_format(text, found, way)
    return refused


def day(text, locale=None):
    """A date as written: ISO, else in the locale's way (dots are day first in every locale that writes
    them). None when empty; Invalid with a general sentence the caller may replace."""
    text = str(text or "").strip()
    if not text:
        return None
    try:
        when = datetime.date.fromisoformat(text[:10]) if re.fullmatch(r"\d{4}-\d\d-\d\d", text[:10]) else \
            parse_date(text, locale=locale if locale and "." not in text else COMMA if "." in text else POINT)
    except (ValueError, IndexError, UnknownLocaleError):
        when = None
    if when is None or not 1900 <= when.year <= 2999:  # 1/2/3 is no date anyone meant
        raise Invalid("“{value}” is not a date.", value=text[:20])
    return when


def moment(text, locale=None):
    """A date with an optional time (2025-12-31 14:00, 31.12.2025 14:00, 2025-12-31T14:00) as a naive
    datetime; None when empty."""
    text = str(text or "").strip()
    if not text:
        return None
    date_text, _, time_text = text.replace("T", " ", 1).partition(" ")
    when = day(date_text, locale)
    time_text = time_text.strip()
    if re.fullmatch(r"\d:\d\d(:\d\d)?", time_text):  # 6:00 as people write it
        time_text = "0" + time_text
    try:
        at = datetime.time.fromisoformat(time_text) if time_text else datetime.time()
    except ValueError:
        raise Invalid("“{value}” is not a date.", value=text[:20]) from None
    return datetime.datetime.combine(when, at)
