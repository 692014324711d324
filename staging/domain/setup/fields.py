"""Reading one field of master data as a page, an import row or the API gives it: text in,
a clean value out, or Invalid in words the person who typed it understands."""
import datetime

from .. import readings
from ..errors import Invalid
from ..words import joined

YES = ("1", "yes", "y", "true", "x", "on", "ja")
NO = ("0", "no", "n", "false", "off", "nein")


def text(values, name, label, *, required=False, max_length=120, default=""):
    value = " ".join(str(values.get(name) or "").split())
    if not value:
        if required:
            raise Invalid("{field} is missing.", field=label)
        return default
    if len(value) > max_length or not value.isprintable():
        raise Invalid("{field} is at most {max_length} printable characters.", field=label, max_length=max_length)
    return value


def flag(values, name, label, default):
    value = str(values.get(name) or "").strip().lower()
    if not value:
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    raise Invalid("{field} is yes or no, not “{value}”.", field=label, value=value[:20])


def whole(values, name, label, *, minimum=0):
    """A whole number, or None when the field is empty."""
    value = str(values.get(name) if values.get(name) is not None else "").strip()
    if not value:
        return None
    try:  # "2,0" and "2.0" (a spreadsheet's float) are 2; "1.000" reads two ways and is refused
        number = readings.typed(value)
    except Invalid as err:
        raise Invalid("{field}: {why}", field=label, why=err.words) from None
    if not number.isdigit() or int(number) < minimum:
        raise Invalid("{field} must be a whole number of at least {minimum}, not “{value}”.", field=label,
                      minimum=minimum, value=value[:20])
    if int(number) > 10**9:
        raise Invalid("{field} {value} is too large.", field=label, value=value[:20])
    return int(number)


def date(values, name, label):
    """A date as YYYY-MM-DD (a spreadsheet's date cell arrives as one) or the reader's way, or None."""
    value = values.get(name)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    value = str(value or "").strip()
    if not value:
        return None
    try:
        return readings.day(value)  # 2025-03-31, or as the reader writes it: 31.03.2025
    except Invalid:
        raise Invalid("{field} must be a date like 2025-03-31, not “{value}”.", field=label, value=value[:20]) from None


class Refused(Invalid):
    """Some fields of one form or import row are not valid: `fields` says why, each by its field name,
    so a page marks every one at once. Nothing was saved. The sentence (an import's line, the API)
    says them all, one after another."""

    def __init__(self, message, fields):
        super().__init__(message)
        self.fields = fields

    @classmethod
    def of(cls, problems):
        """Refused for `problems` (field name -> Words), its sentence theirs one after another."""
        said = list(problems.values())
        return cls(said[0] if len(said) == 1 else joined(*said), problems)


class Form:
    """Reads the fields of one form and keeps going past a refusal, so the person who typed them
    learns everything that is wrong at once, not one thing per attempt."""

    def __init__(self):
        self.problems = {}

    def read(self, name, reader, *args, **kwargs):
        """reader(*args, **kwargs), or None with the refusal kept under `name` (the first one wins)."""
        try:
            return reader(*args, **kwargs)
        except Refused as err:
            for field, words in err.fields.items():
                self.problems.setdefault(field, words)
        except Invalid as err:
            self.problems.setdefault(name, err.words)
        return None

    def refuse(self, name, words):
        self.problems.setdefault(name, words)

    def check(self):
        """Raise Refused when any field was refused."""
        if self.problems:
            raise Refused.of(dict(self.problems))
